/** Deep merge of plain JSON objects (later wins on a leaf): the benches' outputs into one document. */
export function mergeJson(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isPlain(existing) && isPlain(value)) mergeJson(existing, value);
    else target[key] = value;
  }
  return target;
}

function isPlain(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
