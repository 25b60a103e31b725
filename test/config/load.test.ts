import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actorIds, defaultConfig, loadConfig } from '../../config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'bybot-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const problemsOf = (result: ReturnType<typeof loadConfig>): readonly string[] => (result.ok ? [] : result.problems);

describe('configuration', () => {
  it('defaults: dry-run, three strategies on BTC, ETH and SOL, 9 actors, breaker 5 / 300 s', () => {
    const config = defaultConfig();
    expect(config.mode).toBe('dry-run');
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.breaker).toEqual({ failureThreshold: 5, openMs: 300_000 });
    expect(config.supervision).toMatchObject({ disableAfterTrips: 3, tripWindowMs: 3_600_000 });
    expect(actorIds(config)).toEqual([
      'BTCUSDT:range-v1', 'ETHUSDT:range-v1', 'SOLUSDT:range-v1',
      'BTCUSDT:mtf-v1', 'ETHUSDT:mtf-v1', 'SOLUSDT:mtf-v1',
      'BTCUSDT:vwap-v1', 'ETHUSDT:vwap-v1', 'SOLUSDT:vwap-v1',
    ]);
  });

  it('layers defaults < file < environment < command line', () => {
    const path = file('layers.yaml', 'http:\n  port: 9000\nbreaker:\n  openMs: 60000\nlog:\n  level: warn\n');
    const result = loadConfig({ env: { BYBOT_BREAKER_OPEN_MS: '120000', BYBOT_LOG_LEVEL: 'error' }, configPath: path, overrides: { log: { level: 'debug' } } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.http.port).toBe(9000);
    expect(result.config.breaker.openMs).toBe(120_000);
    expect(result.config.log.level).toBe('debug');
    expect(result.sources).toEqual(['defaults', `file ${path}`, 'environment', 'command line']);
  });

  it('reads BYBOT_CONFIG, DRY_RUN and the Bybit key variables', () => {
    const path = file('env.json', JSON.stringify({ simulator: { seed: 7 } }));
    const result = loadConfig({
      env: { BYBOT_CONFIG: path, DRY_RUN: 'false', BYBIT_API_KEY: 'Ab3dEf6hIj9kLm2nOp', BYBIT_API_SECRET: 'Qr5tUv8xYz1aBc4dEf7gHi0jKl3mNo6pQr9s' },
    });
    expect(problemsOf(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.config.simulator.seed).toBe(7);
    expect(result.config.mode).toBe('live');
    expect(result.config.exchange.apiKey).toBe('Ab3dEf6hIj9kLm2nOp');
  });

  it('one problem per bad path, unknown keys included, without echoing values', () => {
    const path = file(
      'bad.yaml',
      [
        'mode: paper',
        'http:',
        '  port: 70000',
        '  hots: 127.0.0.1',
        'breaker:',
        '  failureThreshold: 0',
        'strategies:',
        '  - id: Range!',
        '    type: range',
        '    symbols: [btc]',
        '  - id: x',
        '    type: martingale',
        '    symbols: [BTCUSDT]',
      ].join('\n'),
    );
    const problems = problemsOf(loadConfig({ env: {}, configPath: path }));
    const paths = problems.map((p) => p.split(':')[0]);
    expect(paths).toEqual(
      expect.arrayContaining(['mode', 'http.port', 'http.hots', 'breaker.failureThreshold', 'strategies[0].id', 'strategies[0].symbols[0]', 'strategies[1].type']),
    );
    expect(problems.find((p) => p.startsWith('http.hots'))).toBe('http.hots: unknown key');
    expect(problems.find((p) => p.startsWith('strategies[1].type'))).toBe('strategies[1].type: unknown strategy type (known: range, multiTimeframe, volumeVwap)');
  });

  it('rejects unknown strategy params through the strategy\'s own schema', () => {
    const path = file('params.yaml', 'strategies:\n  - id: r\n    type: range\n    symbols: [BTCUSDT]\n    params:\n      bollingerPeriodz: 20\n');
    expect(problemsOf(loadConfig({ env: {}, configPath: path }))).toEqual(['strategies[0].params.bollingerPeriodz: unknown key']);
  });

  it('reports an unreadable file and a syntax error with the file name', () => {
    expect(problemsOf(loadConfig({ env: {}, configPath: join(dir, 'missing.yaml') }))[0]).toMatch(/missing\.yaml: cannot be read \(ENOENT\)/);
    expect(problemsOf(loadConfig({ env: {}, configPath: file('broken.json', '{"mode": ') }))[0]).toMatch(/broken\.json: JSON syntax error/);
  });

  it('reports a malformed environment value naming the variable', () => {
    const problems = problemsOf(loadConfig({ env: { BYBOT_HTTP_PORT: 'eighty' } }));
    expect(problems.join('\n')).toContain('BYBOT_HTTP_PORT');
  });

  it.each([
    ['your_api_key'],
    ['changeme'],
    ['xxxxxxxxxxxx'],
    ['<API_KEY>'],
    [''],
  ])('live mode refuses the placeholder key %j and never echoes it', (key) => {
    const secret = 'S3cr3tValueThatMustNeverAppear0123456789';
    const problems = problemsOf(loadConfig({ env: { DRY_RUN: 'false', BYBIT_API_KEY: key, BYBIT_API_SECRET: secret } }));
    expect(problems.some((p) => p.startsWith('exchange.apiKey:'))).toBe(true);
    for (const p of problems) {
      expect(p).not.toContain(secret);
      if (key.length > 0) expect(p).not.toContain(key);
    }
  });

  it('dry-run needs no keys', () => {
    expect(loadConfig({ env: {} }).ok).toBe(true);
  });

  it('rejects duplicate preset ids and duplicate symbols', () => {
    const path = file('dup.yaml', 'strategies:\n  - {id: a, type: range, symbols: [BTCUSDT, BTCUSDT]}\n  - {id: a, type: range, symbols: [ETHUSDT]}\n');
    const problems = problemsOf(loadConfig({ env: {}, configPath: path }));
    expect(problems).toEqual(expect.arrayContaining(['strategies[0].symbols[1]: duplicate symbol BTCUSDT', 'strategies[1].id: duplicate preset id "a"']));
  });

  it('portfolio.resizeOpen: false by default; true needs an allocation mode', () => {
    expect(defaultConfig().portfolio.resizeOpen).toBe(false);
    expect(problemsOf(loadConfig({ env: {}, overrides: { portfolio: { resizeOpen: true } } }))).toEqual([
      'portfolio.resizeOpen: needs a portfolio.allocation.mode other than "none": without budgets there is nothing to resize to',
    ]);
    const on = loadConfig({ env: {}, overrides: { portfolio: { resizeOpen: true, allocation: { mode: 'equal' } } } });
    expect(on.ok && on.config.portfolio.resizeOpen).toBe(true);
    expect(problemsOf(loadConfig({ env: {}, overrides: { portfolio: { resizeOpen: 'yes' } } }))[0]).toMatch(/^portfolio\.resizeOpen: /);
  });
});
