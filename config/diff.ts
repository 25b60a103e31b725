import { createHash } from 'node:crypto';
import type { AppConfig } from './schema.ts';
import { isPlainObject } from './merge.ts';

/**
 * What changed between two validated configurations, and whether it can be applied to
 * the running bot. Live: the strategy presets (added, removed, enabled, params, symbols),
 * risk limits, alert thresholds and routes, the log level and Telegram's allow-lists.
 * Everything else (mode, venue, keys, HTTP bind, data directory, simulator, supervision
 * timings...) is read once at start-up and needs a restart.
 */
export const LIVE_KEYS: readonly string[] = ['strategies', 'risk', 'alerts', 'log.level', 'telegram.allowedUserIds', 'telegram.allowedChatIds', 'telegram.alertChatIds'];

/** Settings whose values are secrets: never shown, compared only for equality. */
export const SECRET_KEYS: readonly string[] = ['exchange.apiKey', 'exchange.apiSecret', 'http.controlToken', 'telegram.botToken', 'alerts.webhook.secret'];

export interface ConfigDiff {
  /** Changed settings as paths, e.g. `strategies[range-v1].params.adxMax`, `http.port`. */
  readonly changes: readonly string[];
  /** The changed paths that need a restart (refused by a reload). */
  readonly restartRequired: readonly string[];
}

function isLive(path: string): boolean {
  return LIVE_KEYS.some((key) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function walk(a: unknown, b: unknown, path: string, out: string[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[key], b[key], path ? `${path}.${key}` : key, out);
    return;
  }
  if (!same(a, b)) out.push(path);
}

function presetPaths(a: AppConfig['strategies'], b: AppConfig['strategies'], out: string[]): void {
  const before = new Map(a.map((p) => [p.id, p]));
  const after = new Map(b.map((p) => [p.id, p]));
  for (const id of [...new Set([...before.keys(), ...after.keys()])]) {
    const x = before.get(id);
    const y = after.get(id);
    if (!x || !y) out.push(`strategies[${id}]`);
    else walk(x, y, `strategies[${id}]`, out);
  }
  if (out.length === 0 && !same(a.map((p) => p.id), b.map((p) => p.id))) out.push('strategies (order)');
}

export function diffConfig(before: AppConfig, after: AppConfig): ConfigDiff {
  const changes: string[] = [];
  const { strategies: sa, ...restA } = before;
  const { strategies: sb, ...restB } = after;
  const presetChanges: string[] = [];
  presetPaths(sa, sb, presetChanges);
  walk(restA, restB, '', changes);
  const all = [...presetChanges, ...changes];
  return { changes: all, restartRequired: all.filter((p) => !isLive(p)) };
}

export interface PresetPlan {
  /** Presets whose actors are restarted between cycles (params, type or risk changed). */
  readonly changedPresets: readonly string[];
  readonly addedPresets: readonly string[];
  readonly removedPresets: readonly string[];
  /** Actor ids ("SYMBOL:preset"). */
  readonly restart: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly enabled: readonly string[];
  readonly disabled: readonly string[];
}

const actorIds = (p: AppConfig['strategies'][number]): string[] => p.symbols.map((s) => `${s}:${p.id}`);

/** Which actors a live change starts, stops and restarts. Risk limits are part of every actor's input. */
export function planPresets(before: AppConfig, after: AppConfig): PresetPlan {
  const old = new Map(before.strategies.map((p) => [p.id, p]));
  const next = new Map(after.strategies.map((p) => [p.id, p]));
  const riskChanged = !same(before.risk, after.risk);
  const plan = { changedPresets: [] as string[], addedPresets: [] as string[], removedPresets: [] as string[], restart: [] as string[], added: [] as string[], removed: [] as string[], enabled: [] as string[], disabled: [] as string[] };
  for (const [id, p] of next) {
    const o = old.get(id);
    if (!o) {
      plan.addedPresets.push(id);
      plan.added.push(...actorIds(p));
      continue;
    }
    const inputChanged = riskChanged || o.type !== p.type || !same(o.params, p.params);
    if (inputChanged || !same(o.symbols, p.symbols)) plan.changedPresets.push(id);
    const oldIds = new Set(actorIds(o));
    for (const actor of actorIds(p)) {
      if (!oldIds.has(actor)) plan.added.push(actor);
      else if (inputChanged) plan.restart.push(actor);
    }
    const newIds = new Set(actorIds(p));
    for (const actor of oldIds) if (!newIds.has(actor)) plan.removed.push(actor);
    if (o.enabled !== p.enabled) (p.enabled ? plan.enabled : plan.disabled).push(...actorIds(p));
  }
  for (const [id, o] of old) {
    if (next.has(id)) continue;
    plan.removedPresets.push(id);
    plan.removed.push(...actorIds(o));
  }
  return plan;
}

/** The configuration with every secret replaced (set ones by "[redacted]", empty ones stay ""). */
export function redactConfig(config: AppConfig): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  for (const path of SECRET_KEYS) {
    const parts = path.split('.');
    let node: unknown = copy;
    for (const part of parts.slice(0, -1)) node = isPlainObject(node) ? node[part] : undefined;
    const leaf = parts[parts.length - 1]!;
    if (isPlainObject(node) && typeof node[leaf] === 'string' && node[leaf] !== '') node[leaf] = '[redacted]';
  }
  return copy;
}

/**
 * A short version of the effective configuration: the first 12 hex digits of SHA-256 over
 * the canonical JSON of its redacted form (secrets only as "set" or "", so the version
 * reveals nothing about them; a changed secret needs a restart anyway).
 */
export function configVersion(config: AppConfig): string {
  const canonical = (value: unknown): unknown =>
    isPlainObject(value) ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])])) : Array.isArray(value) ? value.map(canonical) : value;
  return createHash('sha256').update(JSON.stringify(canonical(redactConfig(config)))).digest('hex').slice(0, 12);
}
