/**
 * Fidelity as a whole: column shapes, histogram similarity, correlation, mutual information
 * and autocorrelation of one table against the real one, and the noise floor (the same
 * scores for real-train vs real-holdout: what a perfect generator could reach at this size).
 */
import type { Frame } from "../data/types.js";
import type { EvalKind, MetricResult } from "./types.js";
import { meanOrNull } from "./types.js";
import { isNumericKind } from "./internal/columns.js";
import { prepareColumns } from "./internal/prepare.js";
import { columnStatistics, statisticSimilarity, type ColumnStats, type NumericStats } from "./statistics.js";
import { ksComplement } from "./ksComplement.js";
import { tvComplement } from "./tvComplement.js";
import { histogramSimilarity, type HistogramDetails } from "./histogramSimilarity.js";
import { correlationFromPrepared } from "./correlation.js";
import { mutualInformationFromPrepared } from "./mutualInformation.js";
import { autocorrelation } from "./autocorrelation.js";

export interface ColumnReport {
  name: string;
  kind: EvalKind;
  real: ColumnStats;
  synthetic: ColumnStats;
  ksComplement?: number | null;
  tvComplement?: number | null;
  histogramSimilarity: number | null;
  /** Additive: statistic similarity of mean, median and std (numeric and datetime columns). */
  statisticSimilarity?: { mean: number | null; median: number | null; std: number | null };
}

export interface FidelityParts {
  columnShapes: number | null;
  histogramSimilarity: number | null;
  correlation: number | null;
  mutualInformation: number | null;
  autocorrelation: { acfScore: number | null; pacfScore: number | null } | null;
}

/** Fidelity score: the mean of the non-null parts. */
export function fidelityScore(p: FidelityParts): number | null {
  return meanOrNull([p.columnShapes, p.histogramSimilarity, p.correlation, p.mutualInformation, p.autocorrelation?.acfScore, p.autocorrelation?.pacfScore]);
}

export interface FidelityOptions {
  kinds: Readonly<Record<string, EvalKind>>;
  columns: readonly string[];
  timeColumn?: string | null;
  target?: string | null;
}

/**
 * Every fidelity metric of `other` against `real` (per column, per pair, autocorrelation).
 * The report runs it for the synthetic table and, as the noise floor, for the holdout.
 */
export function fidelityParts(real: Frame, other: Frame, opts: FidelityOptions) {
  const { columns, kinds } = opts;
  const colReports: ColumnReport[] = [];
  const histograms: Record<string, HistogramDetails> = {};
  const shapes: (number | null)[] = [];
  const hists: (number | null)[] = [];
  const warnings: string[] = [];
  for (const name of columns) {
    const kind = kinds[name]!;
    const r = real.columns[name]!;
    const s = other.columns[name]!;
    const h = histogramSimilarity(r, s, { kind });
    hists.push(h.score);
    histograms[name] = h.details;
    const entry: ColumnReport = { name, kind, real: columnStatistics(r, kind), synthetic: columnStatistics(s, kind), histogramSimilarity: h.score };
    if (isNumericKind(kind)) {
      const ks = ksComplement(r, s, { kind });
      entry.ksComplement = ks.score;
      shapes.push(ks.score);
      const rs = entry.real as NumericStats;
      const ss = entry.synthetic as NumericStats;
      entry.statisticSimilarity = {
        mean: statisticSimilarity(rs, ss, "mean").score,
        median: statisticSimilarity(rs, ss, "median").score,
        std: statisticSimilarity(rs, ss, "std").score,
      };
    } else {
      const tv = tvComplement(r, s);
      entry.tvComplement = tv.score;
      shapes.push(tv.score);
    }
    colReports.push(entry);
  }
  const prepared = prepareColumns(real, other, kinds, columns);
  const corr = correlationFromPrepared(prepared);
  warnings.push(...(corr.warnings ?? []));
  const mi = mutualInformationFromPrepared(prepared);
  let ac: ReturnType<typeof autocorrelation> | null = null;
  if (opts.timeColumn) {
    const target = opts.target && isNumericKind(kinds[opts.target] ?? "categorical") ? opts.target : undefined;
    ac = autocorrelation(real, other, { timeColumn: opts.timeColumn, ...(target ? { target } : {}) });
    warnings.push(...(ac.warnings ?? []));
  }
  const parts: FidelityParts = {
    columnShapes: meanOrNull(shapes),
    histogramSimilarity: meanOrNull(hists),
    correlation: corr.score,
    mutualInformation: mi.score,
    autocorrelation: ac ? (ac.raw ?? { acfScore: null, pacfScore: null }) : null,
  };
  return { colReports, histograms, parts, corr, mi, ac, prepared, warnings };
}

/** Noise floor: the fidelity parts and score of real-train vs real-holdout. */
export function noiseFloor(real: Frame, holdout: Frame, opts: FidelityOptions): MetricResult<number | null, FidelityParts> {
  const f = fidelityParts(real, holdout, opts);
  const score = fidelityScore(f.parts);
  return { score, raw: score, details: f.parts };
}
