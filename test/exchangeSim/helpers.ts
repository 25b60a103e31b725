import { createHmac } from 'node:crypto';

export function hmac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** A hand-signed private GET (to control the timestamp and key exactly). */
export async function signedGet(
  url: string,
  path: string,
  query: string,
  auth: { key: string; secret: string; timestamp: number; recvWindow?: number },
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const recv = String(auth.recvWindow ?? 5000);
  const ts = String(auth.timestamp);
  const response = await fetch(`${url}${path}?${query}`, {
    headers: { 'X-BAPI-API-KEY': auth.key, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': recv, 'X-BAPI-SIGN': hmac(auth.secret, ts + auth.key + recv + query) },
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, headers: response.headers };
}

/** Every value of a (nested) result that is a number, by path, excluding the allowed integer fields. */
export function numericLeaves(value: unknown, allowed: ReadonlySet<string>, path = ''): string[] {
  if (typeof value === 'number') return allowed.has(path.split('.').at(-1) ?? '') ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => numericLeaves(v, allowed, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => numericLeaves(v, allowed, path ? `${path}.${k}` : k));
  return [];
}

export async function until(check: () => boolean, timeoutMs = 5000, stepMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
