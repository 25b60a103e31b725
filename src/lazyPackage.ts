import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * A package loaded on first use instead of at start. `npm start` runs one bundle whose npm
 * imports esbuild hoists to its top, so a package imported by any module is loaded by every
 * process, used or not: the Bybit SDK (about 18 MB of RSS) in a dry run on the in-process
 * simulator, grammY without Telegram, Arrow and zstd without a history replay,
 * @xstate/graph before anyone opens /viz, pino-pretty when stdout is not a terminal, yaml
 * without a YAML file.
 * Synchronous (require), so the constructors that need these stay synchronous; the type is
 * the package's own (`typeof import('pkg')`). This loads a package's CommonJS build, so the
 * product must not also import it as ESM where the two differ: apache-arrow ships two
 * builds with two codec registries, and only src/history/arrowFile.ts touches it.
 */
export function lazyPackage<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(name) as T);
}
