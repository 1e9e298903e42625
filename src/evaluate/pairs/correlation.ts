/**
 * Pairwise correlation similarity. Numeric pairs: Pearson ρ on rows where both are present,
 * `1 − |ρ_real − ρ_synth| / 2`. Every other pair: contingency similarity on binned values,
 * `1 − ½ Σ |P_real(a,b) − P_synth(a,b)|`. The summary is the mean over all pairs and over the
 * pairs that matter in the real data (|ρ_real| > 0.5, or Cramér's V_real > 0.3).
 */
import type { Frame } from "../../data/types.js";
import type { EvalKind, MetricResult } from "../types.js";
import { meanOrNull } from "../types.js";
import { contingency, prepareColumns, type PreparedColumn } from "./prepare.js";
import { isNumericKind } from "../internal/columns.js";

export const RELEVANT_PEARSON = 0.5;
export const RELEVANT_CRAMERS_V = 0.3;

/** Pearson correlation over rows where both values are present; null with < 2 rows or zero variance. */
export function pearson(x: Float64Array, y: Float64Array): number | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    n++;
    sx += a;
    sy += b;
  }
  if (n < 2) return null;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    sxy += (a - mx) * (b - my);
    sxx += (a - mx) * (a - mx);
    syy += (b - my) * (b - my);
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Cramér's V (no bias correction) of a contingency table; empty rows/columns are ignored. Null if degenerate. */
export function cramersV(table: Float64Array, rows: number, cols: number): number | null {
  const rs = new Float64Array(rows);
  const cs = new Float64Array(cols);
  let n = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    const v = table[i * cols + j]!;
    rs[i]! += v;
    cs[j]! += v;
    n += v;
  }
  const r = rs.filter((v) => v > 0).length;
  const c = cs.filter((v) => v > 0).length;
  if (n === 0 || Math.min(r, c) < 2) return null;
  let chi2 = 0;
  for (let i = 0; i < rows; i++) {
    if (rs[i] === 0) continue;
    for (let j = 0; j < cols; j++) {
      if (cs[j] === 0) continue;
      const e = (rs[i]! * cs[j]!) / n;
      const d = table[i * cols + j]! - e;
      chi2 += (d * d) / e;
    }
  }
  return Math.sqrt(chi2 / (n * (Math.min(r, c) - 1)));
}

/** 1 − ½ Σ |P_real − P_synth| over the joint bins of two columns. */
export function contingencySimilarity(
  realA: Int32Array, realB: Int32Array, synthA: Int32Array, synthB: Int32Array, sizeA: number, sizeB: number,
): { score: number | null; realTable: Float64Array } {
  const tr = contingency(realA, sizeA, realB, sizeB);
  const ts = contingency(synthA, sizeA, synthB, sizeB);
  const nr = realA.length;
  const ns = synthA.length;
  if (nr === 0 || ns === 0) return { score: null, realTable: tr };
  let s = 0;
  for (let i = 0; i < tr.length; i++) s += Math.abs(tr[i]! / nr - ts[i]! / ns);
  return { score: 1 - s / 2, realTable: tr };
}

export interface CorrelationPair {
  a: string;
  b: string;
  method: "pearson" | "contingency";
  /** Pearson ρ (pearson) or Cramér's V (contingency) in the real data. */
  real: number | null;
  synthetic: number | null;
  score: number | null;
  relevant: boolean;
}

export function correlationPair(x: PreparedColumn, y: PreparedColumn): CorrelationPair {
  if (isNumericKind(x.kind) && isNumericKind(y.kind)) {
    const r = pearson(x.realValues!, y.realValues!);
    const s = pearson(x.syntheticValues!, y.syntheticValues!);
    const score = r === null || s === null ? null : 1 - Math.abs(r - s) / 2;
    return { a: x.name, b: y.name, method: "pearson", real: r, synthetic: s, score, relevant: r !== null && Math.abs(r) > RELEVANT_PEARSON };
  }
  const { score, realTable } = contingencySimilarity(x.bins.real, y.bins.real, x.bins.synthetic, y.bins.synthetic, x.bins.size, y.bins.size);
  const vr = cramersV(realTable, x.bins.size, y.bins.size);
  const vs = cramersV(contingency(x.bins.synthetic, x.bins.size, y.bins.synthetic, y.bins.size), x.bins.size, y.bins.size);
  return { a: x.name, b: y.name, method: "contingency", real: vr, synthetic: vs, score, relevant: vr !== null && vr > RELEVANT_CRAMERS_V };
}

export interface CorrelationDetails {
  pairs: CorrelationPair[];
  scoreRelevant: number | null;
}

export function correlationFromPrepared(cols: readonly PreparedColumn[]): MetricResult<number | null, CorrelationDetails> {
  const pairs: CorrelationPair[] = [];
  for (let i = 0; i < cols.length; i++) for (let j = i + 1; j < cols.length; j++) pairs.push(correlationPair(cols[i]!, cols[j]!));
  const score = meanOrNull(pairs.map((p) => p.score));
  const scoreRelevant = meanOrNull(pairs.filter((p) => p.relevant).map((p) => p.score));
  const undefinedPairs = pairs.filter((p) => p.score === null).map((p) => `${p.a}/${p.b}`);
  const warnings = undefinedPairs.length
    ? [`correlation undefined (constant or empty column) for ${undefinedPairs.length} pair(s): ${undefinedPairs.slice(0, 5).join(", ")}${undefinedPairs.length > 5 ? ", ..." : ""}`]
    : [];
  return { score, raw: score, details: { pairs, scoreRelevant }, warnings };
}

/** Correlation similarity of every pair of `columns` (kinds as the evaluator reads them). */
export function correlation(
  real: Frame,
  synthetic: Frame,
  opts: { kinds: Readonly<Record<string, EvalKind>>; columns?: readonly string[] },
): MetricResult<number | null, CorrelationDetails> {
  const columns = opts.columns ?? real.columnNames.filter((c) => opts.kinds[c] !== "text");
  return correlationFromPrepared(prepareColumns(real, synthetic, opts.kinds, columns));
}
