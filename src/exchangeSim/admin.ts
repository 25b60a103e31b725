import { z } from 'zod';
import type { SimDeps } from './context.ts';
import { wireFaultPatchSchema, type WireFaultPatch, type WireFaultState } from './faults.ts';

export interface AdminReply {
  readonly status: number;
  readonly body: unknown;
}

/** POST /__sim/faults: a patch, optionally reverted after some wall-clock ms (the only way to end `down` from outside, since the port is closed). */
const postFaultsBody = wireFaultPatchSchema.extend({ revertAfterMs: z.number().int().min(1).max(86_400_000).optional() }).strict();

/** Speed of the sim clock when it has one (AcceleratedClock); 0 = advanced by hand (ManualClock). */
function clockSpeed(clock: unknown): number {
  const speed = (clock as { speed?: unknown }).speed;
  if (typeof speed === 'number') return speed;
  return (clock as { advanceBy?: unknown }).advanceBy ? 0 : 1;
}

export interface AdminContext {
  readonly deps: SimDeps;
  readonly wsConnections: () => number;
  readonly schedule: (fn: () => void, ms: number) => void;
}

/** The non-Bybit admin API under /__sim/: never subject to faults or signatures. */
export function handleAdmin(method: string, path: string, rawBody: string, ctx: AdminContext): AdminReply {
  const { deps } = ctx;
  if (method === 'GET' && path === '/__sim/clock') {
    // wallTime lets another process start an AcceleratedClock at `now` with `speed`, corrected for transit.
    return { status: 200, body: { now: deps.clock.now(), speed: clockSpeed(deps.clock), wallTime: deps.wallNow() } };
  }
  if (path === '/__sim/faults' && method === 'GET') return { status: 200, body: deps.faults.get() };
  if (path === '/__sim/faults' && method === 'POST') {
    let raw: unknown;
    try {
      raw = rawBody === '' ? {} : JSON.parse(rawBody);
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    const parsed = postFaultsBody.safeParse(raw);
    if (!parsed.success) return { status: 400, body: { error: 'invalid fault patch', issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) } };
    const { revertAfterMs, ...patch } = parsed.data;
    const before = deps.faults.get();
    const state = deps.faults.set(patch);
    if (revertAfterMs !== undefined) ctx.schedule(() => deps.faults.set(revertPatch(patch, before)), revertAfterMs);
    return { status: 200, body: state };
  }
  if (method === 'GET' && path === '/__sim/state') {
    const { engine } = deps.sim;
    const positions = engine.positions();
    return {
      status: 200,
      body: {
        now: deps.clock.now(),
        openOrders: engine.openOrders().filter((o) => o.stopOrderType === '').length,
        positions: positions.length,
        positionsWithStops: positions.filter((p) => p.stopLoss > 0 || p.takeProfit > 0).length,
        duplicateOrderLinkIdRejected: deps.stats.duplicateOrderLinkIdRejected,
        requests: deps.stats.requests,
        wsTradeOps: deps.stats.wsTradeOps,
        rateLimited: { ...deps.stats.rateLimited },
        wsConnections: ctx.wsConnections(),
        faults: deps.faults.get(),
      },
    };
  }
  if (method === 'GET' && path === '/__sim/orders') {
    // Every order the engine remembers (open and recent closed) and every position: what a
    // crash test compares the bot's journal against.
    const { engine } = deps.sim;
    return {
      status: 200,
      body: {
        orders: engine.orderHistory().map((o) => ({ orderId: o.orderId, orderLinkId: o.orderLinkId, symbol: o.symbol, side: o.side, status: o.status, qty: o.qty, cumExecQty: o.cumExecQty, stopOrderType: o.stopOrderType, createdTime: o.createdTime })),
        positions: engine.positions().map((p) => ({ symbol: p.symbol, side: p.side, size: p.size, stopLoss: p.stopLoss, takeProfit: p.takeProfit })),
      },
    };
  }
  return { status: 404, body: { error: `no admin route ${method} ${path}` } };
}

/** The previous values of exactly the fields a patch changed. */
function revertPatch(patch: WireFaultPatch, before: WireFaultState): WireFaultPatch {
  const keys = Object.keys(patch).filter((k) => k !== 'disconnectWebSockets' && k !== 'dropConnections') as Array<keyof WireFaultState>;
  return Object.fromEntries(keys.map((k) => [k, before[k]])) as WireFaultPatch;
}
