import type { Clock } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import { MatchingEngine } from './engine.ts';
import { FaultController } from './faults.ts';
import { MarketGenerator, type GapOptions } from './market.ts';
import type { SimMarket } from './simMarket.ts';
import { SIM_FUNDING_RATE } from './funding.ts';
import { SimExchangePort } from './port.ts';
import { ReplayMarket, type ReplaySymbol } from './replayMarket.ts';
import type { FaultState, RegimeName } from './types.ts';

export type { FaultState, RegimeName } from './types.ts';
export type { EngineEvents, AmendOrderRequest } from './engine.ts';
export { MatchingEngine } from './engine.ts';
export { FaultController } from './faults.ts';
export { MarketGenerator, DEFAULT_INSTRUMENTS, type GapOptions } from './market.ts';
export type { SimMarket, KlineQuery } from './simMarket.ts';
export { ReplayMarket, type ReplaySymbol } from './replayMarket.ts';
export type { FundingEvent } from './engineCore.ts';

export interface SimExchangeOptions {
  readonly clock: Clock;
  readonly seed: number;
  /** Epoch ms (minute-aligned) where generated history starts. */
  readonly origin: number;
  /** USDT. */
  readonly initialBalance: number;
  readonly takerFeeRate: number;
  readonly makerFeeRate: number;
  /** Market-order slippage in basis points. */
  readonly slippageBps: number;
  /** Funding rate per 8-hour settlement (0.0001 = 0.01 %, the default); 0 = none. */
  readonly fundingRate?: number;
  /** Listed symbols; default DEFAULT_INSTRUMENTS (BTCUSDT, ETHUSDT, SOLUSDT). */
  readonly instruments?: readonly string[];
  /** Gaps in the price path; default none. */
  readonly gaps?: GapOptions;
  /** Taker fills on the generated market: 'book' (default, walks the order book) or 'slippage' (slippageBps). */
  readonly fillModel?: 'book' | 'slippage';
  /** Forced regime per symbol; other symbols switch between trend and range by themselves. */
  readonly regimes: Readonly<Record<string, RegimeName>>;
  readonly faults: FaultState;
}

export interface SimExchange<M extends SimMarket = SimMarket> {
  /** The ExchangePort (venue 'simulator'). */
  readonly port: ExchangePort;
  /** Direct access for tests and for wrappers such as a Bybit wire-protocol server. */
  readonly engine: MatchingEngine;
  readonly faults: FaultController;
  readonly market: M;
}

/** Builds the in-process simulated Bybit: market generator, matching engine, fault gate, port. */
export function createSimExchange(options: SimExchangeOptions): SimExchange<MarketGenerator> {
  const { clock, seed } = options;
  const market = new MarketGenerator({
    clock,
    seed,
    origin: options.origin,
    regimes: options.regimes,
    fundingRate: options.fundingRate ?? SIM_FUNDING_RATE,
    ...(options.instruments ? { instruments: options.instruments } : {}),
    ...(options.gaps ? { gaps: options.gaps } : {}),
  });
  const engine = new MatchingEngine({
    clock,
    market,
    seed,
    initialBalance: options.initialBalance,
    takerFeeRate: options.takerFeeRate,
    makerFeeRate: options.makerFeeRate,
    slippageBps: options.slippageBps,
    fillModel: options.fillModel ?? 'book',
  });
  const faults = new FaultController(options.faults);
  const port = new SimExchangePort({ clock, seed, engine, market, faults });
  return { port, engine, faults, market };
}

export interface ReplayExchangeOptions {
  readonly clock: Clock;
  /** Seeds the order and execution ids (deterministic runs). */
  readonly seed: number;
  readonly symbols: ReadonlyMap<string, ReplaySymbol>;
  readonly initialBalance: number;
  readonly takerFeeRate: number;
  readonly makerFeeRate: number;
  readonly slippageBps: number;
  readonly faults?: FaultState;
}

export type ReplayExchange = SimExchange<ReplayMarket>;

const NO_FAULTS: FaultState = { down: false, authRejected: false, latencyMs: 0, nanCandles: [], errorRate: 0 };

/**
 * The simulated Bybit over stored candles (backtests with `--engine actors`): the same
 * matching engine and port as the generated market, replaying the bars with the core
 * bar-level fill model (src/core/fills) that the fast backtest engine uses.
 */
export function createReplayExchange(options: ReplayExchangeOptions): ReplayExchange {
  const { clock, seed } = options;
  const market = new ReplayMarket({ clock, symbols: options.symbols, seed });
  const engine = new MatchingEngine({
    clock,
    market,
    seed,
    initialBalance: options.initialBalance,
    takerFeeRate: options.takerFeeRate,
    makerFeeRate: options.makerFeeRate,
    slippageBps: options.slippageBps,
  });
  const faults = new FaultController(options.faults ?? NO_FAULTS);
  const port = new SimExchangePort({ clock, seed, engine, market, faults });
  return { port, engine, faults, market };
}
