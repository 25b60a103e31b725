import { toFixedNumber } from './fixedRound.ts';

/**
 * A number for a human-readable reason: 6 significant digits, no trailing zeros, i.e.
 * `String(Number(value.toPrecision(6)))`, the same text, computed without toPrecision on
 * the common path (reasons are built for every signal and every risk denial; toPrecision
 * and its re-parse were a fifth of the fast backtest engine's time).
 *
 * For 1e-6 <= |value| < 1e6 toPrecision answers in plain notation: the digits of the integer
 * n nearest to |value| x 10^(5-e) (e the decimal exponent, so n has 6 digits) with the point
 * placed; cutting the trailing zeros gives what String(Number(text)) prints (a decimal of 6
 * significant digits is the shortest round trip of the double nearest to it). n is found
 * with one exact power-of-ten product, as toFixedNumber does, and the rare products within
 * their rounding error of a tie, the exponent notations and non-finite values take the long
 * way. A property test holds the two equal.
 */
export function shortNumber(value: number): string {
  if (value === 0) return '0';
  const magnitude = value < 0 ? -value : value;
  if (!(magnitude >= 1e-6 && magnitude < 999_999.5)) return slow(value);
  let e = Math.floor(Math.log10(magnitude));
  let y = magnitude * 10 ** (5 - e);
  // log10 may land one off next to a power of ten: put y back in [1e5, 1e6).
  if (y < 1e5) {
    e--;
    y = magnitude * 10 ** (5 - e);
  } else if (y >= 1e6) {
    e++;
    y = magnitude * 10 ** (5 - e);
  }
  if (e < -6 || e > 5) return slow(value);
  const fraction = y - Math.floor(y);
  if (Math.abs(fraction - 0.5) <= y * 2.3e-16 + 1e-9) return slow(value);
  let n = Math.round(y);
  if (n === 1e6) {
    // Rounded up to the next power of ten.
    n = 1e5;
    e++;
    if (e > 5) return slow(value);
  }
  let decimals = 5 - e;
  while (decimals > 0 && n % 10 === 0) {
    n /= 10;
    decimals--;
  }
  const digits = String(n);
  const sign = value < 0 ? '-' : '';
  if (decimals === 0) return sign + digits;
  if (digits.length > decimals) return `${sign}${digits.slice(0, digits.length - decimals)}.${digits.slice(digits.length - decimals)}`;
  return `${sign}0.${'0'.repeat(decimals - digits.length)}${digits}`;
}

function slow(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

