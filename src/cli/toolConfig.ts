import { loadConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';

/**
 * The configuration of an offline tool (npm run backtest, data, optimize, ml): file and
 * environment as `npm start` reads them, logs quiet (warn) and plain. On a problem it
 * writes one line per problem to stderr and returns null: the tool exits 2.
 */
export function loadToolConfig(configPath: string | undefined): AppConfig | null {
  const loaded = loadConfig({ env: process.env, ...(configPath === undefined ? {} : { configPath }), overrides: { log: { level: 'warn', pretty: 'never' } } });
  if (loaded.ok) return loaded.config;
  process.stderr.write(`configuration invalid (${loaded.problems.length} problem(s)):\n${loaded.problems.map((p) => `  ${p}\n`).join('')}`);
  return null;
}
