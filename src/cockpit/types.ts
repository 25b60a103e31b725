import type { AlertSnapshot } from '../core/alerts/types.ts';

/**
 * What an operator surface (Telegram, /dashboard, /viz buttons, HTTP) reads and may do,
 * independent of how it is shown. The cockpit composition (src/cockpit/cockpit.ts)
 * implements both against the runtime.
 */
export interface PositionView {
  readonly symbol: string;
  readonly side: string;
  readonly size: number;
  readonly avgPrice: number;
  readonly stopLoss: number;
  readonly takeProfit: number;
  readonly unrealisedPnl: number;
}

export interface OrderView {
  readonly symbol: string;
  readonly orderLinkId: string;
  readonly side: string;
  readonly orderType: string;
  readonly price: number;
  readonly qty: number;
  readonly status: string;
}

export interface PresetRow {
  readonly preset: string;
  readonly strategyType: string;
  readonly enabled: boolean;
  readonly actors: number;
  readonly running: number;
  readonly signals: number;
  readonly trades: number;
  readonly wins: number;
  /** 0..100, null without trades. */
  readonly winRatePct: number | null;
  readonly netPnl: number;
}

export interface CockpitStatus {
  readonly mode: string;
  readonly venue: string;
  readonly now: number;
  readonly tradingState: string;
  readonly haltReason: string | null;
  readonly equity: number | null;
  readonly pnlToday: number | null;
  readonly positions: readonly PositionView[];
  readonly actorsByState: Readonly<Record<string, number>>;
  readonly disabledActors: number;
  readonly alerts: readonly AlertSnapshot[];
  readonly configVersion: string;
}

export interface CockpitView {
  status(): CockpitStatus;
  openOrders(): readonly OrderView[];
  presets(): readonly PresetRow[];
  recentAlerts(limit: number): readonly { readonly type: string; readonly at: number; readonly text: string }[];
}

export interface ControlOutcome {
  readonly ok: boolean;
  /** HTTP-like status: 202 accepted, 404 unknown target, 409 not possible now, 400 bad request. */
  readonly status: number;
  readonly message: string;
  readonly actors: readonly string[];
  readonly correlationId?: string;
}

export interface ReloadOutcome {
  readonly ok: boolean;
  readonly status: number;
  /** applied, unchanged, refused, invalid, shadow, conflict. */
  readonly result: string;
  readonly message: string;
  readonly versionBefore: string;
  readonly versionAfter: string;
  readonly changes: readonly string[];
  /** Keys that need a restart (refused reloads). */
  readonly restartRequired: readonly string[];
  readonly problems: readonly string[];
  /** Actors restarted (between cycles), started or stopped by the change. */
  readonly restarting: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface CockpitActions {
  halt(reason: string, source: string): ControlOutcome;
  resume(source: string): ControlOutcome;
  /** `target` is a preset id, a symbol, or an actor id (SYMBOL:preset). */
  setEnabled(target: string, enabled: boolean, reason: string, source: string): ControlOutcome;
  reload(trigger: string): Promise<ReloadOutcome>;
}
