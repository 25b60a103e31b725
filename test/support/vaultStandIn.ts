import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A local stand-in for HashiCorp Vault that answers the endpoints the vault provider uses,
 * with the request and answer shapes Vault documents (developer.hashicorp.com/vault/api-docs):
 *
 *   POST /v1/auth/<approle mount>/login      {role_id, secret_id} -> {auth: {client_token, lease_duration, renewable, ...}}
 *   GET  /v1/auth/token/lookup-self          X-Vault-Token -> {data: {ttl, renewable, ...}}
 *   POST /v1/auth/token/renew-self           X-Vault-Token -> {auth: {...}} (capped at the token's max TTL)
 *   GET  /v1/<kv mount>/data/<path>          -> {data: {data: {...}, metadata: {version, ...}}, lease_duration: 0, ...}
 *   POST /v1/<kv mount>/data/<path>          {data: {...}} -> {data: {version, ...}} (what `vault kv put` sends)
 *
 * Errors are Vault's `{"errors": [...]}`: 400 for a bad AppRole login, 403 "permission denied"
 * for a missing, unknown or expired token, 404 `{"errors": []}` for a secret that does not
 * exist. With `namespace` set, every request must carry it in X-Vault-Namespace (Vault
 * Enterprise). With `tls: true` it serves HTTPS with the certificate in
 * test/support/fixtures/vault-tls (its CA: ca.pem, valid until 2126, test use only).
 */
export interface VaultStandInOptions {
  readonly tls?: boolean;
  readonly namespace?: string;
  readonly kvMount?: string;
  readonly approleMount?: string;
  /** AppRole credentials accepted by the login. */
  readonly roleId?: string;
  readonly secretId?: string;
  /** TTL and max TTL (seconds) of the tokens the login issues. */
  readonly tokenTtlSeconds?: number;
  readonly tokenMaxTtlSeconds?: number;
  readonly tokenRenewable?: boolean;
}

export interface VaultRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly token: string | null;
  readonly namespace: string | null;
}

interface IssuedToken {
  readonly issuedAt: number;
  expiresAt: number;
  readonly maxExpiresAt: number;
  readonly ttl: number;
  readonly renewable: boolean;
}

export interface VaultStandIn {
  readonly address: string;
  /** PEM of the CA that signed the TLS certificate (with tls: true). */
  readonly caFile: string;
  readonly requests: VaultRequestRecord[];
  /** Creates a token as `vault token create -ttl=... -explicit-max-ttl=...` would. */
  createToken(ttlSeconds: number, options?: { maxTtlSeconds?: number; renewable?: boolean }): string;
  revokeToken(token: string): void;
  /** Writes a new version of a KV v2 secret (as `vault kv put`). */
  put(path: string, data: Record<string, string>): number;
  close(): Promise<void>;
}

const FIXTURES = join(import.meta.dirname, 'fixtures', 'vault-tls');

export async function startVaultStandIn(options: VaultStandInOptions = {}): Promise<VaultStandIn> {
  const kvMount = options.kvMount ?? 'secret';
  const approleMount = options.approleMount ?? 'approle';
  const tokens = new Map<string, IssuedToken>();
  const secrets = new Map<string, { version: number; data: Record<string, string>; created: string }[]>();
  const requests: VaultRequestRecord[] = [];

  const issue = (ttl: number, maxTtl: number, renewable: boolean): string => {
    const token = `hvs.${randomBytes(18).toString('base64url')}`;
    const now = Date.now();
    tokens.set(token, { issuedAt: now, expiresAt: ttl === 0 ? Number.POSITIVE_INFINITY : now + ttl * 1000, maxExpiresAt: maxTtl === 0 ? Number.POSITIVE_INFINITY : now + maxTtl * 1000, ttl, renewable });
    return token;
  };
  const ttlLeft = (t: IssuedToken): number => (Number.isFinite(t.expiresAt) ? Math.max(0, Math.round((t.expiresAt - Date.now()) / 1000)) : 0);
  const put = (path: string, data: Record<string, string>): number => {
    const versions = secrets.get(path) ?? [];
    versions.push({ version: versions.length + 1, data: { ...data }, created: new Date().toISOString() });
    secrets.set(path, versions);
    return versions.length;
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://vault');
      const token = typeof req.headers['x-vault-token'] === 'string' ? req.headers['x-vault-token'] : null;
      const namespace = typeof req.headers['x-vault-namespace'] === 'string' ? req.headers['x-vault-namespace'] : null;
      requests.push({ method: req.method ?? '', path: url.pathname, token, namespace });
      const send = (status: number, body: unknown): void => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      const envelope = (extra: Record<string, unknown>) => ({ request_id: randomBytes(8).toString('hex'), lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, auth: null, ...extra });
      let body: Record<string, unknown> = {};
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        send(400, { errors: ['failed to parse JSON input'] });
        return;
      }
      if ((options.namespace ?? '') !== (namespace ?? '')) {
        send(403, { errors: ['permission denied'] });
        return;
      }
      const authBlock = (t: string, info: IssuedToken) => ({ client_token: t, accessor: randomBytes(8).toString('hex'), policies: ['default', 'bybot'], token_policies: ['default', 'bybot'], metadata: {}, lease_duration: ttlLeft(info), renewable: info.renewable, entity_id: '', token_type: 'service', orphan: true });

      if (req.method === 'POST' && url.pathname === `/v1/auth/${approleMount}/login`) {
        if (body.role_id !== options.roleId || body.secret_id !== options.secretId || options.roleId === undefined) {
          send(400, { errors: ['invalid role or secret ID'] });
          return;
        }
        const t = issue(options.tokenTtlSeconds ?? 3600, options.tokenMaxTtlSeconds ?? 0, options.tokenRenewable ?? true);
        send(200, envelope({ auth: authBlock(t, tokens.get(t)!) }));
        return;
      }
      const info = token ? tokens.get(token) : undefined;
      if (!token || !info || info.expiresAt <= Date.now()) {
        send(403, { errors: ['permission denied'] });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/v1/auth/token/lookup-self') {
        send(200, envelope({ data: { id: token, ttl: ttlLeft(info), creation_ttl: info.ttl, renewable: info.renewable, policies: ['default', 'bybot'], type: 'service', expire_time: Number.isFinite(info.expiresAt) ? new Date(info.expiresAt).toISOString() : null } }));
        return;
      }
      if (req.method === 'POST' && url.pathname === '/v1/auth/token/renew-self') {
        if (!info.renewable) {
          send(400, { errors: ['lease is not renewable'] });
          return;
        }
        const increment = typeof body.increment === 'number' ? body.increment : info.ttl;
        info.expiresAt = Math.min(info.maxExpiresAt, Date.now() + increment * 1000);
        send(200, envelope({ auth: authBlock(token, info), warnings: info.expiresAt === info.maxExpiresAt ? [`TTL of "${increment}s" exceeded the effective max_ttl; TTL value is capped accordingly`] : null }));
        return;
      }
      const kvPrefix = `/v1/${kvMount}/data/`;
      if (url.pathname.startsWith(kvPrefix)) {
        const path = url.pathname.slice(kvPrefix.length);
        if (req.method === 'GET') {
          const versions = secrets.get(path);
          const latest = versions?.at(-1);
          if (!latest) {
            send(404, { errors: [] });
            return;
          }
          send(200, envelope({ data: { data: latest.data, metadata: { created_time: latest.created, custom_metadata: null, deletion_time: '', destroyed: false, version: latest.version } } }));
          return;
        }
        if (req.method === 'POST' || req.method === 'PUT') {
          const data = body.data as Record<string, string> | undefined;
          if (!data || typeof data !== 'object') {
            send(400, { errors: ['no data provided'] });
            return;
          }
          const version = put(path, data);
          send(200, envelope({ data: { created_time: new Date().toISOString(), custom_metadata: null, deletion_time: '', destroyed: false, version } }));
          return;
        }
      }
      send(404, { errors: [] });
    });
  };

  const server = options.tls ? https.createServer({ key: readFileSync(join(FIXTURES, 'server.key')), cert: readFileSync(join(FIXTURES, 'server.pem')) }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    caFile: join(FIXTURES, 'ca.pem'),
    requests,
    createToken: (ttl, o = {}) => issue(ttl, o.maxTtlSeconds ?? 0, o.renewable ?? true),
    revokeToken: (t) => void tokens.delete(t),
    put,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
