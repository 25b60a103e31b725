import { isPlainObject, setPath } from './merge.ts';

/**
 * Environment layer. `BYBOT_<SECTION>_<KEY>` names map onto the schema's camelCase paths
 * by matching words against the known keys (BYBOT_HTTP_PORT -> http.port,
 * BYBOT_RISK_RISK_PER_TRADE_PCT -> risk.riskPerTradePct). Values are read as the type of
 * the setting they replace; lists and objects are JSON. Unknown BYBOT_ names are errors,
 * like unknown keys in a file. DRY_RUN, BYBIT_API_KEY and BYBIT_API_SECRET are the
 * conventional names the original bot used.
 */
export interface EnvLayer {
  readonly values: Record<string, unknown>;
  readonly problems: string[];
}

const RESERVED = new Set(['BYBOT_CONFIG']);

function snakeWords(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().split('_');
}

/** Finds the schema path named by the words, using the defaults tree for the known keys. */
function resolvePath(words: readonly string[], tree: unknown): string[] | null {
  if (words.length === 0) return [];
  if (!isPlainObject(tree)) return null;
  const candidates = Object.keys(tree)
    .map((key) => ({ key, parts: snakeWords(key) }))
    .filter(({ parts }) => parts.every((part, i) => words[i] === part))
    .sort((a, b) => b.parts.length - a.parts.length);
  for (const { key, parts } of candidates) {
    const rest = resolvePath(words.slice(parts.length), tree[key]);
    if (rest) return [key, ...rest];
  }
  return null;
}

function getAt(tree: unknown, path: readonly string[]): unknown {
  let node = tree;
  for (const key of path) node = isPlainObject(node) ? node[key] : undefined;
  return node;
}

function coerce(raw: string, like: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (typeof like === 'number') {
    const value = Number(raw.trim());
    return raw.trim() !== '' && Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: 'expected a number' };
  }
  if (typeof like === 'boolean') {
    const text = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(text)) return { ok: true, value: true };
    if (['false', '0', 'no', 'off'].includes(text)) return { ok: true, value: false };
    return { ok: false, reason: 'expected true or false' };
  }
  if (typeof like === 'string') return { ok: true, value: raw };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false, reason: 'expected JSON (this setting is a list or an object)' };
  }
}

export function readEnvLayer(env: Readonly<Record<string, string | undefined>>, defaults: unknown): EnvLayer {
  let values: Record<string, unknown> = {};
  const problems: string[] = [];
  const names = Object.keys(env).sort();

  for (const name of names) {
    const raw = env[name];
    if (raw === undefined || !name.startsWith('BYBOT_') || RESERVED.has(name)) continue;
    const path = resolvePath(name.slice('BYBOT_'.length).split('_'), defaults);
    if (!path) {
      problems.push(`${name}: unknown setting (no configuration key matches this name)`);
      continue;
    }
    const coerced = coerce(raw, getAt(defaults, path));
    if (!coerced.ok) problems.push(`${name} (${path.join('.')}): ${coerced.reason}`);
    else values = setPath(values, path, coerced.value);
  }

  const dryRun = env.DRY_RUN;
  if (dryRun !== undefined && dryRun.trim() !== '') {
    const coerced = coerce(dryRun, true);
    if (!coerced.ok) problems.push(`DRY_RUN: expected true or false`);
    else {
      const mode = coerced.value ? 'dry-run' : 'live';
      const explicit = getAt(values, ['mode']);
      if (explicit !== undefined && explicit !== mode) problems.push(`DRY_RUN=${dryRun.trim()} conflicts with BYBOT_MODE=${String(explicit)}`);
      values = setPath(values, ['mode'], mode);
    }
  }
  if (env.BYBIT_API_KEY !== undefined) values = setPath(values, ['exchange', 'apiKey'], env.BYBIT_API_KEY);
  if (env.BYBIT_API_SECRET !== undefined) values = setPath(values, ['exchange', 'apiSecret'], env.BYBIT_API_SECRET);
  if (env.TELEGRAM_BOT_TOKEN !== undefined) values = setPath(values, ['telegram', 'botToken'], env.TELEGRAM_BOT_TOKEN);
  return { values, problems };
}
