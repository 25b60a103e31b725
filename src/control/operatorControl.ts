import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { Runtime } from '../runtime/createRuntime.ts';
import type { ControlOutcome } from '../cockpit/types.ts';
import type { LiveConfig } from './liveConfig.ts';

/**
 * Operator controls shared by HTTP, Telegram and the /viz buttons: halt, resume, and
 * enable / disable by preset (every actor of the preset), by symbol (every actor on the
 * symbol) or by actor ("SYMBOL:preset"). They only send events to the supervision tree,
 * which decides; a disable by an operator never counts toward the level-3 limit.
 */
export class OperatorControl {
  private seq = 0;

  constructor(private readonly o: { readonly runtime: Pick<Runtime, 'registry' | 'snapshot' | 'halt' | 'resume' | 'enable' | 'disable'>; readonly live: LiveConfig; readonly clock: Clock; readonly logger: Logger }) {}

  private correlation(kind: string, source: string): string {
    const via = source.startsWith('telegram') ? 'telegram' : source.startsWith('viz') ? 'viz' : 'http';
    return `${via}#${kind}.${this.o.clock.now().toString(36)}.${++this.seq}`;
  }

  /** Actor ids a target names: an actor, every actor of a preset, or every actor on a symbol. */
  resolve(target: string): { readonly kind: 'actor' | 'preset' | 'symbol'; readonly actors: readonly string[] } | null {
    const { registry } = this.o.runtime;
    const all = registry.list();
    if (registry.get(target)) return { kind: 'actor', actors: [target] };
    if (this.o.live.get().strategies.some((p) => p.id === target)) return { kind: 'preset', actors: all.filter((e) => e.presetId === target).map((e) => e.actorId) };
    const upper = target.toUpperCase();
    const onSymbol = all.filter((e) => e.symbol === upper).map((e) => e.actorId);
    return onSymbol.length > 0 ? { kind: 'symbol', actors: onSymbol } : null;
  }

  halt(reason: string, source: string): ControlOutcome {
    const snapshot = this.o.runtime.snapshot();
    if (snapshot.context.tradingState === 'HALTED') return { ok: false, status: 409, message: `trading is already HALTED: ${snapshot.context.halt?.reason ?? 'halted'}`, actors: [] };
    const correlationId = this.correlation('halt', source);
    this.o.runtime.halt(`operator: ${reason} (${source})`, 'OPERATOR_HALT', correlationId);
    return { ok: true, status: 202, message: `HALT accepted: trading stops, our open orders are cancelled (${reason})`, actors: [], correlationId };
  }

  resume(source: string): ControlOutcome {
    const correlationId = this.correlation('resume', source);
    if (!this.o.runtime.resume(correlationId)) return { ok: false, status: 409, message: `trading is not halted (system state ${String(this.o.runtime.snapshot().value)})`, actors: [] };
    this.o.logger.info({ event: 'operator_resume', source, correlationId }, `trading resumed by ${source}`);
    return { ok: true, status: 202, message: 'resumed: fresh actors start from idle; strategies disabled at level 2 stay disabled', actors: [], correlationId };
  }

  setEnabled(target: string, enabled: boolean, reason: string, source: string): ControlOutcome {
    const resolved = this.resolve(target);
    if (!resolved) {
      const presets = this.o.live.get().strategies.map((p) => p.id).join(', ');
      const symbols = [...new Set(this.o.runtime.registry.list().map((e) => e.symbol))].join(', ');
      return { ok: false, status: 404, message: `no preset, symbol or actor "${target}" (presets: ${presets}; symbols: ${symbols}; actors look like BTCUSDT:range-v1)`, actors: [] };
    }
    const snapshot = this.o.runtime.snapshot();
    if (snapshot.value !== 'running') return { ok: false, status: 409, message: `trading is ${snapshot.context.tradingState} (system ${String(snapshot.value)}): resume first`, actors: [] };
    const disabled = snapshot.context.disabled;
    const affected = resolved.actors.filter((id) => (enabled ? disabled[id] !== undefined : disabled[id] === undefined));
    const correlationId = this.correlation(enabled ? 'enable' : 'disable', source);
    for (const id of affected) {
      if (enabled) this.o.runtime.enable(id, correlationId);
      else this.o.runtime.disable(id, `operator: ${reason} (${source})`, correlationId);
    }
    this.o.logger.info(
      { event: enabled ? 'operator_enable' : 'operator_disable', target, targetKind: resolved.kind, actors: affected, source, correlationId },
      `${source} ${enabled ? 'enabled' : 'disabled'} ${resolved.kind} ${target}: ${affected.length} actor(s)`,
    );
    const verb = enabled ? 'enabled' : 'disabled';
    const message = affected.length === 0 ? `${resolved.kind} ${target}: every actor is already ${verb}` : `${resolved.kind} ${target}: ${verb} ${affected.join(', ')}`;
    return { ok: true, status: 202, message, actors: affected, correlationId };
  }
}
