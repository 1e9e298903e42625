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

/** Decimal places of a number as written (0.25 → 2; 3 → 0), capped at 6. */
export function decimalsOf(x: number): number {
  for (let d = 0; d < 6; d++) if (Math.abs(Math.round(x * 10 ** d) / 10 ** d - x) < 1e-9 * Math.max(1, Math.abs(x))) return d;
  return 6;
}
