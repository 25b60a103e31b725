import { describe, expect, it } from 'vitest';
import { activeAlerts, evaluateAlerts } from '../../../src/core/alerts/engine.ts';
import { humanDuration, parseIsoDuration } from '../../../src/core/alerts/duration.ts';
import { percentile } from '../../../src/core/alerts/percentile.ts';
import { EMPTY_ALERT_STATE, type AlertEngineState, type Observation } from '../../../src/core/alerts/types.ts';

const settings = { repeatEveryMs: 600_000, resolveAfterMs: 300_000 };
const dns: Observation = { kind: 'event', key: 'channel:rest:dns', priority: 'P1', source: 'channel', title: 'Exchange DNS failure (rest)', message: 'getaddrinfo ENOTFOUND api.bybit.com' };

function run(state: AlertEngineState, now: number, observations: Observation[], completeSources?: string[]) {
  return evaluateAlerts(state, { now, observations, ...(completeSources ? { completeSources } : {}) }, settings);
}

describe('alert engine', () => {
  it('raises once per key, counts repeats, notifies a repeat with its count only after repeatEveryMs', () => {
    let r = run(EMPTY_ALERT_STATE, 0, [dns]);
    expect(r.changes.map((c) => c.type)).toEqual(['raised']);
    expect(r.changes[0]!.alert).toMatchObject({ key: 'channel:rest:dns', priority: 'P1', count: 1, firstAt: 0 });
    for (let t = 1_000; t < 600_000; t += 1_000) {
      r = run(r.state, t, [dns]);
      expect(r.changes).toEqual([]);
    }
    r = run(r.state, 600_000, [dns]);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toMatchObject({ type: 'repeated', newOccurrences: 600 });
    expect(r.changes[0]!.alert.count).toBe(601);
    expect(activeAlerts(r.state)).toHaveLength(1);
  });

  it('a recovery resolves the matching event alerts and says how long they fired', () => {
    let r = run(EMPTY_ALERT_STATE, 0, [dns, { ...dns, key: 'channel:rest:failover', priority: 'P2', title: 'failover' }, { ...dns, key: 'channel:ws-public:ws_reconnecting', priority: 'P2' }]);
    r = run(r.state, 180_000, [{ kind: 'recovery', keyPrefixes: ['channel:rest:'], message: 'endpoint answers again' }]);
    expect(r.changes.map((c) => [c.type, c.alert.key])).toEqual([
      ['resolved', 'channel:rest:dns'],
      ['resolved', 'channel:rest:failover'],
    ]);
    expect(r.changes[0]!.note).toBe('resolved after 3m: endpoint answers again');
    expect(r.changes[0]!.alert.resolvedAt).toBe(180_000);
    expect(activeAlerts(r.state).map((a) => a.key)).toEqual(['channel:ws-public:ws_reconnecting']);
  });

  it('an event alert resolves by itself after resolveAfterMs without occurrences', () => {
    let r = run(EMPTY_ALERT_STATE, 0, [dns]);
    r = run(r.state, 60_000, [dns]);
    r = run(r.state, 359_999, []);
    expect(r.changes).toEqual([]);
    r = run(r.state, 360_000, []);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]!.note).toBe('resolved after 6m: no new occurrence for 5m');
  });

  it('level alerts fire while breached (after forMs), remind every repeatEveryMs, resolve when not breached', () => {
    const rss = (breached: boolean): Observation => ({ kind: 'level', key: 'process:rss', priority: 'P2', source: 'process', title: 'RSS', message: breached ? 'RSS 900 MB' : 'RSS 500 MB', breached, forMs: 10_000 });
    let r = run(EMPTY_ALERT_STATE, 0, [rss(true)]);
    expect(r.changes).toEqual([]);
    r = run(r.state, 5_000, [rss(true)]);
    expect(r.changes).toEqual([]);
    r = run(r.state, 10_000, [rss(true)]);
    expect(r.changes.map((c) => c.type)).toEqual(['raised']);
    r = run(r.state, 610_000, [rss(true)]);
    expect(r.changes.map((c) => c.type)).toEqual(['repeated']);
    r = run(r.state, 620_000, [rss(false)]);
    expect(r.changes.map((c) => [c.type, c.note])).toEqual([['resolved', 'resolved after 10m: RSS 500 MB']]);
    // A breach shorter than forMs never raises.
    r = run(r.state, 700_000, [rss(true)]);
    r = run(r.state, 705_000, [rss(false)]);
    r = run(r.state, 720_000, [rss(true)]);
    expect(r.changes).toEqual([]);
  });

  it('a complete sample resolves level alerts it no longer lists', () => {
    const lat: Observation = { kind: 'level', key: 'strategy:latency:x', priority: 'P2', source: 'strategy', title: 'latency', message: 'p95 80 ms', breached: true };
    let r = run(EMPTY_ALERT_STATE, 0, [lat], ['strategy']);
    expect(r.changes.map((c) => c.type)).toEqual(['raised']);
    r = run(r.state, 1_000, [], ['strategy']);
    expect(r.changes.map((c) => [c.type, c.alert.key])).toEqual([['resolved', 'strategy:latency:x']]);
  });

  it('a more severe occurrence upgrades the priority at once; one-shot events never stay active', () => {
    let r = run(EMPTY_ALERT_STATE, 0, [{ ...dns, priority: 'P2' }]);
    r = run(r.state, 1_000, [dns]);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toMatchObject({ type: 'repeated', note: 'priority raised to P1' });
    expect(r.changes[0]!.alert.priority).toBe('P1');
    r = run(r.state, 2_000, [{ kind: 'event', key: 'config:reload:1', priority: 'P3', source: 'config', title: 'reload', message: 'applied', oneShot: true }]);
    expect(r.changes[0]).toMatchObject({ type: 'raised' });
    expect(r.changes[0]!.alert.resolvedAt).toBe(2_000);
    expect(activeAlerts(r.state).map((a) => a.key)).toEqual(['channel:rest:dns']);
  });

  it('activeAlerts lists the most severe first', () => {
    const r = run(EMPTY_ALERT_STATE, 0, [{ ...dns, key: 'b', priority: 'P3' }, { ...dns, key: 'a', priority: 'P2' }, { ...dns, key: 'c' }]);
    expect(activeAlerts(r.state).map((a) => a.priority)).toEqual(['P1', 'P2', 'P3']);
  });
});

describe('durations and percentiles', () => {
  it('formats durations with at most two units', () => {
    expect(humanDuration(0)).toBe('0s');
    expect(humanDuration(45_900)).toBe('45s');
    expect(humanDuration(180_000)).toBe('3m');
    expect(humanDuration(190_000)).toBe('3m 10s');
    expect(humanDuration(3_900_000)).toBe('1h 5m');
    expect(humanDuration(2 * 86_400_000 + 3 * 3_600_000 + 60_000)).toBe('2d 3h');
  });

  it('parses ISO-8601 durations and refuses what is not one', () => {
    expect(parseIsoDuration('PT1H')).toBe(3_600_000);
    expect(parseIsoDuration('PT30M')).toBe(1_800_000);
    expect(parseIsoDuration('P1DT2H')).toBe(26 * 3_600_000);
    expect(parseIsoDuration('pt90s')).toBe(90_000);
    for (const bad of ['', 'P', 'PT', '1H', 'P1M', 'PT-1H', 'PT0S', 'P1Y']) expect(parseIsoDuration(bad)).toBeNull();
  });

  it('computes percentiles by linear interpolation', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([5], 0.95)).toBe(5);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 0.95)).toBeCloseTo(95.05, 10);
    expect(percentile(hundred, 0.99)).toBeCloseTo(99.01, 10);
  });
});
