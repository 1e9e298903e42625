/**
 * The report's types: the options of `evaluate()`, the stable JSON (DESIGN.md section 5) and
 * what charts and findings need beside it. A module of its own so that the report's parts
 * (charts, findings, HTML) depend on these shapes, not on the `Report` class that uses them.
 */
import type { Schema } from "../../data/types.js";
import type { TableInput } from "../../data/frame.js";
import type { EvalKind } from "../types.js";
import type { HistogramDetails } from "../columns/histogramSimilarity.js";
import type { AutocorrelationDetails } from "../table/autocorrelation.js";
import type { ColumnReport } from "../table/fidelity.js";
import type { QueryResult } from "../table/qscore.js";
import type { Diagnostic } from "../table/validity.js";
import type { DistanceSummary } from "../privacy/dcr.js";
import type { RegressionScores, Trainer } from "../utility/prediction.js";

export interface EvaluateOptions {
  real: TableInput;
  synthetic: TableInput;
  /** Real rows the generator never saw: enables the noise floor, utility and most privacy metrics. */
  holdout?: TableInput | null;
  /** Numeric column to predict (TRTR/TSTR, feature importance) and to aggregate per day. */
  target?: string | null;
  /** Datetime column: enables autocorrelation of the daily target (or row count). */
  timeColumn?: string | null;
  /** Columns to evaluate (default: all). */
  columns?: readonly string[];
  /** Override the inferred kind of some columns. */
  kinds?: Readonly<Record<string, EvalKind>>;
  /**
   * The real table's schema (default: inferred from `real`). Synthetic and holdout tables are read
   * with it, never re-inferred.
   */
  schema?: Schema;
  /** Date formats the real data cannot settle, e.g. { Date: "dd/mm/yyyy" } (when no schema is given). */
  dates?: Readonly<Record<string, string>>;
  /** Regressor for TRTR/TSTR: "ridge" (default, closed form), the train stage's "linear"/"mlp", or any Trainer. */
  model?: "ridge" | "linear" | "mlp" | Trainer;
  seeds?: readonly number[];
  /** Number of QScore queries (default 200). */
  queries?: number;
  seed?: number;
  /** Resamples of the noise floor (default 5). */
  noiseResamples?: number;
  /** Row cap per side for the exact nearest-neighbour searches (default 20 000). */
  privacyCap?: number;
  threads?: number;
}

export interface ReportJson {
  version: 1;
  rows: { real: number; synthetic: number; holdout: number | null };
  scores: { fidelity: number | null; utility: number | null; privacy: number | null };
  fidelity: {
    columns: ColumnReport[];
    columnShapes: number | null;
    histogramSimilarity: number | null;
    correlation: {
      score: number | null;
      scoreRelevant: number | null;
      pairs: { a: string; b: string; method: "pearson" | "contingency"; real: number | null; synthetic: number | null; score: number | null }[];
    };
    mutualInformation: { score: number | null; pairs: { a: string; b: string; real: number | null; synthetic: number | null; score: number | null }[] };
    autocorrelation: { acfScore: number | null; pacfScore: number | null } | null;
    noiseFloor: {
      columnShapes: number | null;
      correlation: number | null;
      mutualInformation: number | null;
      /** Additive: the other fidelity parts and the fidelity score real-train vs real-holdout would reach. */
      histogramSimilarity: number | null;
      autocorrelation: { acfScore: number | null; pacfScore: number | null } | null;
      fidelity: number | null;
      /** Additive: spread of the fidelity score over the resamples, their number and sizes, and the rows drawn from. */
      fidelitySd: number | null;
      fidelityRange: [number, number] | null;
      resamples: number;
      sizes: { real: number; synthetic: number };
      source: "real+holdout" | "real";
    } | null;
  };
  utility: {
    prediction: {
      target: string;
      trtr: RegressionScores;
      tstr: RegressionScores;
      score: number;
      /** Additive: standard deviations over seeds, the seeds and the model used. */
      std: { trtr: RegressionScores; tstr: RegressionScores };
      seeds: number[];
      model: string;
    } | null;
    featureImportance: { score: number | null; tau: number | null; real: Record<string, number>; synthetic: Record<string, number> } | null;
    qscore: { score: number | null; queries: number; ci95: [number, number] | null };
    /** Additive: the utility score a perfect sample of the synthetic table's size reaches (rows drawn from the real table). */
    noiseFloor: number | null;
  };
  privacy: {
    exactMatch: { count: number; rate: number; holdoutRate: number | null; score: number };
    neighbors: { p: number; score: number | null; dcrSynthetic: DistanceSummary; dcrHoldout: DistanceSummary; /** Additive. */ p5Ratio: number | null; /** Additive: the p of a copy of the training rows (the score's 0). */ pCopy: number } | null;
    membershipInference: { auc: number; score: number } | null;
    /** Additive: the privacy score real rows the generator never saw reach (half the holdout against the other half); null without a holdout. */
    noiseFloor: number | null;
  };
  warnings: string[];
  /** Additive: validity of the synthetic rows (column ranges, categories, types, and row rules mined from the real table). */
  diagnostic: Diagnostic;
  /**
   * Additive: why a headline score is null, one sentence per dimension (only null scores appear).
   * Privacy without a holdout is null: copies can be counted, but "private" cannot be told apart
   * from "similar" without real rows the generator never saw.
   */
  notMeasured: Partial<Record<keyof ReportJson["scores"], string>>;
}

/** What charts and findings need beyond the JSON (kept out of toJSON to keep it small). */
export interface ReportExtras {
  histograms: Record<string, HistogramDetails>;
  autocorrelation: AutocorrelationDetails | null;
  dcr: { synthetic: Float32Array; holdout: Float32Array } | null;
  roc: { fpr: number; tpr: number }[] | null;
  worstQueries: QueryResult[];
  timings: Record<string, number>;
}

/** A report's content: what its charts, findings and HTML are made from. */
export interface ReportContent {
  readonly json: ReportJson;
  readonly extras: ReportExtras;
}
