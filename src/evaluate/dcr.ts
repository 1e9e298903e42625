/**
 * Distance to closest record (DCR) with Gower distance (see gower.ts).
 * - dcrSynthetic: each synthetic row's distance to its nearest training row;
 * - dcrHoldout: each holdout row's distance to its nearest training row (what unseen real
 *   data looks like: the reference);
 * - p: share of synthetic rows strictly closer to the training rows than to the holdout rows,
 *   with training rows subsampled to the holdout's size so both sides have the same chance;
 *   a generator that does not copy gives p ≈ 0.5; `neighborsScore = min(1, 2(1 − p))`;
 * - the 5th-percentile ratio p5(dcrSynthetic) / p5(dcrHoldout) (< 1: synthetic rows sit
 *   closer to training rows than fresh real rows do).
 */
import type { Frame } from "../data/types.js";
import type { EvalKind, MetricResult } from "./types.js";
import { createGowerEncoder, nearestNeighbors } from "./gower.js";
import { seededRng, sampleIndices } from "./internal/rng.js";
import { takeRows } from "../data/frame.js";

/** Default row cap per side for the exact all-pairs searches (beyond it rows are sampled, with a warning). */
export const PRIVACY_ROW_CAP = 20_000;

/** Linear-interpolated quantile of a sample (numpy's default), NaN dropped; null if empty. */
export function quantile(values: ArrayLike<number>, q: number): number | null {
  const xs = Float64Array.from(values as ArrayLike<number>).filter((v) => !Number.isNaN(v)).sort();
  if (xs.length === 0) return null;
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo]! + (xs[hi]! - xs[lo]!) * (pos - lo);
}

export interface DistanceSummary {
  p5: number | null;
  median: number | null;
}

export function summarizeDistances(d: ArrayLike<number>): DistanceSummary {
  return { p5: quantile(d, 0.05), median: quantile(d, 0.5) };
}

export interface NeighborsResult {
  p: number;
  score: number;
  dcrSynthetic: DistanceSummary;
  dcrHoldout: DistanceSummary;
  /** p5(dcrSynthetic) / p5(dcrHoldout); null when the holdout's p5 is 0. */
  p5Ratio: number | null;
}

/** Scores from the three distance arrays (all against the same subsampled training rows). */
export function neighborsFromDistances(
  synthToTrain: ArrayLike<number>, synthToHoldout: ArrayLike<number>, holdoutToTrain: ArrayLike<number>,
): NeighborsResult {
  let closer = 0;
  for (let i = 0; i < synthToTrain.length; i++) if (synthToTrain[i]! < synthToHoldout[i]!) closer++;
  const p = synthToTrain.length ? closer / synthToTrain.length : 0;
  const dcrSynthetic = summarizeDistances(synthToTrain);
  const dcrHoldout = summarizeDistances(holdoutToTrain);
  const p5Ratio = dcrSynthetic.p5 !== null && dcrHoldout.p5 ? dcrSynthetic.p5 / dcrHoldout.p5 : null;
  return { p, score: Math.min(1, 2 * (1 - p)), dcrSynthetic, dcrHoldout, p5Ratio };
}

export interface PrivacyDistances {
  /** Synthetic rows used (after the cap) → nearest training row / nearest holdout row. */
  synthToTrain: Float32Array;
  synthToHoldout: Float32Array;
  /** Holdout rows → nearest training row. */
  holdoutToTrain: Float32Array;
  /** Sampled training rows (members) / holdout rows (non-members) → nearest synthetic row. */
  trainToSynth: Float32Array;
  holdoutToSynth: Float32Array;
  warnings: string[];
}

/**
 * All nearest-neighbour distances DCR and membership inference need, in three exact passes:
 * synthetic × train-sample, synthetic × holdout, holdout × train-sample (each pass gives the
 * nearest row in both directions). The train sample has the holdout's size.
 */
export async function privacyDistances(
  train: Frame, synthetic: Frame, holdout: Frame,
  opts: { kinds: Readonly<Record<string, EvalKind>>; columns?: readonly string[]; cap?: number; seed?: number; threads?: number },
): Promise<PrivacyDistances> {
  const cap = opts.cap ?? PRIVACY_ROW_CAP;
  const rng = seededRng(opts.seed ?? 0);
  const warnings: string[] = [];
  const columns = opts.columns ?? train.columnNames.filter((c) => opts.kinds[c] !== "text");
  const sample = (f: Frame, n: number, label: string): Frame => {
    if (f.rowCount <= n) return f;
    warnings.push(`privacy: ${label} sampled to ${n} of ${f.rowCount} rows (exact nearest-neighbour cap ${cap})`);
    return takeRows(f, sampleIndices(rng, f.rowCount, n).sort((a, b) => a - b));
  };
  const h = sample(holdout, cap, "holdout rows");
  const s = sample(synthetic, cap, "synthetic rows");
  const t = takeRows(train, sampleIndices(rng, train.rowCount, h.rowCount).sort((a, b) => a - b));
  const enc = createGowerEncoder(train, columns, opts.kinds);
  const C = columns.length;
  const [eT, eS, eH] = [enc.encode(t), enc.encode(s), enc.encode(h)];
  const threads = opts.threads === undefined ? {} : { threads: opts.threads };
  const st = await nearestNeighbors(eS, eT, C, threads);
  const sh = await nearestNeighbors(eS, eH, C, threads);
  const ht = await nearestNeighbors(eH, eT, C, threads);
  return {
    synthToTrain: st.queryMin,
    synthToHoldout: sh.queryMin,
    holdoutToTrain: ht.queryMin,
    trainToSynth: st.referenceMin,
    holdoutToSynth: sh.referenceMin,
    warnings,
  };
}

/** DCR and the neighbours score of synthetic rows against training and holdout rows. */
export async function dcr(
  real: Frame, synthetic: Frame,
  opts: { holdout: Frame; kinds: Readonly<Record<string, EvalKind>>; columns?: readonly string[]; cap?: number; seed?: number },
): Promise<MetricResult<number, NeighborsResult>> {
  const d = await privacyDistances(real, synthetic, opts.holdout, opts);
  const res = neighborsFromDistances(d.synthToTrain, d.synthToHoldout, d.holdoutToTrain);
  return { score: res.score, raw: res.p, details: res, warnings: d.warnings };
}
