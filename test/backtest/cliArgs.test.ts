import { describe, expect, it } from 'vitest';
import { parseBacktestArgs } from '../../src/backtest/cliArgs.ts';

const ok = (argv: string[]) => {
  const r = parseBacktestArgs(argv);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.args;
};
const problems = (argv: string[]) => {
  const r = parseBacktestArgs(argv);
  return r.ok ? [] : r.problems;
};

describe('npm run backtest arguments', () => {
  it('reads a history run', () => {
    expect(ok(['--data', 'BTCUSDT:60,ETHUSDT:60', '--from', '2023-01-01T00:00:00Z', '--to=2023-07-01T00:00:00Z', '--engine', 'actors', '--json', 'r.json', '--history-dir', 'h'])).toEqual({
      help: false,
      market: 'history',
      engine: 'actors',
      data: [
        { symbol: 'BTCUSDT', interval: '60' },
        { symbol: 'ETHUSDT', interval: '60' },
      ],
      from: Date.UTC(2023, 0, 1),
      to: Date.UTC(2023, 6, 1),
      json: 'r.json',
      historyDir: 'h',
    });
  });

  it('defaults to the synthetic market without --data, and keeps the older --start/--out names', () => {
    expect(ok(['--hours', '72', '--seed', '7', '--start', '2026-02-01T00:00:00Z', '--out', 'x.json'])).toMatchObject({ market: 'synthetic', engine: 'fast', hours: 72, seed: 7, from: Date.UTC(2026, 1, 1), json: 'x.json' });
    expect(ok(['--help'])).toMatchObject({ help: true });
  });

  it('reports every problem on its own line', () => {
    expect(problems(['--data', 'btc:60,ETHUSDT:7', '--engine', 'slow', '--bogus', '1', 'stray', '--from', 'yesterday'])).toEqual([
      'stray: unexpected argument (try --help)',
      '--bogus: unknown option (try --help)',
      '--data: "btc:60": symbol must be an upper-case USDT perpetual such as BTCUSDT',
      '--data: "ETHUSDT:7": interval must be one of 1, 3, 5, 15, 30, 60, 120, 240, 360, 720 (minutes)',
      '--engine: "slow" must be one of fast, actors',
      '--from: "yesterday" is not an ISO-8601 time such as 2023-01-01T00:00:00Z',
      '--to: required with the history market',
    ]);
    expect(problems(['--market', 'synthetic', '--hours', '0', '--to', '2026-01-01T00:00:00Z'])).toEqual(['--hours: "0" must be a number of hours above 0 and at most 43920', '--hours: give --to or --hours, not both']);
    expect(problems(['--data', 'BTCUSDT:60', '--from', '2023-02-01T00:00:00Z', '--to', '2023-01-01T00:00:00Z', '--seed', '3'])).toEqual(['--seed: only for --market synthetic', '--to: must be after --from']);
  });
});
