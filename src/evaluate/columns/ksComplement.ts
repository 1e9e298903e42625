/**
 * Column shape of a numeric or datetime column: `1 − D`, D the two-sample
 * Kolmogorov–Smirnov statistic (largest gap between the two empirical CDFs; missing dropped).
 */
import type { Column, EvalKind, MetricResult } from "../types.js";
import { sortedFinite, toNumeric } from "../internal/columns.js";

/** Two-sample KS statistic D = sup_x |F_a(x) − F_b(x)| of two samples (NaN dropped); null if either is empty. */
export function ksStatistic(a: Float64Array, b: Float64Array): number | null {
  const x = sortedFinite(a);
  const y = sortedFinite(b);
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) return null;
  let i = 0;
  let j = 0;
  let d = 0;
  // Walk both sorted samples; at every distinct value step past all ties in both before comparing CDFs.
  while (i < n && j < m) {
    const v = x[i]! <= y[j]! ? x[i]! : y[j]!;
    while (i < n && x[i] === v) i++;
    while (j < m && y[j] === v) j++;
    const gap = Math.abs(i / n - j / m);
    if (gap > d) d = gap;
  }
  return d;
}

export function ksComplement(
  real: Column,
  synthetic: Column,
  opts: { kind?: EvalKind } = {},
): MetricResult<number | null, { realCount: number; syntheticCount: number }> {
  const kind = opts.kind ?? "numeric";
  const a = toNumeric(real, kind).values;
  const b = toNumeric(synthetic, kind).values;
  const d = ksStatistic(a, b);
  const realCount = sortedFinite(a).length;
  const syntheticCount = sortedFinite(b).length;
  if (d === null) {
    return { score: null, raw: null, details: { realCount, syntheticCount }, warnings: ["no non-missing values on one side"] };
  }
  return { score: 1 - d, raw: d, details: { realCount, syntheticCount } };
}
