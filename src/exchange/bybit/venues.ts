/**
 * Default endpoints per venue (Bybit docs `docs/v5/guide.mdx`, `demo.mdx`,
 * `websocket/wss-authentication.mdx`). REST lists are ordered: primary first, then
 * failover hosts. Demo trading has its own REST host and private stream; its public
 * market data is mainnet's.
 */
export type Venue = 'mainnet' | 'testnet' | 'demo' | 'local';

export interface VenueEndpoints {
  readonly restUrls: readonly string[];
  readonly wsPublicUrl: string;
  readonly wsPrivateUrl: string;
  /** The WS trade API (order entry); '' where Bybit has none (demo trading). */
  readonly wsTradeUrl: string;
}

export const VENUE_ENDPOINTS: Readonly<Record<Exclude<Venue, 'local'>, VenueEndpoints>> = {
  mainnet: {
    restUrls: ['https://api.bybit.com', 'https://api.bytick.com'],
    wsPublicUrl: 'wss://stream.bybit.com/v5/public/linear',
    wsPrivateUrl: 'wss://stream.bybit.com/v5/private',
    wsTradeUrl: 'wss://stream.bybit.com/v5/trade',
  },
  testnet: {
    restUrls: ['https://api-testnet.bybit.com'],
    wsPublicUrl: 'wss://stream-testnet.bybit.com/v5/public/linear',
    wsPrivateUrl: 'wss://stream-testnet.bybit.com/v5/private',
    wsTradeUrl: 'wss://stream-testnet.bybit.com/v5/trade',
  },
  demo: {
    restUrls: ['https://api-demo.bybit.com'],
    wsPublicUrl: 'wss://stream.bybit.com/v5/public/linear',
    wsPrivateUrl: 'wss://stream-demo.bybit.com/v5/private',
    wsTradeUrl: '',
  },
};

/**
 * bybit-api's `wsUrl` is one URL for every stream, so we run one client per stream. From
 * a bare base (ws://127.0.0.1:1234) derive the linear public and private paths; a URL that
 * already names a path is used for both (a fake that accepts every op on every path).
 */
export function wsStreamUrls(wsUrl: string): { publicUrl: string; privateUrl: string; tradeUrl: string } {
  const url = new URL(wsUrl);
  const base = `${url.protocol}//${url.host}`;
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '') return { publicUrl: `${base}/v5/public/linear`, privateUrl: `${base}/v5/private`, tradeUrl: `${base}/v5/trade` };
  if (path.endsWith('/v5/public/linear')) {
    const root = path.replace(/\/v5\/public\/linear$/, '');
    return { publicUrl: `${base}${path}`, privateUrl: `${base}${root}/v5/private`, tradeUrl: `${base}${root}/v5/trade` };
  }
  if (path.endsWith('/v5/private')) {
    const root = path.replace(/\/v5\/private$/, '');
    return { publicUrl: `${base}${root}/v5/public/linear`, privateUrl: `${base}${path}`, tradeUrl: `${base}${root}/v5/trade` };
  }
  return { publicUrl: `${base}${path}`, privateUrl: `${base}${path}`, tradeUrl: `${base}${path}` };
}

export interface ResolvedEndpoints {
  readonly restUrls: readonly string[];
  readonly wsPublicUrl: string;
  readonly wsPrivateUrl: string;
  readonly wsTradeUrl: string;
}

/** Configured URLs win; otherwise the venue's defaults. 'local' has no defaults. */
export function resolveEndpoints(venue: Venue, restUrls: readonly string[], wsUrl: string): ResolvedEndpoints {
  const defaults = venue === 'local' ? undefined : VENUE_ENDPOINTS[venue];
  const rest = restUrls.length > 0 ? restUrls : (defaults?.restUrls ?? []);
  if (rest.length === 0) throw new RangeError(`exchange.restUrls must be set for venue ${venue}`);
  if (wsUrl) {
    const ws = wsStreamUrls(wsUrl);
    return { restUrls: rest.map((u) => u.replace(/\/+$/, '')), wsPublicUrl: ws.publicUrl, wsPrivateUrl: ws.privateUrl, wsTradeUrl: ws.tradeUrl };
  }
  if (!defaults) throw new RangeError(`exchange.wsUrl must be set for venue ${venue}`);
  return { restUrls: rest.map((u) => u.replace(/\/+$/, '')), wsPublicUrl: defaults.wsPublicUrl, wsPrivateUrl: defaults.wsPrivateUrl, wsTradeUrl: defaults.wsTradeUrl };
}
