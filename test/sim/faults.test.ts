import { describe, expect, it } from 'vitest';
import { AuthError, ExchangeUnavailableError } from '../../src/domain/errors.ts';
import { makeSim } from './simFixture.ts';

describe('simulator faults', () => {
  it('down: every call fails with ExchangeUnavailableError', async () => {
    const { port } = makeSim({ faults: { down: true } }).sim;
    await expect(port.serverTime()).rejects.toBeInstanceOf(ExchangeUnavailableError);
    await expect(port.candles({ symbol: 'BTCUSDT', interval: '5', limit: 10 })).rejects.toThrow('simulator is down');
    await expect(port.balance()).rejects.toBeInstanceOf(ExchangeUnavailableError);
  });

  it('authRejected: private calls fail with AuthError while market data still works', async () => {
    const { port } = makeSim({ faults: { authRejected: true } }).sim;
    await expect(port.balance()).rejects.toBeInstanceOf(AuthError);
    await expect(port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.001, orderLinkId: 'a' })).rejects.toBeInstanceOf(AuthError);
    await expect(port.candles({ symbol: 'BTCUSDT', interval: '5', limit: 10 })).resolves.toHaveLength(10);
    await expect(port.ticker('BTCUSDT')).resolves.toMatchObject({ symbol: 'BTCUSDT' });
  });

  it('faults can be switched at run time', async () => {
    const { sim } = makeSim();
    expect(sim.faults.set({ down: true })).toMatchObject({ down: true, authRejected: false });
    await expect(sim.port.serverTime()).rejects.toBeInstanceOf(ExchangeUnavailableError);
    sim.faults.set({ down: false });
    await expect(sim.port.serverTime()).resolves.toBeTypeOf('number');
  });

  it('latency: the call waits on the injected clock', async () => {
    const { sim, clock } = makeSim({ faults: { latencyMs: 5_000 } });
    let done = false;
    const pending = sim.port.serverTime().then((t) => {
      done = true;
      return t;
    });
    await clock.advanceBy(4_999);
    expect(done).toBe(false);
    await clock.advanceBy(1);
    expect(await pending).toBe(clock.now());
  });

  it('latency: an abort rejects promptly with the signal reason', async () => {
    const { sim, clock } = makeSim({ faults: { latencyMs: 60_000 } });
    const controller = new AbortController();
    const pending = sim.port.balance({ signal: controller.signal });
    await clock.advanceBy(1_000);
    const reason = new Error('actor left the state');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(clock.pending()).toBe(0);
  });

  it('an already-aborted signal rejects without touching the engine', async () => {
    const { sim } = makeSim();
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.001, orderLinkId: 'x' }, { signal: controller.signal })).rejects.toThrow('gone');
    expect(await sim.port.findOrder({ symbol: 'BTCUSDT', orderLinkId: 'x' })).toBeNull();
  });

  it('nanCandles: the newest closed candles of the symbol have NaN closes', async () => {
    const { port } = makeSim({ faults: { nanCandles: ['ETHUSDT'] } }).sim;
    const eth = await port.candles({ symbol: 'ETHUSDT', interval: '5', limit: 20 });
    expect(eth.slice(-3, -1).every((c) => Number.isNaN(c.close))).toBe(true);
    expect(eth.slice(0, -3).every((c) => Number.isFinite(c.close))).toBe(true);
    const btc = await port.candles({ symbol: 'BTCUSDT', interval: '5', limit: 20 });
    expect(btc.every((c) => Number.isFinite(c.close))).toBe(true);
  });

  it('errorRate: a seeded share of calls fails with an injected 5xx, the same ones every run', async () => {
    const outcomes = async (): Promise<boolean[]> => {
      const { port } = makeSim({ faults: { errorRate: 0.3 } }).sim;
      const results: boolean[] = [];
      for (let i = 0; i < 200; i++) results.push(await port.serverTime().then(() => true, (e: unknown) => (e instanceof ExchangeUnavailableError ? false : true)));
      return results;
    };
    const first = await outcomes();
    const failures = first.filter((ok) => !ok).length;
    expect(failures).toBeGreaterThan(30);
    expect(failures).toBeLessThan(90);
    expect(await outcomes()).toEqual(first);
  });
});
