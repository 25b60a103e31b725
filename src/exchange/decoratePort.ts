import type { CallOptions, ExchangePort } from '../ports/exchange.ts';

/** Runs one port call; decorators wrap it with timeouts, metrics, caching... */
export type PortCall = <T>(operation: string, options: CallOptions | undefined, call: (options: CallOptions) => Promise<T>) => Promise<T>;

/** Builds an ExchangePort whose every method goes through `around`, naming the operation. */
export function decoratePort(port: ExchangePort, around: PortCall): ExchangePort {
  return {
    venue: port.venue,
    serverTime: (o) => around('serverTime', o, (x) => port.serverTime(x)),
    instrument: (symbol, o) => around('instrument', o, (x) => port.instrument(symbol, x)),
    candles: (query, o) => around('candles', o, (x) => port.candles(query, x)),
    ticker: (symbol, o) => around('ticker', o, (x) => port.ticker(symbol, x)),
    balance: (o) => around('balance', o, (x) => port.balance(x)),
    positions: (symbol, o) => around('positions', o, (x) => port.positions(symbol, x)),
    openOrders: (symbol, o) => around('openOrders', o, (x) => port.openOrders(symbol, x)),
    findOrder: (lookup, o) => around('findOrder', o, (x) => port.findOrder(lookup, x)),
    executions: (query, o) => around('executions', o, (x) => port.executions(query, x)),
    placeOrder: (request, o) => around('placeOrder', o, (x) => port.placeOrder(request, x)),
    amendOrder: (request, o) => around('amendOrder', o, (x) => port.amendOrder(request, x)),
    cancelOrder: (lookup, o) => around('cancelOrder', o, (x) => port.cancelOrder(lookup, x)),
    cancelAllOrders: (symbol, o) => around('cancelAllOrders', o, (x) => port.cancelAllOrders(symbol, x)),
    setTradingStop: (request, o) => around('setTradingStop', o, (x) => port.setTradingStop(request, x)),
    setLeverage: (symbol, leverage, o) => around('setLeverage', o, (x) => port.setLeverage(symbol, leverage, x)),
    ...(port.accountId ? { accountId: (o?: CallOptions) => around('accountId', o, (x) => port.accountId!(x)) } : {}),
  };
}
