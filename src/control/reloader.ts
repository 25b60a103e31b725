import type { LoadResult } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { diffConfig, planPresets, configVersion, type ConfigDiff, type PresetPlan } from '../../config/diff.ts';
import type { ReloadOutcome } from '../cockpit/types.ts';
import type { Observation } from '../core/alerts/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { CockpitStore } from '../journal/cockpitStore.ts';
import type { LiveConfig } from './liveConfig.ts';
import type { ShadowRun } from './shadow/shadowRun.ts';
import type { ShadowReport } from './shadow/shadowReport.ts';

/**
 * Configuration reload (POST /config/reload, SIGHUP, Telegram /reload): re-read the file
 * and the environment exactly as at start-up, validate with the same schema, diff, and
 * apply what can change live in one synchronous step (the runtime's presets and risk
 * limits, then everything that follows LiveConfig), or refuse the whole reload, naming the
 * settings that need a restart. With a shadow duration the changed presets first run on
 * paper beside the live ones (ShadowRun) until promoted, rolled back or expired.
 * Every attempt is logged, journaled, counted and sent as a P3 alert.
 */
export interface ReloaderDeps {
  /** Loads the configuration as npm start did (same file, environment and flags). */
  readonly load: () => LoadResult;
  readonly live: LiveConfig;
  /** Applies presets and risk limits to the supervision tree (Runtime.reconfigure). */
  readonly reconfigure: (config: AppConfig, correlationId: string) => void;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: CockpitStore | null;
  readonly observe: (observations: readonly Observation[]) => void;
  readonly count: (result: string) => void;
  readonly startShadow: (o: { candidate: AppConfig; plan: PresetPlan; diff: ConfigDiff; durationMs: number; onExpire: () => void }) => ShadowRun;
}

const EMPTY = { changes: [], restartRequired: [], problems: [], restarting: [], added: [], removed: [] };

export class ConfigReloader {
  private seq = 0;
  private shadowRun: ShadowRun | null = null;
  private lastShadow: ShadowRun | null = null;

  constructor(private readonly d: ReloaderDeps) {}

  shadowReport(): ShadowReport | null {
    return (this.shadowRun ?? this.lastShadow)?.report() ?? null;
  }

  reload(trigger: string, shadowMs?: number): ReloadOutcome {
    const before = this.d.live.get();
    const versionBefore = this.d.live.version();
    const base = { versionBefore, versionAfter: versionBefore };
    if (this.shadowRun) {
      return this.finish(trigger, { ...EMPTY, ...base, ok: false, status: 409, result: 'conflict', message: `a shadow run is in progress (until ${this.shadowRun.report().endsAt}): POST /config/promote or /config/rollback first` });
    }
    const loaded = this.d.load();
    if (!loaded.ok) {
      return this.finish(trigger, { ...EMPTY, ...base, ok: false, status: 400, result: 'invalid', problems: loaded.problems, message: `configuration invalid (${loaded.problems.length} problem(s)); nothing was applied: ${loaded.problems.join('; ')}` });
    }
    const next = loaded.config;
    const diff = diffConfig(before, next);
    const versionAfter = configVersion(next);
    if (diff.changes.length === 0) return this.finish(trigger, { ...EMPTY, ...base, ok: true, status: 200, result: 'unchanged', message: 'the configuration did not change' });
    if (diff.restartRequired.length > 0) {
      return this.finish(trigger, {
        ...EMPTY,
        ...base,
        ok: false,
        status: 409,
        result: 'refused',
        changes: diff.changes,
        restartRequired: diff.restartRequired,
        message: `not applied: ${diff.restartRequired.join(', ')} can only change with a restart; nothing was changed (edit them back, or restart the bot)`,
      });
    }
    const plan = planPresets(before, next);
    if (shadowMs !== undefined) {
      if (plan.changedPresets.length + plan.addedPresets.length === 0) {
        return this.finish(trigger, { ...EMPTY, ...base, ok: false, status: 400, result: 'invalid', changes: diff.changes, message: 'nothing to shadow: no strategy preset was changed or added (apply the change with a plain reload)' });
      }
      const run = this.d.startShadow({ candidate: next, plan, diff, durationMs: shadowMs, onExpire: () => this.endShadow('expired', 'shadow period over') });
      this.shadowRun = run;
      run.start();
      return this.finish(trigger, {
        ...EMPTY,
        ...base,
        versionAfter,
        ok: true,
        status: 202,
        result: 'shadow',
        changes: diff.changes,
        message: `shadow run of ${[...plan.changedPresets, ...plan.addedPresets].join(', ')} on paper until ${run.report().endsAt}; live trading is unchanged (POST /config/promote or /config/rollback)`,
      });
    }
    return this.finish(trigger, this.apply(before, next, diff, plan, versionBefore, versionAfter, 'applied'));
  }

  promote(trigger: string): ReloadOutcome {
    const run = this.shadowRun;
    const versionBefore = this.d.live.version();
    if (!run) return this.finish(trigger, { ...EMPTY, versionBefore, versionAfter: versionBefore, ok: false, status: 409, result: 'conflict', message: 'no shadow run to promote' });
    this.endShadow('promoted', '');
    const before = this.d.live.get();
    const diff = diffConfig(before, run.candidate);
    return this.finish(trigger, this.apply(before, run.candidate, diff, planPresets(before, run.candidate), versionBefore, configVersion(run.candidate), 'promoted'));
  }

  rollback(trigger: string): ReloadOutcome {
    const versionBefore = this.d.live.version();
    if (!this.shadowRun) return this.finish(trigger, { ...EMPTY, versionBefore, versionAfter: versionBefore, ok: false, status: 409, result: 'conflict', message: 'no shadow run to roll back' });
    this.endShadow('rolled_back', '');
    return this.finish(trigger, { ...EMPTY, versionBefore, versionAfter: versionBefore, ok: true, status: 200, result: 'rolled_back', message: `shadow run ended; the live configuration ${versionBefore} stays` });
  }

  stop(): void {
    this.shadowRun?.stop('stopped');
    this.shadowRun = null;
  }

  private endShadow(outcome: string, why: string): void {
    const run = this.shadowRun;
    if (!run) return;
    run.stop(outcome);
    this.lastShadow = run;
    this.shadowRun = null;
    if (outcome === 'expired') {
      const v = this.d.live.version();
      this.finish('shadow expiry', { ...EMPTY, versionBefore: v, versionAfter: v, ok: true, status: 200, result: 'expired', message: `${why}: the candidate was not promoted; the live configuration ${v} stays` });
    }
  }

  private apply(before: AppConfig, next: AppConfig, diff: ConfigDiff, plan: PresetPlan, versionBefore: string, versionAfter: string, result: string): ReloadOutcome {
    const correlationId = `reload#${this.d.clock.now().toString(36)}.${++this.seq}`;
    const treeChanged = JSON.stringify(before.strategies) !== JSON.stringify(next.strategies) || JSON.stringify(before.risk) !== JSON.stringify(next.risk);
    // The supervision tree first: if it throws, nothing else has changed.
    if (treeChanged) this.d.reconfigure(next, correlationId);
    this.d.live.set(next);
    return {
      ok: true,
      status: 200,
      result,
      versionBefore,
      versionAfter,
      changes: diff.changes,
      restartRequired: [],
      problems: [],
      restarting: plan.restart,
      added: plan.added,
      removed: plan.removed,
      message: `applied ${diff.changes.length} change(s) (${diff.changes.join(', ')}); ${plan.restart.length} actor(s) restart between cycles, ${plan.added.length} added, ${plan.removed.length} removed`,
    };
  }

  private finish(trigger: string, outcome: ReloadOutcome): ReloadOutcome {
    const at = this.d.clock.now();
    const fields = { event: 'config_reload', trigger, result: outcome.result, versionBefore: outcome.versionBefore, versionAfter: outcome.versionAfter, changes: outcome.changes, restartRequired: outcome.restartRequired, problems: outcome.problems, restarting: outcome.restarting, added: outcome.added, removed: outcome.removed };
    const line = `configuration reload (${trigger}) ${outcome.result}: ${outcome.message}`;
    if (outcome.ok) this.d.logger.info(fields, line);
    else this.d.logger.warn(fields, line);
    try {
      this.d.store?.recordReload({ at, trigger, result: outcome.result, versionBefore: outcome.versionBefore, versionAfter: outcome.versionAfter, changes: outcome.changes, message: outcome.message });
    } catch (error) {
      this.d.logger.error({ event: 'journal_write_failed', what: 'config_reload', err: error instanceof Error ? error.message : String(error) }, 'journal write failed');
    }
    this.d.count(outcome.result);
    this.d.observe([
      { kind: 'event', oneShot: true, key: `config:reload:${at}:${this.seq++}`, priority: 'P3', source: 'config', title: `Configuration reload ${outcome.result} (${trigger})`, message: outcome.message },
    ]);
    return outcome;
  }
}
