import { describe, expect, it } from 'vitest';
import { crossedProtection } from '../../../src/core/orders/preSend.ts';

describe('pre-send stop check', () => {
  it('lets an entry go while the price is between its stop and its target', () => {
    expect(crossedProtection('Buy', 99, 103, 100)).toBeNull();
    expect(crossedProtection('Sell', 101, 97, 100)).toBeNull();
    expect(crossedProtection('Buy', 99, 0, undefined)).toBeNull();
  });

  it('refuses a long whose stop the price reached and a short whose stop it rose to', () => {
    expect(crossedProtection('Buy', 99, 103, 99)).toMatch(/last price 99 already crossed the stop-loss 99 of the long .*must be below/);
    expect(crossedProtection('Buy', 99, 103, 98.5)).toMatch(/crossed the stop-loss/);
    expect(crossedProtection('Sell', 101, 97, 101.2)).toMatch(/crossed the stop-loss 101 of the short .*must be above/);
  });

  it('refuses an entry whose take-profit the price already reached', () => {
    expect(crossedProtection('Buy', 99, 103, 103)).toMatch(/reached the take-profit 103 of the long/);
    expect(crossedProtection('Sell', 101, 97, 96)).toMatch(/reached the take-profit 97 of the short/);
  });
});
