import { describe, expect, it } from 'vitest';
import { channelAlertObservation, escalationObservation, reconcileObservation, sampleObservations, type AlertSample, type AlertThresholds } from '../../../src/core/alerts/rules.ts';

const thresholds: AlertThresholds = {
  cycleLatencyP95Ms: 50,
  latencyWindow: 100,
  rssMb: 800,
  eventLoopLagMs: 500,
  clockSkewMs: 1_000,
  staleDataMs: 300_000,
  unprotectedPositionMs: 60_000,
  apiKeyExpiryDays: 14,
  apiKeyExpiryCriticalDays: 3,
  journalSizeBytes: 500e6,
};
const DAY = 86_400_000;
const quiet: AlertSample = { now: 10 * DAY, rssBytes: 300e6, eventLoopLagMs: 3, journalBytes: 1e6, clockOffsetMs: 12, latency: [], freshness: [], unprotected: [], apiKeyExpiresAt: null };
const breached = (sample: AlertSample) => sampleObservations(sample, thresholds).filter((o) => o.breached).map((o) => `${o.priority} ${o.key}`);

describe('built-in alert rules', () => {
  it('channel alerts: critical -> P1, high -> P2, fail-back and reconnect resolve', () => {
    expect(channelAlertObservation({ channel: 'rest', reason: 'dns', priority: 'critical', message: 'ENOTFOUND' })).toMatchObject({ kind: 'event', key: 'channel:rest:dns', priority: 'P1', title: 'Exchange DNS failure (rest)' });
    expect(channelAlertObservation({ channel: 'rest', reason: 'rate_limit', priority: 'high', message: '10006' })).toMatchObject({ priority: 'P2', key: 'channel:rest:rate_limit' });
    expect(channelAlertObservation({ channel: 'rest', reason: 'failback', priority: 'info', message: 'back' })).toEqual({ kind: 'recovery', keyPrefixes: ['channel:rest:'], message: 'back' });
    expect(channelAlertObservation({ channel: 'ws-public', reason: 'ws_reconnected', priority: 'info', message: 'ok' })).toMatchObject({ kind: 'recovery', keyPrefixes: ['channel:ws-public:ws_reconnecting'] });
  });

  it('escalations: the emergency stop is P1 and a resume resolves it; level-2 disables are P2; an operator disable is information', () => {
    expect(escalationObservation({ level: 'system', kind: 'emergency_stop', code: 'AUTH_REJECTED', reason: 'bad key' })).toMatchObject({ key: 'escalation:halt', priority: 'P1', message: 'AUTH_REJECTED: bad key' });
    expect(escalationObservation({ level: 'system', kind: 'resumed', code: 'OPERATOR_RESUME', reason: 'ok' })).toMatchObject({ kind: 'recovery', keyPrefixes: ['escalation:halt'] });
    expect(escalationObservation({ level: 'symbol', kind: 'strategy_disabled', code: 'BREAKER_TRIPS_EXCEEDED', reason: 'x', actorId: 'BTCUSDT:a' })).toMatchObject({ key: 'escalation:disabled:BTCUSDT:a', priority: 'P2' });
    expect(escalationObservation({ level: 'symbol', kind: 'strategy_disabled', code: 'OPERATOR', reason: 'x', actorId: 'BTCUSDT:a' })).toMatchObject({ priority: 'P3', oneShot: true });
    expect(escalationObservation({ level: 'symbol', kind: 'strategy_enabled', code: 'OPERATOR', reason: 'x', actorId: 'BTCUSDT:a' })).toMatchObject({ kind: 'recovery' });
    expect(escalationObservation({ level: 'strategy', kind: 'iteration_failed', code: 'TIMEOUT', reason: 'x' })).toBeNull();
  });

  it('reconciliation: mismatches only, named', () => {
    expect(reconcileObservation({ adopted: 0, neverReached: 0, foreignOrders: [], unprotectedPositions: 0 })).toBeNull();
    expect(reconcileObservation({ adopted: 1, neverReached: 0, foreignOrders: ['x'], unprotectedPositions: 2 })!.message).toBe(
      '1 order(s) of ours unknown to the journal adopted; 1 foreign open order(s); 2 position(s) without a stop-loss (repaired)',
    );
  });

  it('sampled rules fire above their thresholds only', () => {
    expect(breached(quiet)).toEqual([]);
    expect(breached({ ...quiet, rssBytes: 801e6, eventLoopLagMs: 600, journalBytes: 501e6, clockOffsetMs: -1_500 })).toEqual(['P2 process:rss', 'P2 process:event_loop_lag', 'P2 process:journal_size', 'P2 exchange:clock_skew']);
  });

  it('latency: p95 per strategy above 50 ms once enough cycles were measured', () => {
    const latency = [
      { strategy: 'slow', p95Ms: 80, samples: 100 },
      { strategy: 'fast', p95Ms: 20, samples: 100 },
      { strategy: 'young', p95Ms: 90, samples: 5 },
    ];
    expect(breached({ ...quiet, latency })).toEqual(['P2 strategy:latency:slow']);
  });

  it('stale data per symbol, positions without a stop (after the grace time), API key expiry P2 then P1', () => {
    const s = sampleObservations({ ...quiet, freshness: [{ symbol: 'BTCUSDT', ageMs: 600_000 }, { symbol: 'ETHUSDT', ageMs: 0 }, { symbol: 'SOLUSDT', ageMs: null }], unprotected: [{ symbol: 'BTCUSDT', side: 'Buy', size: 1 }] }, thresholds);
    expect(s.filter((o) => o.breached).map((o) => o.key)).toEqual(['data:stale:BTCUSDT', 'position:unprotected:BTCUSDT']);
    expect(s.find((o) => o.key === 'position:unprotected:BTCUSDT')).toMatchObject({ priority: 'P1', forMs: 60_000 });
    expect(breached({ ...quiet, apiKeyExpiresAt: quiet.now + 20 * DAY })).toEqual([]);
    expect(breached({ ...quiet, apiKeyExpiresAt: quiet.now + 10 * DAY })).toEqual(['P2 exchange:api_key_expiry']);
    expect(breached({ ...quiet, apiKeyExpiresAt: quiet.now + 2 * DAY })).toEqual(['P1 exchange:api_key_expiry']);
  });
});
