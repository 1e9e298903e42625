/**
 * x rounded to `digits` significant digits (default 6): the comparison key of a number wherever
 * rows are compared for equality (dedup, exact-match privacy), so float noise from CSV round trips
 * does not hide a copy.
 */
export function roundSignificant(x: number, digits = 6): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}
