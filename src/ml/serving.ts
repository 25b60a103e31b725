import { statSync } from 'node:fs';
import type { AppConfig } from '../../config/schema.ts';
import type { MlBinding } from '../core/ml/filter.ts';
import { ERROR_CODES, MlModelError } from '../domain/errors.ts';
import type { BoundedCache } from './boundedCache.ts';
import { readModel, resolveModelDir, storedModels, type LoadedModel } from './modelStore.ts';

/**
 * The ML filters of a configuration: for every preset whose `ml.enabled` is true, the newest
 * model file of the preset (verified: checksum, shape, features, the preset's strategy
 * type) bound to the preset's settings. A preset that enables the filter without a usable
 * model is an error (MlModelError): the bot refuses to start rather than trade silently
 * without the filter it was told to use. Presets without `ml.enabled` get nothing and decide
 * exactly as before.
 */
export function loadMlBindings(config: Pick<AppConfig, 'strategies' | 'journal' | 'ml'>, cache: BoundedCache<string, LoadedModel>, modelDir?: string): Map<string, MlBinding> {
  const dir = resolveModelDir(config, modelDir);
  const out = new Map<string, MlBinding>();
  for (const preset of config.strategies) {
    const ml = preset.ml;
    if (!ml?.enabled) continue;
    const newest = storedModels(dir, preset.id).at(-1);
    if (!newest) throw new MlModelError(ERROR_CODES.ML_MODEL_INVALID, dir, `preset ${preset.id} enables ml but has no model: train one with npm run ml -- train --preset ${preset.id} ..., or set its ml.enabled to false`);
    const stat = statSync(newest.file);
    const loaded = cache.getOrLoad(`${newest.file}:${stat.mtimeMs}:${stat.size}`, () => ({ value: readModel(newest.file), bytes: stat.size }));
    const model = loaded.body.model;
    if (model.presetId !== preset.id || model.strategyType !== preset.type) {
      throw new MlModelError(ERROR_CODES.ML_MODEL_INVALID, newest.file, `holds a ${model.strategyType} model of preset ${model.presetId}, not of ${preset.id} (${preset.type})`);
    }
    out.set(preset.id, { model, settings: { mode: ml.mode, minScale: ml.minScale, ...(ml.threshold !== undefined ? { threshold: ml.threshold } : {}) } });
  }
  return out;
}
