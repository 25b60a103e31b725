import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildOrderLinkId,
  isOurOrderLinkId,
  ORDER_LINK_MAX_LENGTH,
  ORDER_LINK_PREFIX,
  parseOrderLinkId,
  strategyHash,
  type OrderLinkIdInput,
} from '../../../src/core/orders/orderLinkId.ts';

const BYBIT_RULE = /^[0-9A-Za-z_-]{1,36}$/;
const MINUTE = 60_000;

const input: fc.Arbitrary<OrderLinkIdInput> = fc.record({
  strategyId: fc.string({ minLength: 1, maxLength: 40 }),
  symbol: fc.oneof(fc.stringMatching(/^[A-Z0-9]{2,24}USDT$/), fc.string({ maxLength: 40 })),
  // Candle starts are whole minutes (ids have one-second resolution), up to the year 2100.
  candleStart: fc.integer({ min: 0, max: 68_000_000 }).map((m) => m * MINUTE),
  side: fc.constantFrom('Buy', 'Sell'),
  purpose: fc.constantFrom('entry', 'exit', 'stop'),
});

describe('buildOrderLinkId', () => {
  it('is deterministic and always within Bybit rules, starting with our prefix', () => {
    fc.assert(
      fc.property(input, (i) => {
        const id = buildOrderLinkId(i);
        expect(buildOrderLinkId({ ...i })).toBe(id);
        expect(id).toMatch(BYBIT_RULE);
        expect(id.length).toBeLessThanOrEqual(ORDER_LINK_MAX_LENGTH);
        expect(id.startsWith(ORDER_LINK_PREFIX)).toBe(true);
        expect(isOurOrderLinkId(id)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('differs whenever any part of the input differs', () => {
    fc.assert(
      fc.property(input, input, (a, b) => {
        const same = a.strategyId === b.strategyId && a.symbol === b.symbol && a.candleStart === b.candleStart && a.side === b.side && a.purpose === b.purpose;
        if (!same) expect(buildOrderLinkId(a)).not.toBe(buildOrderLinkId(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('differs for each single-field change', () => {
    const base: OrderLinkIdInput = { strategyId: 'range-v1', symbol: 'BTCUSDT', candleStart: Date.UTC(2024, 0, 1, 12, 5), side: 'Buy', purpose: 'entry' };
    const ids = new Set([
      base,
      { ...base, strategyId: 'range-v2' },
      { ...base, symbol: 'ETHUSDT' },
      { ...base, candleStart: base.candleStart + 5 * MINUTE },
      { ...base, side: 'Sell' as const },
      { ...base, purpose: 'exit' as const },
      { ...base, purpose: 'stop' as const },
    ].map(buildOrderLinkId));
    expect(ids.size).toBe(7);
  });

  it('reads well for a normal symbol and round-trips through parseOrderLinkId', () => {
    const start = Date.UTC(2024, 0, 1, 12, 5);
    const id = buildOrderLinkId({ strategyId: 'range-v1', symbol: 'BTCUSDT', candleStart: start, side: 'Sell', purpose: 'stop' });
    expect(id).toBe(`bb1-BTCUSDT-${strategyHash('range-v1')}-${(start / 1000).toString(36)}-SS`);
    expect(parseOrderLinkId(id)).toEqual({ symbolPart: 'BTCUSDT', strategyHash: strategyHash('range-v1'), candleStart: start, side: 'Sell', purpose: 'stop' });
  });

  it('shortens very long symbols with a hash so they stay distinct', () => {
    const a = buildOrderLinkId({ strategyId: 's', symbol: '1000000BABYDOGEUSDT', candleStart: 0, side: 'Buy', purpose: 'entry' });
    const b = buildOrderLinkId({ strategyId: 's', symbol: '1000000BABYDOGEXUSDT', candleStart: 0, side: 'Buy', purpose: 'entry' });
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(36);
    expect(parseOrderLinkId(a)?.symbolPart.startsWith('100000000')).toBe(false);
    expect(parseOrderLinkId(a)?.symbolPart.startsWith('1000000BA')).toBe(true);
  });
});

describe('parseOrderLinkId', () => {
  it('recognises only our ids', () => {
    for (const foreign of ['', 'bb1-', 'manual-order-1', 'bb2-BTCUSDT-0000000-abc-BE', 'bb1-BTCUSDT-0000000-abc-BQ', 'bb1-BTC USDT-0000000-abc-BE']) {
      expect(parseOrderLinkId(foreign)).toBeNull();
      expect(isOurOrderLinkId(foreign)).toBe(false);
    }
    expect(parseOrderLinkId(42 as unknown as string)).toBeNull();
  });

  it('parses every id it builds', () => {
    fc.assert(
      fc.property(input, (i) => {
        const parsed = parseOrderLinkId(buildOrderLinkId(i));
        expect(parsed).toMatchObject({ side: i.side, purpose: i.purpose, strategyHash: strategyHash(i.strategyId), candleStart: i.candleStart });
      }),
    );
  });
});
