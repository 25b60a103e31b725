import type { Side } from '../../domain/types.ts';
import { hashString } from '../rng.ts';

/**
 * Deterministic order ids (Bybit `orderLinkId`: at most 36 chars of [0-9A-Za-z_-]). The same
 * (strategy, symbol, candle, side, purpose) always gives the same id, so a retry or a
 * restart that re-sends an order is recognised by the exchange as a duplicate instead of
 * opening a second position. Layout, at most 4 + 13 + 1 + 7 + 1 + 7 + 1 + 2 = 36 chars:
 *
 *   bb1-<symbol>-<strategy hash>-<candle seconds>-<side><purpose>
 *   bb1-BTCUSDT-0k3f9a2-smvq0g-BE
 *
 * - symbol: as is when it is [0-9A-Za-z]{1,13}; otherwise its first 9 safe chars plus a
 *   4-char hash of the full symbol, so two long symbols never share an id;
 * - strategy hash: FNV-1a (hashString) of the strategy id, base36, 7 chars;
 * - candle: start time in whole seconds, base36 (7 chars reach the year 4453);
 * - side: B(uy) / S(ell); purpose: E(ntry) / X (exit) / S(top).
 * Candle starts within the same second share an id: candles are minutes apart.
 */
export const ORDER_LINK_PREFIX = 'bb1-';
export const ORDER_LINK_MAX_LENGTH = 36;

export type OrderPurpose = 'entry' | 'exit' | 'stop';

export interface OrderLinkIdInput {
  readonly strategyId: string;
  readonly symbol: string;
  readonly candleStart: number;
  readonly side: Side;
  readonly purpose: OrderPurpose;
}

export interface ParsedOrderLinkId {
  /** The symbol part (the symbol itself unless it had to be shortened). */
  readonly symbolPart: string;
  readonly strategyHash: string;
  /** Candle start in ms (whole seconds). */
  readonly candleStart: number;
  readonly side: Side;
  readonly purpose: OrderPurpose;
}

const SYMBOL_MAX = 13;
const PURPOSE_LETTER: Readonly<Record<OrderPurpose, string>> = { entry: 'E', exit: 'X', stop: 'S' };
const LETTER_PURPOSE: Readonly<Record<string, OrderPurpose>> = { E: 'entry', X: 'exit', S: 'stop' };
const TIME_CHARS = 7;
const TIME_MODULUS = 36 ** TIME_CHARS;
const PATTERN = /^bb1-([0-9A-Za-z]{1,13})-([0-9a-z]{7})-([0-9a-z]{1,7})-([BS])([EXS])$/;

function base36(value: number, width: number): string {
  return (value >>> 0).toString(36).padStart(width, '0').slice(-width);
}

export function strategyHash(strategyId: string): string {
  return base36(hashString(String(strategyId)), 7);
}

function symbolPart(symbol: string): string {
  const text = String(symbol);
  const safe = text.replace(/[^0-9A-Za-z]/g, '');
  if (safe === text && safe.length >= 1 && safe.length <= SYMBOL_MAX) return safe;
  return `${safe.slice(0, SYMBOL_MAX - 4)}${base36(hashString(text), 4)}`;
}

function candleSeconds(candleStart: number): string {
  const seconds = Number.isFinite(candleStart) && candleStart > 0 ? Math.floor(candleStart / 1000) : 0;
  return (seconds % TIME_MODULUS).toString(36);
}

export function buildOrderLinkId(input: OrderLinkIdInput): string {
  const side = input.side === 'Sell' ? 'S' : 'B';
  const purpose = PURPOSE_LETTER[input.purpose] ?? 'E';
  return `${ORDER_LINK_PREFIX}${symbolPart(input.symbol)}-${strategyHash(input.strategyId)}-${candleSeconds(input.candleStart)}-${side}${purpose}`;
}

/** True for ids this module built (used to tell our orders from manual or foreign ones). */
export function isOurOrderLinkId(orderLinkId: string): boolean {
  return typeof orderLinkId === 'string' && PATTERN.test(orderLinkId);
}

/** The parts of one of our ids, or null for anything else. */
export function parseOrderLinkId(orderLinkId: string): ParsedOrderLinkId | null {
  if (typeof orderLinkId !== 'string') return null;
  const m = PATTERN.exec(orderLinkId);
  if (!m) return null;
  const [, symbol = '', hash = '', time = '', side = '', purpose = ''] = m;
  const parsedPurpose = LETTER_PURPOSE[purpose];
  if (parsedPurpose === undefined) return null;
  return {
    symbolPart: symbol,
    strategyHash: hash,
    candleStart: parseInt(time, 36) * 1000,
    side: side === 'S' ? 'Sell' : 'Buy',
    purpose: parsedPurpose,
  };
}
