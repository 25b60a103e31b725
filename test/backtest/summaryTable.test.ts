import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/backtest/metrics.ts';
import { formatDuration, formatSummary, printSummary, writeJson } from '../../src/backtest/summaryTable.ts';
import { OutputFileError } from '../../src/backtest/outputFile.ts';
import { writeHtmlReport } from '../../src/backtest/report/writeHtmlReport.ts';
import { DAY, HOUR, T0, run } from '../support/backtestRun.ts';
import { handRun } from './handRun.ts';

describe('backtest summary table', () => {
  const results = summarize(handRun);
  const text = formatSummary(results);
  const lines = text.split('\n');
  const rowOf = (start: string) => lines.find((l) => l.startsWith(start))!.split(/\s{2,}/);

  it('one fixed-width row per preset x symbol and one for the portfolio', () => {
    const header = lines.findIndex((l) => l.startsWith('preset'));
    const tableLines = lines.slice(header, header + 6);
    expect(tableLines).toHaveLength(6); // header, rule, p1, p2, rule, portfolio
    expect(new Set(tableLines.map((l) => l.length)).size).toBe(1);
    expect(rowOf('preset')).toEqual(['preset', 'strategy', 'symbol', 'trades', 'win%', 'net PnL', 'return%', 'fees', 'funding', 'PF', 'exp R', 'Sharpe', 'Sortino', 'maxDD%', 'DD time', 'expo%', 'pauses', 'halts']);
    expect(rowOf('p1 ')).toEqual(['p1', 'range', 'BTCUSDT', '2', '50.0', '-13.00', '-1.30', '4.00', '-1.00', '0.68', '-0.32', '-2.46', '-3.58', '3.89', '2d 18h', '16.7', '1', '0']);
    // All wins: no profit factor, no Sortino: '-'.
    expect(rowOf('p2 ')).toEqual(['p2', 'multiTimeframe', 'ETHUSDT', '2', '100.0', '33.00', '3.30', '2.00', '0.00', '-', '1.20', '17.33', '-', '0.00', '0', '25.0', '1', '1']);
    expect(rowOf('PORTFOLIO').slice(1)).toEqual(['4', '75.0', '20.00', '2.00', '6.00', '-1.00', '1.50', '0.44', '6.06', '14.39', '7.62', '2d 20h', '41.7', '1', '1']);
  });

  it('a header with ISO-8601 Z times, the pauses and halts listed, and the speed', () => {
    expect(lines[0]).toBe('Backtest 2024-01-01T00:00:00.000Z -> 2024-01-04T00:00:00.000Z  engine fast  market history');
    expect(text).toContain('Equity 1000.00 -> 1020.00 USDT (net 20.00, 2.00%)');
    expect(text).toContain('Pauses and halts (2):');
    expect(text).toContain('  pause  2024-01-02T10:00:00.000Z -> 2024-01-03T00:00:00.000Z  DAILY_LOSS_LIMIT: daily loss limit (equity 987.00, day start 1027.00)');
    expect(text).toContain('  halt   2024-01-03T12:00:00.000Z -> end of run  STRATEGY_FAILED [p2 on ETHUSDT]: disabled');
    expect(text).toContain('Speed: 216 candles in 4 ms = 54,000 candles/s');
    expect(text).toContain('max drawdown 7.62% lasting 2d 20h');
  });

  it('text from the run cannot break lines or send terminal escapes', () => {
    const nasty = summarize(
      run({
        to: T0 + 2 * DAY,
        pauses: [{ kind: 'halt', from: T0 + HOUR, until: null, reason: 'line one\nline two\u001b[2J', code: 'X', equity: 1, dayStartEquity: 1 }],
        data: [{ symbol: 'BTC\rUSDT', interval: '60', from: T0, to: T0 + DAY, candles: 24, dataIssues: { gap: 2, duplicate: 0 } }],
      }),
    );
    const out = formatSummary(nasty);
    expect(out).not.toMatch(/[\r\u001b]/);
    expect(out).toContain('X: line one line two [2J');
    expect(out).toContain('BTC USDT 60m: 24 candles 2024-01-01T00:00:00.000Z -> 2024-01-02T00:00:00.000Z  data issues: gap 2\n');
    expect(out).toContain('Pauses and halts (1)');
    expect(formatSummary(summarize(run()))).toContain('Pauses and halts: none');
  });

  it('printSummary writes the same text to the stream it is given', () => {
    let written = '';
    printSummary(results, { write: (t: string) => (written += t) });
    expect(written).toBe(text);
  });

  it('durations', () => {
    expect([0, 30 * 60_000, 5 * HOUR, 5.5 * HOUR, 3 * DAY + 4 * HOUR].map(formatDuration)).toEqual(['0', '30m', '5h', '5h 30m', '3d 4h']);
  });
});

describe('--json writer', () => {
  it('writes the results as JSON into a new directory, atomically, and they read back equal', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bybot-json-')), 'out', 'nested');
    const results = summarize(handRun);
    const { path, bytes } = writeJson(results, join(dir, 'r.json'));
    const text = readFileSync(path, 'utf8');
    expect(Buffer.byteLength(text)).toBe(bytes);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(results)));
    expect(JSON.parse(text).schema).toBe('bybot.backtest.v1');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });
});

describe('result files that cannot be written', () => {
  it('--json and --report under a regular file: a typed error naming the option and the path, nothing left behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-json-'));
    writeFileSync(join(dir, 'plain'), 'x');
    const results = summarize(handRun);
    for (const [write, what] of [
      [() => writeJson(results, join(dir, 'plain', 'r.json')), '--json'],
      [() => writeHtmlReport(results, [], join(dir, 'plain', 'r.html')), '--report'],
    ] as const) {
      let caught: unknown;
      try {
        write();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(OutputFileError);
      expect((caught as OutputFileError).code).toBe('OUTPUT_FAILED');
      expect((caught as OutputFileError).message).toMatch(new RegExp(`^${what}: cannot write .*plain/r\\.(json|html) \\(E[A-Z]+\\)$`));
    }
    // A directory in the way of the file itself.
    expect(() => writeJson(results, dir)).toThrow(/--json: cannot write .* \(E[A-Z]+\)/);
    expect(readdirSync(dir)).toEqual(['plain']);
  });
});
