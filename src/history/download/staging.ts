import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { Interval } from '../../domain/types.ts';
import { CandleColumnsBuilder } from '../columns.ts';
import type { CandleColumns } from '../types.ts';

/**
 * The journal of a download in progress: `<SYMBOL>/download-<I>.partial`, one record per
 * page, appended and fsynced before the page counts as fetched. Killing the download loses
 * at most the page in flight; the next run (or any later write of the series) folds the
 * records into the store. Record layout, little-endian float64 words:
 *   [MAGIC, rows, windowFrom, windowTo, crc32(payload)] then rows x [start, o, h, l, c, v, t]
 * A record cut short by the kill, or whose checksum does not match, ends the journal there.
 */
const MAGIC = 0x6279_6273; // "byds"
const HEADER = 5;
const WIDTH = 7;

export const stagingFileName = (interval: Interval): string => `download-${interval}.partial`;

export interface StagedPages {
  readonly candles: CandleColumns;
  /** Windows [from, to] of candle open times the pages fully covered (empty ones included). */
  readonly windows: Array<[number, number]>;
  readonly pages: number;
}

export class StagingWriter {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  /** Appends one page (rows oldest first) and makes it durable. */
  append(window: readonly [number, number], rows: CandleColumns): void {
    const payload = new Float64Array(rows.length * WIDTH);
    for (let i = 0; i < rows.length; i++) {
      const o = i * WIDTH;
      payload[o] = rows.start[i]!;
      payload[o + 1] = rows.open[i]!;
      payload[o + 2] = rows.high[i]!;
      payload[o + 3] = rows.low[i]!;
      payload[o + 4] = rows.close[i]!;
      payload[o + 5] = rows.volume[i]!;
      payload[o + 6] = rows.turnover[i]!;
    }
    const bytes = new Uint8Array(payload.buffer);
    const header = Float64Array.of(MAGIC, rows.length, window[0], window[1], crc32(bytes));
    writeSync(this.fd, new Uint8Array(header.buffer));
    writeSync(this.fd, bytes);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Reads the complete records of a staging file (null when there is none). */
export function readStaging(path: string, symbol: string, interval: Interval): StagedPages | null {
  if (!existsSync(path)) return null;
  const raw = readFileSync(path);
  const words = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + Math.floor(raw.length / 8) * 8));
  const builder = new CandleColumnsBuilder();
  const windows: Array<[number, number]> = [];
  let pages = 0;
  let at = 0;
  while (at + HEADER <= words.length && words[at] === MAGIC) {
    const rows = words[at + 1]!;
    const end = at + HEADER + rows * WIDTH;
    if (!Number.isInteger(rows) || rows < 0 || end > words.length) break;
    const payload = words.subarray(at + HEADER, end);
    if (crc32(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)) !== words[at + 4]) break;
    for (let i = 0; i < rows; i++) {
      const o = i * WIDTH;
      builder.push(payload[o]!, payload[o + 1]!, payload[o + 2]!, payload[o + 3]!, payload[o + 4]!, payload[o + 5]!, payload[o + 6]!);
    }
    windows.push([words[at + 2]!, words[at + 3]!]);
    pages++;
    at = end;
  }
  return { candles: builder.build(symbol, interval), windows, pages };
}

export function removeStaging(path: string): void {
  rmSync(path, { force: true });
}
