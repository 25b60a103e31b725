/**
 * Exchange-grid arithmetic. Binary floats cannot represent 0.1 or 0.001 exactly, so
 * `Math.floor(qty / step) * step` can give 0.30000000000000004 or drop a whole step.
 * We count steps as integers (with a tolerance far below one step) and rebuild the value
 * from the step's own decimal digits, so results are exact grid values.
 */

import { toFixedNumber } from './fixedRound.ts';

// The same few steps (a symbol's tickSize and qtyStep) are rounded to over and over: remember the last two.
let stepA = Number.NaN;
let decimalsA = 0;
let stepB = Number.NaN;
let decimalsB = 0;

/** Number of decimal digits of a step such as 0.001 (3), 0.5 (1), 10 (0), 1e-7 (7). */
export function decimalsOf(step: number): number {
  if (step === stepA) return decimalsA;
  if (step === stepB) return decimalsB;
  const decimals = countDecimals(step);
  stepB = stepA;
  decimalsB = decimalsA;
  stepA = step;
  decimalsA = decimals;
  return decimals;
}

function countDecimals(step: number): number {
  if (!Number.isFinite(step) || step <= 0) return 0;
  const text = step.toString();
  const exp = /e-(\d+)$/.exec(text);
  if (exp) {
    const mantissa = text.split('e')[0] ?? '';
    const mantissaDecimals = mantissa.includes('.') ? (mantissa.split('.')[1]?.length ?? 0) : 0;
    return Number(exp[1]) + mantissaDecimals;
  }
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

const EPS = 1e-9;

function fromSteps(count: number, step: number): number {
  return toFixedNumber(count * step, decimalsOf(step));
}

/** Largest grid value <= value (used for quantities: never round a size up). */
export function floorToStep(value: number, step: number): number {
  if (!(step > 0)) return value;
  return fromSteps(Math.floor(value / step + EPS), step);
}

/** Smallest grid value >= value. */
export function ceilToStep(value: number, step: number): number {
  if (!(step > 0)) return value;
  return fromSteps(Math.ceil(value / step - EPS), step);
}

/** Nearest grid value (used for prices). */
export function roundToStep(value: number, step: number): number {
  if (!(step > 0)) return value;
  return fromSteps(Math.round(value / step), step);
}

/** True when value is (within float noise) a whole number of steps. */
export function isOnStep(value: number, step: number): boolean {
  if (!(step > 0)) return true;
  const count = value / step;
  return Math.abs(count - Math.round(count)) < 1e-6;
}

/** Decimal string with exactly the step's number of digits, as the exchange expects. */
export function formatToStep(value: number, step: number): string {
  return value.toFixed(decimalsOf(step));
}
