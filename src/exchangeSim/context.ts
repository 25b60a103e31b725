import type { Clock } from '../ports/clock.ts';
import type { SimExchange } from '../sim/index.ts';
import type { WireFaultController } from './faults.ts';
import type { FundingLedger } from './fundingLedger.ts';

/** Counters the admin endpoint /__sim/state reports. */
export interface ServerStats {
  duplicateOrderLinkIdRejected: number;
  requests: number;
  /** Order ops served over the WS trade API (/v5/trade), whatever their outcome. */
  wsTradeOps: number;
  /** Rate-limit answers sent: per-UID 10006 (limit or storm) and IP-limit HTTP 403. */
  rateLimited: { retCode10006: number; http403: number };
}

/** What every route handler may use. */
export interface SimDeps {
  readonly sim: SimExchange;
  readonly clock: Clock;
  readonly faults: WireFaultController;
  readonly stats: ServerStats;
  /** Funding settlements charged to the account, as execution rows. */
  readonly funding: FundingLedger;
  /** Wall clock: the edge simulating Bybit's servers (signature windows, envelope time). */
  readonly wallNow: () => number;
}

export interface RouteRequest {
  /** GET: the query string decoded once; POST: the parsed JSON body. */
  readonly params: Record<string, unknown>;
  readonly deps: SimDeps;
}

/** A result plus retExtInfo (batch endpoints put per-item codes there). */
export class WithExtInfo {
  constructor(
    readonly result: unknown,
    readonly retExtInfo: Record<string, unknown>,
  ) {}
}

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly private: boolean;
  handle(request: RouteRequest): unknown;
}
