import { humanDuration } from './duration.ts';
import type { EventObservation, LevelObservation, Observation, Priority } from './types.ts';

/**
 * The built-in alert rules: what each source's input means as observations. Pure
 * functions of plain data; deploy/prometheus/alerts.yml mirrors the same rules.
 */

export interface AlertThresholds {
  readonly cycleLatencyP95Ms: number;
  readonly latencyWindow: number;
  readonly rssMb: number;
  readonly eventLoopLagMs: number;
  readonly clockSkewMs: number;
  /** Already resolved: 0 in the config means actor.maxStalenessMs. */
  readonly staleDataMs: number;
  readonly unprotectedPositionMs: number;
  readonly apiKeyExpiryDays: number;
  readonly apiKeyExpiryCriticalDays: number;
  readonly journalSizeBytes: number;
}

// ---- channel alerts of the exchange adapter ----

export interface ChannelAlertInput {
  readonly channel: string;
  readonly reason: string;
  /** The adapter's classification: critical, high, info. */
  readonly priority: string;
  readonly message: string;
}

const CHANNEL_TITLES: Readonly<Record<string, string>> = {
  dns: 'Exchange DNS failure',
  auth: 'Exchange rejected our credentials',
  balance_zero: 'Account balance is 0',
  ws_auth_failed: 'Private stream authentication failed',
  timeout: 'Exchange requests time out',
  connect: 'Exchange connection refused',
  server_error: 'Exchange answers 5xx',
  rate_limit: 'Exchange rate limit hit',
  clock_skew: 'Request timestamp rejected (clock skew)',
  failover: 'REST endpoint failed over',
  ws_reconnecting: 'WebSocket reconnecting',
};

/** Recoveries: the adapter's info alerts say that a degradation ended. */
const CHANNEL_RECOVERIES: Readonly<Record<string, (channel: string) => readonly string[]>> = {
  failback: (channel) => [`channel:${channel}:`],
  ws_reconnected: (channel) => [`channel:${channel}:ws_reconnecting`],
};

export function channelAlertObservation(a: ChannelAlertInput): Observation {
  const recovery = CHANNEL_RECOVERIES[a.reason];
  if (recovery) return { kind: 'recovery', keyPrefixes: recovery(a.channel), message: a.message };
  const priority: Priority = a.priority === 'critical' ? 'P1' : a.priority === 'high' ? 'P2' : 'P3';
  return {
    kind: 'event',
    key: `channel:${a.channel}:${a.reason}`,
    priority,
    source: 'channel',
    title: `${CHANNEL_TITLES[a.reason] ?? a.reason} (${a.channel})`,
    message: a.message,
  };
}

// ---- escalations of the supervision tree ----

export interface EscalationInput {
  readonly level: string;
  readonly kind: string;
  readonly code: string;
  readonly reason: string;
  readonly symbol?: string;
  readonly actorId?: string;
}

/** Disable codes that are someone's choice, not a failure. */
const CHOSEN_DISABLE_CODES: ReadonlySet<string> = new Set(['OPERATOR', 'CONFIG_DISABLED']);

export function escalationObservation(e: EscalationInput): Observation | null {
  const event = (key: string, priority: Priority, title: string, oneShot = false): EventObservation => ({
    kind: 'event',
    key,
    priority,
    source: 'escalation',
    title,
    message: `${e.code}: ${e.reason}`,
    ...(oneShot ? { oneShot } : {}),
  });
  switch (e.kind) {
    case 'emergency_stop':
      return event('escalation:halt', 'P1', 'Emergency stop: trading HALTED');
    case 'resumed':
      return { kind: 'recovery', keyPrefixes: ['escalation:halt'], message: e.reason };
    case 'strategy_disabled':
      if (CHOSEN_DISABLE_CODES.has(e.code)) return event(`escalation:operator:${e.actorId ?? ''}:disabled`, 'P3', `${e.actorId} disabled`, true);
      return event(`escalation:disabled:${e.actorId ?? ''}`, 'P2', `Strategy ${e.actorId} disabled (level 2)`);
    case 'strategy_enabled':
      return { kind: 'recovery', keyPrefixes: [`escalation:disabled:${e.actorId ?? ''}`, `escalation:breaker:${e.actorId ?? ''}`], message: e.reason };
    case 'symbol_escalated':
      return event(`escalation:symbol:${e.symbol ?? ''}`, 'P2', `Symbol supervisor ${e.symbol} gave up`);
    case 'actor_restarted':
      return event(`escalation:crash:${e.actorId ?? ''}`, 'P2', `Actor ${e.actorId} crashed and was restarted`);
    case 'breaker_tripped':
      return event(`escalation:breaker:${e.actorId ?? ''}`, 'P3', `Circuit breaker of ${e.actorId} opened`);
    default:
      return null;
  }
}

// ---- start-up reconciliation ----

export interface ReconcileInput {
  readonly adopted: number;
  readonly neverReached: number;
  readonly foreignOrders: readonly string[];
  readonly unprotectedPositions: number;
}

export function reconcileObservation(r: ReconcileInput): EventObservation | null {
  const parts: string[] = [];
  if (r.adopted > 0) parts.push(`${r.adopted} order(s) of ours unknown to the journal adopted`);
  if (r.neverReached > 0) parts.push(`${r.neverReached} journaled order(s) never reached the exchange`);
  if (r.foreignOrders.length > 0) parts.push(`${r.foreignOrders.length} foreign open order(s)`);
  if (r.unprotectedPositions > 0) parts.push(`${r.unprotectedPositions} position(s) without a stop-loss (repaired)`);
  if (parts.length === 0) return null;
  return { kind: 'event', key: 'reconcile:mismatch', priority: 'P2', source: 'reconcile', title: 'Start-up reconciliation found mismatches', message: parts.join('; ') };
}

// ---- sampled conditions ----

export interface StrategyLatency {
  readonly strategy: string;
  readonly p95Ms: number | null;
  readonly samples: number;
}

export interface SymbolFreshness {
  readonly symbol: string;
  /** How far the newest closed candle the symbol's running actors saw lags behind the newest one closed by now; null before the first. */
  readonly ageMs: number | null;
}

export interface UnprotectedPosition {
  readonly symbol: string;
  readonly side: string;
  readonly size: number;
}

export interface AlertSample {
  readonly now: number;
  readonly rssBytes: number;
  /** Event-loop lag sustained over the last few samples (their lowest p99). */
  readonly eventLoopLagMs: number;
  readonly journalBytes: number | null;
  /** Exchange clock minus the local wall clock (ClockSync); null without a Bybit connection. */
  readonly clockOffsetMs: number | null;
  readonly latency: readonly StrategyLatency[];
  readonly freshness: readonly SymbolFreshness[];
  readonly unprotected: readonly UnprotectedPosition[];
  /** Expiry of the API key (epoch ms); null when it never expires or is unknown. */
  readonly apiKeyExpiresAt: number | null;
}

const MB = 1e6;
const DAY = 86_400_000;

function level(source: string, key: string, priority: Priority, title: string, breached: boolean, message: string, forMs?: number): LevelObservation {
  return { kind: 'level', source, key: `${source}:${key}`, priority, title, breached, message, ...(forMs ? { forMs } : {}) };
}

/** The sampled rules. Every level key starts with its source, so a complete sample can resolve what it no longer lists. */
export function sampleObservations(s: AlertSample, t: AlertThresholds): LevelObservation[] {
  const out: LevelObservation[] = [];
  const rssMb = s.rssBytes / MB;
  out.push(level('process', 'rss', 'P2', `Memory (RSS) above ${t.rssMb} MB`, rssMb > t.rssMb, `RSS ${rssMb.toFixed(0)} MB (threshold ${t.rssMb} MB)`));
  out.push(level('process', 'event_loop_lag', 'P2', `Event-loop lag above ${t.eventLoopLagMs} ms`, s.eventLoopLagMs > t.eventLoopLagMs, `event-loop lag p99 at least ${s.eventLoopLagMs.toFixed(1)} ms in each of the last samples (threshold ${t.eventLoopLagMs} ms)`));
  if (s.journalBytes !== null) {
    out.push(level('process', 'journal_size', 'P2', `Journal larger than ${(t.journalSizeBytes / MB).toFixed(0)} MB`, s.journalBytes > t.journalSizeBytes, `journal ${(s.journalBytes / MB).toFixed(1)} MB (threshold ${(t.journalSizeBytes / MB).toFixed(0)} MB)`));
  }
  if (s.clockOffsetMs !== null) {
    out.push(level('exchange', 'clock_skew', 'P2', `Clock skew above ${t.clockSkewMs} ms`, Math.abs(s.clockOffsetMs) > t.clockSkewMs, `the exchange clock is ${s.clockOffsetMs.toFixed(0)} ms off the local clock (threshold ${t.clockSkewMs} ms)`));
  }
  for (const l of s.latency) {
    const measured = l.p95Ms !== null && l.samples >= Math.min(t.latencyWindow, 20);
    const breached = measured && (l.p95Ms as number) > t.cycleLatencyP95Ms;
    out.push(level('strategy', `latency:${l.strategy}`, 'P2', `Strategy ${l.strategy}: cycle latency p95 above ${t.cycleLatencyP95Ms} ms`, breached, measured ? `p95 ${(l.p95Ms as number).toFixed(1)} ms over the last ${l.samples} cycles (threshold ${t.cycleLatencyP95Ms} ms)` : `${l.samples} cycle(s) measured`));
  }
  for (const f of s.freshness) {
    const breached = f.ageMs !== null && f.ageMs > t.staleDataMs;
    out.push(level('data', `stale:${f.symbol}`, 'P2', `Stale market data for ${f.symbol}`, breached, f.ageMs === null ? 'no candle yet' : `market data is ${humanDuration(f.ageMs)} behind the newest closed candle (threshold ${humanDuration(t.staleDataMs)})`));
  }
  for (const p of s.unprotected) {
    out.push(level('position', `unprotected:${p.symbol}`, 'P1', `Position without a stop-loss: ${p.symbol}`, true, `${p.side} ${p.size} ${p.symbol} has no stop-loss`, t.unprotectedPositionMs));
  }
  if (s.apiKeyExpiresAt !== null) {
    const left = s.apiKeyExpiresAt - s.now;
    const priority: Priority = left < t.apiKeyExpiryCriticalDays * DAY ? 'P1' : 'P2';
    out.push(level('exchange', 'api_key_expiry', priority, 'API key expires soon', left < t.apiKeyExpiryDays * DAY, left > 0 ? `the API key expires in ${humanDuration(left)}` : 'the API key has expired'));
  }
  return out;
}

/** Sources a sample covers completely (their unlisted level alerts resolve). */
export const SAMPLED_SOURCES = ['process', 'exchange', 'strategy', 'data', 'position'] as const;
