/**
 * Autocorrelation similarity for tables with a time column. The target (summed) or the row
 * count is aggregated per calendar day (UTC; days without rows count as 0 between the first
 * and last day), then ACF and PACF for lags 1..K, K = min(14, ⌊T/4⌋) with T the number of
 * real days. Scores: `1 − mean_k |acf_real(k) − acf_synth(k)| / 2`, the same for PACF.
 */
import type { Frame } from "../../data/types.js";
import type { MetricResult } from "../types.js";
import { cellToNumber } from "../internal/columns.js";

const DAY_MS = 86_400_000;

/** Sample autocorrelation r_k = Σ (x_t − x̄)(x_{t+k} − x̄) / Σ (x_t − x̄)², k = 0..maxLag. Null for a constant series. */
export function acf(x: ArrayLike<number>, maxLag: number): number[] | null {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (x[i]! - mean) ** 2;
  if (!(c0 > 0)) return null;
  const out = [1];
  for (let k = 1; k <= maxLag; k++) {
    let c = 0;
    for (let t = 0; t + k < n; t++) c += (x[t]! - mean) * (x[t + k]! - mean);
    out.push(c / c0);
  }
  return out;
}

/** Partial autocorrelation from the ACF by the Durbin–Levinson recursion (Yule–Walker on the biased ACF); index 0 = 1. */
export function pacfFromAcf(r: readonly number[]): number[] {
  const maxLag = r.length - 1;
  const out = [1];
  let phi: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let num = r[k]!;
    let den = 1;
    for (let j = 1; j < k; j++) {
      num -= phi[j - 1]! * r[k - j]!;
      den -= phi[j - 1]! * r[j]!;
    }
    const pkk = den === 0 ? 0 : num / den;
    const next = new Array<number>(k);
    for (let j = 1; j < k; j++) next[j - 1] = phi[j - 1]! - pkk * phi[k - j - 1]!;
    next[k - 1] = pkk;
    phi = next;
    out.push(pkk);
  }
  return out;
}

/** Daily series: sum of `target` (or number of rows) per UTC day from the first to the last day. */
export function dailySeries(frame: Frame, timeColumn: string, target?: string): { days: string[]; values: number[] } {
  const time = frame.columns[timeColumn] ?? [];
  const y = target ? frame.columns[target] : undefined;
  const sums = new Map<number, number>();
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < time.length; i++) {
    const ms = cellToNumber(time[i]!, "datetime");
    if (Number.isNaN(ms)) continue;
    const day = Math.floor(ms / DAY_MS);
    let add = 1;
    if (y) {
      add = cellToNumber(y[i]!, "numeric");
      if (Number.isNaN(add)) continue;
    }
    sums.set(day, (sums.get(day) ?? 0) + add);
    if (day < first) first = day;
    if (day > last) last = day;
  }
  const days: string[] = [];
  const values: number[] = [];
  if (!Number.isFinite(first)) return { days, values };
  for (let d = first; d <= last; d++) {
    days.push(new Date(d * DAY_MS).toISOString().slice(0, 10));
    values.push(sums.get(d) ?? 0);
  }
  return { days, values };
}

export interface AutocorrelationDetails {
  lags: number;
  acfReal: number[];
  acfSynthetic: number[];
  pacfReal: number[];
  pacfSynthetic: number[];
  realDays: number;
  syntheticDays: number;
}

export interface AutocorrelationScores {
  acfScore: number | null;
  pacfScore: number | null;
}

export function autocorrelation(
  real: Frame,
  synthetic: Frame,
  opts: { timeColumn: string; target?: string },
): MetricResult<AutocorrelationScores | null, AutocorrelationDetails | null> {
  const r = dailySeries(real, opts.timeColumn, opts.target).values;
  const s = dailySeries(synthetic, opts.timeColumn, opts.target).values;
  const k = Math.min(14, Math.floor(r.length / 4));
  if (k < 1) {
    return { score: null, raw: null, details: null, warnings: [`autocorrelation needs at least 4 days of real data in "${opts.timeColumn}" (found ${r.length})`] };
  }
  if (s.length < k + 1) {
    return { score: null, raw: null, details: null, warnings: [`autocorrelation: the synthetic data spans ${s.length} day(s), fewer than the ${k + 1} needed`] };
  }
  const ar = acf(r, k);
  const as = acf(s, k);
  if (!ar || !as) {
    return { score: null, raw: null, details: null, warnings: ["autocorrelation: the daily series is constant on one side"] };
  }
  const pr = pacfFromAcf(ar);
  const ps = pacfFromAcf(as);
  const diff = (a: number[], b: number[]): number => {
    let t = 0;
    for (let i = 1; i <= k; i++) t += Math.abs(a[i]! - b[i]!);
    return t / k;
  };
  const acfScore = 1 - diff(ar, as) / 2;
  const pacfScore = Math.max(0, 1 - diff(pr, ps) / 2);
  return {
    score: (acfScore + pacfScore) / 2,
    raw: { acfScore, pacfScore },
    details: { lags: k, acfReal: ar, acfSynthetic: as, pacfReal: pr, pacfSynthetic: ps, realDays: r.length, syntheticDays: s.length },
  };
}
