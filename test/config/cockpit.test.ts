import { describe, expect, it } from 'vitest';
import { configVersion, diffConfig, planPresets, redactConfig } from '../../config/diff.ts';
import { defaultConfig, loadConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';

const load = (overrides: Record<string, unknown>, env: Record<string, string> = {}) => loadConfig({ env, overrides });
function config(overrides: Record<string, unknown>): AppConfig {
  const r = load(overrides);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config;
}

describe('cockpit configuration', () => {
  it('has defaults: alerts on, routes P1/P2 to Telegram and the webhook, Telegram off', () => {
    const c = defaultConfig();
    expect(c.alerts).toMatchObject({ enabled: true, repeatEveryMs: 600_000, resolveAfterMs: 300_000, routes: { P1: ['telegram', 'webhook'], P2: ['telegram', 'webhook'], P3: ['webhook'] } });
    expect(c.alerts.thresholds).toMatchObject({ cycleLatencyP95Ms: 50, rssMb: 800, eventLoopLagMs: 500, clockSkewMs: 1_000 });
    expect(c.telegram).toMatchObject({ enabled: false, apiRoot: 'https://api.telegram.org', perChatIntervalMs: 1_000, globalPerSecond: 30, groupPerMinute: 20 });
  });

  it('Telegram needs a token and allow-lists of users and chats; the token comes from TELEGRAM_BOT_TOKEN and is never echoed', () => {
    const r = load({ telegram: { enabled: true } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toContain('telegram.botToken: required when telegram.enabled; set TELEGRAM_BOT_TOKEN (value not shown)');
      expect(r.problems).toContain('telegram.allowedUserIds: list at least one Telegram user id allowed to command the bot');
      expect(r.problems).toContain('telegram.allowedChatIds: list at least one chat id the bot answers in');
    }
    const ok = load({ telegram: { enabled: true, allowedUserIds: [1], allowedChatIds: [-2] } }, { TELEGRAM_BOT_TOKEN: '123:secret-token-value' });
    expect(ok.ok && ok.config.telegram.botToken).toBe('123:secret-token-value');
    const bad = load({ telegram: { apiRoot: 'http://127.0.0.1:1/' } }, { TELEGRAM_BOT_TOKEN: '123:secret-token-value' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.join('\n')).not.toContain('secret-token-value');
  });

  it('a webhook needs its HMAC secret; routes name known channels only', () => {
    const r = load({ alerts: { webhook: { url: 'http://127.0.0.1:9/x' } } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join('\n')).toContain('alerts.webhook.secret: required with alerts.webhook.url');
    const routes = load({ alerts: { routes: { P1: ['pager'] } } });
    expect(routes.ok).toBe(false);
    if (!routes.ok) expect(routes.problems.join('\n')).toContain('alerts.routes.P1[0]');
  });
});

describe('configuration diff for reloads', () => {
  const base = config({});

  it('names changed settings as paths, presets by id, and which need a restart', () => {
    const next = config({
      strategies: [
        { id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], params: { adxMax: 30 } },
        { id: 'mtf-v1', type: 'multiTimeframe', symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], enabled: false },
        { id: 'new-v1', type: 'volumeVwap', symbols: ['BTCUSDT'] },
      ],
      risk: { maxLeverage: 3 },
      http: { port: 9000 },
      exchange: { apiKey: 'changed' },
    });
    const diff = diffConfig(base, next);
    expect(diff.changes).toEqual(['strategies[range-v1].params.adxMax', 'strategies[mtf-v1].enabled', 'strategies[vwap-v1]', 'strategies[new-v1]', 'exchange.apiKey', 'http.port', 'risk.maxLeverage']);
    expect(diff.restartRequired).toEqual(['exchange.apiKey', 'http.port']);
    expect(diffConfig(base, config({})).changes).toEqual([]);
  });

  it('plans which actors restart, start and stop', () => {
    const next = config({
      strategies: [
        { id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'SOLUSDT'], params: { adxMax: 30 } },
        { id: 'mtf-v1', type: 'multiTimeframe', symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], enabled: false },
        { id: 'vwap-v1', type: 'volumeVwap', symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] },
        { id: 'new-v1', type: 'volumeVwap', symbols: ['BTCUSDT'] },
      ],
    });
    const plan = planPresets(base, next);
    expect(plan).toMatchObject({ changedPresets: ['range-v1'], addedPresets: ['new-v1'], removedPresets: [], restart: ['BTCUSDT:range-v1', 'SOLUSDT:range-v1'], added: ['BTCUSDT:new-v1'], removed: ['ETHUSDT:range-v1'], disabled: ['BTCUSDT:mtf-v1', 'ETHUSDT:mtf-v1', 'SOLUSDT:mtf-v1'] });
    // Risk limits are part of every actor's input: all of them restart.
    expect(planPresets(base, config({ risk: { minScore: 0.5 } })).restart).toHaveLength(9);
  });

  it('redacts secrets (set ones only) and versions the effective configuration', () => {
    const secret = config({ exchange: { apiKey: 'k-123', apiSecret: 's-456' }, http: { controlToken: 'tok-0123456789abcdef-tok-0123' }, alerts: { webhook: { url: 'http://127.0.0.1:9/x', secret: 'whs' } } });
    const redacted = redactConfig(secret) as { exchange: { apiKey: string; apiSecret: string }; http: { controlToken: string }; telegram: { botToken: string }; alerts: { webhook: { secret: string } } };
    expect(redacted.exchange).toMatchObject({ apiKey: '[redacted]', apiSecret: '[redacted]' });
    expect(redacted.http.controlToken).toBe('[redacted]');
    expect(redacted.alerts.webhook.secret).toBe('[redacted]');
    expect(redacted.telegram.botToken).toBe('');
    expect(JSON.stringify(redacted)).not.toMatch(/k-123|s-456|tok"|whs/);
    expect(configVersion(base)).toMatch(/^[0-9a-f]{12}$/);
    expect(configVersion(config({}))).toBe(configVersion(base));
    expect(configVersion(config({ risk: { maxLeverage: 3 } }))).not.toBe(configVersion(base));
  });
});
