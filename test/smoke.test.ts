import { describe, expect, it } from 'vitest';
import { floorToStep, roundToStep, formatToStep, decimalsOf, ceilToStep, isOnStep } from '../src/core/steps.ts';

describe('exchange grid arithmetic', () => {
  it('floors quantities to exact step multiples without float residue', () => {
    expect(floorToStep(0.30000000000000004, 0.1)).toBe(0.3);
    expect(floorToStep(1.0099999, 0.01)).toBe(1);
    expect(floorToStep(0.0029999999999999996, 0.001)).toBe(0.003);
    expect(ceilToStep(0.0011, 0.001)).toBe(0.002);
  });
  it('rounds prices to the tick and formats with the tick decimals', () => {
    expect(roundToStep(60123.456, 0.1)).toBe(60123.5);
    expect(formatToStep(60123.5, 0.1)).toBe('60123.5');
    expect(formatToStep(3, 0.01)).toBe('3.00');
    expect(decimalsOf(1e-7)).toBe(7);
    expect(decimalsOf(0.5)).toBe(1);
    expect(isOnStep(0.3, 0.1)).toBe(true);
    expect(isOnStep(0.35, 0.1)).toBe(false);
  });
});
