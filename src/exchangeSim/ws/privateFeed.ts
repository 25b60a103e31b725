import type { SimDeps } from '../context.ts';
import { executionView, orderView, wsPosition } from '../format.ts';
import { walletItem } from '../routes/account.ts';
import { fundingExecutionView } from '../fundingLedger.ts';
import type { WsHub } from './hub.ts';

/**
 * Private topics from the matching engine's events, in the engine's order (order,
 * execution, position, wallet for a fill). Shapes: REST objects plus the WS-only fields
 * (category; `entryPrice` instead of `avgPrice` for positions).
 */
export function startPrivateFeed(deps: SimDeps, hub: WsHub): () => void {
  const { engine, market } = deps.sim;
  const offs = [
    engine.on('order', (o) => hub.publishPrivate('order', [{ category: 'linear', ...orderView(o, market.instrument(o.symbol)), closedPnl: '0', feeCurrency: '', brokerOrderPrice: '' }])),
    engine.on('execution', (e) =>
      hub.publishPrivate('execution', [
        { category: 'linear', ...executionView(e, engine.findOrder({ symbol: e.symbol, orderId: e.orderId }), market.instrument(e.symbol)), isLeverage: '', execPnl: '0' },
      ]),
    ),
    // Funding is recorded here (the server's one listener), then pushed like Bybit's funding execution.
    engine.on('funding', (f) => {
      const row = deps.funding.record(f);
      hub.publishPrivate('execution', [{ category: 'linear', ...fundingExecutionView(row, market.instrument(f.symbol)), isLeverage: '', execPnl: '0' }]);
    }),
    engine.on('position', (p) => hub.publishPrivate('position', [wsPosition(p, market.instrument(p.symbol))])),
    engine.on('wallet', () => hub.publishPrivate('wallet', [walletItem(deps)])),
  ];
  return () => offs.forEach((off) => off());
}
