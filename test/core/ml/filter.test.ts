import { describe, expect, it } from 'vitest';
import { StrategyKernel } from '../../../src/core/kernel/kernel.ts';
import type { MlBinding } from '../../../src/core/ml/filter.ts';
import { FEATURE_HISTORY } from '../../../src/core/ml/features.ts';
import type { Candle } from '../../../src/domain/types.ts';
import { testStrategy } from '../../support/testStrategy.ts';
import { binding } from '../../ml/support/models.ts';
import { MIN, syntheticCandles } from '../support/series.ts';

const risk = { riskPerTradePct: 1, minRewardRisk: 1.5, maxLeverage: 5, maxPositionPct: 100, maxTotalExposurePct: 250, maxOpenPositions: 3, dailyLossLimitPct: 5, minScore: 0.3 };
const params = { interval: '1', historyCandles: 30 } as const;

function kernel(ml?: MlBinding): StrategyKernel {
  return new StrategyKernel({ definition: testStrategy, params, symbol: 'BTCUSDT', presetId: 'test', risk, maxStalenessMs: 300_000, ...(ml ? { ml } : {}) });
}

const rows = syntheticCandles({ seed: 3, count: 400, intervalMs: MIN, startPrice: 100, theta: 0.02, volatility: 0.003 });
const endOf = (r: readonly Candle[]) => r[r.length - 1]!.start + MIN;

/** The signal after feeding `r` (the kernel's full decision, with /actors' explanation). */
function signalAfter(k: StrategyKernel, r: readonly Candle[]) {
  for (const c of r) k.ingestCandle(c);
  const e = k.evaluate(endOf(r), true);
  if (e.kind !== 'signal') throw new Error(`expected a signal, got ${e.kind}`);
  return e.signal;
}

/** Indexes where the plain strategy enters (the test strategy enters on every candle with a body). */
const entryAt = (n: number) => {
  for (let i = n; i < rows.length; i++) if (rows[i]!.close !== rows[i]!.open) return i;
  throw new Error('no entry');
};

describe('ML filter in the kernel', () => {
  it('declares its history: the warm-up grows to the model requirement', () => {
    expect(kernel().warmupCandles).toBe(29);
    expect(kernel(binding(-5)).warmupCandles).toBe(FEATURE_HISTORY);
  });

  it('is not consulted until the model history is held: the strategy trades without it and says so', () => {
    const i = entryAt(40);
    const s = signalAfter(kernel(binding(-5)), rows.slice(0, i + 1));
    const plain = signalAfter(kernel(), rows.slice(0, i + 1));
    expect(s.action).toBe(plain.action);
    expect(s.action).not.toBe('none');
    expect(s.ml).toEqual({ status: 'waiting-history', version: 'test@v0001', history: i + 1, needs: FEATURE_HISTORY });
  });

  it('vetoes entries below the threshold once ready, and passes those above it unchanged', () => {
    const i = entryAt(FEATURE_HISTORY + 10);
    const plain = signalAfter(kernel(), rows.slice(0, i + 1));
    const vetoed = signalAfter(kernel(binding(-5)), rows.slice(0, i + 1));
    expect(vetoed.action).toBe('none');
    expect(vetoed.ml).toMatchObject({ status: 'applied', effect: 'vetoed', probability: 0.0067, threshold: 0.5 });
    expect(vetoed.reason).toMatch(/vetoed by the ML filter: p 0.0067 < 0.5/);
    const passed = signalAfter(kernel(binding(5)), rows.slice(0, i + 1));
    const { ml, ...rest } = passed;
    expect(rest).toEqual(plain);
    expect(ml).toMatchObject({ status: 'applied', effect: 'passed', probability: 0.9933 });
  });

  it('scales the size by the probability in scale mode (never below minScale)', () => {
    const i = entryAt(FEATURE_HISTORY + 10);
    const plain = signalAfter(kernel(), rows.slice(0, i + 1));
    const half = signalAfter(kernel(binding(0, { mode: 'scale' })), rows.slice(0, i + 1));
    expect(half.action).toBe(plain.action);
    expect(half.sizeFactor).toBeCloseTo(plain.score * 0.5, 12);
    const floor = signalAfter(kernel(binding(-9, { mode: 'scale', minScale: 0.3 })), rows.slice(0, i + 1));
    expect(floor.sizeFactor).toBeCloseTo(plain.score * 0.3, 12);
  });

  it('waits again after a gap resets the kernel, until the history is rebuilt', () => {
    const withGap = [...rows.slice(0, 150), ...rows.slice(151)];
    const k = kernel(binding(-5));
    // Right after the gap the window is degraded: the fallback decides and the model is never asked.
    const early = withGap.findIndex((c, n) => n > 155 && c.close !== c.open);
    const degraded = signalAfter(k, withGap.slice(0, early + 1));
    expect(degraded.mode).toBe('degraded');
    expect(degraded.ml).toBeUndefined();
    // Once the gap has left the 29-row window the full strategy is back, and the filter waits for its 97 rows.
    const i = withGap.findIndex((c, n) => n > 150 + 35 && c.close !== c.open);
    const s = signalAfter(k, withGap.slice(early + 1, i + 1));
    expect(s.mode).toBe('full');
    expect(s.action).not.toBe('none');
    expect(s.ml).toMatchObject({ status: 'waiting-history', history: i + 1 - 150 });
    const later = withGap.findIndex((c, n) => n > 150 + FEATURE_HISTORY + 5 && c.close !== c.open);
    const ready = signalAfter(k, withGap.slice(i + 1, later + 1));
    expect(ready.ml).toMatchObject({ status: 'applied', effect: 'vetoed' });
  });
});
