import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseYaml } from '../src/yaml.ts';
import type { z } from 'zod';
import { AppConfigSchema, type AppConfig } from './schema.ts';
import { readEnvLayer } from './env.ts';
import { deepMerge, isPlainObject } from './merge.ts';
import { strategyTypes } from '../src/core/strategy/registry.ts';
import { plaintextSecretPaths } from '../src/secrets/catalog.ts';

/**
 * The one way configuration is loaded: built-in defaults < file (--config or
 * BYBOT_CONFIG, YAML or JSON) < environment < command-line flags, then one zod parse.
 * Problems are collected, not thrown, so the operator sees all of them at once.
 */
export interface LoadOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** From --config; BYBOT_CONFIG is used when absent. */
  readonly configPath?: string;
  /** Highest layer, from command-line flags (e.g. { http: { port: 0 } }). */
  readonly overrides?: Record<string, unknown>;
  readonly cwd?: string;
}

export type LoadResult =
  | { readonly ok: true; readonly config: AppConfig; readonly sources: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Built-in defaults, as the schema produces them from an empty document. */
export function defaultConfig(): AppConfig {
  return AppConfigSchema.parse({});
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One line per problem: "<path>: <reason>". Never includes input values. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown key`);
    } else if (issue.code === 'invalid_union' && issue.path.length > 0 && (issue as { note?: string }).note === 'No matching discriminator') {
      // zod 4 already ends the path at the discriminator key; older shapes stop at the element.
      const path = issue.path[issue.path.length - 1] === 'type' ? issue.path : [...issue.path, 'type'];
      lines.push(`${formatPath(path)}: unknown strategy type (known: ${strategyTypes().join(', ')})`);
    } else {
      lines.push(`${formatPath(issue.path)}: ${issue.message}`);
    }
  }
  return lines;
}

function readConfigFile(path: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    return { ok: false, problem: `config file ${path}: cannot be read (${code})` };
  }
  const ext = extname(path).toLowerCase();
  try {
    const value = ext === '.json' ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
    if (value === null || value === undefined) return { ok: true, value: {} };
    if (!isPlainObject(value)) return { ok: false, problem: `config file ${path}: the top level must be a mapping of settings` };
    return { ok: true, value };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : 'syntax error';
    return { ok: false, problem: `config file ${path}: ${ext === '.json' ? 'JSON' : 'YAML'} syntax error: ${message}` };
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export function loadConfig(options: LoadOptions): LoadResult {
  const problems: string[] = [];
  const sources: string[] = ['defaults'];
  let merged: unknown = {};
  let fileLayer: unknown = {};

  const filePath = options.configPath ?? options.env.BYBOT_CONFIG;
  if (filePath !== undefined && filePath.trim() !== '') {
    const absolute = resolve(options.cwd ?? process.cwd(), filePath);
    const file = readConfigFile(absolute);
    if (file.ok) {
      merged = deepMerge(merged, file.value);
      fileLayer = file.value;
      sources.push(`file ${filePath}`);
    } else problems.push(file.problem);
  }

  const env = readEnvLayer(options.env, defaultConfig());
  problems.push(...env.problems);
  if (Object.keys(env.values).length > 0) {
    merged = deepMerge(merged, env.values);
    sources.push('environment');
  }
  if (options.overrides && Object.keys(options.overrides).length > 0) {
    merged = deepMerge(merged, options.overrides);
    sources.push('command line');
  }

  const parsed = AppConfigSchema.safeParse(merged);
  if (!parsed.success) problems.push(...formatIssues(parsed.error.issues));
  if (parsed.success) problems.push(...plaintextProblems(parsed.data, fileLayer));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, config: deepFreeze(parsed.data), sources };
}

/**
 * Live mode refuses a key, secret or token written in the configuration file (a file is
 * copied, backed up and committed far more often than an environment or a secret store),
 * unless `secrets.allowPlaintext: true` says the operator accepts it.
 */
function plaintextProblems(config: AppConfig, fileLayer: unknown): string[] {
  if (config.mode !== 'live' || config.secrets.allowPlaintext) return [];
  return plaintextSecretPaths(fileLayer).map(
    (path) => `${path}: a secret written in the configuration file is refused in live mode; give it through secrets.provider (${config.secrets.provider}) or set secrets.allowPlaintext: true (value not shown)`,
  );
}

/** Actor ids of the enabled presets: "<SYMBOL>:<presetId>". */
export function actorIds(config: AppConfig): string[] {
  return config.strategies.filter((p) => p.enabled).flatMap((p) => p.symbols.map((s) => `${s}:${p.id}`));
}
