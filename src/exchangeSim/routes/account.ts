import type { Route, SimDeps } from '../context.ts';
import { BybitApiError, paramsError } from '../envelope.ts';
import { dec, executionView, positionView, walletView } from '../format.ts';
import { fundingExecutionView } from '../fundingLedger.ts';
import { executionsQuery, feeRateQuery, paginate, parse, positionsQuery, setLeverageBody, switchModeBody, tradingStopBody, walletQuery } from '../schemas.ts';
import { instrumentOf } from './market.ts';
import { scopeSymbol } from './orders.ts';

const DAY = 86_400_000;

/** wallet-balance list[0]; shared with the WS wallet topic. */
export function walletItem(deps: SimDeps): Record<string, unknown> {
  const { engine } = deps.sim;
  const balance = engine.balance();
  const positionIM = engine.positions().reduce((sum, p) => sum + (p.size * p.avgPrice) / p.leverage, 0);
  const orderIM = Math.max(0, balance.equity - balance.availableBalance - positionIM);
  return walletView(balance, positionIM, orderIM);
}

export const accountRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v5/execution/list',
    private: true,
    handle: ({ params, deps }) => {
      const q = parse(executionsQuery, params);
      if (q.category !== 'linear') return { category: q.category, list: [], nextPageCursor: '' };
      const symbol = q.symbol ?? (q.baseCoin ? `${q.baseCoin}USDT` : undefined);
      if (symbol) instrumentOf(deps, symbol);
      const end = q.endTime ?? deps.clock.now();
      const start = q.startTime ?? end - 7 * DAY;
      if (end - start > 7 * DAY) throw paramsError('params error: the time range between startTime and endTime cannot exceed 7 days');
      const { engine } = deps.sim;
      const byOrder = (e: { orderId: string; orderLinkId: string }): boolean => (!q.orderId || e.orderId === q.orderId) && (!q.orderLinkId || e.orderLinkId === q.orderLinkId);
      const trades = q.execType === 'Funding' ? [] : engine.executions({ symbol, startTime: start, limit: 1000 }).filter((e) => e.execTime <= end && byOrder(e));
      const fills = trades.filter((e) => !q.execType || (q.execType === 'Trade' ? e.stopOrderType !== 'Liquidation' : q.execType === 'BustTrade' && e.stopOrderType === 'Liquidation'));
      // Funding settlements are executions too on Bybit (execType Funding, no order).
      const funding = !q.execType || q.execType === 'Funding' ? (q.orderId || q.orderLinkId ? [] : deps.funding.list(symbol, start, end)) : [];
      const rows = [
        ...fills.map((e) => ({ time: e.execTime, view: () => executionView(e, engine.findOrder({ symbol: e.symbol, orderId: e.orderId }), deps.sim.market.instrument(e.symbol)) })),
        ...funding.map((f) => ({ time: f.time, view: () => fundingExecutionView(f, deps.sim.market.instrument(f.symbol)) })),
      ].sort((a, b) => b.time - a.time);
      const { page, nextPageCursor } = paginate(rows, q.limit, q.cursor);
      const list = page.map((r) => r.view());
      return { category: 'linear', list, nextPageCursor };
    },
  },
  {
    method: 'GET',
    path: '/v5/position/list',
    private: true,
    handle: ({ params, deps }) => {
      const q = parse(positionsQuery, params);
      // No inverse or option instruments: nothing is ever open there.
      if (q.category !== 'linear') return { category: q.category, list: [], nextPageCursor: '' };
      const symbol = scopeSymbol(q);
      if (symbol) instrumentOf(deps, symbol);
      // With a symbol the row comes back even when flat; with settleCoin only open positions.
      const positions = deps.sim.engine.positions(symbol);
      const { page, nextPageCursor } = paginate(positions, q.limit, q.cursor);
      return { category: 'linear', list: page.map((p) => positionView(p, deps.sim.market.instrument(p.symbol))), nextPageCursor };
    },
  },
  {
    method: 'GET',
    path: '/v5/account/wallet-balance',
    private: true,
    handle: ({ params, deps }) => {
      const q = parse(walletQuery, params);
      if (q.accountType !== 'UNIFIED') throw paramsError('accountType only support UNIFIED.');
      const item = walletItem(deps);
      const coins = q.coin?.split(',');
      if (coins && !coins.includes('USDT')) return { list: [{ ...item, coin: [] }] };
      return { list: [item] };
    },
  },
  {
    method: 'POST',
    path: '/v5/position/trading-stop',
    private: true,
    handle: ({ params, deps }) => {
      const body = parse(tradingStopBody, params);
      instrumentOf(deps, body.symbol, body.category);
      if (body.tpslMode !== 'Full') throw paramsError('params error: tpslMode Partial is not supported by the simulator');
      if (body.positionIdx !== 0) throw paramsError('position idx not match position mode');
      instrumentOf(deps, body.symbol);
      const [position] = deps.sim.engine.positions(body.symbol);
      if (!position || position.size === 0) throw paramsError('can not set tp/sl/ts for zero position');
      const unchanged =
        (body.stopLoss === undefined || body.stopLoss === position.stopLoss) && (body.takeProfit === undefined || body.takeProfit === position.takeProfit);
      if (unchanged) throw new BybitApiError(34040, 'not modified');
      deps.sim.engine.setTradingStop({ symbol: body.symbol, stopLoss: body.stopLoss, takeProfit: body.takeProfit });
      return {};
    },
  },
  {
    method: 'POST',
    path: '/v5/position/set-leverage',
    private: true,
    handle: ({ params, deps }) => {
      const body = parse(setLeverageBody, params);
      instrumentOf(deps, body.symbol, body.category);
      if (body.buyLeverage !== body.sellLeverage) throw paramsError('buy leverage must be equal to sell leverage in one-way mode');
      instrumentOf(deps, body.symbol);
      const [position] = deps.sim.engine.positions(body.symbol);
      if (position && position.leverage === body.buyLeverage) throw new BybitApiError(110043, 'leverage not modified');
      deps.sim.engine.setLeverage(body.symbol, body.buyLeverage);
      return {};
    },
  },
  {
    method: 'POST',
    path: '/v5/position/switch-mode',
    private: true,
    handle: ({ params }) => {
      const body = parse(switchModeBody, params);
      if (body.mode === 0) throw new BybitApiError(110025, 'Position mode is not modified');
      throw paramsError('params error: hedge mode (3) is not supported by the simulator');
    },
  },
  {
    method: 'GET',
    path: '/v5/account/fee-rate',
    private: true,
    handle: ({ params, deps }) => {
      const q = parse(feeRateQuery, params);
      if (q.category === 'inverse' || q.category === 'option') return { category: q.category, list: [] };
      if (q.symbol) instrumentOf(deps, q.symbol);
      const symbols = q.symbol ? [q.symbol] : deps.sim.market.symbols();
      const fees = deps.sim.engine.feeRates();
      return { category: q.category, list: symbols.map((symbol) => ({ symbol, baseCoin: '', takerFeeRate: dec(fees.taker), makerFeeRate: dec(fees.maker) })) };
    },
  },
  {
    method: 'GET',
    path: '/v5/account/info',
    private: true,
    handle: ({ deps }) => ({
      unifiedMarginStatus: 5,
      marginMode: 'REGULAR_MARGIN',
      isMasterTrader: false,
      spotHedgingStatus: 'OFF',
      updatedTime: String(deps.sim.market.origin),
      dcpStatus: 'OFF',
      timeWindow: 10,
      smpGroup: 0,
    }),
  },
  {
    method: 'GET',
    path: '/v5/user/query-api',
    private: true,
    handle: ({ deps }) => ({
      id: '1',
      note: 'bybot exchange simulator',
      apiKey: '',
      readOnly: 0,
      secret: '',
      permissions: { ContractTrade: ['Order', 'Position'], Spot: [], Wallet: ['AccountTransfer'], Options: [], Derivatives: [], CopyTrading: [], BlockTrade: [], Exchange: [], NFT: [] },
      ips: ['*'],
      type: 1,
      deadlineDay: -1,
      expiredAt: '',
      createdAt: new Date(deps.sim.market.origin).toISOString(),
      unified: 0,
      uta: 1,
      userID: 1,
      inviterID: 0,
      vipLevel: 'No VIP',
      mktMakerLevel: '0',
      affiliateID: 0,
      rsaPublicKey: '',
      isMaster: true,
      parentUid: '0',
      kycLevel: 'LEVEL_DEFAULT',
      kycRegion: '',
    }),
  },
  {
    method: 'GET',
    path: '/v5/asset/coin/query-info',
    private: true,
    handle: () => ({ rows: [] }),
  },
];
