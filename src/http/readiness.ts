import type { AppConfig } from '../../config/schema.ts';
import type { Clock } from '../ports/clock.ts';
import type { Runtime } from '../runtime/createRuntime.ts';
import type { HealthMonitor } from '../runtime/health.ts';
import { iso } from './views.ts';

/**
 * /ready: 200 only when the bot can trade. Each check that fails adds one sentence to
 * `reasons`: start-up reconciliation pending, the exchange not answering, supervisors not
 * running, trading HALTED, every actor broken (breaker open) or disabled, or the market
 * data of every symbol older than actor.maxStalenessMs. Per-symbol freshness is listed
 * whatever the outcome.
 */
export interface Readiness {
  readonly ready: boolean;
  readonly reasons: readonly string[];
  readonly checks: Record<string, unknown>;
}

/**
 * How old the freshest closed candle may be before /ready calls a symbol's data stale: the
 * strategies' own limit (actor.maxStalenessMs) plus the time a close may legitimately take
 * to be confirmed (actor.tickDelayMs, then actor.tickFallbackMs before the fallback timer
 * stands in). With the limit alone, a configuration whose interval equals it (5-minute
 * candles, 300 s) was reported stale for the seconds between every close and its confirm.
 */
export function readinessStalenessMs(config: AppConfig): number {
  return config.actor.maxStalenessMs + confirmGraceMs(config);
}

/** The part of that allowance that is the close's confirm: actor.tickDelayMs + actor.tickFallbackMs. */
function confirmGraceMs(config: AppConfig): number {
  return config.actor.tickDelayMs + config.actor.tickFallbackMs;
}

export function readiness(runtime: Runtime, health: HealthMonitor, config: AppConfig, clock: Clock): Readiness {
  const now = clock.now();
  const exchange = health.exchangeStatus();
  const snapshot = runtime.snapshot();
  const reconciliation = runtime.reconciliation;
  const halted = snapshot.context.tradingState === 'HALTED' || runtime.gate.current() === 'HALTED';
  const disabled = snapshot.context.disabled;
  const entries = runtime.registry.list();
  const broken = entries.filter((e) => e.state === 'broken' && !disabled[e.actorId]).length;
  const disabledCount = entries.filter((e) => disabled[e.actorId]).length;
  const usable = entries.filter((e) => !disabled[e.actorId] && e.status === 'active' && e.state !== 'broken').length;
  const freshness = runtime.freshness.view(now, readinessStalenessMs(config));
  const symbols = Object.entries(freshness);
  const allStale = symbols.length > 0 && symbols.every(([, f]) => f.stale);
  const supervisorsOk = runtime.supervisorsRunning();

  const checks = {
    config: { ok: true },
    reconciliation: { ok: reconciliation.done, error: reconciliation.error, summary: reconciliation.summary },
    exchange: { ok: exchange.ok, lastOkAt: iso(exchange.lastOkAt), latencyMs: exchange.latencyMs, error: exchange.error },
    supervisors: { ok: supervisorsOk, state: String(snapshot.value), status: snapshot.status },
    trading: { ok: !halted, tradingState: runtime.gate.current(), halt: snapshot.context.halt?.reason ?? null },
    actors: { ok: !supervisorsOk || usable > 0, total: entries.length, usable, broken, disabled: disabledCount },
    marketData: {
      ok: !allStale,
      maxStalenessMs: config.actor.maxStalenessMs,
      confirmGraceMs: confirmGraceMs(config),
      symbols: Object.fromEntries(symbols.map(([symbol, f]) => [symbol, { lastClosedCandleAt: iso(f.lastClosedCandleEnd), ageMs: f.ageMs, stale: f.stale }])),
    },
  };
  const reasons: string[] = [];
  if (!reconciliation.done) reasons.push(`start-up reconciliation not done${reconciliation.error ? `: ${reconciliation.error}` : ' yet'}`);
  if (!exchange.ok) reasons.push(`exchange does not answer: ${exchange.error ?? 'unknown'}`);
  if (!supervisorsOk) reasons.push(`supervisors are not running (system state ${checks.supervisors.state})`);
  if (halted) reasons.push(`trading is HALTED: ${runtime.gate.haltReason() || snapshot.context.halt?.reason || 'halted'}`);
  if (!checks.actors.ok) reasons.push(`no actor can trade: ${broken} of ${entries.length} broken (breaker open), ${disabledCount} disabled`);
  if (allStale) {
    const oldest = Math.min(...symbols.map(([, f]) => f.ageMs));
    reasons.push(`market data is stale for every symbol (${symbols.length}): the freshest closed candle ended ${Math.round(oldest / 1000)} s ago, limit actor.maxStalenessMs ${config.actor.maxStalenessMs} ms + ${confirmGraceMs(config)} ms for the close's confirm (actor.tickDelayMs + tickFallbackMs)`);
  }
  return { ready: reasons.length === 0, reasons, checks };
}
