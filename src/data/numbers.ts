/**
 * x rounded to `digits` significant digits (default 6): the comparison key of a number wherever
 * rows are compared for equality (dedup, exact-match privacy), so float noise from CSV round trips
 * does not hide a copy.
 */
export function roundSignificant(x: number, digits = 6): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  // Whole numbers with at most `digits` digits are already exact (and common): skip the string round trip.
  if (Number.isInteger(x) && Math.abs(x) < 10 ** digits) return x;
  return Number(x.toPrecision(digits));
}
