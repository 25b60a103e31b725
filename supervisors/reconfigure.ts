import type { StrategyActorInput } from '../machines/strategy.types.ts';
import type { DisabledEntry } from './escalation.ts';
import type { SymbolSupervisorInput } from './symbol.supervisor.ts';

/**
 * Hot reconfiguration of the supervision tree (GitHub issue 11), as pure plans the two
 * supervisors execute: which symbol supervisors to start, which strategy actors to start,
 * stop or restart. Restarts and removals wait until the actor is between cycles (idle,
 * cooldown or broken), never in the middle of an order: the supervisor keeps them pending
 * and retries (APPLY_PENDING).
 */

/** Strategy states in which an actor may be stopped without cutting an iteration short. */
export const BETWEEN_CYCLES: ReadonlySet<string> = new Set(['idle', 'cooldown', 'broken']);
/** How long a pending restart waits before it looks again (on the actor system's clock). */
export const PENDING_RETRY_MS = 500;

export const CONFIG_DISABLED_CODE = 'CONFIG_DISABLED';

type Disabled = Readonly<Record<string, DisabledEntry & { readonly symbol: string }>>;

export interface SystemReconfigurePlan {
  readonly symbols: readonly SymbolSupervisorInput[];
  readonly disabled: Disabled;
  /** Symbols new to the tree: a supervisor is spawned for each. */
  readonly spawn: readonly SymbolSupervisorInput[];
  /** Symbols already in the tree: their supervisor gets the new children. */
  readonly forward: readonly { readonly symbol: string; readonly children: readonly StrategyActorInput[]; readonly disabled: Readonly<Record<string, DisabledEntry>> }[];
}

/**
 * `next` lists the symbols the new configuration trades; a symbol it no longer lists keeps
 * its supervisor with no children (its actors stop between cycles, nothing is cut short).
 * Disabled entries: removed actors are forgotten, presets switched off in the file are
 * disabled (CONFIG_DISABLED), presets switched on lose only a CONFIG_DISABLED entry; a
 * disable by an operator or an escalation stays.
 */
export function planSystemReconfigure(
  current: { readonly symbols: readonly SymbolSupervisorInput[]; readonly disabled: Disabled },
  next: readonly SymbolSupervisorInput[],
  configDisabled: Disabled,
): SystemReconfigurePlan {
  const nextBySymbol = new Map(next.map((s) => [s.symbol, s]));
  const symbols: SymbolSupervisorInput[] = [...next];
  for (const old of current.symbols) if (!nextBySymbol.has(old.symbol)) symbols.push({ ...old, children: [] });
  const actorIds = new Set(symbols.flatMap((s) => s.children.map((c) => c.actorId)));

  const disabled: Record<string, DisabledEntry & { readonly symbol: string }> = {};
  for (const [id, entry] of Object.entries(current.disabled)) {
    if (!actorIds.has(id)) continue;
    if (entry.code === CONFIG_DISABLED_CODE && !configDisabled[id]) continue;
    disabled[id] = entry;
  }
  for (const [id, entry] of Object.entries(configDisabled)) if (!disabled[id]) disabled[id] = entry;

  const known = new Set(current.symbols.map((s) => s.symbol));
  const spawn: SymbolSupervisorInput[] = [];
  const forward: SystemReconfigurePlan['forward'][number][] = [];
  for (const spec of symbols) {
    const own = Object.fromEntries(spec.children.filter((c) => disabled[c.actorId]).map((c) => [c.actorId, stripSymbol(disabled[c.actorId]!)]));
    if (known.has(spec.symbol)) forward.push({ symbol: spec.symbol, children: spec.children, disabled: own });
    else spawn.push({ ...spec, initiallyDisabled: own });
  }
  return { symbols, disabled, spawn, forward };
}

function stripSymbol(entry: DisabledEntry & { readonly symbol?: string }): DisabledEntry {
  return { at: entry.at, reason: entry.reason, code: entry.code, correlationId: entry.correlationId };
}

export interface SymbolReconfigurePlan {
  readonly specs: Readonly<Record<string, StrategyActorInput>>;
  readonly order: readonly string[];
  readonly disabled: Readonly<Record<string, DisabledEntry>>;
  /** Newly disabled running actors: stopped now (as an operator disable would). */
  readonly stopNow: readonly string[];
  /** Actors to spawn now (added, or no longer disabled). */
  readonly startNow: readonly string[];
  /** Running actors to restart with their new input, or to stop (removed), between cycles. */
  readonly pending: readonly string[];
  readonly running: readonly string[];
}

export function planSymbolReconfigure(
  current: {
    readonly specs: Readonly<Record<string, StrategyActorInput>>;
    readonly disabled: Readonly<Record<string, DisabledEntry>>;
    readonly running: readonly string[];
    readonly pending: readonly string[];
  },
  children: readonly StrategyActorInput[],
  disabled: Readonly<Record<string, DisabledEntry>>,
): SymbolReconfigurePlan {
  const specs = Object.fromEntries(children.map((c) => [c.actorId, c]));
  const running = new Set(current.running);
  const pending = new Set(current.pending);
  const stopNow: string[] = [];
  const startNow: string[] = [];
  for (const id of current.running) {
    if (disabled[id] && !current.disabled[id]) {
      stopNow.push(id);
      running.delete(id);
      pending.delete(id);
    } else if (!specs[id]) pending.add(id);
    else if (JSON.stringify(specs[id]) !== JSON.stringify(current.specs[id])) pending.add(id);
  }
  for (const id of Object.keys(specs)) {
    if (running.has(id) || disabled[id]) continue;
    startNow.push(id);
    running.add(id);
  }
  return { specs, order: children.map((c) => c.actorId), disabled, stopNow, startNow, pending: [...pending], running: [...running] };
}

// ---- execution inside the supervisors (their enqueueActions call these) ----

/** Events of the hot reload a symbol supervisor handles. */
export type SymbolReconfigureEvent =
  | { readonly type: 'RECONFIGURE'; readonly children: readonly StrategyActorInput[]; readonly disabled: Readonly<Record<string, DisabledEntry>>; readonly correlationId: string }
  | { readonly type: 'APPLY_PENDING' };

/** Events of the hot reload the system supervisor handles. */
export type SystemReconfigureEvent = {
  readonly type: 'RECONFIGURE';
  readonly symbols: readonly SymbolSupervisorInput[];
  readonly configDisabled: Disabled;
  readonly correlationId: string;
};

/** The part of XState's enqueue API these executors use (kept structural: both machines pass theirs). */
interface Enqueue {
  assign(patch: Record<string, unknown>): void;
  spawnChild(src: string, options: { id: string; systemId: string; input: unknown }): void;
  stopChild(id: string): void;
  cancel(id: string): void;
  raise(event: { type: string; [key: string]: unknown }, options: { delay: number; id: string }): void;
  sendTo(ref: unknown, event: unknown): void;
}

interface ActorSystemLike {
  get(systemId: string): { getSnapshot(): { readonly status: string; readonly value: unknown } } | undefined;
}

interface SymbolContextLike {
  readonly specs: Readonly<Record<string, StrategyActorInput>>;
  readonly disabled: Readonly<Record<string, DisabledEntry>>;
  readonly running: readonly string[];
  readonly pending: readonly string[];
}

function intervalOf(spec: StrategyActorInput): number {
  return Number(spec.params.interval) * 60_000;
}

/** RECONFIGURE in a symbol supervisor: stop the newly disabled, start the new, queue restarts and removals. */
export function reconfigureSymbol(args: { context: SymbolContextLike; event: SymbolReconfigureEvent; enqueue: Enqueue }): void {
  const { context, event, enqueue } = args;
  if (event.type !== 'RECONFIGURE') return;
  const plan = planSymbolReconfigure(context, event.children, event.disabled);
  for (const id of plan.stopNow) {
    enqueue.stopChild(id);
    enqueue.cancel(`restart:${id}`);
  }
  for (const id of plan.startNow) enqueue.spawnChild('strategy', { id, systemId: id, input: plan.specs[id]! });
  // One tick timer per candle interval in use (supervisors/ticks.ts).
  const before = new Set(Object.values(context.specs).map(intervalOf));
  const after = new Set(Object.values(plan.specs).map(intervalOf));
  for (const stepMs of after) if (!before.has(stepMs)) enqueue.raise({ type: 'TICK_TIMER', intervalMs: stepMs, initial: true }, { delay: 0, id: `tick:${stepMs}` });
  for (const stepMs of before) if (!after.has(stepMs)) enqueue.cancel(`tick:${stepMs}`);
  enqueue.assign({ specs: plan.specs, order: plan.order, disabled: plan.disabled, running: plan.running, pending: plan.pending });
  if (plan.pending.length > 0) enqueue.raise({ type: 'APPLY_PENDING' }, { delay: 0, id: 'apply-pending' });
}

/**
 * APPLY_PENDING: each pending actor that is between cycles (or no longer running) is
 * stopped; RESTART_CHILD spawns it again with its new input in a later event, once the
 * stopped actor's systemId is released (STYLE.md pitfall 2c). The others wait.
 */
export function applyPending(args: { context: SymbolContextLike; enqueue: Enqueue; system: ActorSystemLike }): void {
  const { context, enqueue, system } = args;
  const waiting: string[] = [];
  const stopped: string[] = [];
  for (const id of context.pending) {
    const snapshot = system.get(id)?.getSnapshot();
    if (snapshot && snapshot.status === 'active' && !BETWEEN_CYCLES.has(String(snapshot.value))) {
      waiting.push(id);
      continue;
    }
    if (snapshot) enqueue.stopChild(id);
    stopped.push(id);
    if (context.specs[id] && !context.disabled[id]) enqueue.raise({ type: 'RESTART_CHILD', actorId: id }, { delay: 0, id: `restart:${id}` });
  }
  enqueue.assign({ pending: waiting, running: context.running.filter((r) => !stopped.includes(r)) });
  if (waiting.length > 0) enqueue.raise({ type: 'APPLY_PENDING' }, { delay: PENDING_RETRY_MS, id: 'apply-pending' });
}

/**
 * RECONFIGURE in the system supervisor. While running, new symbols get a supervisor and
 * known ones their new children; while halted (or stopping for an emergency) the new
 * configuration is only remembered: the resume starts the tree from it.
 */
export function reconfigureSystem(
  args: { context: { readonly symbols: readonly SymbolSupervisorInput[]; readonly disabled: Disabled }; event: { readonly type: string }; enqueue: Enqueue; system: ActorSystemLike },
  running: boolean,
): void {
  const { context, enqueue, system } = args;
  if (args.event.type !== 'RECONFIGURE') return;
  const event = args.event as SystemReconfigureEvent;
  const plan = planSystemReconfigure(context, event.symbols, event.configDisabled);
  enqueue.assign({ symbols: plan.symbols, disabled: plan.disabled });
  if (!running) return;
  for (const spec of plan.spawn) enqueue.spawnChild('symbolSupervisor', { id: `symbol:${spec.symbol}`, systemId: `symbol:${spec.symbol}`, input: spec });
  for (const f of plan.forward) {
    const ref = system.get(`symbol:${f.symbol}`);
    if (ref) enqueue.sendTo(ref, { type: 'RECONFIGURE', children: f.children, disabled: f.disabled, correlationId: event.correlationId });
  }
}
