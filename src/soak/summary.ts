import type { AuditResult } from './audit.ts';
import type { SoakOptions } from './runSoak.ts';
import { FAULT_KINDS, type FaultKind, type PlannedFault } from './timeline.ts';

/** What the soak counts while it runs (see runSoak.ts). */
export interface SoakTallies {
  readonly processCrashes: string[];
  simCrashes: number;
  kills: number;
  /** Wall ms from the end of each fault until /ready was 200 again, by kind. */
  readonly recoveries: Record<FaultKind, number[]>;
  readonly unrecovered: string[];
  /** Escalation log lines by level, then kind (level 1 includes iteration_failed). */
  readonly escalations: Record<string, Record<string, number>>;
  operatorResumes: number;
  operatorEnables: number;
  ordersSubmitted: number;
  /** Channel alerts the bot logged (failover, dns, timeout, rate_limit...), by reason. */
  readonly alerts: Record<string, number>;
  readonly rss: { readonly instance: number; readonly simHours: number; readonly mb: number }[];
}

export interface SoakSummary {
  readonly soak: {
    readonly scenario: string;
    readonly hours: number;
    readonly symbols: number;
    readonly actors: number;
    readonly seed: number;
    readonly speed: number;
    readonly simulatedHours: number;
    readonly wallSeconds: number;
    /** Every count here must be 0. */
    readonly failures: {
      readonly processCrashes: number;
      readonly simulatorCrashes: number;
      readonly lostOrders: number;
      readonly duplicateOrderLinkIds: number;
      readonly journalExchangeMismatches: number;
      readonly positionsWithoutStop: number;
      readonly unrecoveredFaults: number;
    };
    readonly ok: boolean;
    readonly faults: Record<string, { readonly count: number; readonly recoveryMs: { readonly median: number | null; readonly max: number | null } }>;
    readonly restarts: { readonly sigkills: number; readonly finalExitCode: number | null };
    readonly escalations: Record<string, Record<string, number>>;
    readonly channelAlerts: Record<string, number>;
    readonly operator: { readonly resumes: number; readonly enables: number };
    readonly orders: { readonly submitted: number; readonly ofOursOnExchange: number; readonly entryOrders: number; readonly journalRows: number; readonly duplicateIdResendsAnswered: number; readonly openPositions: number };
    readonly rss: { readonly samples: number; readonly instances: number; readonly maxMb: number | null; readonly longestInstance: { readonly startMb: number; readonly endMb: number; readonly simHours: number; readonly slopeMbPerSimHour: number } | null };
    /** Details behind non-zero failure counts (empty when ok). */
    readonly details: readonly string[];
    readonly workDir: string;
  };
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

function rssSummary(samples: SoakTallies['rss']): SoakSummary['soak']['rss'] {
  const byInstance = new Map<number, SoakTallies['rss'][number][]>();
  for (const s of samples) byInstance.set(s.instance, [...(byInstance.get(s.instance) ?? []), s]);
  const longest = [...byInstance.values()].sort((a, b) => b.length - a.length)[0];
  return {
    samples: samples.length,
    instances: byInstance.size,
    maxMb: samples.length ? round(Math.max(...samples.map((s) => s.mb))) : null,
    longestInstance:
      longest && longest.length > 1
        ? {
            startMb: round(longest[0]!.mb),
            endMb: round(longest.at(-1)!.mb),
            simHours: round(longest.at(-1)!.simHours - longest[0]!.simHours, 2),
            // After the first sample (start-up allocations), the trend of a steady run.
            slopeMbPerSimHour: round(slope(longest.slice(1).map((s) => ({ x: s.simHours, y: s.mb }))), 2),
          }
        : null,
  };
}

export interface SummaryInput {
  readonly o: SoakOptions & { readonly speed: number };
  readonly symbols: readonly string[];
  readonly planned: readonly PlannedFault[];
  readonly tallies: SoakTallies;
  readonly audit: AuditResult;
  readonly simState: { readonly duplicateOrderLinkIdRejected: number };
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly finalExitCode: number | null;
  readonly workDir: string;
}

export function summarize(i: SummaryInput): SoakSummary {
  const { tallies, audit } = i;
  const failures = {
    processCrashes: tallies.processCrashes.length,
    simulatorCrashes: tallies.simCrashes,
    lostOrders: audit.lostOrders.length,
    duplicateOrderLinkIds: audit.duplicates.length,
    journalExchangeMismatches: audit.mismatches.length,
    positionsWithoutStop: audit.unprotectedPositions.length,
    unrecoveredFaults: tallies.unrecovered.length,
  };
  const faults = Object.fromEntries(
    FAULT_KINDS.map((kind) => {
      const r = tallies.recoveries[kind];
      return [kind, { count: i.planned.filter((p) => p.kind === kind).length, recoveryMs: { median: percentile(r, 0.5), max: r.length ? Math.max(...r) : null } }];
    }),
  );
  return {
    soak: {
      scenario: i.o.scenario,
      hours: i.o.hours,
      symbols: i.symbols.length,
      actors: i.symbols.length * 3,
      seed: i.o.seed,
      speed: i.o.speed,
      simulatedHours: round(i.simulatedMs / 3_600_000, 2),
      wallSeconds: Math.round(i.wallMs / 1000),
      failures,
      ok: Object.values(failures).every((n) => n === 0),
      faults,
      restarts: { sigkills: tallies.kills, finalExitCode: i.finalExitCode },
      escalations: tallies.escalations,
      channelAlerts: tallies.alerts,
      operator: { resumes: tallies.operatorResumes, enables: tallies.operatorEnables },
      orders: {
        submitted: tallies.ordersSubmitted,
        ofOursOnExchange: audit.orders,
        entryOrders: audit.entryOrders,
        journalRows: audit.journalOrders,
        duplicateIdResendsAnswered: i.simState.duplicateOrderLinkIdRejected,
        openPositions: audit.openPositions,
      },
      rss: rssSummary(tallies.rss),
      details: [...tallies.processCrashes, ...tallies.unrecovered, ...audit.lostOrders, ...audit.duplicates, ...audit.mismatches, ...audit.unprotectedPositions.map((p) => `no stop: ${p}`)].slice(0, 50),
      workDir: i.workDir,
    },
  };
}
