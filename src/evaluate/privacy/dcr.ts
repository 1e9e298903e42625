/**
 * Distance to closest record (DCR) with Gower distance (see gower.ts), against ALL training
 * rows (up to the row cap), calibrated on real rows the generator never saw (the holdout):
 * - dcrSynthetic: each synthetic row's distance to its nearest training row;
 * - dcrHoldout: each holdout row's distance to its nearest training row. Holdout rows are a
 *   second sample of the real distribution that no generator saw, so their DCRs are exactly
 *   what a generator that does not copy produces, whatever the train and holdout sizes;
 * - p: the probability that a synthetic row sits closer to the training rows than an unseen
 *   real row does, `P(d_s < d_h) + ½·P(d_s = d_h)` over all (synthetic, holdout) pairs:
 *   ≈ 0.5 for a generator that does not copy, `pCopy = 1 − ½·P(d_h = 0)` for a copy of the
 *   training rows (a copy has DCR 0; unseen rows that duplicate a training row tie with it);
 * - `score = clamp((pCopy − p) / (pCopy − 0.5), 0, 1)`: 0 for a copy, 1 for unseen real rows;
 * - the 5th-percentile ratio p5(dcrSynthetic) / p5(dcrHoldout).
 */
import type { Frame } from "../../data/types.js";
import type { EvalKind, MetricResult } from "../types.js";
import { createGowerEncoder, nearestNeighbors } from "./gower.js";
import { createRng } from "../../data/random.js";
import { takeRows } from "../../data/frame.js";

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
  /** Null when unseen real rows duplicate training rows so often (pCopy < 0.55) that distance cannot tell a copy. */
  score: number | null;
  /** The p a verbatim copy of the training rows would get (the score's 0). */
  pCopy: number;
  dcrSynthetic: DistanceSummary;
  dcrHoldout: DistanceSummary;
  /** p5(dcrSynthetic) / p5(dcrHoldout); null when the holdout's p5 is 0. */
  p5Ratio: number | null;
}

/** The smallest pCopy − 0.5 gap the score is computed for: below it copies and fresh rows look alike. */
const MIN_CALIBRATION_GAP = 0.05;

/** Number of values in a sorted array strictly below x, and equal to x (binary searches). */
function rankOf(sorted: Float64Array, x: number): { below: number; equal: number } {
  const bound = (strict: boolean): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strict ? sorted[mid]! < x : sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const below = bound(true);
  return { below, equal: bound(false) - below };
}

/**
 * Scores from the synthetic rows' and the holdout rows' distances to their nearest training row
 * (both against the same training rows). See the file comment for the formulas.
 */
export function neighborsFromDistances(synthToTrain: ArrayLike<number>, holdoutToTrain: ArrayLike<number>): NeighborsResult {
  const h = Float64Array.from(holdoutToTrain as ArrayLike<number>).sort();
  const k = h.length;
  let closer = 0;
  for (let i = 0; i < synthToTrain.length; i++) {
    const { below, equal } = rankOf(h, synthToTrain[i]!);
    // Holdout rows strictly farther than this synthetic row, ties counting ½.
    closer += k ? (k - below - equal + equal / 2) / k : 0.5;
  }
  const p = synthToTrain.length ? closer / synthToTrain.length : 0.5;
  const zeros = k ? rankOf(h, 0).equal : 0;
  const pCopy = k ? 1 - zeros / (2 * k) : 1;
  const gap = pCopy - 0.5;
  const score = gap < MIN_CALIBRATION_GAP ? null : Math.min(1, Math.max(0, (pCopy - p) / gap));
  const dcrSynthetic = summarizeDistances(synthToTrain);
  const dcrHoldout = summarizeDistances(holdoutToTrain);
  const p5Ratio = dcrSynthetic.p5 !== null && dcrHoldout.p5 ? dcrSynthetic.p5 / dcrHoldout.p5 : null;
  return { p, score, pCopy, dcrSynthetic, dcrHoldout, p5Ratio };
}

export interface PrivacyDistances {
  /** Synthetic rows used (after the cap) → nearest training row / nearest holdout row. */
  synthToTrain: Float32Array;
  synthToHoldout: Float32Array;
  /** Holdout rows → nearest training row. */
  holdoutToTrain: Float32Array;
  /** Training rows (members) / holdout rows (non-members) → nearest synthetic row. */
  trainToSynth: Float32Array;
  holdoutToSynth: Float32Array;
  /** With `floor: true` and at least 2 holdout rows: the distances of the privacy noise floor. */
  floor: FloorDistances | null;
  warnings: string[];
}

/**
 * What the privacy noise floor needs, from the same encoded rows: the holdout split at random in
 * two halves, the first playing the synthetic table. Its closest-record score reuses
 * holdoutToTrain at those positions; membership inference takes training rows (a sample of the
 * second half's size: AUC does not depend on the sizes) as members and the second half as
 * non-members, by their distance to the nearest row of the first half.
 */
export interface FloorDistances {
  /** Positions in holdoutToTrain of the half that plays the synthetic table, and of the other half. */
  asSynthetic: number[];
  asHoldout: number[];
  memberToSynth: Float32Array;
  nonMemberToSynth: Float32Array;
}

/** Rows `positions` of a row-major encoded table with C columns. */
function pickRows(encoded: Float32Array, C: number, positions: readonly number[]): Float32Array {
  const out = new Float32Array(positions.length * C);
  positions.forEach((p, i) => out.set(encoded.subarray(p * C, (p + 1) * C), i * C));
  return out;
}

/**
 * All nearest-neighbour distances DCR and membership inference need, in three exact passes:
 * synthetic × training, synthetic × holdout, holdout × training (each pass gives the nearest
 * row in both directions). Every training row takes part (up to the cap): a sample would lose
 * the original of most copied rows and make copies look new.
 */
export async function privacyDistances(
  train: Frame, synthetic: Frame, holdout: Frame,
  opts: { kinds: Readonly<Record<string, EvalKind>>; columns?: readonly string[]; cap?: number; seed?: number; threads?: number; floor?: boolean },
): Promise<PrivacyDistances> {
  const cap = opts.cap ?? PRIVACY_ROW_CAP;
  const rng = createRng(opts.seed ?? 0);
  const warnings: string[] = [];
  const columns = opts.columns ?? train.columnNames.filter((c) => opts.kinds[c] !== "text");
  const sample = (f: Frame, n: number, label: string, note = ""): Frame => {
    if (f.rowCount <= n) return f;
    warnings.push(`privacy: ${label} sampled to ${n} of ${f.rowCount} rows (exact nearest-neighbour cap ${cap})${note}`);
    return takeRows(f, rng.sample(f.rowCount, n).sort((a, b) => a - b));
  };
  const h = sample(holdout, cap, "holdout rows");
  const s = sample(synthetic, cap, "synthetic rows");
  const t = sample(train, cap, "training rows", "; a synthetic row copying a left-out training row looks new to the distance metrics (exact matches still count it)");
  const enc = createGowerEncoder(train, columns, opts.kinds);
  const C = columns.length;
  const [eT, eS, eH] = [enc.encode(t), enc.encode(s), enc.encode(h)];
  const threads = opts.threads === undefined ? {} : { threads: opts.threads };
  const st = await nearestNeighbors(eS, eT, C, threads);
  const sh = await nearestNeighbors(eS, eH, C, threads);
  const ht = await nearestNeighbors(eH, eT, C, threads);
  let floor: FloorDistances | null = null;
  if (opts.floor && h.rowCount >= 2) {
    const order = Array.from(rng.permutation(h.rowCount));
    const half = Math.floor(h.rowCount / 2);
    const asSynthetic = order.slice(0, half);
    const asHoldout = order.slice(half);
    const h1 = pickRows(eH, C, asSynthetic);
    const members = pickRows(eT, C, rng.sample(t.rowCount, asHoldout.length));
    floor = {
      asSynthetic,
      asHoldout,
      memberToSynth: (await nearestNeighbors(h1, members, C, threads)).referenceMin,
      nonMemberToSynth: (await nearestNeighbors(h1, pickRows(eH, C, asHoldout), C, threads)).referenceMin,
    };
  }
  return {
    synthToTrain: st.queryMin,
    synthToHoldout: sh.queryMin,
    holdoutToTrain: ht.queryMin,
    trainToSynth: st.referenceMin,
    holdoutToSynth: sh.referenceMin,
    floor,
    warnings,
  };
}

/** DCR and the neighbours score of synthetic rows against training and holdout rows. */
export async function dcr(
  real: Frame, synthetic: Frame,
  opts: { holdout: Frame; kinds: Readonly<Record<string, EvalKind>>; columns?: readonly string[]; cap?: number; seed?: number; threads?: number },
): Promise<MetricResult<number | null, NeighborsResult>> {
  const d = await privacyDistances(real, synthetic, opts.holdout, opts);
  const res = neighborsFromDistances(d.synthToTrain, d.holdoutToTrain);
  return { score: res.score, raw: res.p, details: res, warnings: d.warnings };
}
