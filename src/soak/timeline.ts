import { mulberry32, hashString } from '../core/rng.ts';
import type { WireFaultPatch } from '../exchangeSim/faults.ts';

/**
 * The chaos scenario of `npm run soak`: a seeded sequence of faults over the simulated
 * run. Every kind appears at least once (the first nine are a shuffle of all kinds), the
 * rest are drawn at random. Durations are wall-clock ms, because the bot's timeouts and
 * the server's faults (hangs, latency) are wall-clock; times are simulated ms after start.
 */
export const FAULT_KINDS = ['serverErrors', 'hang', 'rateLimit10006', 'rateLimit403', 'wsDrop', 'dnsFailure', 'latency', 'badCandles', 'killRestart'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface PlannedFault {
  readonly kind: FaultKind;
  /** Simulated ms after the start of the soak. */
  readonly atSimMs: number;
  /** Wall ms the fault lasts (0: a one-off action). */
  readonly durationMs: number;
  /** Simulator fault patch applied at the start (none for killRestart). */
  readonly set?: WireFaultPatch;
  /** Patch that ends it. */
  readonly clear?: WireFaultPatch;
}

export interface TimelineOptions {
  readonly hours: number;
  readonly symbols: readonly string[];
  readonly seed: number;
  /** Host name the bot's primary endpoint uses (the DNS shim fails it on demand). */
  readonly dnsHost: string;
  /** Faults per simulated hour after the first round (default 1.5). */
  readonly perHour?: number;
  /** Simulated ms per wall ms (fault durations depend on it). */
  readonly speed: number;
}

/**
 * A fault lasts `simMinutes` of simulated time (so it spans the same number of candles
 * at any speed), but never less than `minWallMs` of wall time (a hang must outlast the
 * bot's request timeout, which is wall-clock).
 */
const DURATION: Record<FaultKind, { readonly simMinutes: number; readonly minWallMs: number }> = {
  serverErrors: { simMinutes: 15, minWallMs: 4_000 },
  hang: { simMinutes: 10, minWallMs: 6_000 },
  rateLimit10006: { simMinutes: 15, minWallMs: 4_000 },
  rateLimit403: { simMinutes: 10, minWallMs: 3_000 },
  wsDrop: { simMinutes: 0, minWallMs: 0 },
  dnsFailure: { simMinutes: 15, minWallMs: 5_000 },
  latency: { simMinutes: 15, minWallMs: 5_000 },
  badCandles: { simMinutes: 20, minWallMs: 5_000 },
  killRestart: { simMinutes: 0, minWallMs: 0 },
};

/** A fault takes at most this share of its slot (simulated), so short runs still trade between faults. */
const MAX_SLOT_SHARE = 0.4;

export function faultDurationMs(kind: FaultKind, speed: number, slotSimMs = Number.POSITIVE_INFINITY): number {
  const d = DURATION[kind];
  if (d.simMinutes === 0) return 0;
  return Math.max(d.minWallMs, Math.round(Math.min(d.simMinutes * 60_000, slotSimMs * MAX_SLOT_SHARE) / speed));
}

export function faultPlan(kind: FaultKind, symbols: readonly string[], pick: () => number, dnsHost: string, speed: number, slotSimMs?: number): Omit<PlannedFault, 'atSimMs'> {
  const durationMs = faultDurationMs(kind, speed, slotSimMs);
  switch (kind) {
    case 'serverErrors':
      return { kind, durationMs, set: { errorRate: 0.7 }, clear: { errorRate: 0 } };
    case 'hang':
      return { kind, durationMs, set: { hang: true }, clear: { hang: false } };
    case 'rateLimit10006':
      return { kind, durationMs, set: { rateLimitStorm: '10006' }, clear: { rateLimitStorm: 'off' } };
    case 'rateLimit403':
      return { kind, durationMs, set: { rateLimitStorm: '403' }, clear: { rateLimitStorm: 'off' } };
    case 'wsDrop':
      return { kind, durationMs, set: { disconnectWebSockets: true } };
    case 'dnsFailure':
      // Open keep-alive connections need no lookup: drop them, as the network blip that comes with a DNS outage would.
      return { kind, durationMs, set: { dnsFailure: [dnsHost], dropConnections: true }, clear: { dnsFailure: [] } };
    case 'latency':
      return { kind, durationMs, set: { latencyMs: 800 }, clear: { latencyMs: 0 } };
    case 'badCandles': {
      const symbol = symbols[Math.floor(pick() * symbols.length)]!;
      return { kind, durationMs, set: { badData: { [symbol]: ['nan', 'gap', 'duplicate', 'outOfOrder'] } }, clear: { badData: {} } };
    }
    case 'killRestart':
      return { kind, durationMs };
  }
}

export function chaosTimeline(o: TimelineOptions): PlannedFault[] {
  const random = mulberry32(hashString(`soak:${o.seed}`));
  const total = faultCount(o.hours, o.perHour);
  const kinds: FaultKind[] = [...FAULT_KINDS];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  while (kinds.length < total) kinds.push(FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!);
  // Evenly spread over the run, each nudged by up to a third of a slot; none in the first slot
  // (the bot has to be trading first).
  const span = o.hours * 3_600_000;
  const slot = span / (total + 1);
  return kinds.map((kind, i) => ({ ...faultPlan(kind, o.symbols, random, o.dnsHost, o.speed, slot), atSimMs: Math.round(slot * (i + 1) + (random() - 0.5) * (slot / 1.5)) }));
}

/** Number of faults a run of `hours` plans (every kind once, then perHour). */
export function faultCount(hours: number, perHour = 1.5): number {
  return Math.max(FAULT_KINDS.length, Math.round(hours * perHour));
}

/** Wall ms the default speed leaves between two faults, besides the fault itself: recovery and trading. */
export const MIN_WALL_GAP_MS = 6_000;

/**
 * The fastest simulated speed (sim ms per wall ms, at most 300) at which each slot between
 * two faults, in wall time, holds the longest fault plus MIN_WALL_GAP_MS.
 */
export function defaultSpeed(hours: number, faults: number): number {
  const slotSimMs = (hours * 3_600_000) / (faults + 1);
  for (let speed = 300; speed > 1; speed -= 5) {
    const longest = Math.max(...FAULT_KINDS.map((k) => faultDurationMs(k, speed, slotSimMs)));
    if (slotSimMs / speed >= longest + MIN_WALL_GAP_MS) return speed;
  }
  return 1;
}
