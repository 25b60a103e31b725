import type { AppConfig } from '../../config/schema.ts';
import type { BacktestArgs } from '../backtest/cliArgs.ts';
import { runFastEngine } from '../backtest/fast/fastEngine.ts';
import { summarize } from '../backtest/metrics.ts';
import type { DataSeriesSpec } from '../backtest/prepareRun.ts';
import { planBacktest } from '../backtest/runPlan.ts';
import { distribution, type Distribution } from './montecarlo.ts';

/**
 * `npm run montecarlo -- --synthetic N`: the configured presets over N simulated markets,
 * each with its own seed and a regime forced on every symbol in turn (mixed, trend, range,
 * crash), instead of resampling one record: how the strategies fare across markets.
 */
export const SYNTHETIC_REGIMES = ['mixed', 'trend', 'range', 'crash'] as const;

export interface MarketRun {
  readonly seed: number;
  readonly regime: (typeof SYNTHETIC_REGIMES)[number];
  readonly trades: number;
  readonly finalEquity: number;
  readonly returnPct: number;
  readonly maxDrawdownPct: number;
  readonly longestLosingStreak: number;
  readonly ruined: boolean;
}

export interface SyntheticMc {
  readonly markets: number;
  readonly hours: number;
  readonly firstSeed: number;
  readonly startEquity: number;
  readonly floorPct: number;
  readonly runs: readonly MarketRun[];
  readonly finalEquity: Distribution;
  readonly returnPct: Distribution;
  readonly maxDrawdownPct: Distribution;
  readonly longestLosingStreak: Distribution;
  readonly riskOfRuin: number;
}

export interface SyntheticSettings {
  readonly markets: number;
  readonly firstSeed: number;
  readonly hours: number;
  readonly data: readonly DataSeriesSpec[];
  readonly floorPct: number;
}

function longestLosing(trades: readonly { readonly netPnl: number; readonly exitTime: number }[]): number {
  let streak = 0;
  let longest = 0;
  for (const t of [...trades].sort((a, b) => a.exitTime - b.exitTime)) {
    streak = t.netPnl < 0 ? streak + 1 : 0;
    longest = Math.max(longest, streak);
  }
  return longest;
}

export async function syntheticMonteCarlo(config: AppConfig, s: SyntheticSettings, onMarket?: (i: number) => void): Promise<SyntheticMc> {
  const runs: MarketRun[] = [];
  const start = config.simulator.initialBalance;
  const floor = (start * s.floorPct) / 100;
  for (let i = 0; i < s.markets; i++) {
    const regime = SYNTHETIC_REGIMES[i % SYNTHETIC_REGIMES.length]!;
    const symbols = [...new Set(s.data.length > 0 ? s.data.map((d) => d.symbol) : config.strategies.flatMap((p) => p.symbols))];
    const regimes = regime === 'mixed' ? {} : Object.fromEntries(symbols.map((sym) => [sym, regime]));
    const seed = s.firstSeed + i;
    const args: BacktestArgs = { help: false, market: 'synthetic', engine: 'fast', data: s.data, seed, hours: s.hours };
    const plan = await planBacktest(args, { ...config, simulator: { ...config.simulator, regimes } }, async () => {
      throw new Error('a synthetic run reads no store');
    });
    const results = summarize(runFastEngine(plan.input));
    runs.push({
      seed,
      regime,
      trades: results.portfolio.trades,
      finalEquity: results.endEquity,
      returnPct: results.portfolio.returnPct ?? 0,
      maxDrawdownPct: results.portfolio.maxDrawdownPct,
      longestLosingStreak: longestLosing(results.trades),
      ruined: results.equityCurve.some((p) => p.equity <= floor),
    });
    onMarket?.(i + 1);
  }
  const column = (pick: (r: MarketRun) => number) => Float64Array.from(runs, pick);
  return {
    markets: s.markets,
    hours: s.hours,
    firstSeed: s.firstSeed,
    startEquity: start,
    floorPct: s.floorPct,
    runs,
    finalEquity: distribution(column((r) => r.finalEquity)),
    returnPct: distribution(column((r) => r.returnPct)),
    maxDrawdownPct: distribution(column((r) => r.maxDrawdownPct)),
    longestLosingStreak: distribution(column((r) => r.longestLosingStreak)),
    riskOfRuin: runs.length > 0 ? runs.filter((r) => r.ruined).length / runs.length : 0,
  };
}
