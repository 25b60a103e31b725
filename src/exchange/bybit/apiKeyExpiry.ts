import { z } from 'zod';

/**
 * GET /v5/user/query-api, the part the alert on API key expiry reads: `expiredAt` is an
 * ISO-8601 time, or "" for a key that does not expire (Bybit's keys with IP restrictions).
 */
export const ApiKeyExpirySchema = z.object({ expiredAt: z.string().optional() });

/** Epoch ms of the expiry, or null when the key never expires (or the field is not a time). */
export function parseApiKeyExpiry(expiredAt: string | undefined): number | null {
  if (expiredAt === undefined || expiredAt.trim() === '') return null;
  const ms = Date.parse(expiredAt);
  return Number.isFinite(ms) ? ms : null;
}
