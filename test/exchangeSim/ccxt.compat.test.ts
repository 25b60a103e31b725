import ccxt, { type Exchange } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, KEY, MINUTE, SECRET, startFixture, type ServerFixture } from './fixture.ts';

/**
 * A second, widely used Bybit client against the simulator server over the real socket:
 * ccxt (and ccxt.pro for the WebSockets) with its DEFAULT settings; only its URLs point at
 * the simulator (`urls.api`, no patched internals). Every REST endpoint and WS topic the
 * simulator serves is exercised through ccxt's unified methods, so ccxt's own parsing and
 * error mapping judge the answers.
 */

let f: ServerFixture;
let ex: Exchange;
const SYMBOL = 'BTC/USDT:USDT';

function pointAt(exchange: Exchange, url: string, ws: string): void {
  exchange.urls['api'] = {
    spot: url,
    futures: url,
    v2: url,
    public: url,
    private: url,
    ws: {
      public: { spot: `${ws}/v5/public/spot`, inverse: `${ws}/v5/public/inverse`, option: `${ws}/v5/public/option`, linear: `${ws}/v5/public/linear` },
      private: { spot: { unified: `${ws}/v5/private`, nonUnified: `${ws}/spot/private/v3` }, contract: `${ws}/v5/private`, usdc: `${ws}/trade/option/usdc/private/v1`, trade: `${ws}/v5/trade` },
    },
  };
}

/** Waits for a ccxt.pro watch while simulated time moves on (the simulator pushes on its own clock). */
async function pump<T>(promise: Promise<T>, stepMs = 10_000, maxSteps = 60): Promise<T> {
  let done = false;
  let value: T | undefined;
  let error: unknown;
  promise.then(
    (v) => {
      done = true;
      value = v;
    },
    (e: unknown) => {
      done = true;
      error = e;
    },
  );
  for (let i = 0; i < maxSteps && !done; i++) {
    await new Promise((resolve) => setTimeout(resolve, 15));
    if (!done) await f.clock.advanceBy(stepMs);
  }
  if (!done) throw new Error('watch did not resolve');
  if (error) throw error;
  return value as T;
}

beforeAll(async () => {
  f = await startFixture();
  ex = new ccxt.pro.bybit({ apiKey: KEY, secret: SECRET });
  pointAt(ex, f.server.url, f.server.wsUrl);
  // ccxt's own requirement for plain ws:// URLs in Node (its error message asks for exactly this call).
  await ex.loadHttpProxyAgent();
});

afterAll(async () => {
  await ex.close();
  await f.server.close();
});

describe('ccxt (default settings) against the simulator', () => {
  it('loads markets: the listed linear perpetuals (and their spot data), empty inverse and option lists', async () => {
    const markets = await ex.loadMarkets();
    expect(Object.keys(markets).filter((s) => s.endsWith(':USDT')).sort()).toEqual(['BTC/USDT:USDT', 'ETH/USDT:USDT', 'SOL/USDT:USDT']);
    const btc = ex.market(SYMBOL);
    expect(btc).toMatchObject({ id: 'BTCUSDT', type: 'swap', linear: true, settle: 'USDT', contractSize: 1 });
    expect(btc.precision).toMatchObject({ price: 0.1, amount: 0.001 });
    expect(btc.limits.amount?.min).toBe(0.001);
    expect(Object.values(markets).some((m) => m?.type === 'option' || m?.inverse === true)).toBe(false);
    expect(await ex.fetchTime()).toBeGreaterThan(0);
  });

  it('refuses a symbol the simulator does not list with 10001, as Bybit does', async () => {
    await expect(ex.publicGetV5MarketTickers({ category: 'linear', symbol: 'XRPUSDT' })).rejects.toThrow(/10001/);
    await expect(ex.publicGetV5MarketKline({ category: 'inverse', symbol: 'BTCUSDT', interval: '1' })).rejects.toThrow(/10001/);
  });

  it('fetches candles of every interval, paging forward from since', async () => {
    for (const timeframe of ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '12h', '1d', '1w', '1M']) {
      const candles = await ex.fetchOHLCV(SYMBOL, timeframe, undefined, 3);
      expect(candles.length, timeframe).toBeGreaterThanOrEqual(1);
      expect(candles.every((c) => c.length === 6 && c.every((v) => typeof v === 'number')), timeframe).toBe(true);
    }
    const since = f.clock.now() - 12 * 60 * MINUTE;
    const first = await ex.fetchOHLCV(SYMBOL, '5m', since, 10);
    const t0 = Number(first[0]![0]);
    expect(t0).toBe(since - (since % (5 * MINUTE)) + (since % (5 * MINUTE) === 0 ? 0 : 5 * MINUTE));
    const t9 = Number(first.at(-1)![0]);
    const next = await ex.fetchOHLCV(SYMBOL, '5m', t9 + 5 * MINUTE, 10);
    expect(Number(next[0]![0])).toBe(t9 + 5 * MINUTE);
    expect(first.map((c) => c[0]).concat(next.map((c) => c[0]))).toEqual(Array.from({ length: 20 }, (_, i) => t0 + i * 5 * MINUTE));
    const daily = await ex.fetchOHLCV(SYMBOL, '1d', f.clock.now() - 2 * DAY, 5);
    expect(Number(daily[0]![0]) % DAY).toBe(0);
  });

  it('fetches tickers, the order book with depth, public trades and funding', async () => {
    const ticker = await ex.fetchTicker(SYMBOL);
    expect(ticker.last).toBeGreaterThan(0);
    expect(ticker.bid).toBeLessThan(ticker.ask!);
    expect(ticker.bidVolume).toBeGreaterThan(0);
    const tickers = await ex.fetchTickers([SYMBOL, 'ETH/USDT:USDT']);
    expect(Object.keys(tickers).sort()).toEqual([SYMBOL, 'ETH/USDT:USDT']);
    const book = await ex.fetchOrderBook(SYMBOL, 50);
    expect(book.bids).toHaveLength(50);
    expect(book.asks).toHaveLength(50);
    expect(book.bids[0]![0]).toBeLessThan(book.asks[0]![0]!);
    expect(book.bids.every((b, i) => i === 0 || b[0]! < book.bids[i - 1]![0]!)).toBe(true);
    const trades = await ex.fetchTrades(SYMBOL, undefined, 20);
    expect(trades).toHaveLength(20);
    expect(trades.every((t) => t.price! > 0 && t.amount! > 0 && (t.side === 'buy' || t.side === 'sell'))).toBe(true);
    const rate = await ex.fetchFundingRate(SYMBOL);
    expect(rate.fundingRate).toBe(0.0001);
    expect(rate.fundingTimestamp! % (8 * 3_600_000)).toBe(0);
    const history = await ex.fetchFundingRateHistory(SYMBOL, undefined, 5);
    expect(history.length).toBeGreaterThanOrEqual(3);
    expect(history.every((h) => h.fundingRate === 0.0001)).toBe(true);
  });

  it('trades: balance, leverage, limit orders with client ids and stops, amend, cancel, cancel-all, market orders, positions, history', async () => {
    const balance = await ex.fetchBalance();
    expect(balance['USDT']?.total).toBe(10_000);
    await ex.setLeverage(5, SYMBOL);
    const last = (await ex.fetchTicker(SYMBOL)).last!;
    const price = Number(ex.priceToPrecision(SYMBOL, last * 0.9));
    const limit = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, price, { clientOrderId: 'ccxt-limit-1', stopLoss: { triggerPrice: Number(ex.priceToPrecision(SYMBOL, price * 0.95)) }, takeProfit: { triggerPrice: Number(ex.priceToPrecision(SYMBOL, price * 1.2)) } });
    expect(limit.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(limit.clientOrderId).toBe('ccxt-limit-1');
    const open = await ex.fetchOpenOrders(SYMBOL);
    expect(open.map((o) => o.clientOrderId)).toContain('ccxt-limit-1');
    const amended = await ex.editOrder(limit.id!, SYMBOL, 'limit', 'buy', 0.02, Number(ex.priceToPrecision(SYMBOL, price * 0.99)));
    expect(amended.id).toBe(limit.id);
    const afterAmend = await ex.fetchOpenOrder(limit.id!, SYMBOL);
    expect(afterAmend).toMatchObject({ amount: 0.02, status: 'open', clientOrderId: 'ccxt-limit-1' });
    await ex.cancelOrder(limit.id!, SYMBOL);
    const closed = await ex.fetchCanceledAndClosedOrders(SYMBOL);
    expect(closed.find((o) => o.id === limit.id)?.status).toBe('canceled');
    await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, price, { clientOrderId: 'ccxt-limit-2' });
    await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, price, { clientOrderId: 'ccxt-limit-3' });
    await ex.cancelAllOrders(SYMBOL);
    expect(await ex.fetchOpenOrders(SYMBOL)).toEqual([]);
    // A duplicate client id is refused like Bybit (110072).
    await expect(ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, price, { clientOrderId: 'ccxt-limit-2' })).rejects.toThrow(/110072/);

    const market = await ex.createOrder(SYMBOL, 'market', 'buy', 0.05, undefined, { clientOrderId: 'ccxt-mkt-1', stopLoss: { triggerPrice: Number(ex.priceToPrecision(SYMBOL, last * 0.97)) } });
    const positions = await ex.fetchPositions([SYMBOL]);
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({ symbol: SYMBOL, side: 'long', contracts: 0.05, leverage: 5 });
    expect(positions[0]!.stopLossPrice).toBe(Number(ex.priceToPrecision(SYMBOL, last * 0.97)));
    const everything = await ex.fetchPositions();
    expect(everything.map((p) => p.symbol)).toEqual([SYMBOL]);
    const fills = await ex.fetchMyTrades(SYMBOL);
    expect(fills.find((t) => t.order === market.id)).toMatchObject({ side: 'buy', amount: 0.05, takerOrMaker: 'taker' });
    expect(fills.find((t) => t.order === market.id)!.fee?.cost).toBeGreaterThan(0);
    await ex.createOrder(SYMBOL, 'market', 'sell', 0.05, undefined, { reduceOnly: true });
    // Asked by symbol, Bybit lists the flat row too (size 0).
    expect((await ex.fetchPositions([SYMBOL])).map((p) => p.contracts)).toEqual([0]);
    expect(await ex.fetchPositions()).toEqual([]);
    const orders = await ex.fetchClosedOrders(SYMBOL);
    expect(orders.filter((o) => o.status === 'closed').length).toBeGreaterThanOrEqual(2);
    const after = await ex.fetchBalance();
    expect(after['USDT']?.total).toBeLessThan(10_000);
  });

  it('streams the order book (snapshot then deltas), public trades, tickers and candles', async () => {
    const book = await pump(ex.watchOrderBook(SYMBOL, 50));
    expect(book.bids.length).toBe(50);
    expect(book.asks.length).toBe(50);
    // ccxt keeps one book object and applies the deltas to it.
    const first = book.timestamp!;
    const updated = await pump(ex.watchOrderBook(SYMBOL, 50));
    expect(updated.timestamp).toBeGreaterThan(first);
    expect(updated.bids.length).toBe(50);
    expect(updated.bids[0]![0]).toBeLessThan(updated.asks[0]![0]!);
    const trades = await pump(ex.watchTrades(SYMBOL));
    expect(trades.length).toBeGreaterThan(0);
    expect(trades.every((t) => t.price! > 0 && t.amount! > 0)).toBe(true);
    const ticker = await pump(ex.watchTicker(SYMBOL));
    expect(ticker.last).toBeGreaterThan(0);
    const candles = await pump(ex.watchOHLCV(SYMBOL, '1m'));
    expect(candles.length).toBeGreaterThan(0);
  });

  it('streams orders, executions, positions and the wallet, and trades over the WS trade API', async () => {
    const last = (await ex.fetchTicker(SYMBOL)).last!;
    // ccxt answers its first watchPositions with a REST snapshot of the positions (flat here).
    expect((await pump(ex.watchPositions([SYMBOL]))).every((p) => !p.contracts)).toBe(true);
    const orders = ex.watchOrders(SYMBOL);
    const myTrades = ex.watchMyTrades(SYMBOL);
    const positions = ex.watchPositions([SYMBOL]);
    const balance = ex.watchBalance();
    // Let the private subscriptions land before anything happens.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const created = await ex.createOrderWs(SYMBOL, 'market', 'buy', 0.02, undefined, { clientOrderId: 'ccxt-ws-1' });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await pump(orders)).some((o) => o.clientOrderId === 'ccxt-ws-1')).toBe(true);
    expect((await pump(myTrades)).some((t) => t.order === created.id && t.amount === 0.02)).toBe(true);
    expect((await pump(positions)).find((p) => p.symbol === SYMBOL)).toMatchObject({ side: 'long', contracts: 0.02 });
    expect((await pump(balance))['USDT']?.total).toBeGreaterThan(0);

    const price = Number(ex.priceToPrecision(SYMBOL, last * 0.9));
    const resting = await ex.createOrderWs(SYMBOL, 'limit', 'buy', 0.01, price, { clientOrderId: 'ccxt-ws-2' });
    await ex.editOrderWs(resting.id!, SYMBOL, 'limit', 'buy', 0.02, price);
    expect((await ex.fetchOpenOrder(resting.id!, SYMBOL)).amount).toBe(0.02);
    await ex.cancelOrderWs(resting.id!, SYMBOL);
    expect(await ex.fetchOpenOrders(SYMBOL)).toEqual([]);
    // Bybit's error codes come back over the WS trade API too.
    await expect(ex.cancelOrderWs(resting.id!, SYMBOL)).rejects.toThrow(/110001/);
    await ex.createOrder(SYMBOL, 'market', 'sell', 0.02, undefined, { reduceOnly: true });
  });
});
