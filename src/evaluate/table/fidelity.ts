/**
 * Fidelity as a whole: column shapes, histogram similarity, correlation, mutual information
 * and autocorrelation of one table against the real one, and the noise floor (the same
 * scores for two resampled real tables of the real and synthetic sizes: what a perfect
 * generator could reach at these sizes).
 */
import type { Frame } from "../../data/types.js";
import type { EvalKind, MetricResult } from "../types.js";
import { meanOrNull } from "../types.js";
import { concatFrames, selectColumns, takeRows } from "../../data/frame.js";
import { createRng, type Rng } from "../../data/random.js";
import { isNumericKind } from "../internal/columns.js";
import { prepareColumns } from "../pairs/prepare.js";
import { columnStatistics, statisticSimilarity, type ColumnStats, type NumericStats } from "../columns/statistics.js";
import { ksComplement } from "../columns/ksComplement.js";
import { tvComplement } from "../columns/tvComplement.js";
import { histogramSimilarity, type HistogramDetails } from "../columns/histogramSimilarity.js";
import { correlationFromPrepared } from "../pairs/correlation.js";
import { mutualInformationFromPrepared } from "../pairs/mutualInformation.js";
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

/**
 * The dependence half of fidelity: Column Pair Trends (the correlation score: Pearson
 * similarity for numeric pairs, contingency similarity otherwise), averaged with the
 * autocorrelation scores when there is a time column. Null when nothing measures dependence.
 */
export function dependenceScore(p: FidelityParts): number | null {
  const temporal = p.autocorrelation ? meanOrNull([p.autocorrelation.acfScore, p.autocorrelation.pacfScore]) : null;
  return meanOrNull([p.correlation, temporal]);
}

/**
 * Fidelity score, as SDMetrics' quality score: marginals (Column Shapes) and dependence
 * (Column Pair Trends, plus autocorrelation) weigh equally, so a table whose columns were
 * shuffled independently (perfect marginals, no dependence) cannot score near a faithful one.
 * Histogram similarity and mutual information are reported beside it but not averaged in:
 * they re-measure the same two halves and would tilt the balance.
 */
export function fidelityScore(p: FidelityParts): number | null {
  return meanOrNull([p.columnShapes, dependenceScore(p)]);
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

/** The noise floor: the fidelity parts averaged over resamples, and the spread of the fidelity score. */
export interface NoiseFloorResult extends FidelityParts {
  fidelity: number | null;
  /** Sample standard deviation of the fidelity score over the resamples (0 with one resample). */
  fidelitySd: number | null;
  /** Lowest and highest fidelity score over the resamples. */
  fidelityRange: [number, number] | null;
  resamples: number;
  /** Rows of the two resampled tables (the real and the synthetic table's sizes). */
  sizes: { real: number; synthetic: number };
}

/** Default number of resamples of the noise floor. */
export const NOISE_RESAMPLES = 5;

/** `size` row indices drawn with replacement from 0..n-1. */
function bootstrapIndices(rng: Rng, n: number, size: number): number[] {
  return Array.from({ length: size }, () => rng.int(n));
}

/**
 * Noise floor: what two real tables of the SAME sizes as the comparison (n real rows, m
 * synthetic rows) score against each other. Each resample draws n and m rows with
 * replacement from the pooled real rows (training rows plus the holdout when there is one)
 * and runs every fidelity metric on them, so the floor reflects sampling noise at exactly
 * these sizes (a holdout of another size would not). Parts are averaged over `resamples`;
 * the fidelity score's spread is reported.
 */
export function noiseFloor(
  real: Frame, holdout: Frame | null, syntheticRows: number, opts: FidelityOptions & { resamples?: number; seed?: number },
): MetricResult<number | null, NoiseFloorResult> {
  const pool = holdout && holdout.rowCount ? concatFrames([real, selectColumns(holdout, real.columnNames)]) : real;
  const rng = createRng(opts.seed ?? 0);
  const R = Math.max(1, opts.resamples ?? NOISE_RESAMPLES);
  const runs: { parts: FidelityParts; score: number | null }[] = [];
  for (let r = 0; r < R; r++) {
    const a = takeRows(pool, bootstrapIndices(rng, pool.rowCount, real.rowCount));
    const b = takeRows(pool, bootstrapIndices(rng, pool.rowCount, Math.max(1, syntheticRows)));
    const parts = fidelityParts(a, b, opts).parts;
    runs.push({ parts, score: fidelityScore(parts) });
  }
  const avg = (pick: (p: FidelityParts) => number | null | undefined) => meanOrNull(runs.map((x) => pick(x.parts)));
  const scores = runs.map((x) => x.score).filter((x): x is number => x !== null);
  const fidelity = meanOrNull(scores);
  const sd = fidelity === null ? null : scores.length > 1 ? Math.sqrt(scores.reduce((s, x) => s + (x - fidelity) ** 2, 0) / (scores.length - 1)) : 0;
  const details: NoiseFloorResult = {
    columnShapes: avg((p) => p.columnShapes),
    histogramSimilarity: avg((p) => p.histogramSimilarity),
    correlation: avg((p) => p.correlation),
    mutualInformation: avg((p) => p.mutualInformation),
    autocorrelation: runs[0]!.parts.autocorrelation ? { acfScore: avg((p) => p.autocorrelation?.acfScore), pacfScore: avg((p) => p.autocorrelation?.pacfScore) } : null,
    fidelity,
    fidelitySd: sd,
    fidelityRange: scores.length ? [Math.min(...scores), Math.max(...scores)] : null,
    resamples: R,
    sizes: { real: real.rowCount, synthetic: Math.max(1, syntheticRows) },
  };
  return { score: fidelity, raw: fidelity, details };
}
