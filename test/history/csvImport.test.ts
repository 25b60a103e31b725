import { afterEach, describe, expect, it } from 'vitest';
import { readCandleCsv } from '../../src/history/csv/readCandleCsv.ts';
import { detectTimestampFormat, parseTimestamp } from '../../src/history/csv/timestamps.ts';
import { openHistoryStore } from '../../src/history/store.ts';
import { importCommand, type Io } from '../../src/history/commands.ts';
import { columnsEqual, csvLines, HOUR, syntheticCandles, T0, tempDir, writeCsv } from './support.ts';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), writeErr: (t) => err.push(t), tty: false, now: () => 0 };
  return { io, out, err };
}

describe('CSV timestamps (always UTC)', () => {
  const original = process.env.TZ;
  afterEach(() => {
    // Assigning undefined would store the string "undefined".
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it('reads epoch ms, epoch s, ISO-8601 and YYYY-MM-DD HH:MM:SS as the same instant', () => {
    const t = Date.UTC(2022, 6, 1, 13, 0, 0);
    const cases: Array<[string, string]> = [
      [String(t), 'epoch-ms'],
      [String(t / 1000), 'epoch-s'],
      [`${t / 1000}.0`, 'epoch-s'],
      ['2022-07-01T13:00:00Z', 'datetime'],
      ['2022-07-01T13:00:00.000Z', 'datetime'],
      ['2022-07-01T13:00:00', 'datetime'],
      ['2022-07-01 13:00:00', 'datetime'],
      ['2022-07-01 13:00', 'datetime'],
      ['2022-07-01T15:00:00+02:00', 'datetime'],
      ['2022-07-01T08:00:00-0500', 'datetime'],
      ['2022-07-01 13:00:00+00:00', 'datetime'],
    ];
    for (const [value, format] of cases) {
      expect(detectTimestampFormat(value), value).toBe(format);
      expect(parseTimestamp(value, format as 'datetime'), value).toEqual({ ok: true, ms: t });
    }
    expect(parseTimestamp('2022-07-01', 'datetime')).toEqual({ ok: true, ms: Date.UTC(2022, 6, 1) });
  });

  it('never uses the machine zone for times without one', () => {
    process.env.TZ = 'America/New_York';
    expect(parseTimestamp('2022-07-01 00:00:00', 'datetime')).toEqual({ ok: true, ms: Date.UTC(2022, 6, 1) });
    expect(parseTimestamp('2022-07-01T00:00:00', 'datetime')).toEqual({ ok: true, ms: Date.UTC(2022, 6, 1) });
  });

  it('rejects impossible dates, other formats than the first row, and garbage', () => {
    expect(parseTimestamp('2022-02-30 00:00:00', 'datetime').ok).toBe(false);
    expect(parseTimestamp('2022-13-01 00:00:00', 'datetime').ok).toBe(false);
    expect(parseTimestamp('2022-07-01 24:00:00', 'datetime').ok).toBe(false);
    expect(parseTimestamp('1656633600', 'epoch-ms')).toEqual({ ok: false, reason: "is epoch-s, but the file's first row is epoch-ms" });
    expect(parseTimestamp('2022-07-01', 'epoch-s').ok).toBe(false);
    expect(parseTimestamp('07/01/2022', 'datetime').ok).toBe(false);
    expect(parseTimestamp('', 'datetime')).toEqual({ ok: false, reason: 'is empty' });
  });
});

describe('readCandleCsv', () => {
  const candles = syntheticCandles(48, { interval: '60' });

  it('imports every timestamp format to identical candles', async () => {
    const dir = tempDir();
    const formats: Array<[string, (t: number) => string]> = [
      ['ms', (t) => String(t)],
      ['s', (t) => String(t / 1000)],
      ['iso', (t) => new Date(t).toISOString()],
      ['sql', (t) => new Date(t).toISOString().replace('T', ' ').slice(0, 19)],
    ];
    for (const [name, time] of formats) {
      const path = writeCsv(dir, `${name}.csv`, csvLines(candles, 'timestamp,open,high,low,close,volume,turnover', time));
      const r = await readCandleCsv(path, 'BTCUSDT', '60');
      expect(r.badRows, name).toBe(0);
      expect(r.rows).toBe(48);
      expect(columnsEqual(r.candles, candles), name).toBe(true);
    }
  });

  it('finds columns by name, case-insensitively, in any order, with open_time / start / time, extra columns and a BOM', async () => {
    const dir = tempDir();
    const lines = ['\uFEFFClose,VOLUME,Open_Time,Low,trades,High,OPEN'];
    for (let i = 0; i < 3; i++) lines.push([candles.close[i], candles.volume[i], candles.start[i], candles.low[i], 17, candles.high[i], candles.open[i]].join(','));
    const r = await readCandleCsv(writeCsv(dir, 'x.csv', lines), 'BTCUSDT', '60');
    expect(r.badRows).toBe(0);
    expect(r.columns).toEqual({ time: 'Open_Time', format: 'epoch-ms', turnover: false });
    expect([...r.candles.close]).toEqual([...candles.close.subarray(0, 3)]);
    expect(r.candles.turnover.every(Number.isNaN)).toBe(true);

    for (const header of ['start', 'Time', 'TIMESTAMP']) {
      const r2 = await readCandleCsv(writeCsv(dir, `${header}.csv`, csvLines(syntheticCandles(2), `${header},Open,High,Low,Close,Volume`)), 'BTCUSDT', '60');
      expect(r2.columns.time).toBe(header);
      expect(r2.candles.length).toBe(2);
    }
  });

  it('handles quoted fields and CRLF line ends', async () => {
    const dir = tempDir();
    const path = writeCsv(dir, 'q.csv', ['"timestamp","open","high","low","close","volume"\r', `"${T0}","100.5","101","100","100.5","3"\r`]);
    const r = await readCandleCsv(path, 'BTCUSDT', '60');
    expect(r.badRows).toBe(0);
    expect([...r.candles.open]).toEqual([100.5]);
  });

  it('reports every bad row with its line number, field and value', async () => {
    const dir = tempDir();
    const lines = csvLines(syntheticCandles(12));
    lines[2] = `${T0 + HOUR},abc,1,1,1,1`; // line 3
    lines[4] = `${T0 + 3 * HOUR + 60_000},100,101,99,100,1`; // line 5: off the hourly grid
    lines[6] = `${T0 + 5 * HOUR},100,99,98,100,1`; // line 7: high below close
    lines[7] = `${T0 + 6 * HOUR},100,101,100.5,100,1`; // line 8: low above close
    lines[8] = `${T0 + 7 * HOUR},100,101,99,100,-1`; // line 9: negative volume
    lines[9] = `${T0 + 8 * HOUR},100,101,99,100`; // line 10: a field missing
    lines[10] = `2024-01-01 10:00:00,100,101,99,100,1`; // line 11: not the first row's format
    lines[11] = `${T0 + 10 * HOUR},0,101,0,100,1`; // line 12: zero price
    lines[12] = `${T0 + 2 * HOUR},100,101,99,100,1`; // line 13: repeats line 4's time
    const r = await readCandleCsv(writeCsv(dir, 'bad.csv', lines), 'BTCUSDT', '60');
    expect(r.rows).toBe(12);
    expect(r.bad.map((b) => [b.line, b.field])).toEqual([
      [3, 'open'],
      [5, 'timestamp'],
      [7, 'high'],
      [8, 'low'],
      [9, 'volume'],
      [10, 'row'],
      [11, 'timestamp'],
      [12, 'open'],
      [13, 'timestamp'],
    ]);
    expect(r.bad[0]).toEqual({ line: 3, field: 'open', value: 'abc', reason: 'is not a positive number' });
    expect(r.bad[1]!.reason).toContain('not on the 60-minute grid');
    expect(r.bad[8]!.reason).toBe('repeats the open time of line 4');
    expect(r.candles.length).toBe(3);
  });

  it('rejects a file without the required columns, naming them', async () => {
    const dir = tempDir();
    await expect(readCandleCsv(writeCsv(dir, 'h.csv', ['date,open,high,low,close', '1,2,3,4,5']), 'BTCUSDT', '60')).rejects.toThrow(/no a time column \(timestamp, open_time, start, time\), no volume/);
    await expect(readCandleCsv(writeCsv(dir, 'e.csv', []), 'BTCUSDT', '60')).rejects.toThrow(/empty/);
    await expect(readCandleCsv(`${dir}/missing.csv`, 'BTCUSDT', '60')).rejects.toThrow(/no such file/);
  });
});

describe('data import', () => {
  it('imports nothing when a row is bad, and the good rows with --skip-bad-rows', async () => {
    const dir = tempDir();
    const store = openHistoryStore(`${dir}/history`);
    const lines = csvLines(syntheticCandles(10));
    lines[5] = `${T0 + 4 * HOUR},1,2,3,4,5`;
    const file = writeCsv(dir, 'b.csv', lines);
    const args = { file, symbol: 'BTCUSDT', interval: '60' as const, 'skip-bad-rows': false, help: false };
    const run = captureIo();
    expect(await importCommand(store, args, run.io)).toBe(1);
    expect(run.err).toContain('b.csv line 6: high: "2" is below max(open, close) = 4');
    expect(run.err.at(-1)).toContain('nothing imported: 1 bad row(s)');
    expect(store.list()).toEqual([]);

    const skip = captureIo();
    expect(await importCommand(store, { ...args, 'skip-bad-rows': true }, skip.io)).toBe(0);
    expect(skip.out[0]).toContain('9 new, 0 changed, 0 unchanged, 1 bad row(s) skipped');
    expect(store.list()[0]).toMatchObject({ symbol: 'BTCUSDT', interval: '60', rows: 9, gaps: 1, sources: ['csv:b.csv'] });
  });

  it('is idempotent, merges overlaps by open time, and the newest import wins a conflict', async () => {
    const dir = tempDir();
    const store = openHistoryStore(`${dir}/history`);
    const all = syntheticCandles(30);
    const run = (name: string, lines: string[]) => importCommand(store, { file: writeCsv(dir, name, lines), symbol: 'BTCUSDT', interval: '60', 'skip-bad-rows': false, help: false }, captureIo().io);
    const first = csvLines(all).slice(0, 21); // header + 20 rows
    expect(await run('a.csv', first)).toBe(0);
    const sha = store.list()[0]!.sha256;

    const again = captureIo();
    await importCommand(store, { file: writeCsv(dir, 'a.csv', first), symbol: 'BTCUSDT', interval: '60', 'skip-bad-rows': false, help: false }, again.io);
    expect(again.out[0]).toContain('0 new, 0 changed, 20 unchanged');
    expect(store.list()[0]!.sha256).toBe(sha);

    // Rows 10..29, with row 15 corrected: 10 new, 1 changed, 9 unchanged.
    const second = [csvLines(all)[0]!, ...csvLines(all).slice(11)];
    const fixed = second[6]!.split(',');
    fixed[4] = String(Number(fixed[4]) + 0.1);
    fixed[2] = String(Math.max(Number(fixed[2]), Number(fixed[4])));
    second[6] = fixed.join(',');
    const overlap = captureIo();
    await importCommand(store, { file: writeCsv(dir, 'b.csv', second), symbol: 'BTCUSDT', interval: '60', 'skip-bad-rows': false, help: false }, overlap.io);
    expect(overlap.out[0]).toContain('10 new, 1 changed, 9 unchanged');
    const stored = store.loadCandles('BTCUSDT', '60');
    expect(stored.length).toBe(30);
    expect(stored.close[15]).toBe(Number(fixed[4]));
    expect(stored.close[14]).toBe(all.close[14]);
    expect(store.list()[0]!.sources).toEqual(['csv:a.csv', 'csv:b.csv']);
  });
});
