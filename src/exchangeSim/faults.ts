import { z } from 'zod';
import type { FaultController } from '../sim/faults.ts';

export const BAD_DATA_KINDS = ['nan', 'zeroVolume', 'flat', 'outOfOrder', 'gap', 'duplicate'] as const;
export type BadDataKind = (typeof BAD_DATA_KINDS)[number];

/**
 * Faults of the wire (HTTP/WS) layer. Fields shared with the in-process simulator's
 * FaultController (down, authRejected, nanCandles, errorRate) are stored there, so the
 * runtime's /simulator/faults and this server's /__sim/faults show one truth.
 */
export const wireFaultSchema = z
  .object({
    /** Wall-clock ms added before every Bybit answer (HTTP is wall time, not sim time). */
    latencyMs: z.number().min(0).max(600_000),
    /** Probability 0..1 that a request is answered HTTP 503 (1 = always); shared with sim errorRate. */
    errorRate: z.number().min(0).max(1),
    /** Requests are held unanswered until this is cleared (tests a client's timeout). */
    hang: z.boolean(),
    /** Exchange down: the listening socket is closed (ECONNREFUSED), open sockets destroyed. */
    down: z.boolean(),
    /** Private endpoints and WS auth answer 10003 / auth failure. */
    authRejected: z.boolean(),
    /** Host names createFaultyLookup fails with ENOTFOUND. */
    dnsFailure: z.array(z.string().min(1)),
    /** Every request answered 10006 (per-UID limit) or HTTP 403 (IP ban). */
    rateLimitStorm: z.enum(['off', '10006', '403']),
    /** Public WS topics stop pushing; sockets stay open and pongs continue. */
    wsSilent: z.boolean(),
    /** Symbols whose candles carry NaN closes (REST and WS); same as badData kind 'nan'. */
    nanCandles: z.array(z.string()),
    /** Bad kline data per symbol, REST and WS. */
    badData: z.record(z.string(), z.array(z.enum(BAD_DATA_KINDS))),
  })
  .strict();

export type WireFaultState = z.infer<typeof wireFaultSchema>;

/**
 * A patch. Two one-shot actions, not state: `disconnectWebSockets: true` drops every
 * websocket now; `dropConnections: true` drops every connection, keep-alive HTTP included
 * (a network blip: the clients' next requests open new connections, and resolve the host
 * name again).
 */
export const wireFaultPatchSchema = wireFaultSchema.partial().extend({ disconnectWebSockets: z.boolean().optional(), dropConnections: z.boolean().optional() }).strict();
export type WireFaultPatch = z.infer<typeof wireFaultPatchSchema>;

type LocalState = Omit<WireFaultState, 'down' | 'authRejected' | 'nanCandles' | 'errorRate'>;

const LOCAL_DEFAULTS: LocalState = { latencyMs: 0, hang: false, dnsFailure: [], rateLimitStorm: 'off', wsSilent: false, badData: {} };

export type FaultListener = (state: WireFaultState, previous: WireFaultState, patch: WireFaultPatch) => void;

export class WireFaultController {
  private local: LocalState = { ...LOCAL_DEFAULTS };
  private readonly listeners = new Set<FaultListener>();

  constructor(private readonly simFaults: FaultController) {}

  get(): WireFaultState {
    const sim = this.simFaults.get();
    return {
      ...this.local,
      dnsFailure: [...this.local.dnsFailure],
      badData: { ...this.local.badData },
      down: sim.down,
      authRejected: sim.authRejected,
      nanCandles: [...sim.nanCandles],
      errorRate: sim.errorRate,
    };
  }

  /** Validates and applies a patch; listeners (the server) react to down/hang/WS actions. */
  set(patch: WireFaultPatch): WireFaultState {
    const parsed = wireFaultPatchSchema.parse(patch);
    const previous = this.get();
    const { down, authRejected, nanCandles, errorRate, disconnectWebSockets: _action, dropConnections: _drop, ...local } = parsed;
    const simPatch = Object.fromEntries(Object.entries({ down, authRejected, nanCandles, errorRate }).filter(([, v]) => v !== undefined));
    if (Object.keys(simPatch).length > 0) this.simFaults.set(simPatch);
    this.local = { ...this.local, ...Object.fromEntries(Object.entries(local).filter(([, v]) => v !== undefined)) };
    const state = this.get();
    for (const listener of this.listeners) listener(state, previous, parsed);
    return state;
  }

  /** Bad-data kinds for a symbol (nanCandles folded in as 'nan'). */
  badDataFor(symbol: string): readonly BadDataKind[] {
    const kinds = new Set(this.local.badData[symbol] ?? []);
    if (this.simFaults.get().nanCandles.includes(symbol)) kinds.add('nan');
    return [...kinds];
  }

  onChange(listener: FaultListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
