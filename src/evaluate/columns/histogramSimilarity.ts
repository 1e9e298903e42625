/**
 * Histogram similarity of any column: `Σ min(p_i, q_i)` over the shared bins (see binning.ts),
 * the overlap of the two histograms (1 = identical shares in every bin, including "(null)").
 */
import type { Column, EvalKind, MetricResult } from "../types.js";
import { binPair, binShares } from "./binning.js";

export interface HistogramDetails {
  labels: string[];
  real: number[];
  synthetic: number[];
}

export function histogramOverlap(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.min(p[i]!, q[i]!);
  return s;
}

export function histogramSimilarity(
  real: Column,
  synthetic: Column,
  opts: { kind: EvalKind; bins?: number },
): MetricResult<number | null, HistogramDetails> {
  const b = binPair(real, synthetic, opts.kind, opts.bins);
  const p = binShares(b.real, b.size);
  const q = binShares(b.synthetic, b.size);
  const details = { labels: b.labels, real: [...p], synthetic: [...q] };
  if (real.length === 0 || synthetic.length === 0) return { score: null, raw: null, details, warnings: ["no rows on one side"] };
  const overlap = histogramOverlap(p, q);
  return { score: overlap, raw: overlap, details };
}
