import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebsocketClient } from 'bybit-api';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { mulberry32 } from '../../src/core/rng.ts';
import type { Balance, Execution, Order, Position } from '../../src/domain/types.ts';
import { BybitRestPort } from '../../src/exchange/bybit/restPort.ts';
import type { SdkRestClient } from '../../src/exchange/bybit/restTransport.ts';
import { BybitStreams } from '../../src/exchange/bybit/streams.ts';
import { Journal } from '../../src/journal/journal.ts';
import { createJournalGuard } from '../../src/journal/writeGuard.ts';
import { journalAccountStream } from '../../src/runtime/journalFeeds.ts';
import { bybitAccountStream } from '../../src/runtime/accountStreams.ts';
import * as docs from './fixtures/bybitDocSamples.ts';
import { memoryLogger, testAlerts } from './support/fakes.ts';
import { scriptedTransport } from './support/scriptedTransport.ts';

/**
 * Finding 12: the adapter's own parsing and mapping on Bybit's documented responses (REST
 * through the real transport, pushes through the real stream handler): funding rows are
 * funding, a wallet push without USDT is not a zero balance, a unified account's available
 * balance is the account's.
 */
function restPort(answers: Record<string, unknown[]>) {
  const clock = new ManualClock(1_700_000_000_000);
  const answer = async (endpoint: string) => {
    const queue = answers[endpoint];
    if (!queue || queue.length === 0) throw new Error(`no scripted answer for ${endpoint}`);
    return queue.shift();
  };
  const client: SdkRestClient = { get: answer, getPrivate: answer, postPrivate: answer };
  const { transport, logger } = scriptedTransport({ client, clock, url: 'http://bybit', probeIntervalMs: 60_000, retryPolicy: { maxRetries: 0, baseMs: 10, maxMs: 10 } });
  return new BybitRestPort({ venue: 'bybit-docs', transport, clock, random: mulberry32(2), alerts: testAlerts(clock).alerts, logger });
}

class FakeWs extends EventEmitter {
  subscribeV5(): Promise<unknown>[] {
    return [];
  }
  closeAll(): void {}
  setTimeOffsetMs(): void {}
}

function streams() {
  const { logger, lines } = memoryLogger();
  const s = new BybitStreams({
    publicClient: new FakeWs() as unknown as WebsocketClient,
    privateClient: new FakeWs() as unknown as WebsocketClient,
    rest: { candles: async () => [] },
    now: () => 1_700_000_000_000,
    alerts: testAlerts().alerts,
    logger,
  });
  const executions: Execution[] = [];
  const balances: Balance[] = [];
  const orders: Order[] = [];
  const positions: Position[] = [];
  s.on('execution', (e) => executions.push(e.execution));
  s.on('wallet', (e) => balances.push(e.balance));
  s.on('order', (e) => orders.push(e.order));
  s.on('position', (e) => positions.push(e.position));
  return { s, executions, balances, orders, positions, lines };
}

const tmpJournal = () => Journal.open(join(mkdtempSync(join(tmpdir(), 'bybot-docs-')), 'j.db'));

describe('Bybit documentation samples through the adapter', () => {
  it('GET /v5/execution/list: a Funding row is a funding payment, journaled as funding with its PnL, never as a fill', async () => {
    const port = restPort({ '/v5/execution/list': [docs.EXECUTION_LIST_FUNDING, docs.EXECUTION_LIST_TRADE] });
    const [funding] = await port.executions({ limit: 100 });
    expect(funding).toMatchObject({ execType: 'Funding', symbol: 'BTCUSDT', execQty: 0.011, execPrice: 28399.9, execFee: 0.6364003 });
    const [trade] = await port.executions({ limit: 100 });
    expect(trade).toMatchObject({ execType: 'Trade', side: 'Buy', execQty: 0.1, execPrice: 1190.15, execFee: 0.071409, stopOrderType: 'Trade', closedSize: 0 });

    const journal = tmpJournal();
    expect(journal.recordFills([funding!, trade!], 1)).toBe(2);
    expect(journal.recordFills([funding!], 2)).toBe(0); // once per execId
    expect(journal.counts()).toMatchObject({ fills: 1, funding: 1 });
    expect(journal.fundingPnl(0)).toBeCloseTo(-0.6364003, 10);
    // Trades are rebuilt from fills only: the funding row opens no Sell position.
    expect(journal.closedTrades()).toEqual([]);
    expect(journal.verify().ok).toBe(true);
    journal.close();
  });

  it('the execution stream: a Trade push is a fill; a Funding push (the same row schema) goes to the funding table', () => {
    const { s, executions } = streams();
    s.handleFrame(docs.WS_EXECUTION_TRADE);
    expect(executions).toEqual([expect.objectContaining({ execType: 'Trade', symbol: 'XRPUSDT', side: 'Sell', execQty: 25, execPrice: 0.3374, execFee: 0.005061, isMaker: false })]);

    const journal = tmpJournal();
    journalAccountStream(bybitAccountStream(s), journal, new ManualClock(5), createJournalGuard(memoryLogger().logger));
    s.handleFrame({ topic: 'execution', creationTime: 1682553600010, data: docs.EXECUTION_LIST_FUNDING.result.list });
    s.handleFrame(docs.WS_EXECUTION_TRADE);
    expect(journal.counts()).toMatchObject({ fills: 1, funding: 1 });
    journal.close();
  });

  it('GET /v5/account/wallet-balance without a USDT row (unified): the account totals, not a zero balance', async () => {
    const port = restPort({ '/v5/account/wallet-balance': [docs.WALLET_BALANCE_BTC_ONLY] });
    const balance = await port.balance();
    expect(balance).toMatchObject({ coin: 'USDT', equity: 18070.32797922, availableBalance: 17887.72614237, walletBalance: 18070.43799271, unrealisedPnl: -0.11001349 });
  });

  it('the wallet stream on a unified account: available = totalAvailableBalance (all collateral), not the USDT row', () => {
    const { s, balances } = streams();
    s.handleFrame(docs.WS_WALLET_UNIFIED);
    expect(balances).toHaveLength(1);
    expect(balances[0]).toMatchObject({ equity: 12837.78330098, availableBalance: 12632.05767702, walletBalance: 11728.54414904, unrealisedPnl: -1.8975 });
    // The USDT row alone would have said 11,723.92 available (wallet - IM + negative uPnL).
    expect(balances[0]!.availableBalance).not.toBeCloseTo(11728.54414904 - 1.8975 - 2.72589075, 2);
  });

  it('a wallet push without USDT and without unified totals says nothing about USDT: no balance event, no zero', () => {
    const { s, balances } = streams();
    const classic = { ...docs.WALLET_BALANCE_BTC_ONLY.result.list[0]!, accountType: 'CONTRACT', totalEquity: '', totalAvailableBalance: '', totalWalletBalance: '', totalPerpUPL: '' };
    s.handleFrame({ topic: 'wallet', creationTime: 1, data: [classic] });
    expect(balances).toEqual([]);
    // With the unified totals (the REST example's account as a push), the totals are used.
    s.handleFrame({ topic: 'wallet', creationTime: 2, data: docs.WALLET_BALANCE_BTC_ONLY.result.list });
    expect(balances).toEqual([expect.objectContaining({ equity: 18070.32797922, availableBalance: 17887.72614237 })]);
  });

  it('GET /v5/position/list and the position stream', async () => {
    const port = restPort({ '/v5/position/list': [docs.POSITION_LIST] });
    const [position] = await port.positions('BTCUSD');
    expect(position).toMatchObject({ symbol: 'BTCUSD', side: 'Sell', size: 300, avgPrice: 27464.50441675, markPrice: 28224.5, leverage: 10, stopLoss: 0, takeProfit: 0, liqPrice: 0, updatedTime: 1697673600012 });
    const { s, positions } = streams();
    s.handleFrame(docs.WS_POSITION);
    expect(positions).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', side: 'None', size: 0, avgPrice: 0, markPrice: 28184.5, cumRealisedPnl: -25.06579337 })]);
  });

  it('GET /v5/order/realtime and the order stream', async () => {
    const port = restPort({ '/v5/order/realtime': [docs.ORDER_REALTIME, { ...docs.ORDER_REALTIME, result: { list: [], nextPageCursor: '', category: 'linear' } }] });
    const [order] = await port.openOrders('ETHUSDT');
    expect(order).toMatchObject({ orderLinkId: 'test-000005', status: 'New', orderType: 'Limit', price: 1600, qty: 0.1, stopLoss: 1500, takeProfit: 2500, stopOrderType: '', rejectReason: '', cumExecQty: 0, avgPrice: 0, createdTime: 1684738540559 });
    const { s, orders } = streams();
    s.handleFrame(docs.WS_ORDER);
    expect(orders).toEqual([expect.objectContaining({ status: 'Filled', orderType: 'Market', price: 0, timeInForce: 'IOC', cumExecQty: 1, avgPrice: 75, cumExecFee: 0.358635, stopLoss: 0, stopOrderType: '' })]);
  });
});
