/**
 * Mutual-information similarity: per pair of columns, the normalized mutual information
 * (MI divided by the arithmetic mean of the two entropies, as scikit-learn's
 * `normalized_mutual_info_score(average_method="arithmetic")`) on binned values, in the real
 * and in the synthetic data; pair score `1 − |NMI_real − NMI_synth|`; metric = mean over pairs.
 */
import type { Frame } from "../../data/types.js";
import type { EvalKind, MetricResult } from "../types.js";
import { meanOrNull } from "../types.js";
import { contingency, prepareColumns, type PreparedColumn } from "./prepare.js";

/** NMI (arithmetic) of two binned columns. Both constant → 1 and either constant → 0, as scikit-learn does. */
export function normalizedMutualInformation(a: Int32Array, sizeA: number, b: Int32Array, sizeB: number): number | null {
  const n = a.length;
  if (n === 0) return null;
  const t = contingency(a, sizeA, b, sizeB);
  const pa = new Float64Array(sizeA);
  const pb = new Float64Array(sizeB);
  for (let i = 0; i < sizeA; i++) for (let j = 0; j < sizeB; j++) {
    const v = t[i * sizeB + j]!;
    pa[i]! += v;
    pb[j]! += v;
  }
  const usedA = pa.filter((v) => v > 0).length;
  const usedB = pb.filter((v) => v > 0).length;
  if (usedA === 1 && usedB === 1) return 1;
  if (usedA === 1 || usedB === 1) return 0;
  const entropy = (p: Float64Array): number => {
    let h = 0;
    for (const c of p) if (c > 0) h -= (c / n) * Math.log(c / n);
    return h;
  };
  let mi = 0;
  for (let i = 0; i < sizeA; i++) for (let j = 0; j < sizeB; j++) {
    const v = t[i * sizeB + j]!;
    if (v > 0) mi += (v / n) * Math.log((v * n) / (pa[i]! * pb[j]!));
  }
  mi = Math.max(0, mi);
  const denom = (entropy(pa) + entropy(pb)) / 2;
  return denom > 0 ? mi / denom : 0;
}

export interface MutualInformationPair {
  a: string;
  b: string;
  real: number | null;
  synthetic: number | null;
  score: number | null;
}

export function mutualInformationFromPrepared(
  cols: readonly PreparedColumn[],
): MetricResult<number | null, { pairs: MutualInformationPair[] }> {
  const pairs: MutualInformationPair[] = [];
  for (let i = 0; i < cols.length; i++) for (let j = i + 1; j < cols.length; j++) {
    const x = cols[i]!;
    const y = cols[j]!;
    const r = normalizedMutualInformation(x.bins.real, x.bins.size, y.bins.real, y.bins.size);
    const s = normalizedMutualInformation(x.bins.synthetic, x.bins.size, y.bins.synthetic, y.bins.size);
    pairs.push({ a: x.name, b: y.name, real: r, synthetic: s, score: r === null || s === null ? null : 1 - Math.abs(r - s) });
  }
  const score = meanOrNull(pairs.map((p) => p.score));
  return { score, raw: score, details: { pairs } };
}

export function mutualInformation(
  real: Frame,
  synthetic: Frame,
  opts: { kinds: Readonly<Record<string, EvalKind>>; columns?: readonly string[] },
): MetricResult<number | null, { pairs: MutualInformationPair[] }> {
  const columns = opts.columns ?? real.columnNames.filter((c) => opts.kinds[c] !== "text");
  return mutualInformationFromPrepared(prepareColumns(real, synthetic, opts.kinds, columns));
}
