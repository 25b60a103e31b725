import { shortNumber } from '../shortNumber.ts';

/** Numbers in denial reasons: enough digits to see the cause, not float noise (6 significant digits). */
export const num: (value: number) => string = shortNumber;

/** A limit or amount that must be a positive finite number; anything else counts as 0 (the conservative reading). */
export function positiveOrZero(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
