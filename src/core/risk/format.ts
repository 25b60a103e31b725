/** Numbers in denial reasons: enough digits to see the cause, not float noise. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** A limit or amount that must be a positive finite number; anything else counts as 0 (the conservative reading). */
export function positiveOrZero(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
