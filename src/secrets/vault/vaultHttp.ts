import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { SecretUnavailableError } from '../../domain/errors.ts';

/**
 * One JSON request to Vault's HTTP API (`/v1/...`) over node:http(s): TLS with an optional
 * CA file (a private CA is the norm for Vault), the `X-Vault-Token` and
 * `X-Vault-Namespace` headers, a hard timeout, and Vault's error shape
 * (`{"errors": ["..."]}`) turned into SecretUnavailableError. The token is never part of a
 * message.
 */
export interface VaultHttpOptions {
  /** https://vault.example:8200 (http:// only for a local dev server). */
  readonly address: string;
  readonly namespace: string;
  /** PEM file of the CA that signed Vault's certificate; empty = the system's CAs. */
  readonly caFile: string;
  readonly timeoutMs: number;
}

export interface VaultResponse {
  readonly status: number;
  readonly body: unknown;
}

export class VaultHttp {
  private readonly agent: http.Agent | https.Agent;
  private readonly base: URL;

  constructor(private readonly o: VaultHttpOptions) {
    this.base = new URL(o.address);
    if (this.base.protocol === 'https:') {
      const ca = o.caFile !== '' ? readFileSync(o.caFile) : undefined;
      this.agent = new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) });
    } else {
      this.agent = new http.Agent({ keepAlive: true });
    }
  }

  request(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown, signal?: AbortSignal): Promise<VaultResponse> {
    const url = new URL(`/v1/${path.replace(/^\/+/, '')}`, this.base);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['x-vault-token'] = token;
    if (this.o.namespace !== '') headers['x-vault-namespace'] = this.o.namespace;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const client = url.protocol === 'https:' ? https : http;
    const what = `Vault ${method} ${url.pathname}`;
    return new Promise((resolve, reject) => {
      const req = client.request(url, { method, headers, agent: this.agent, timeout: this.o.timeoutMs, ...(signal ? { signal } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > 1_000_000) req.destroy(new Error('response larger than 1 MB'));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          try {
            parsed = text === '' ? null : (JSON.parse(text) as unknown);
          } catch {
            reject(new SecretUnavailableError(`${what} answered HTTP ${res.statusCode ?? 0} with a body that is not JSON`, { details: { status: res.statusCode } }));
            return;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', (error) => reject(new SecretUnavailableError(`${what}: ${error.message}`)));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.o.timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) =>
        reject(new SecretUnavailableError(`${what} failed: ${error.code ?? ''} ${error.message}`.replace(/\s+/g, ' ').trim(), { details: { errno: error.code } })),
      );
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** The request, with any answer but 2xx turned into an error naming Vault's own reasons. */
  async ok(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    const response = await this.request(method, path, token, body, signal);
    if (response.status >= 200 && response.status < 300) return response.body;
    throw new SecretUnavailableError(`Vault ${method} /v1/${path} answered HTTP ${response.status}: ${vaultErrors(response.body)}`, { details: { status: response.status } });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Vault's `{"errors": [...]}` as one line (or "no reason given"). */
export function vaultErrors(body: unknown): string {
  const errors = body !== null && typeof body === 'object' ? (body as { errors?: unknown }).errors : undefined;
  if (Array.isArray(errors) && errors.length > 0) return errors.map((e) => String(e).slice(0, 200)).join('; ');
  return 'no reason given';
}
