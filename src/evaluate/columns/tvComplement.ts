/**
 * Column shape of a categorical column: `1 − ½ Σ |p − q|` (one minus the total variation
 * distance) over the union of categories, with missing values as their own category.
 */
import type { Column, MetricResult } from "../types.js";
import { binPair, binShares } from "./binning.js";

/** Total variation distance ½ Σ |p_i − q_i| of two distributions over the same bins. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i]! - q[i]!);
  return s / 2;
}

export function tvComplement(
  real: Column,
  synthetic: Column,
): MetricResult<number | null, { labels: string[]; real: number[]; synthetic: number[] }> {
  const b = binPair(real, synthetic, "categorical");
  const p = binShares(b.real, b.size);
  const q = binShares(b.synthetic, b.size);
  const details = { labels: b.labels, real: [...p], synthetic: [...q] };
  if (real.length === 0 || synthetic.length === 0) return { score: null, raw: null, details, warnings: ["no rows on one side"] };
  const tv = totalVariation(p, q);
  return { score: 1 - tv, raw: tv, details };
}
