import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { configuredSchedule } from '../../src/core/fills/funding.ts';
import type { Candle, Execution } from '../../src/domain/types.ts';
import { createReplayExchange, type FundingEvent } from '../../src/sim/index.ts';
import { instrumentFor } from '../../src/sim/instruments.ts';
import { toColumns } from '../support/candleColumns.ts';

/** The simulator over stored candles: bar-level fills with the core fill model. */
const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);
const bar = (i: number, open: number, high: number, low: number, close: number): Candle => ({ start: T0 + i * H, open, high, low, close, volume: 10, turnover: 10 * close });

function setup(bars: Candle[], fundingRate = 0) {
  const clock = new ManualClock(T0);
  const instrument = instrumentFor('BTCUSDT', 60_000);
  const sim = createReplayExchange({
    clock,
    seed: 1,
    symbols: new Map([['BTCUSDT', { instrument, series: [toColumns('BTCUSDT', '60', bars)], funding: configuredSchedule(fundingRate, T0, T0 + 30 * H) }]]),
    initialBalance: 10_000,
    takerFeeRate: 0.00055,
    makerFeeRate: 0.0002,
    slippageBps: 10,
  });
  const fills: Execution[] = [];
  const funding: FundingEvent[] = [];
  sim.engine.on('execution', (e) => fills.push(e));
  sim.engine.on('funding', (f) => funding.push(f));
  return { clock, sim, fills, funding };
}

const flat = (n: number, price = 60_000): Candle[] => Array.from({ length: n }, (_, i) => bar(i, price, price + 50, price - 50, price));

describe('replay of stored candles (bar-level fill model)', () => {
  it('serves closed candles only, and the last close as the price', async () => {
    const { clock, sim } = setup(flat(10));
    await clock.advanceTo(T0 + 3 * H + 2_000);
    const candles = await sim.port.candles({ symbol: 'BTCUSDT', interval: '60', limit: 5 });
    expect(candles.map((c) => c.start)).toEqual([T0, T0 + H, T0 + 2 * H]);
    expect((await sim.port.ticker('BTCUSDT')).lastPrice).toBe(60_000);
  });

  it('fills a market order at the open of the bar in progress plus slippage, stamped with the bar start', async () => {
    const bars = flat(6);
    bars[3] = bar(3, 60_100, 60_200, 60_000, 60_150);
    const { clock, sim, fills } = setup(bars);
    await clock.advanceTo(T0 + 3 * H + 2_000);
    await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'bb1-a', stopLoss: 59_000, takeProfit: 62_000 });
    expect(fills[0]).toMatchObject({ execPrice: 60_160.1, execTime: T0 + 3 * H, stopOrderType: 'Trade' });
  });

  it('fires the stop first when stop and target are inside one bar, after the bar has closed', async () => {
    const bars = flat(8);
    bars[4] = bar(4, 60_000, 63_000, 58_500, 60_000);
    const { clock, sim, fills } = setup(bars);
    await clock.advanceTo(T0 + 3 * H + 2_000);
    await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'bb1-a', stopLoss: 59_000, takeProfit: 62_000 });
    await clock.advanceTo(T0 + 5 * H - 1);
    expect((await sim.port.positions()).length).toBe(1);
    await clock.advanceTo(T0 + 5 * H);
    expect((await sim.port.positions()).length).toBe(0);
    expect(fills[1]).toMatchObject({ stopOrderType: 'StopLoss', execPrice: 58_941, execTime: T0 + 4 * H, closedSize: 0.01 });
  });

  it('fills a gap through the stop at the open', async () => {
    const bars = flat(8);
    bars[5] = bar(5, 58_000, 58_500, 57_500, 58_200);
    const { clock, sim, fills } = setup(bars);
    await clock.advanceTo(T0 + 3 * H + 2_000);
    await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'bb1-a', stopLoss: 59_000, takeProfit: 62_000 });
    await clock.advanceTo(T0 + 7 * H);
    await sim.port.balance();
    expect(fills[1]).toMatchObject({ stopOrderType: 'StopLoss', execPrice: 57_942, execTime: T0 + 5 * H });
  });

  it('charges funding at 08:00 on a position opened before it, at the close of the bar ending then', async () => {
    const { clock, sim, funding } = setup(flat(20), 0.0001);
    await clock.advanceTo(T0 + 3 * H + 2_000);
    await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.1, orderLinkId: 'bb1-a', stopLoss: 59_000, takeProfit: 62_000 });
    await clock.advanceTo(T0 + 9 * H);
    const before = (await sim.port.balance()).walletBalance;
    expect(funding).toEqual([{ symbol: 'BTCUSDT', time: T0 + 8 * H, rate: 0.0001, mark: 60_000, size: 0.1, payment: 0.6 }]);
    expect(before).toBeLessThan(10_000);
  });

  it('never fills or marks on a bad row', async () => {
    const bars = flat(8);
    bars[3] = { ...bar(3, 60_000, 60_050, 59_950, Number.NaN) };
    const { clock, sim, fills } = setup(bars);
    await clock.advanceTo(T0 + 3 * H + 2_000);
    await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'bb1-a', stopLoss: 59_000, takeProfit: 62_000 });
    expect(fills[0]?.execTime).toBe(T0 + 4 * H);
    await clock.advanceTo(T0 + 4 * H + 2_000);
    expect((await sim.port.ticker('BTCUSDT')).lastPrice).toBe(60_000);
    expect((await sim.port.candles({ symbol: 'BTCUSDT', interval: '60', limit: 10 })).some((c) => Number.isNaN(c.close))).toBe(true);
  });
});
