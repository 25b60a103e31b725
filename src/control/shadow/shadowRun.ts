import { createActor, type Actor, type AnyActorRef, type InspectionEvent } from 'xstate';
import type { AppConfig } from '../../../config/schema.ts';
import type { PresetPlan } from '../../../config/diff.ts';
import { createStrategyMachine } from '../../../machines/strategy.machine.ts';
import type { StrategyActorInput, StrategyContext, StrategyMachineDeps } from '../../../machines/strategy.types.ts';
import { createSymbolSupervisor, type SymbolSupervisorInput, type SymbolSupervisorMachine } from '../../../supervisors/symbol.supervisor.ts';
import type { PaperSettings } from '../../core/paper/paperAccount.ts';
import type { Random } from '../../core/rng.ts';
import { intervalMs } from '../../domain/types.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ExchangePort } from '../../ports/exchange.ts';
import type { Logger } from '../../observability/logger.ts';
import type { ActorRegistry } from '../../runtime/actorRegistry.ts';
import { buildSystemInput } from '../../runtime/systemInput.ts';
import { PaperBook, variantOf, type Variant } from './paperBook.ts';
import { shadowReport, type Decision, type ShadowReport } from './shadowReport.ts';

/**
 * The shadow phase of a reload: the changed presets run with their new parameters
 * (`candidate`) and, for comparison, with their current ones (`baseline`) on paper
 * accounts, beside the live actors and on the same live market data, under symbol
 * supervisors of their own (same machines, same ticks, same breakers). Their decisions
 * and the live actors' decisions are recorded per candle; GET /shadow compares them.
 */
export interface ShadowRunOptions {
  readonly current: AppConfig;
  readonly candidate: AppConfig;
  readonly plan: PresetPlan;
  readonly changes: readonly string[];
  readonly versions: { readonly current: string; readonly candidate: string };
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly random: Random;
  readonly resolveStrategy: StrategyMachineDeps['resolveStrategy'];
  readonly initialEquity: number;
  readonly paper: PaperSettings;
  readonly durationMs: number;
  readonly liveRegistry: ActorRegistry;
  readonly logger: Logger;
  readonly onExpire: () => void;
}

const MAX_DECISIONS = 2_000;

export class ShadowRun {
  readonly startedAt: number;
  readonly endsAt: number;
  private readonly book: PaperBook;
  private readonly roots: Actor<SymbolSupervisorMachine>[] = [];
  /** Decisions per actor id (shadow actors "SYM:preset@variant", live actors "SYM:preset"). */
  private readonly decisions = new Map<string, Decision[]>();
  private readonly lastSignal = new Map<string, unknown>();
  private readonly presets: readonly string[];
  private unsubscribeLive: () => void = () => undefined;
  private expiry: unknown;
  private ended: { readonly at: number; readonly outcome: string } | null = null;

  constructor(private readonly o: ShadowRunOptions) {
    this.startedAt = o.clock.now();
    this.endsAt = this.startedAt + o.durationMs;
    this.presets = [...o.plan.changedPresets, ...o.plan.addedPresets];
    this.book = new PaperBook({
      exchange: o.exchange,
      clock: o.clock,
      initialEquity: o.initialEquity,
      settings: o.paper,
      maxLeverage: (variant: Variant) => (variant === 'candidate' ? o.candidate : o.current).risk.maxLeverage,
    });
  }

  /** The shadow symbol supervisors' inputs: candidate actors of changed and added presets, baseline actors of changed ones. */
  private inputs(): SymbolSupervisorInput[] {
    const wanted = new Set(this.presets);
    const now = this.o.clock.now();
    const pick = (config: AppConfig, variant: Variant): SymbolSupervisorInput[] =>
      buildSystemInput({ ...config, strategies: config.strategies.filter((p) => p.enabled && wanted.has(p.id) && (variant === 'candidate' || this.o.plan.changedPresets.includes(p.id))) }, now).symbols.map((s) => ({
        ...s,
        children: s.children.map((c): StrategyActorInput => ({ ...c, actorId: `${c.actorId}@${variant}` })),
      }));
    const bySymbol = new Map<string, SymbolSupervisorInput>();
    for (const spec of [...pick(this.o.candidate, 'candidate'), ...pick(this.o.current, 'baseline')]) {
      const known = bySymbol.get(spec.symbol);
      bySymbol.set(spec.symbol, known ? { ...known, children: [...known.children, ...spec.children] } : spec);
    }
    return [...bySymbol.values()];
  }

  start(): void {
    const { o } = this;
    const now = (): number => o.clock.now();
    // No kline stream here: the shadow supervisors' fallback timers start the cycles.
    const strategyLogic = createStrategyMachine({ now, resolveStrategy: o.resolveStrategy, market: this.book.marketSource() }).provide({
      actors: { placeEntry: this.book.placeEntry() },
    });
    const symbolLogic = createSymbolSupervisor({ now, random: o.random, strategyLogic });
    for (const input of this.inputs()) {
      for (const child of input.children) this.book.candleMs.set(child.actorId, intervalMs(child.params.interval));
      const root = createActor(symbolLogic, { input, clock: o.clock, inspect: (event) => this.inspect(event) });
      root.subscribe({ error: (error) => o.logger.error({ event: 'shadow_failed', symbol: input.symbol, err: error instanceof Error ? error.message : String(error) }, `shadow supervisor ${input.symbol} failed`) });
      this.roots.push(root);
      root.start();
    }
    const changed = new Set(o.plan.changedPresets);
    this.unsubscribeLive = o.liveRegistry.onChange((entry) => {
      if (changed.has(entry.presetId)) this.record(entry.actorId, entry.context);
    });
    this.expiry = o.clock.setTimeout(() => o.onExpire(), o.durationMs);
    o.logger.info(
      { event: 'shadow_started', presets: this.presets, actors: this.roots.length, until: new Date(this.endsAt).toISOString(), changes: o.changes },
      `shadow run started: ${this.presets.join(', ')} on paper until ${new Date(this.endsAt).toISOString()}`,
    );
  }

  stop(outcome: string): void {
    if (this.ended) return;
    this.ended = { at: this.o.clock.now(), outcome };
    this.o.clock.clearTimeout(this.expiry);
    this.unsubscribeLive();
    for (const root of this.roots) root.stop();
    this.o.logger.info({ event: 'shadow_ended', outcome, presets: this.presets }, `shadow run ended: ${outcome}`);
  }

  get active(): boolean {
    return this.ended === null;
  }

  get candidate(): AppConfig {
    return this.o.candidate;
  }

  private inspect(event: InspectionEvent): void {
    if (event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as unknown as { machine?: { id: string }; context: unknown };
    if (snapshot.machine?.id !== 'strategy') return;
    this.record((event.actorRef as AnyActorRef).id, snapshot.context as StrategyContext);
  }

  private record(actorId: string, context: StrategyContext): void {
    const signal = context.lastSignal;
    if (!signal || signal === this.lastSignal.get(actorId) || signal.candleStart < this.startedAt - intervalMs(context.settings.params.interval)) return;
    this.lastSignal.set(actorId, signal);
    const list = this.decisions.get(actorId) ?? [];
    list.push({ candleStart: signal.candleStart, action: signal.action, score: signal.score });
    if (list.length > MAX_DECISIONS) list.splice(0, list.length - MAX_DECISIONS);
    this.decisions.set(actorId, list);
  }

  report(): ShadowReport {
    const { o } = this;
    return shadowReport({
      active: this.active,
      outcome: this.ended?.outcome ?? 'running',
      startedAt: this.startedAt,
      endsAt: this.endsAt,
      endedAt: this.ended?.at ?? null,
      versions: o.versions,
      changes: o.changes,
      plan: o.plan,
      current: o.current,
      candidate: o.candidate,
      decisions: this.decisions,
      fills: this.book.fills,
      account: (preset, variant) => this.book.account(preset, variant),
      variantOf,
    });
  }
}
