/**
 * Membership inference: can an attacker who holds the synthetic data tell training rows
 * (members) from unseen real rows (the holdout, non-members)? Attacker score of a real row
 * = −(Gower distance to its nearest synthetic row); AUC of members vs non-members
 * (0.5 = no better than chance); `score = 1 − 2·max(0, AUC − 0.5)`.
 */
import type { Frame } from "../../data/types.js";
import type { EvalKind, MetricResult } from "../types.js";
import { privacyDistances } from "./dcr.js";

/** ROC AUC of scores for positives vs negatives (Mann–Whitney U, ties count ½); null if a side is empty. */
export function rocAuc(positive: ArrayLike<number>, negative: ArrayLike<number>): number | null {
  const n1 = positive.length;
  const n0 = negative.length;
  if (n1 === 0 || n0 === 0) return null;
  const all = new Float64Array(n1 + n0);
  for (let i = 0; i < n1; i++) all[i] = positive[i]!;
  for (let i = 0; i < n0; i++) all[n1 + i] = negative[i]!;
  const order = Array.from({ length: n1 + n0 }, (_, i) => i).sort((a, b) => all[a]! - all[b]!);
  let rankSumPos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && all[order[j + 1]!] === all[order[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (order[k]! < n1) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (n1 * (n1 + 1)) / 2) / (n1 * n0);
}

/** ROC curve points (false-positive rate, true-positive rate) for the chart, at most ~200 points. */
export function rocCurve(positive: ArrayLike<number>, negative: ArrayLike<number>, maxPoints = 200): { fpr: number; tpr: number }[] {
  const thresholds = Float64Array.from([...Array.from(positive), ...Array.from(negative)]).sort().reverse();
  const step = Math.max(1, Math.floor(thresholds.length / maxPoints));
  const pts = [{ fpr: 0, tpr: 0 }];
  const pos = Float64Array.from(positive).sort();
  const neg = Float64Array.from(negative).sort();
  const countAtLeast = (arr: Float64Array, t: number): number => {
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (arr[mid]! < t) lo = mid + 1; else hi = mid; }
    return arr.length - lo;
  };
  for (let i = 0; i < thresholds.length; i += step) {
    const t = thresholds[i]!;
    pts.push({ fpr: countAtLeast(neg, t) / neg.length, tpr: countAtLeast(pos, t) / pos.length });
  }
  pts.push({ fpr: 1, tpr: 1 });
  return pts;
}

export interface MembershipResult {
  auc: number;
  score: number;
  roc: { fpr: number; tpr: number }[];
}

/** From distances of members and non-members to their nearest synthetic row. */
export function membershipFromDistances(memberDist: ArrayLike<number>, nonMemberDist: ArrayLike<number>): MembershipResult | null {
  const neg = (d: ArrayLike<number>): Float64Array => Float64Array.from(d as ArrayLike<number>, (x) => -x);
  const pos = neg(memberDist);
  const non = neg(nonMemberDist);
  const auc = rocAuc(pos, non);
  if (auc === null) return null;
  return { auc, score: 1 - 2 * Math.max(0, auc - 0.5), roc: rocCurve(pos, non) };
}

export async function membershipInference(
  real: Frame, synthetic: Frame,
  opts: { holdout: Frame; kinds: Readonly<Record<string, EvalKind>>; columns?: readonly string[]; cap?: number; seed?: number },
): Promise<MetricResult<number | null, MembershipResult | null>> {
  const d = await privacyDistances(real, synthetic, opts.holdout, opts);
  const res = membershipFromDistances(d.trainToSynth, d.holdoutToSynth);
  return { score: res?.score ?? null, raw: res?.auc ?? null, details: res, warnings: d.warnings };
}
