import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import * as zstd from 'zstd-napi';
import { describe, expect, it } from 'vitest';
import { decodeCandles, encodeCandles } from '../../src/history/arrowFile.ts';
import { commit, recoverCommit } from '../../src/history/commit.ts';
import { HistoryError } from '../../src/history/errors.ts';
import { openHistoryStore } from '../../src/history/store.ts';
import { resolveHistoryDir } from '../../src/history/paths.ts';
import { columnsEqual, HOUR, syntheticCandles, T0, tempDir } from './support.ts';

// The CommonJS build, which src/history/arrowFile.ts loads (lazyPackage) and whose codec
// registry holds its zstd codec; the package's ESM build is a second copy without it.
const { DataType, MessageHeader, MessageReader, tableFromIPC, TimeUnit } = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');

const instrument = {
  symbol: 'BTCUSDT',
  status: 'Trading' as const,
  baseCoin: 'BTC',
  quoteCoin: 'USDT',
  tickSize: 0.1,
  minPrice: 0.1,
  maxPrice: 1_999_999.8,
  qtyStep: 0.001,
  minOrderQty: 0.001,
  maxOrderQty: 1190,
  maxMktOrderQty: 119,
  minNotional: 5,
  minLeverage: 1,
  maxLeverage: 100,
  leverageStep: 0.01,
};

describe('history store', () => {
  it('round-trips candles, funding and the instrument exactly', () => {
    const store = openHistoryStore(tempDir());
    const candles = syntheticCandles(500, { interval: '15' });
    const report = store.writeCandles('BTCUSDT', '15', candles, 'test:synthetic');
    expect(report).toEqual({ added: 500, changed: 0, unchanged: 0, rows: 500, from: T0, to: T0 + 499 * 15 * 60_000, gaps: 0 });
    const loaded = store.loadCandles('BTCUSDT', '15');
    expect(loaded.symbol).toBe('BTCUSDT');
    expect(loaded.interval).toBe('15');
    expect(columnsEqual(loaded, candles)).toBe(true);
    for (const col of [loaded.start, loaded.open, loaded.turnover]) expect(col).toBeInstanceOf(Float64Array);

    const funding = { symbol: 'BTCUSDT', length: 3, time: Float64Array.of(T0, T0 + 8 * HOUR, T0 + 16 * HOUR), rate: Float64Array.of(0.0001, -0.00025, 0.0001) };
    store.writeFunding('BTCUSDT', funding, 'test:synthetic');
    expect(store.loadFunding('BTCUSDT')).toEqual(funding);
    expect(store.loadFunding('BTCUSDT', { from: T0 + HOUR })!.time).toEqual(Float64Array.of(T0 + 8 * HOUR, T0 + 16 * HOUR));
    expect(store.loadFunding('ETHUSDT')).toBeNull();

    store.writeInstrument('BTCUSDT', instrument, 'test:synthetic');
    expect(store.loadInstrument('BTCUSDT')).toEqual(instrument);
    expect(store.loadInstrument('ETHUSDT')).toBeNull();

    expect(store.list()).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', interval: '15', rows: 500, gaps: 0, sources: ['test:synthetic'] })]);
    expect(store.listFunding()).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', rows: 3, from: T0, to: T0 + 16 * HOUR })]);
  });

  it('loads an inclusive range of open times, and says what is stored when the range is empty', () => {
    const store = openHistoryStore(tempDir());
    store.writeCandles('ETHUSDT', '60', syntheticCandles(100, { symbol: 'ETHUSDT' }), 'test');
    const part = store.loadCandles('ETHUSDT', '60', { from: T0 + 10 * HOUR, to: T0 + 19 * HOUR });
    expect(part.length).toBe(10);
    expect(part.start[0]).toBe(T0 + 10 * HOUR);
    expect(part.start[9]).toBe(T0 + 19 * HOUR);
    // Off-grid bounds: candles whose open time lies inside.
    expect(store.loadCandles('ETHUSDT', '60', { from: T0 + 10 * HOUR + 1, to: T0 + 12 * HOUR - 1 }).length).toBe(1);
    expect(store.loadCandles('ETHUSDT', '60', { to: T0 + 4 * HOUR }).length).toBe(5);
    // Most of the series: views into the decoded buffers; a small part: an own copy.
    const big = store.loadCandles('ETHUSDT', '60', { from: T0 + 10 * HOUR });
    expect(big.close.buffer.byteLength).toBeGreaterThan(big.close.byteLength);
    expect(part.close.buffer.byteLength).toBe(part.close.byteLength);

    const missing = (() => {
      try {
        store.loadCandles('ETHUSDT', '60', { from: T0 + 1000 * HOUR });
      } catch (error) {
        return error;
      }
    })();
    expect(missing).toBeInstanceOf(HistoryError);
    expect((missing as HistoryError).code).toBe('HISTORY_NOT_FOUND');
    expect((missing as HistoryError).message).toContain('stored: 2024-01-01T00:00:00.000Z .. 2024-01-05T03:00:00.000Z');
    expect(() => store.loadCandles('ETHUSDT', '5')).toThrow(/no ETHUSDT 5 candles stored/);
    expect(() => store.loadCandles('XRPUSDT', '60')).toThrow(HistoryError);
    expect(() => store.loadCandles('../etc', '60')).toThrow(/upper-case letters and digits/);
  });

  it('refuses rows off the interval grid or out of order', () => {
    const store = openHistoryStore(tempDir());
    const c = syntheticCandles(3);
    expect(() => store.writeCandles('BTCUSDT', '60', { ...c, start: Float64Array.of(T0, T0 + 60_000, T0 + 2 * HOUR) }, 'x')).toThrow(/off the 60-minute grid/);
    expect(() => store.writeCandles('BTCUSDT', '60', { ...c, start: Float64Array.of(T0, T0 + 2 * HOUR, T0 + HOUR) }, 'x')).toThrow(/not after the previous/);
    expect(store.list()).toEqual([]);
  });

  it('writes a standard Arrow IPC file: timestamp[ms, UTC] + float64 columns, ZSTD with the uncompressed length in each buffer prefix', () => {
    const candles = syntheticCandles(2000);
    const bytes = encodeCandles(candles);
    expect(Buffer.from(bytes.subarray(0, 6)).toString()).toBe('ARROW1');
    const table = tableFromIPC(bytes);
    const start = table.schema.fields[0]!;
    expect(start.name).toBe('start');
    expect(DataType.isTimestamp(start.type) && start.type.unit === TimeUnit.MILLISECOND && start.type.timezone === 'UTC').toBe(true);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['start', 'open', 'high', 'low', 'close', 'volume', 'turnover']);
    expect(table.schema.metadata.get('bybot.interval')).toBe('60');

    // Every compressed body buffer is [int64 uncompressed length][zstd frame]; the frame must
    // decompress to exactly that many bytes (what pyarrow and polars check).
    // After "ARROW1" and 2 bytes of padding (Arrow JS keeps the schema in the footer only).
    const reader = new MessageReader(bytes.subarray(8));
    const message = reader.readMessage(MessageHeader.RecordBatch)!;
    const body = reader.readMessageBody(message.bodyLength);
    const regions = (message.header() as unknown as { buffers: Array<{ offset: number; length: number }> }).buffers.filter((r) => r.length > 0);
    expect(regions).toHaveLength(7);
    for (const r of regions) {
      const declared = Number(Buffer.from(body.subarray(r.offset, r.offset + 8)).readBigInt64LE(0));
      const frame = body.subarray(r.offset + 8, r.offset + r.length);
      expect(declared).toBe(2000 * 8);
      expect(zstd.decompress(frame).length).toBe(declared);
      expect(frame.length).toBeLessThan(declared);
    }
  });

  it('keeps the last good state when a writer dies mid-commit, and finishes a decided commit', () => {
    const dir = tempDir();
    const store = openHistoryStore(dir);
    const a = syntheticCandles(50);
    store.writeCandles('BTCUSDT', '60', a, 'a');
    const symbolDir = join(dir, 'BTCUSDT');
    const before = readFileSync(join(symbolDir, 'manifest.json'), 'utf8');

    // Killed while writing the new data file (before the commit was decided): rolled back.
    writeFileSync(join(symbolDir, 'candles-60.arrow.tmp'), 'half a file');
    writeFileSync(join(symbolDir, 'commit.pending'), '{"names":["candles-60.ar');
    expect(recoverCommit(symbolDir)).toBe('rolled-back');
    expect(readFileSync(join(symbolDir, 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(symbolDir).sort()).toEqual(['candles-60.arrow', 'manifest.json']);
    expect(columnsEqual(store.loadCandles('BTCUSDT', '60'), a)).toBe(true);

    // Killed after the commit was decided: the next open finishes it.
    const b = syntheticCandles(80, { seed: 9 });
    const bytes = encodeCandles(b);
    const manifest = JSON.parse(before) as { candles: Record<string, Record<string, unknown>> };
    manifest.candles['60'] = { ...manifest.candles['60'], rows: 80, to: b.start[79], sha256: sha(bytes), bytes: bytes.length };
    writeFileSync(join(symbolDir, 'candles-60.arrow.tmp'), bytes);
    writeFileSync(join(symbolDir, 'commit.pending'), JSON.stringify({ names: ['candles-60.arrow'], manifest: JSON.stringify(manifest) }));
    const reopened = openHistoryStore(dir);
    expect(columnsEqual(reopened.loadCandles('BTCUSDT', '60'), b)).toBe(true);
    expect(existsSync(join(symbolDir, 'commit.pending'))).toBe(false);
    expect(reopened.list()[0]!.rows).toBe(80);
  });

  it('lets one writer per symbol at a time: a live other process holding the lock makes writes fail clearly', async () => {
    const dir = tempDir();
    const store = openHistoryStore(dir);
    store.writeCandles('BTCUSDT', '60', syntheticCandles(5), 'a');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'BTCUSDT', 'manifest.json.lock'), `${other.pid}\n`);
      expect(() => store.writeCandles('BTCUSDT', '60', syntheticCandles(6), 'b')).toThrow(/BTCUSDT is being written by another data command \(pid \d+\)/);
      // Reads need no lock.
      expect(store.loadCandles('BTCUSDT', '60').length).toBe(5);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // The holder is gone: its lock is stale and is taken over.
    expect(store.writeCandles('BTCUSDT', '60', syntheticCandles(6), 'b').rows).toBe(6);
  });

  it('commit() replaces files atomically and cleans up its temporaries', () => {
    const dir = tempDir();
    commit(dir, [{ name: 'a.bin', bytes: 'one' }], '{"m":1}');
    commit(dir, [{ name: 'a.bin', bytes: 'two' }], '{"m":2}');
    expect(readFileSync(join(dir, 'a.bin'), 'utf8')).toBe('two');
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe('{"m":2}');
    expect(readdirSync(dir).sort()).toEqual(['a.bin', 'manifest.json']);
  });

  it('decodes what it encodes for a large series, with timestamps beyond 2^32 ms exact', () => {
    const c = syntheticCandles(20_000, { interval: '1', from: Date.UTC(2030, 0, 1) });
    expect(columnsEqual(decodeCandles(encodeCandles(c), 'mem'), c)).toBe(true);
  });

  it('resolves the store directory like the backtest will: --history-dir, else <journal.dataDir>/history', () => {
    expect(resolveHistoryDir({ historyDir: 'h', config: { journal: { dataDir: 'data' } as never }, cwd: '/x' })).toBe('/x/h');
    expect(resolveHistoryDir({ config: { journal: { dataDir: 'data' } as never }, cwd: '/x' })).toBe('/x/data/history');
    expect(resolveHistoryDir({ config: { journal: { dataDir: '/var/bybot' } as never }, cwd: '/x' })).toBe('/var/bybot/history');
  });
});

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
