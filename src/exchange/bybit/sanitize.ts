/**
 * Exchange text is untrusted output: Bybit's 10004 answer echoes the string it signed,
 * `error sign! origin_string[<timestamp><API key><recv window><payload>]`, and SDK or
 * network errors can carry request headers. Every message that leaves the adapter (error
 * messages, retMsg details, alerts, SDK log lines, websocket errors) goes through here:
 * the known credentials, bracketed origin/key/signature values, header and query
 * credentials and anything shaped like a signature are replaced, and the text is capped.
 */
export type Sanitizer = (text: string) => string;

const REDACTED = '[redacted]';
const MAX_LENGTH = 500;

/** Bybit's bracketed echoes: origin_string[...], apiKey[...], apiSignature[...], sign[...], ... */
const BRACKETED = /\b(origin_string|origin|apiKey|api_key|apiSignature|signature|sign|secret|apiSecret)\[[^\]]*\]?/gi;
/** "X-BAPI-API-KEY: abc", "x-bapi-sign=abc", "api_key=abc", "sign=abc", "secret: abc", "Authorization: Bearer abc". */
const NAMED = /\b(x-bapi-api-key|x-bapi-sign|api[_-]?key|apikey|api[_-]?secret|secret|sign|signature|authorization|token)(["']?\s*[:=]\s*["']?)(bearer\s+)?[^\s"',&;}\]]+/gi;
/** HMAC-SHA256 hex (64) and similar long hex or base64 runs: signatures, keys, tokens. */
const LONG_OPAQUE = /\b[a-f0-9]{40,}\b|\b[A-Za-z0-9+/_-]{48,}={0,2}/g;

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A sanitizer that also removes these exact values (the account's key and secret). */
export function createSanitizer(secrets: readonly string[] = []): Sanitizer {
  const known = secrets.filter((s) => s.length >= 4);
  const exact = known.length > 0 ? new RegExp(known.map(escapeRegExp).join('|'), 'g') : null;
  return (text: string): string => {
    // Brackets first: a key replaced inside origin_string[...] would end the bracket early.
    let out = text.replace(BRACKETED, (_m, name: string) => `${name}[${REDACTED}]`);
    out = out.replace(NAMED, (_m, name: string, sep: string, bearer: string | undefined) => `${name}${sep}${bearer ?? ''}${REDACTED}`);
    if (exact) out = out.replace(exact, REDACTED);
    out = out.replace(LONG_OPAQUE, REDACTED);
    return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}...` : out;
  };
}

/** Without known credentials: the pattern rules only. */
export const sanitizeExchangeText: Sanitizer = createSanitizer();

/** Deep copy with every string sanitized and credential-named keys dropped (SDK log arguments). */
export function sanitizeValue(value: unknown, sanitize: Sanitizer, depth = 0): unknown {
  if (typeof value === 'string') return sanitize(value);
  if (value instanceof Error) return sanitize(value.message);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => sanitizeValue(v, sanitize, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (/^(key|secret|apiKey|apiSecret|api_key|api_secret|sign|signature|authorization|headers|ws|wsKey|request|config|socket)$/i.test(k)) continue;
    out[k] = sanitizeValue(v, sanitize, depth + 1);
  }
  return out;
}
