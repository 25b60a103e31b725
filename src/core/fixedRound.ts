/**
 * `Number(x.toFixed(d))` without the trip through a string, bit for bit the same result.
 *
 * toFixed picks the integer n nearest to x * 10^d (computed exactly, ties away from zero)
 * and prints n with d decimals; parsing that text gives the double nearest to n / 10^d.
 * Here y = x * 10^d is one correctly rounded multiplication (10^d is exact for d <= 22), so
 * it is within |y| * 2^-53 of the exact product: Math.round(y) is toFixed's n unless y lies
 * that close to a tie (x.5), and those rare cases take toFixed itself. With |y| < 2^49 the
 * integer n and 10^d are exact doubles, so n / 10^d (one correctly rounded division) is the
 * double nearest to n / 10^d, i.e. what Number() would parse. Larger values, NaN and
 * Infinity take toFixed too. A property test holds the two equal.
 *
 * The rounding on the money and exchange-grid paths ran through toFixed on every fill,
 * mark and risk check; the profiles of issue 13 (6.7 % of CPU at 2,000 actors) and of the
 * fast backtest engine put it at the top.
 */

const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
const LIMIT = 2 ** 49;

export function toFixedNumber(x: number, digits: number): number {
  if (x === 0) return 0; // -0 prints as "0.00": +0
  const scale = POW10[digits];
  if (scale === undefined) return Number(x.toFixed(digits));
  const y = x * scale;
  const magnitude = y < 0 ? -y : y;
  if (!(magnitude < LIMIT)) return Number(x.toFixed(digits));
  const fraction = magnitude - Math.floor(magnitude);
  // Within the product's own rounding error of a tie: let toFixed decide on the exact value.
  if (Math.abs(fraction - 0.5) <= magnitude * 2.3e-16 + 1e-12) return Number(x.toFixed(digits));
  return Math.round(y) / scale;
}
