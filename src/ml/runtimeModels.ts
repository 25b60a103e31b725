import type { AppConfig } from '../../config/schema.ts';
import type { MlBinding } from '../core/ml/filter.ts';
import { createMlCaches } from './caches.ts';
import { loadMlBindings } from './serving.ts';

/**
 * The runtime's ML filters at start-up: the caches (registered for the metrics, age on the
 * bot's clock) and the verified bindings of every preset that enables the filter. Throws
 * MlModelError (start-up fails, naming the file) when an enabled preset has no usable model.
 */
export function runtimeMlBindings(config: Pick<AppConfig, 'strategies' | 'journal' | 'ml'>, registerCache: (cache: { readonly name: string; stats(): { entries: number; bytes: number } }) => void, now: () => number): Map<string, MlBinding> {
  const caches = createMlCaches(config, now);
  registerCache(caches.model);
  registerCache(caches.feature);
  return loadMlBindings(config, caches.model);
}
