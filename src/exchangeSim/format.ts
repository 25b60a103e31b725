import { formatToStep } from '../core/steps.ts';
import type { Balance, Candle, Execution, Instrument, Order, Position, Ticker } from '../domain/types.ts';
import { FUNDING_INTERVAL_MS, type FundingSettlement } from '../sim/funding.ts';
import type { BookSnapshot } from '../sim/orderBook.ts';
import { isKlineInterval, klineNext } from '../sim/klineIntervals.ts';
import type { PublicTrade } from '../sim/publicTrades.ts';

/**
 * Domain objects -> Bybit V5 wire objects. Bybit sends numbers inside `result` as decimal
 * strings (never exponent notation), so every figure goes through `dec` or a step format.
 */

/** Plain decimal text: no exponent, no float noise beyond 8 decimals (Bybit's USDT precision), no trailing zeros. */
export function dec(value: number, decimals = 8): string {
  if (!Number.isFinite(value)) return String(value);
  const fixed = value.toFixed(decimals);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') || '0' : fixed;
}

/** Bybit prints "0"-valued optional prices as "0"; callers pass 0 for "not set". */
function price(value: number, instrument: Instrument): string {
  return value === 0 ? '0' : formatToStep(value, instrument.tickSize);
}

function qty(value: number, instrument: Instrument): string {
  return formatToStep(value, instrument.qtyStep);
}

export function instrumentView(i: Instrument, launchTime: number): Record<string, unknown> {
  return {
    symbol: i.symbol,
    contractType: 'LinearPerpetual',
    status: i.status,
    baseCoin: i.baseCoin,
    quoteCoin: i.quoteCoin,
    settleCoin: 'USDT',
    symbolType: '',
    launchTime: String(launchTime),
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(formatToStep(i.tickSize, i.tickSize).split('.')[1]?.length ?? 0),
    leverageFilter: { minLeverage: dec(i.minLeverage), maxLeverage: i.maxLeverage.toFixed(2), leverageStep: dec(i.leverageStep) },
    priceFilter: { minPrice: price(i.minPrice, i), maxPrice: price(i.maxPrice, i), tickSize: price(i.tickSize, i) },
    lotSizeFilter: {
      maxOrderQty: qty(i.maxOrderQty, i),
      maxMktOrderQty: qty(i.maxMktOrderQty, i),
      minOrderQty: qty(i.minOrderQty, i),
      qtyStep: qty(i.qtyStep, i),
      postOnlyMaxOrderQty: qty(i.maxOrderQty, i),
      minNotionalValue: dec(i.minNotional),
    },
    unifiedMarginTrade: true,
    fundingInterval: FUNDING_INTERVAL_MS / 60_000,
    copyTrading: 'both',
    upperFundingRate: '0.005',
    lowerFundingRate: '-0.005',
    riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' },
    isPreListing: false,
    preListingInfo: null,
    displayName: '',
  };
}

/** The spot shape of instruments-info (market data only: the simulator trades linear). */
export function spotInstrumentView(i: Instrument): Record<string, unknown> {
  return {
    symbol: i.symbol,
    baseCoin: i.baseCoin,
    quoteCoin: i.quoteCoin,
    innovation: '0',
    symbolType: '',
    status: i.status,
    marginTrading: 'none',
    stTag: '0',
    lotSizeFilter: {
      basePrecision: qty(i.qtyStep, i),
      quotePrecision: '0.00000001',
      minOrderQty: qty(i.minOrderQty, i),
      maxOrderQty: qty(i.maxOrderQty, i),
      minOrderAmt: dec(i.minNotional),
      maxOrderAmt: '2000000',
      maxLimitOrderQty: qty(i.maxOrderQty, i),
      maxMarketOrderQty: qty(i.maxMktOrderQty, i),
    },
    priceFilter: { tickSize: price(i.tickSize, i) },
    riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' },
  };
}

/** REST kline row: [start, open, high, low, close, volume, turnover], all strings. */
export function klineRow(c: Candle, i: Instrument): string[] {
  return [String(c.start), price(c.open, i), price(c.high, i), price(c.low, i), price(c.close, i), dec(c.volume), dec(c.turnover)];
}

/** WS kline item (numbers for times, strings for figures, as Bybit pushes it). */
export function wsKline(c: Candle, interval: string, i: Instrument, confirm: boolean, now: number): Record<string, unknown> {
  const [, open, high, low, close, volume, turnover] = klineRow(c, i);
  const end = isKlineInterval(interval) ? klineNext(interval, c.start) - 1 : c.start + Number(interval) * 60_000 - 1;
  return { start: c.start, end, interval, open, close, high, low, volume, turnover, confirm, timestamp: now };
}

export interface DayStats {
  readonly prevPrice24h: number;
  readonly highPrice24h: number;
  readonly lowPrice24h: number;
  readonly volume24h: number;
  readonly turnover24h: number;
  readonly prevPrice1h: number;
}

/** REST orderbook result (and WS orderbook data without ts/cts): bids descending, asks ascending, [price, size] strings. */
export function bookView(book: BookSnapshot & { readonly symbol: string; readonly time: number; readonly u: number; readonly seq: number }, i: Instrument): Record<string, unknown> {
  return { s: book.symbol, b: book.bids.map(([p, q]) => [price(p, i), qty(q, i)]), a: book.asks.map(([p, q]) => [price(p, i), qty(q, i)]), ts: book.time, u: book.u, seq: book.seq, cts: book.time };
}

/** REST recent-trade item (linear). */
export function tradeView(t: PublicTrade, i: Instrument): Record<string, unknown> {
  return { execId: t.id, symbol: t.symbol, price: price(t.price, i), size: qty(t.size, i), side: t.side, time: String(t.time), isBlockTrade: false, isRPITrade: false, seq: String(t.seq) };
}

/** WS publicTrade item. */
export function wsTradeView(t: PublicTrade, i: Instrument): Record<string, unknown> {
  return { T: t.time, s: t.symbol, S: t.side, v: qty(t.size, i), p: price(t.price, i), L: t.tickDirection, i: t.id, BT: false, RPI: false, seq: t.seq };
}

export function tickerView(t: Ticker, i: Instrument, day: DayStats, funding: FundingSettlement, book: BookSnapshot): Record<string, string> {
  const pct = day.prevPrice24h > 0 ? ((t.lastPrice - day.prevPrice24h) / day.prevPrice24h).toFixed(6) : '0';
  return {
    symbol: t.symbol,
    lastPrice: price(t.lastPrice, i),
    indexPrice: price(t.markPrice, i),
    markPrice: price(t.markPrice, i),
    prevPrice24h: price(day.prevPrice24h, i),
    price24hPcnt: pct,
    highPrice24h: price(day.highPrice24h, i),
    lowPrice24h: price(day.lowPrice24h, i),
    prevPrice1h: price(day.prevPrice1h, i),
    openInterest: '0',
    openInterestValue: '0',
    turnover24h: dec(day.turnover24h),
    volume24h: dec(day.volume24h),
    // The next settlement the engine will charge (the funding history lists the past ones).
    fundingRate: dec(funding.rate),
    nextFundingTime: String(funding.time),
    predictedDeliveryPrice: '',
    basisRate: '',
    basis: '',
    deliveryFeeRate: '',
    deliveryTime: '0',
    ask1Size: qty(book.asks[0]?.[1] ?? 0, i),
    bid1Price: price(t.bid1Price, i),
    ask1Price: price(t.ask1Price, i),
    bid1Size: qty(book.bids[0]?.[1] ?? 0, i),
    preOpenPrice: '',
    preQty: '',
    curPreListingPhase: '',
    fundingIntervalHour: String(FUNDING_INTERVAL_MS / 3_600_000),
    fundingCap: '0.005',
  };
}

function createType(o: Order): string {
  if (o.stopOrderType === 'StopLoss') return 'CreateByStopLoss';
  if (o.stopOrderType === 'TakeProfit') return 'CreateByTakeProfit';
  return 'CreateByUser';
}

/** REST order object (order/realtime, order/history; the WS order topic adds a few fields). */
export function orderView(o: Order, i: Instrument): Record<string, unknown> {
  const leaves = o.status === 'New' || o.status === 'PartiallyFilled' || o.status === 'Untriggered' ? o.qty - o.cumExecQty : 0;
  const trigger = o.stopOrderType === 'StopLoss' ? o.stopLoss : o.stopOrderType === 'TakeProfit' ? o.takeProfit : 0;
  return {
    orderId: o.orderId,
    orderLinkId: o.orderLinkId,
    blockTradeId: '',
    symbol: o.symbol,
    price: price(o.price, i),
    qty: qty(o.qty, i),
    side: o.side,
    isLeverage: '',
    positionIdx: 0,
    orderStatus: o.status,
    createType: createType(o),
    cancelType: o.status === 'Cancelled' ? (o.rejectReason === 'EC_NoError' ? 'CancelByUser' : 'UNKNOWN') : 'UNKNOWN',
    rejectReason: o.rejectReason,
    avgPrice: o.avgPrice === 0 ? '' : dec(o.avgPrice, 10),
    leavesQty: qty(Math.max(0, leaves), i),
    leavesValue: dec(Math.max(0, leaves) * o.price),
    cumExecQty: qty(o.cumExecQty, i),
    cumExecValue: dec(o.cumExecValue),
    cumExecFee: dec(o.cumExecFee),
    cumFeeDetail: o.cumExecFee ? { USDT: dec(o.cumExecFee) } : {},
    timeInForce: o.timeInForce,
    orderType: o.orderType,
    stopOrderType: o.stopOrderType,
    orderIv: '',
    marketUnit: '',
    triggerPrice: price(trigger, i),
    takeProfit: o.stopOrderType ? '0' : price(o.takeProfit, i),
    stopLoss: o.stopOrderType ? '0' : price(o.stopLoss, i),
    tpslMode: o.stopLoss || o.takeProfit ? 'Full' : '',
    ocoTriggerBy: '',
    tpLimitPrice: '',
    slLimitPrice: '',
    tpTriggerBy: o.takeProfit ? 'LastPrice' : '',
    slTriggerBy: o.stopLoss ? 'LastPrice' : '',
    triggerDirection: 0,
    triggerBy: trigger ? 'LastPrice' : '',
    lastPriceOnCreated: '',
    reduceOnly: o.reduceOnly,
    closeOnTrigger: o.stopOrderType !== '',
    placeType: '',
    smpType: 'None',
    smpGroup: 0,
    smpOrderId: '',
    createdTime: String(o.createdTime),
    updatedTime: String(o.updatedTime),
    parentOrderLinkId: '',
    slippageToleranceType: 'UNKNOWN',
    slippageTolerance: '',
    extraFees: '',
  };
}

export function executionView(e: Execution, order: Order | null, i: Instrument): Record<string, unknown> {
  return {
    symbol: e.symbol,
    orderId: e.orderId,
    orderLinkId: e.orderLinkId,
    side: e.side,
    orderPrice: order ? price(order.price, i) : '0',
    orderQty: order ? qty(order.qty, i) : qty(e.execQty, i),
    leavesQty: '0',
    createType: order ? createType(order) : 'CreateByUser',
    orderType: order?.orderType ?? 'Market',
    stopOrderType: e.stopOrderType === 'Trade' ? 'UNKNOWN' : e.stopOrderType,
    execFee: dec(e.execFee),
    execFeeV2: '',
    execId: e.execId,
    execPrice: price(e.execPrice, i),
    execQty: qty(e.execQty, i),
    execType: e.stopOrderType === 'Liquidation' ? 'BustTrade' : 'Trade',
    execValue: dec(e.execQty * e.execPrice),
    execTime: String(e.execTime),
    feeCurrency: 'USDT',
    isMaker: e.isMaker,
    feeRate: e.execQty > 0 ? dec(Number((e.execFee / (e.execQty * e.execPrice)).toFixed(8))) : '0',
    tradeIv: '',
    markIv: '',
    markPrice: price(e.execPrice, i),
    indexPrice: '',
    underlyingPrice: '',
    blockTradeId: '',
    closedSize: qty(e.closedSize, i),
    seq: e.execTime,
    extraFees: '',
    marketUnit: '',
  };
}

/** REST position row. The WS position topic renames avgPrice to entryPrice (see wsPosition). */
export function positionView(p: Position, i: Instrument): Record<string, unknown> {
  const initialMargin = p.size === 0 ? 0 : (p.size * p.avgPrice) / p.leverage;
  return {
    positionIdx: 0,
    riskId: 1,
    riskLimitValue: '2000000',
    symbol: p.symbol,
    side: p.side === 'None' ? '' : p.side,
    size: qty(p.size, i),
    avgPrice: dec(p.avgPrice, 10),
    positionValue: dec(p.positionValue),
    autoAddMargin: 0,
    positionStatus: 'Normal',
    leverage: dec(p.leverage),
    breakEvenPrice: dec(p.avgPrice),
    markPrice: price(p.markPrice, i),
    liqPrice: p.liqPrice ? price(p.liqPrice, i) : '',
    bustPrice: '',
    positionIM: dec(initialMargin),
    positionIMByMp: dec(initialMargin),
    positionMM: dec(p.size * p.markPrice * 0.005),
    positionMMByMp: dec(p.size * p.markPrice * 0.005),
    positionBalance: dec(initialMargin),
    takeProfit: price(p.takeProfit, i),
    stopLoss: price(p.stopLoss, i),
    trailingStop: '0',
    sessionAvgPrice: '',
    delta: '',
    gamma: '',
    vega: '',
    theta: '',
    unrealisedPnl: dec(p.unrealisedPnl),
    curRealisedPnl: dec(p.cumRealisedPnl),
    cumRealisedPnl: dec(p.cumRealisedPnl),
    adlRankIndicator: p.size === 0 ? 0 : 2,
    createdTime: String(p.updatedTime),
    updatedTime: String(p.updatedTime),
    openTime: 0,
    seq: p.updatedTime || -1,
    isReduceOnly: false,
    mmrSysUpdatedTime: '',
    leverageSysUpdatedTime: '',
    tpslMode: 'Full',
    tradeMode: 0,
  };
}

export function wsPosition(p: Position, i: Instrument): Record<string, unknown> {
  const { avgPrice, ...rest } = positionView(p, i);
  return { ...rest, entryPrice: avgPrice, category: 'linear' };
}

/** wallet-balance `list[0]` (UNIFIED account; account totals are USD, USDT counted 1:1). */
export function walletView(b: Balance, positionIM: number, orderIM: number): Record<string, unknown> {
  const equity = dec(b.equity);
  return {
    accountType: 'UNIFIED',
    accountIMRate: b.equity > 0 ? dec(Number(((positionIM + orderIM) / b.equity).toFixed(4))) : '0',
    accountMMRate: '0',
    totalEquity: equity,
    totalWalletBalance: dec(b.walletBalance),
    totalMarginBalance: equity,
    totalAvailableBalance: dec(b.availableBalance),
    totalPerpUPL: dec(b.unrealisedPnl),
    totalInitialMargin: dec(positionIM + orderIM),
    totalMaintenanceMargin: '0',
    accountIMRateByMp: '0',
    accountMMRateByMp: '0',
    totalInitialMarginByMp: dec(positionIM + orderIM),
    totalMaintenanceMarginByMp: '0',
    accountLTV: '0',
    coin: [
      {
        coin: b.coin,
        equity,
        usdValue: equity,
        walletBalance: dec(b.walletBalance),
        locked: '0',
        spotHedgingQty: '0',
        borrowAmount: '0',
        accruedInterest: '0',
        totalOrderIM: dec(orderIM),
        totalPositionIM: dec(positionIM),
        totalPositionMM: '0',
        unrealisedPnl: dec(b.unrealisedPnl),
        cumRealisedPnl: '0',
        bonus: '0',
        marginCollateral: true,
        collateralSwitch: true,
        free: '',
        availableToWithdraw: '',
        availableToBorrow: '',
      },
    ],
  };
}
