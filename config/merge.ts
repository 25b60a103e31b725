/** Plain-object check: arrays, null and class instances are leaves. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Deep merge of configuration layers: objects merge key by key, anything else (arrays included) replaces. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value);
  return out;
}

/** Sets `value` at `path`, creating plain objects on the way. Returns a new object. */
export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return target;
  const child = isPlainObject(target[head]) ? (target[head] as Record<string, unknown>) : {};
  return { ...target, [head]: rest.length === 0 ? value : setPath(child, rest, value) };
}
