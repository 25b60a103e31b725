import type { AppConfig } from '../../config/schema.ts';
import type { MlBinding } from '../core/ml/filter.ts';
import type { StrategyActorInput, BaseStrategyParams } from '../../machines/strategy.types.ts';
import type { SymbolSupervisorInput } from '../../supervisors/symbol.supervisor.ts';
import type { SystemSupervisorInput } from '../../supervisors/system.supervisor.ts';

/** Disabled-entry code for presets switched off in the configuration (not an escalation). */
export const CONFIG_DISABLED = 'CONFIG_DISABLED';

export function actorIdOf(symbol: string, presetId: string): string {
  return `${symbol}:${presetId}`;
}

/**
 * Real milliseconds the kline stream always has before the fallback timer ticks. On an
 * accelerated clock (the dry-run simulator at 300x) a real millisecond of timer or socket
 * delay is `speed` simulated ones: the configured grace (3 s) would be 10 real ms, and the
 * fallback would start most cycles before the stream's confirm arrived (counted as degraded).
 */
const FALLBACK_REAL_GRACE_MS = 100;

/**
 * The actor tree the configuration asks for: one symbol supervisor per symbol, with one
 * strategy actor per preset that lists the symbol. Presets with `enabled: false` are in
 * the tree but start disabled, so an operator can enable them at run time. `models` holds
 * the verified ML filter of each preset that enables one (src/ml/serving.ts), by preset id.
 */
export function buildSystemInput(config: AppConfig, now: number, models?: ReadonlyMap<string, MlBinding>, clockSpeed = 1): SystemSupervisorInput {
  const bySymbol = new Map<string, StrategyActorInput[]>();
  const initiallyDisabled: Record<string, { at: number; reason: string; code: string; correlationId: string; symbol: string }> = {};
  for (const preset of config.strategies) {
    for (const symbol of preset.symbols) {
      const actorId = actorIdOf(symbol, preset.id);
      const input: StrategyActorInput = {
        actorId,
        symbol,
        presetId: preset.id,
        strategyType: preset.type,
        params: preset.params as BaseStrategyParams,
        cooldownMs: config.actor.cooldownMs,
        maxStalenessMs: config.actor.maxStalenessMs,
        breaker: config.breaker,
        risk: config.risk,
        ...(models?.has(preset.id) ? { ml: models.get(preset.id)! } : {}),
      };
      bySymbol.set(symbol, [...(bySymbol.get(symbol) ?? []), input]);
      if (!preset.enabled) {
        initiallyDisabled[actorId] = { at: now, reason: 'disabled in configuration', code: CONFIG_DISABLED, correlationId: `${actorId}#config`, symbol };
      }
    }
  }
  const symbols: SymbolSupervisorInput[] = [...bySymbol.entries()].map(([symbol, children]) => ({
    symbol,
    children,
    tickDelayMs: config.actor.tickDelayMs,
    fallbackDelayMs: config.actor.tickDelayMs + Math.max(config.actor.tickFallbackMs, clockSpeed * FALLBACK_REAL_GRACE_MS),
    staggerMs: config.actor.tickStaggerMs,
    restart: { minMs: config.supervision.restartMinMs, maxMs: config.supervision.restartMaxMs, jitter: config.supervision.restartJitter },
    intensity: config.supervision.intensity,
    periodMs: config.supervision.periodMs,
    disableAfterTrips: config.supervision.disableAfterTrips,
    tripWindowMs: config.supervision.tripWindowMs,
  }));
  return { symbols, maxDisabledSymbols: config.supervision.maxDisabledSymbols, initiallyDisabled };
}
