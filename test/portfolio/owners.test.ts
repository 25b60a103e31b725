import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { ExchangePort } from '../../src/ports/exchange.ts';
import { runtimePortfolio } from '../../src/runtime/portfolioService.ts';
import type { EntryOrder, PlacedOrder } from '../../machines/strategy.types.ts';
import { testConfig } from '../support/backtestData.ts';

/**
 * Which preset holds a symbol's position (GET /portfolio's used, portfolio.resizeOpen's
 * budget): the last entry sent on it, unless that entry was never placed; after a restart,
 * the only preset trading the symbol.
 */
function setup() {
  const config = testConfig({
    strategies: [
      { id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT'] },
      { id: 'vwap-v1', type: 'volumeVwap', symbols: ['BTCUSDT'] },
    ],
    portfolio: { allocation: { mode: 'equal' }, resizeOpen: true },
  });
  const { service, sinks } = runtimePortfolio(
    { config, exchange: {} as ExchangePort, clock: new ManualClock(Date.UTC(2026, 0, 5)), logger: createLogger({ level: 'silent', pretty: 'never' }), metrics: createMetrics() },
    (_what, write) => write(),
  );
  const order = (presetId: string, link: string) => ({ symbol: 'BTCUSDT', presetId, orderLinkId: link }) as EntryOrder;
  const result = (status: PlacedOrder['status'], filledQty: number) => ({ status, filledQty }) as PlacedOrder;
  return { service: service!, sink: sinks[0]!, order, result };
}

describe('position owners', () => {
  it('the last entry placed owns the symbol; one not sent, failed or never sent gives it back', () => {
    const { service, sink, order, result } = setup();
    // Nothing known yet: a symbol traded by one preset is that preset's, one shared by two is unknown.
    expect(service.ownerOf('ETHUSDT')).toBe('range-v1');
    expect(service.ownerOf('BTCUSDT')).toBeUndefined();
    sink.intent(order('range-v1', 'a'), 0);
    sink.outcome(order('range-v1', 'a'), result('Filled', 0.1), 0);
    expect(service.ownerOf('BTCUSDT')).toBe('range-v1');
    // vwap-v1's entry is not sent (the position was opened since its risk decision): range-v1 keeps it.
    sink.intent(order('vwap-v1', 'b'), 0);
    expect(service.ownerOf('BTCUSDT')).toBe('vwap-v1');
    sink.outcome(order('vwap-v1', 'b'), result('Rejected', 0), 0);
    expect(service.ownerOf('BTCUSDT')).toBe('range-v1');
    for (const end of ['failed', 'notSent'] as const) {
      sink.intent(order('vwap-v1', `c-${end}`), 0);
      if (end === 'failed') sink.failed(order('vwap-v1', `c-${end}`), 'ORDER_REJECTED', 'rejected', 0);
      else sink.notSent(order('vwap-v1', `c-${end}`), 'halted', 0);
      expect(service.ownerOf('BTCUSDT')).toBe('range-v1');
    }
    // Accepted but not yet visible (live: status New, nothing filled yet): the new owner stays.
    sink.intent(order('vwap-v1', 'd'), 0);
    sink.outcome(order('vwap-v1', 'd'), result('New', 0), 0);
    expect(service.ownerOf('BTCUSDT')).toBe('vwap-v1');
  });
});
