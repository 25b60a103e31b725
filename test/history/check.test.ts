import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeCandles } from '../../src/history/arrowFile.ts';
import { checkStore } from '../../src/history/check.ts';
import { checkCommand, type Io } from '../../src/history/commands.ts';
import { commit } from '../../src/history/commit.ts';
import { sha256 } from '../../src/history/manifest.ts';
import { openHistoryStore, type FileHistoryStore } from '../../src/history/store.ts';
import type { CandleColumns } from '../../src/history/types.ts';
import { HOUR, syntheticCandles, T0, tempDir } from './support.ts';

const options = { minZeroRun: 3, maxListed: 20 };

function run(store: FileHistoryStore, args: { symbol?: string; interval?: '60' } = {}) {
  const out: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => out.push(l), writeErr: () => undefined, tty: false, now: () => 0 };
  const code = checkCommand(store, { ...args, 'min-zero-run': 3, json: false, help: false }, io);
  return { code, out };
}

/** Replaces a stored series' file with rows the store itself would never write (another tool's file), manifest updated to match. */
function plant(store: FileHistoryStore, c: CandleColumns): void {
  const dir = store.symbolDir(c.symbol);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { candles: Record<string, Record<string, unknown>> };
  const bytes = encodeCandles(c);
  manifest.candles[c.interval] = { ...manifest.candles[c.interval], rows: c.length, from: c.start[0], to: c.start[c.length - 1], sha256: sha256(bytes), bytes: bytes.length };
  commit(dir, [{ name: `candles-${c.interval}.arrow`, bytes }], JSON.stringify(manifest));
}

describe('data check', () => {
  it('is clean (exit 0) on a gapless consistent series', () => {
    const store = openHistoryStore(tempDir());
    store.writeCandles('BTCUSDT', '60', syntheticCandles(12_000), 'test');
    store.writeCandles('SOLUSDT', '60', syntheticCandles(200, { symbol: 'SOLUSDT', turnover: false }), 'csv:sol.csv');
    const { code, out } = run(store);
    expect(code).toBe(0);
    expect(out).toContain(`BTCUSDT candles 60 2024-01-01T00:00:00Z .. ${iso(T0 + 11_999 * HOUR)}, 12000 row(s): ok`);
    expect(out.at(-1)).toMatch(/2 file\(s\) checked .*: clean/);
  });

  it('lists gaps, zero-volume runs and inconsistent rows found by the live validator, and exits 1', () => {
    const store = openHistoryStore(tempDir());
    const c = syntheticCandles(7000);
    // Gaps: 3 candles missing after row 99, 1 missing after row 6000 (across a validator window boundary).
    const keep = Array.from({ length: c.length }, (_, i) => i).filter((i) => !(i >= 100 && i < 103) && i !== 6001);
    const pick = (col: Float64Array) => Float64Array.from(keep, (i) => col[i]!);
    const holed: CandleColumns = { ...c, length: keep.length, start: pick(c.start), open: pick(c.open), high: pick(c.high), low: pick(c.low), close: pick(c.close), volume: pick(c.volume), turnover: pick(c.turnover) };
    for (let i = 200; i < 205; i++) holed.volume[i] = 0; // a run of 5 zero-volume candles
    holed.volume[300] = 0; // a single one: below --min-zero-run
    holed.high[400] = holed.low[400]! - 1; // high below low
    store.writeCandles('BTCUSDT', '60', holed, 'test');

    const [r] = checkStore(store, options);
    const kinds = r!.issues.map((i) => `${i.kind} ${i.detail}`);
    expect(kinds).toContain('GAP 3 candle(s) missing: 2024-01-05T04:00:00Z .. 2024-01-05T06:00:00Z');
    expect(kinds).toContain(`GAP 1 candle(s) missing: ${new Date(T0 + 6001 * HOUR).toISOString().replace('.000Z', 'Z')} .. ${new Date(T0 + 6001 * HOUR).toISOString().replace('.000Z', 'Z')}`);
    expect(kinds.filter((k) => k.startsWith('GAP'))).toHaveLength(2);
    expect(kinds).toContain(`ZERO_VOLUME_RUN 5 zero-volume candles: ${iso(holed.start[200]!)} .. ${iso(holed.start[204]!)}`);
    expect(kinds.filter((k) => k.startsWith('ZERO_VOLUME_RUN'))).toHaveLength(1);
    expect(kinds).toContain('validator validateCandles found OHLC_INCONSISTENT, GAP');
    expect(kinds).toContain(`OHLC_INCONSISTENT candle ${iso(holed.start[400]!)}: open ${holed.open[400]} high ${holed.high[400]} low ${holed.low[400]} close ${holed.close[400]} volume ${holed.volume[400]}`);
    expect(run(store).code).toBe(1);
  });

  it('finds duplicates, disorder and non-finite values in a file the store did not write', () => {
    const store = openHistoryStore(tempDir());
    store.writeCandles('ETHUSDT', '60', syntheticCandles(10, { symbol: 'ETHUSDT' }), 'test');
    const c = syntheticCandles(10, { symbol: 'ETHUSDT' });
    c.start[5] = c.start[4]!; // duplicate
    c.start[8] = T0 + 20 * HOUR; // out of order (after it: row 9 at 9 h)
    c.close[2] = Number.NaN;
    plant(store, c);
    const kinds = checkStore(store, options)[0]!.issues.map((i) => i.kind);
    expect(kinds).toEqual(expect.arrayContaining(['DUPLICATE', 'OUT_OF_ORDER', 'NON_FINITE']));
  });

  it('detects a file changed after it was written (SHA-256 against the manifest)', () => {
    const dir = tempDir();
    const store = openHistoryStore(dir);
    store.writeCandles('BTCUSDT', '60', syntheticCandles(100), 'test');
    expect(run(store).code).toBe(0);
    const file = join(dir, 'BTCUSDT', 'candles-60.arrow');
    const bytes = readFileSync(file);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff; // one flipped byte in the footer
    writeFileSync(file, bytes);
    const { code, out } = run(store);
    expect(code).toBe(1);
    expect(out.some((l) => l.includes('integrity:') && l.includes('was changed after it was written'))).toBe(true);

    // A damaged manifest is reported, not a crash.
    writeFileSync(join(dir, 'BTCUSDT', 'manifest.json'), '{"version": 1, "symbol": "BTCUSDT", "candles": 7}');
    const broken = run(store);
    expect(broken.code).toBe(1);
    expect(broken.out.join('\n')).toMatch(/manifest.json: candles/);
  });

  it('checks one series when asked and says when nothing is stored', () => {
    const store = openHistoryStore(tempDir());
    store.writeCandles('BTCUSDT', '60', syntheticCandles(10), 'test');
    expect(run(store, { symbol: 'BTCUSDT', interval: '60' }).out[0]).toContain('BTCUSDT candles 60');
    expect(run(store, { symbol: 'XRPUSDT' }).out[0]).toBe(`nothing stored for XRPUSDT in ${store.dir}`);
  });
});

function iso(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}
