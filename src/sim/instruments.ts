import { UnknownSymbolError } from '../domain/errors.ts';
import type { Instrument } from '../domain/types.ts';
import { floorToStep } from '../core/steps.ts';

const SYMBOL = /^([A-Z0-9]{2,24})USDT$/;

/** Filters as Bybit publishes them for the three symbols we trade by default. */
const KNOWN: Record<string, Omit<Instrument, 'symbol' | 'status' | 'baseCoin' | 'quoteCoin' | 'minLeverage'>> = {
  BTCUSDT: { tickSize: 0.1, minPrice: 0.1, maxPrice: 1_999_999.8, qtyStep: 0.001, minOrderQty: 0.001, maxOrderQty: 1190, maxMktOrderQty: 119, minNotional: 5, maxLeverage: 100, leverageStep: 0.01 },
  ETHUSDT: { tickSize: 0.01, minPrice: 0.01, maxPrice: 199_999.98, qtyStep: 0.01, minOrderQty: 0.01, maxOrderQty: 7240, maxMktOrderQty: 1000, minNotional: 5, maxLeverage: 100, leverageStep: 0.01 },
  SOLUSDT: { tickSize: 0.01, minPrice: 0.01, maxPrice: 19_999.98, qtyStep: 0.1, minOrderQty: 0.1, maxOrderQty: 79_770, maxMktOrderQty: 7977, minNotional: 5, maxLeverage: 75, leverageStep: 0.01 },
};

function pow10(exponent: number): number {
  // toFixed-free exact powers of ten: 10 ** -3 is 0.001 exactly as a literal would be.
  return Number(`1e${exponent}`);
}

/** True when the symbol has the shape of a USDT linear perpetual. */
export function isUsdtSymbol(symbol: string): boolean {
  return SYMBOL.test(symbol);
}

/**
 * Trading rules for a symbol. Unknown USDT symbols get filters derived from their
 * reference price: about five significant digits of price, and a qty step fine enough
 * that the minimum notional (5 USDT) is a handful of steps.
 */
export function instrumentFor(symbol: string, referencePrice: number): Instrument {
  const match = SYMBOL.exec(symbol);
  if (!match) throw new UnknownSymbolError(symbol);
  const base = { symbol, status: 'Trading' as const, baseCoin: match[1]!, quoteCoin: 'USDT', minLeverage: 1 };
  const known = KNOWN[symbol];
  if (known) return { ...base, ...known };

  const magnitude = Math.floor(Math.log10(referencePrice));
  const tickSize = pow10(magnitude - 4);
  const qtyStep = pow10(Math.floor(Math.log10(1 / referencePrice)));
  return {
    ...base,
    tickSize,
    minPrice: tickSize,
    maxPrice: Number((referencePrice * 1000).toFixed(Math.max(0, 4 - magnitude))),
    qtyStep,
    minOrderQty: qtyStep,
    maxOrderQty: floorToStep(5_000_000 / referencePrice, qtyStep),
    maxMktOrderQty: floorToStep(500_000 / referencePrice, qtyStep),
    minNotional: 5,
    maxLeverage: 50,
    leverageStep: 0.01,
  };
}
