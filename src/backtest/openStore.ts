import type { HistoryStore } from '../history/types.ts';

/**
 * The one place the backtest CLI opens the history store. The store (src/history/store.ts,
 * `openHistoryStore(dir)`) is built on another branch; it is resolved when the CLI runs, so
 * this branch builds and tests without it. After both are merged this can become a static
 * import.
 */
export async function openStore(dir: string): Promise<HistoryStore> {
  const specifier = '../history/store.ts';
  let mod: { readonly openHistoryStore?: (dir: string) => HistoryStore };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (error) {
    throw new Error(`the history store is not part of this build (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof mod.openHistoryStore !== 'function') throw new Error('src/history/store.ts does not export openHistoryStore(dir)');
  return mod.openHistoryStore(dir);
}
