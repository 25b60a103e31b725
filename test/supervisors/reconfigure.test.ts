import { describe, expect, it } from 'vitest';
import type { StrategyActorInput } from '../../machines/strategy.types.ts';
import { applyPending, planSymbolReconfigure, planSystemReconfigure } from '../../supervisors/reconfigure.ts';
import type { SymbolSupervisorInput } from '../../supervisors/symbol.supervisor.ts';

const child = (actorId: string, params: Record<string, unknown> = {}): StrategyActorInput =>
  ({ actorId, symbol: actorId.split(':')[0]!, presetId: actorId.split(':')[1]!, strategyType: 'range', params: { interval: '5', historyCandles: 100, ...params }, cooldownMs: 1, maxStalenessMs: 1, breaker: { failureThreshold: 5, openMs: 1 }, risk: {} }) as unknown as StrategyActorInput;
const symbolSpec = (symbol: string, children: StrategyActorInput[]): SymbolSupervisorInput =>
  ({ symbol, children, tickDelayMs: 0, restart: { minMs: 1, maxMs: 2, jitter: 0 }, intensity: 3, periodMs: 1, disableAfterTrips: 3, tripWindowMs: 1 }) as SymbolSupervisorInput;
const entry = (code: string, symbol = 'BTCUSDT') => ({ at: 0, reason: code, code, correlationId: 'c', symbol });

describe('hot reconfiguration plans', () => {
  it('symbol: restarts changed running actors later, starts new ones now, stops newly disabled ones now', () => {
    const a = child('BTCUSDT:a');
    const b = child('BTCUSDT:b');
    const c = child('BTCUSDT:c');
    const plan = planSymbolReconfigure(
      { specs: { [a.actorId]: a, [b.actorId]: b, [c.actorId]: c }, disabled: {}, running: [a.actorId, b.actorId, c.actorId], pending: [] },
      [child('BTCUSDT:a', { adxMax: 20 }), b, child('BTCUSDT:d')],
      { [b.actorId]: entry('CONFIG_DISABLED') },
    );
    expect(plan.stopNow).toEqual(['BTCUSDT:b']);
    expect(plan.startNow).toEqual(['BTCUSDT:d']);
    expect([...plan.pending].sort()).toEqual(['BTCUSDT:a', 'BTCUSDT:c']);
    expect([...plan.running].sort()).toEqual(['BTCUSDT:a', 'BTCUSDT:c', 'BTCUSDT:d']);
    expect(plan.order).toEqual(['BTCUSDT:a', 'BTCUSDT:b', 'BTCUSDT:d']);
  });

  it('pending actors wait while an iteration runs (ordering) and are stopped once between cycles', () => {
    const calls: string[] = [];
    const enqueue = {
      assign: (p: Record<string, unknown>) => calls.push(`assign ${JSON.stringify(p)}`),
      spawnChild: () => calls.push('spawn'),
      stopChild: (id: string) => calls.push(`stop ${id}`),
      cancel: () => undefined,
      raise: (e: { type: string; actorId?: unknown }, o: { delay: number }) => calls.push(`raise ${e.type}${e.actorId ? ` ${String(e.actorId)}` : ''} +${o.delay}`),
      sendTo: () => undefined,
    };
    const states: Record<string, string> = { 'BTCUSDT:a': 'ordering', 'BTCUSDT:c': 'cooldown' };
    const system = { get: (id: string) => (states[id] ? { getSnapshot: () => ({ status: 'active', value: states[id] }) } : undefined) };
    const a = child('BTCUSDT:a', { adxMax: 20 });
    applyPending({ context: { specs: { [a.actorId]: a }, disabled: {}, running: ['BTCUSDT:a', 'BTCUSDT:c'], pending: ['BTCUSDT:a', 'BTCUSDT:c'] }, enqueue, system });
    expect(calls).toEqual(['stop BTCUSDT:c', 'assign {"pending":["BTCUSDT:a"],"running":["BTCUSDT:a"]}', 'raise APPLY_PENDING +500']);
    calls.length = 0;
    states['BTCUSDT:a'] = 'cooldown';
    applyPending({ context: { specs: { [a.actorId]: a }, disabled: {}, running: ['BTCUSDT:a'], pending: ['BTCUSDT:a'] }, enqueue, system });
    expect(calls).toEqual(['stop BTCUSDT:a', 'raise RESTART_CHILD BTCUSDT:a +0', 'assign {"pending":[],"running":[]}']);
  });

  it('system: new symbols spawn, dropped symbols keep an empty supervisor, config disables follow the file, others stay', () => {
    const plan = planSystemReconfigure(
      {
        symbols: [symbolSpec('BTCUSDT', [child('BTCUSDT:a'), child('BTCUSDT:b')]), symbolSpec('ETHUSDT', [child('ETHUSDT:a')])],
        disabled: { 'BTCUSDT:a': entry('BREAKER_TRIPS_EXCEEDED'), 'BTCUSDT:b': entry('CONFIG_DISABLED'), 'ETHUSDT:a': entry('OPERATOR', 'ETHUSDT') },
      },
      [symbolSpec('BTCUSDT', [child('BTCUSDT:a'), child('BTCUSDT:b')]), symbolSpec('SOLUSDT', [child('SOLUSDT:a')])],
      { 'SOLUSDT:a': entry('CONFIG_DISABLED', 'SOLUSDT') },
    );
    expect(plan.spawn.map((s) => [s.symbol, Object.keys(s.initiallyDisabled ?? {})])).toEqual([['SOLUSDT', ['SOLUSDT:a']]]);
    expect(plan.forward.map((f) => [f.symbol, f.children.length, Object.keys(f.disabled)])).toEqual([
      ['BTCUSDT', 2, ['BTCUSDT:a']],
      ['ETHUSDT', 0, []],
    ]);
    expect(Object.keys(plan.disabled).sort()).toEqual(['BTCUSDT:a', 'SOLUSDT:a']);
  });
});
