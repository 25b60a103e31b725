import { createHmac } from 'node:crypto';
import type { AlertPayload } from '../format.ts';
import type { AlertChannel } from '../delivery.ts';

export const SIGNATURE_HEADER = 'x-bybot-signature';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, as GitHub signs its webhooks. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * The generic webhook: each alert change as a JSON POST, signed with HMAC-SHA256 over the
 * body (header X-Bybot-Signature) so the receiver can check it came from us. A non-2xx
 * answer or a network error is a failed attempt (retried by the delivery queue). The
 * secret never appears in an error.
 */
export function webhookChannel(options: { readonly url: () => string; readonly secret: () => string; readonly timeoutMs: () => number }): AlertChannel {
  return {
    name: 'webhook',
    targets: () => (options.url() ? [options.url()] : []),
    async send(target, payload: AlertPayload) {
      const body = JSON.stringify(payload);
      let response: Response;
      try {
        response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(options.secret(), body), 'x-bybot-delivery': String(payload.id) },
          body,
          signal: AbortSignal.timeout(options.timeoutMs()),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        throw new Error(`webhook POST failed: ${error instanceof Error ? error.name : 'error'}${cause ? ` (${cause})` : ''}`);
      }
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
    },
  };
}
