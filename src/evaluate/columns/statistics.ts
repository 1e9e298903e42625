/**
 * Column statistics (count, missing, distinct, mean, median, std, min, max, top categories)
 * and the statistic similarity of one statistic between real and synthetic:
 * `max(0, 1 − |s_real − s_synth| / (max_real − min_real))`.
 */
import type { Column, EvalKind, MetricResult } from "../types.js";
import { categoryOf, isNumericKind, sortedFinite, toNumeric } from "../internal/columns.js";

export interface NumericStats {
  count: number;
  missing: number;
  distinct: number;
  mean: number | null;
  median: number | null;
  /** Sample standard deviation (n − 1), as pandas reports it. */
  std: number | null;
  min: number | null;
  max: number | null;
}

export interface CategoricalStats {
  count: number;
  missing: number;
  distinct: number;
  /** Up to 10 most frequent categories, share of non-missing rows, most frequent first. */
  top: { value: string; count: number; share: number }[];
}

export type ColumnStats = NumericStats | CategoricalStats;

export function numericStats(values: Float64Array): NumericStats {
  const sorted = sortedFinite(values);
  const n = sorted.length;
  const missing = values.length - n;
  if (n === 0) return { count: 0, missing, distinct: 0, mean: null, median: null, std: null, min: null, max: null };
  let distinct = 1;
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  let sum = 0;
  for (const x of sorted) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of sorted) ss += (x - mean) * (x - mean);
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return {
    count: n,
    missing,
    distinct,
    mean,
    median,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : null,
    min: sorted[0]!,
    max: sorted[n - 1]!,
  };
}

export function categoricalStats(col: Column, top = 10): CategoricalStats {
  const counts = new Map<string, number>();
  let missing = 0;
  for (const v of col) {
    const c = categoryOf(v);
    if (c === null) missing++;
    else counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const count = col.length - missing;
  const entries = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    count,
    missing,
    distinct: counts.size,
    top: entries.slice(0, top).map(([value, k]) => ({ value, count: k, share: k / count })),
  };
}

/** Statistics of a column as the evaluator reads it (datetimes in epoch milliseconds). */
export function columnStatistics(col: Column, kind: EvalKind): ColumnStats {
  return isNumericKind(kind) ? numericStats(toNumeric(col, kind).values) : categoricalStats(col);
}

export type SimilarityStat = "mean" | "median" | "std";

/**
 * Similarity of one statistic: `max(0, 1 − |s_real − s_synth| / (max_real − min_real))`.
 * Null when either statistic is undefined or the real column is constant (no range to scale by).
 */
export function statisticSimilarity(
  real: NumericStats,
  synthetic: NumericStats,
  stat: SimilarityStat,
): MetricResult<number | null, { real: number | null; synthetic: number | null; range: number | null }> {
  const r = real[stat];
  const s = synthetic[stat];
  const range = real.max !== null && real.min !== null ? real.max - real.min : null;
  if (r === null || s === null || range === null || range <= 0) {
    return { score: null, raw: null, details: { real: r, synthetic: s, range }, warnings: range === 0 ? ["the real column is constant"] : [] };
  }
  const diff = Math.abs(r - s);
  return { score: Math.max(0, 1 - diff / range), raw: diff, details: { real: r, synthetic: s, range } };
}
