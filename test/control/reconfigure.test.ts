import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * Hot reconfiguration of the supervision tree (supervisors/reconfigure.ts through
 * Runtime.reconfigure): changed presets restart between cycles with their new params,
 * others keep running untouched; presets are added, removed, switched off and on.
 */
let h: AppHarness | undefined;
afterEach(async () => {
  await h?.app.stop();
  h = undefined;
});

function configWith(base: AppConfig, strategies: unknown, extra: Record<string, unknown> = {}): AppConfig {
  const loaded = loadConfig({ env: {}, overrides: { ...JSON.parse(JSON.stringify(base)), strategies, ...extra } });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.config;
}

const presets = (over: Record<string, unknown> = {}) => [
  { id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT'], params: {} },
  { id: 'mtf-v1', type: 'multiTimeframe', symbols: ['BTCUSDT', 'ETHUSDT'], params: {} },
  ...(Object.keys(over).length ? [over] : []),
];

type Detail = { id: string; state: string; status: string; params: Record<string, unknown>; counters: { iterations: number }; correlationId: string; disabled: { code: string } | null };
const detail = async (id: string) => (await h!.get(`/actors/${id}`)).body as Detail;
/** The actor's start time is in its correlation ids: "<id>#<startedAt base36>.<cycle>". */
const startedAt = (d: Detail) => d.correlationId.split('#')[1]!.split('.')[0];

describe('Runtime.reconfigure', () => {
  it('restarts only the actors of a preset whose params changed, between cycles', async () => {
    h = await startTestApp({ strategies: presets() });
    await h.run(30 * 60_000, 5_000);
    const before = await Promise.all(['BTCUSDT:range-v1', 'BTCUSDT:mtf-v1', 'ETHUSDT:mtf-v1'].map(detail));
    expect(before[0]!.params.adxMax).toBe(32);
    const next = configWith(h.app.config, presets().map((p) => (p.id === 'range-v1' ? { ...p, params: { adxMax: 28 } } : p)));
    h.app.runtime.reconfigure(next, 'test#reload');
    await h.run(15 * 60_000, 5_000);
    const after = await Promise.all(['BTCUSDT:range-v1', 'BTCUSDT:mtf-v1', 'ETHUSDT:mtf-v1'].map(detail));
    expect(after[0]!.params.adxMax).toBe(28);
    expect(startedAt(after[0]!)).not.toBe(startedAt(before[0]!));
    expect((await detail('ETHUSDT:range-v1')).params.adxMax).toBe(28);
    // The other preset's actors were not restarted: same start, counters kept growing.
    for (const i of [1, 2]) {
      expect(startedAt(after[i]!)).toBe(startedAt(before[i]!));
      expect(after[i]!.counters.iterations).toBeGreaterThan(before[i]!.counters.iterations);
    }
    const stopped = h.logs.filter((l) => l.event === 'actor_stopped');
    expect(new Set(stopped.map((l) => l.actor))).toEqual(new Set(['BTCUSDT:range-v1', 'ETHUSDT:range-v1']));
    for (const line of stopped) expect(['idle', 'cooldown', 'broken']).toContain(line.state);
  }, 60_000);

  it('adds a preset on a new symbol, removes one, switches one off and on again', async () => {
    h = await startTestApp({ strategies: presets() });
    await h.run(10 * 60_000, 5_000);
    const added = { id: 'vwap-v1', type: 'volumeVwap', symbols: ['ETHUSDT', 'SOLUSDT'], params: { interval: '15' } };
    h.app.runtime.reconfigure(configWith(h.app.config, [presets()[0], { ...presets()[1], enabled: false }, added]), 'test#add');
    await h.run(30 * 60_000, 5_000);
    const ids = ((await h.get('/actors')).body as { actors: { id: string; status: string }[] }).actors.map((a) => `${a.id}=${a.status}`);
    expect(ids).toEqual(['BTCUSDT:mtf-v1=disabled', 'BTCUSDT:range-v1=running', 'ETHUSDT:mtf-v1=disabled', 'ETHUSDT:range-v1=running', 'ETHUSDT:vwap-v1=running', 'SOLUSDT:vwap-v1=running']);
    expect((await detail('SOLUSDT:vwap-v1')).counters.iterations).toBeGreaterThan(0);
    expect((await detail('BTCUSDT:mtf-v1')).disabled?.code).toBe('CONFIG_DISABLED');
    expect((await h.get('/ready')).status).toBe(200);

    h.app.runtime.reconfigure(configWith(h.app.config, [presets()[1], added]), 'test#remove');
    await h.run(15 * 60_000, 5_000);
    const after = ((await h.get('/actors')).body as { actors: { id: string; status: string }[] }).actors.map((a) => `${a.id}=${a.status}`);
    expect(after).toEqual(['BTCUSDT:mtf-v1=running', 'ETHUSDT:mtf-v1=running', 'ETHUSDT:vwap-v1=running', 'SOLUSDT:vwap-v1=running']);
    const metrics = (await h.get('/metrics')).text;
    expect(metrics).not.toContain('actor="BTCUSDT:range-v1"');
  }, 60_000);

  it('while HALTED the new presets are remembered and started by the resume', async () => {
    h = await startTestApp({ strategies: presets() });
    await h.run(5 * 60_000, 5_000);
    h.app.runtime.halt('test', 'OPERATOR_HALT', 'test#halt');
    await h.run(5_000);
    h.app.runtime.reconfigure(configWith(h.app.config, presets().map((p) => (p.id === 'range-v1' ? { ...p, params: { adxMax: 25 } } : p))), 'test#halted');
    await h.run(5_000);
    expect(h.app.runtime.resume('test#resume')).toBe(true);
    await h.run(10 * 60_000, 5_000);
    const d = await detail('ETHUSDT:range-v1');
    expect(d.status).toBe('running');
    expect(d.params.adxMax).toBe(25);
  }, 60_000);
});
