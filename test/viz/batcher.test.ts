import { describe, expect, it } from 'vitest';
import { ActorRegistry } from '../../src/runtime/actorRegistry.ts';
import { initialStrategyContext } from '../../machines/strategy.steps.ts';
import type { StrategyStateName } from '../../machines/strategy.types.ts';
import { UpdateBatcher, type BatchTimer, type VizBatch } from '../../src/http/viz/batcher.ts';
import { vizActorRow, type VizTree } from '../../src/http/viz/rows.ts';
import { actorInput, T0 } from '../support/strategyHarness.ts';

/** A timer the test fires by hand: the batching logic is checked without waiting. */
class ManualTimer implements BatchTimer {
  readonly pending = new Map<number, () => void>();
  private seq = 0;
  scheduled = 0;
  set(fn: () => void): unknown {
    this.scheduled++;
    this.pending.set(++this.seq, fn);
    return this.seq;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fire(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const fn of due) fn();
  }
}

const ACTORS = 2_000;
const SYMBOLS = 200;

function registerActors(registry: ActorRegistry): string[] {
  const ids: string[] = [];
  for (let i = 0; i < ACTORS; i++) {
    const symbol = `SYM${i % SYMBOLS}USDT`;
    const presetId = `preset-${Math.floor(i / SYMBOLS)}`;
    const input = { ...actorInput, actorId: `${symbol}:${presetId}`, symbol, presetId };
    registry.update(input.actorId, initialStrategyContext(input, T0), 'idle', 'active', null, null);
    ids.push(input.actorId);
  }
  return ids;
}

function move(registry: ActorRegistry, id: string, to: StrategyStateName, at: number): void {
  const entry = registry.get(id)!;
  registry.update(id, entry.context, to, 'active', { at, from: entry.state, to, event: 'TICK', correlationId: `${id}#1` }, null);
}

function setup(listeners = true) {
  const registry = new ActorRegistry();
  const timer = new ManualTimer();
  const sent: VizBatch[] = [];
  let tree: VizTree = { system: { state: 'running', status: 'active', tradingState: 'ACTIVE', halt: null }, symbols: [] };
  const batcher = new UpdateBatcher({
    intervalMs: 250,
    timer,
    rowOf: (id) => {
      const entry = registry.get(id);
      return entry ? vizActorRow(entry, undefined, false) : undefined;
    },
    tree: () => tree,
    hasListeners: () => listeners,
    publish: (batch) => sent.push(JSON.parse(JSON.stringify(batch)) as VizBatch),
  });
  registry.onChange((entry) => batcher.markActor(entry.actorId));
  return { registry, timer, sent, batcher, setTree: (next: VizTree) => (tree = next) };
}

describe('visualiser update batching', () => {
  it('coalesces 2,000 actors changing three times each into one message with one row per actor', () => {
    const { registry, timer, sent } = setup();
    const ids = registerActors(registry);
    for (const id of ids) {
      move(registry, id, 'fetching', T0 + 1);
      move(registry, id, 'validating', T0 + 2);
      move(registry, id, 'cooldown', T0 + 3);
    }
    // 8,000 registry changes, one pending timer, nothing sent yet.
    expect(timer.scheduled).toBe(1);
    expect(sent).toHaveLength(0);

    timer.fire();
    expect(sent).toHaveLength(1);
    const batch = sent[0]!;
    expect(batch.type).toBe('batch');
    expect(batch.seq).toBe(1);
    expect(batch.tree).toBeUndefined();
    expect(batch.actors).toHaveLength(ACTORS);
    expect(new Set(batch.actors.map((a) => a.id)).size).toBe(ACTORS);
    // Each row carries the latest state only.
    expect(batch.actors.every((a) => a.state === 'cooldown')).toBe(true);
    expect(Object.keys(batch.actors[0]!).sort()).toEqual(
      ['breaker', 'disabled', 'failures', 'id', 'lastError', 'state', 'stateSince', 'status', 'strategy', 'strategyType', 'symbol', 'transitions'].sort(),
    );
    expect(batch.actors[0]!.breaker).toEqual({ status: 'closed', consecutiveFailures: 0, failureThreshold: 3, trips: 0 });
    expect(batch.actors[0]!.transitions).toBe(3);
  });

  it('sends only the actors that changed since the last batch, and nothing when none did', () => {
    const { registry, timer, sent } = setup();
    const ids = registerActors(registry);
    timer.fire();
    expect(sent).toHaveLength(1);

    const changed = ids.filter((_, i) => i % 100 === 0);
    for (const id of changed) move(registry, id, 'broken', T0 + 10);
    expect(timer.pending.size).toBe(1);
    timer.fire();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.seq).toBe(2);
    expect(sent[1]!.actors.map((a) => a.id).sort()).toEqual([...changed].sort());
    expect(sent[1]!.actors.every((a) => a.state === 'broken')).toBe(true);

    // No change: no timer, no message.
    timer.fire();
    expect(timer.pending.size).toBe(0);
    expect(sent).toHaveLength(2);
  });

  it('adds the supervisor tree only when it really changed', () => {
    const { timer, sent, batcher, setTree } = setup();
    const tree: VizTree = { system: { state: 'running', status: 'active', tradingState: 'ACTIVE', halt: null }, symbols: [{ symbol: 'BTCUSDT', state: 'running', escalated: null }] };
    setTree(tree);
    batcher.markTree();
    timer.fire();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.tree).toEqual(tree);
    expect(sent[0]!.actors).toEqual([]);

    batcher.markTree();
    timer.fire();
    expect(sent).toHaveLength(1);

    setTree({ ...tree, system: { ...tree.system, state: 'halted', tradingState: 'HALTED' } });
    batcher.markTree();
    timer.fire();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.tree?.system.tradingState).toBe('HALTED');
  });

  it('drops changes while nobody listens, and stops cleanly', () => {
    const { registry, timer, sent, batcher } = setup(false);
    registerActors(registry);
    timer.fire();
    expect(sent).toHaveLength(0);
    batcher.stop();
    move(registry, registry.list()[0]!.actorId, 'fetching', T0 + 1);
    expect(timer.pending.size).toBe(0);
  });
});
