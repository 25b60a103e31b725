import { RegimeClassifier } from '../indicators/regime.ts';
import { regimeSettingsOf, type RegimeParams } from './confluence.ts';

/**
 * The regime classifier a strategy's indicator state carries when its preset has a `regime`
 * block (null otherwise: a preset without one computes and shows exactly what it did before).
 * Its label reaches signal() as the indicator value `regime` (a REGIME_CODE).
 */
export function regimeClassifierFor(params: { readonly regime?: RegimeParams }): RegimeClassifier | null {
  return params.regime ? new RegimeClassifier(regimeSettingsOf(params.regime)) : null;
}

/** The value names of a state's result: its own, plus `regime` when it carries a classifier. */
export function valueNamesWithRegime<K extends string>(names: readonly K[], classifier: RegimeClassifier | null): readonly K[] {
  return classifier ? ([...names, 'regime'] as unknown as readonly K[]) : names;
}

/** REGIME_CODE in an indicator result (0 = unknown when the preset has no regime block). */
export function regimeCodeOf(values: Readonly<Record<string, number>>): number {
  const code = values.regime;
  return typeof code === 'number' && Number.isFinite(code) ? code : 0;
}
