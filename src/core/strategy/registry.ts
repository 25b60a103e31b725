import type { AnyStrategyDefinition } from './contract.ts';
import { multiTimeframeStrategy } from './multiTimeframe.ts';
import { rangeStrategy } from './range.ts';
import { volumeVwapStrategy } from './volumeVwap.ts';

/**
 * The strategy factory (backlog C1): the ONLY place strategies are listed. Config presets
 * name a `type` from here; the schema, the runtime and the HTTP views all read this map.
 * Adding a strategy = one file + one line below.
 */
const ALL: readonly AnyStrategyDefinition[] = [rangeStrategy, multiTimeframeStrategy, volumeVwapStrategy];

export const STRATEGIES: ReadonlyMap<string, AnyStrategyDefinition> = new Map(ALL.map((def) => [def.type, def]));

export function getStrategy(type: string): AnyStrategyDefinition | undefined {
  return STRATEGIES.get(type);
}

export function strategyTypes(): string[] {
  return [...STRATEGIES.keys()];
}
