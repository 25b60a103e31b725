import { describe, expect, it } from 'vitest';
import { createMetrics, type ActorStateSample } from '../../src/observability/metrics.ts';

const STATES = ['idle', 'fetching', 'cooldown'] as const;

async function scrape(metrics: ReturnType<typeof createMetrics>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const v of (await metrics.actorState.get()).values) out.set(`${v.labels.actor}/${v.labels.state}`, v.value);
  return out;
}

describe('bybot_actor_state', () => {
  it('is one-hot per actor, built from the registered read model at each scrape', async () => {
    const metrics = createMetrics();
    let actors: ActorStateSample[] = [
      { actor: 'BTCUSDT:a', symbol: 'BTCUSDT', strategy: 'a', state: 'fetching' },
      { actor: 'ETHUSDT:a', symbol: 'ETHUSDT', strategy: 'a', state: 'idle' },
    ];
    metrics.actorStateSources.add({ states: STATES, actors: () => actors });
    const first = await scrape(metrics);
    expect(first.size).toBe(6);
    expect([...first].filter(([, v]) => v === 1).map(([k]) => k)).toEqual(['BTCUSDT:a/fetching', 'ETHUSDT:a/idle']);

    // The next scrape follows the model: a state moved, an actor removed by a reload leaves no series.
    actors = [{ actor: 'BTCUSDT:a', symbol: 'BTCUSDT', strategy: 'a', state: 'cooldown' }];
    const second = await scrape(metrics);
    expect([...second.keys()]).toEqual(['BTCUSDT:a/idle', 'BTCUSDT:a/fetching', 'BTCUSDT:a/cooldown']);
    expect(second.get('BTCUSDT:a/cooldown')).toBe(1);
    expect(second.get('BTCUSDT:a/fetching')).toBe(0);
  });
});
