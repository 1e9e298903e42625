/**
 * `evaluate()` composes every metric into a `Report`: the stable JSON of DESIGN.md section 5
 * (version 1; a few documented additive keys), a Jupyter display (HTML summary with the three
 * scores next to their noise floor, plain-language findings, then charts), and a
 * self-contained HTML page.
 */
import type { Frame } from "../data/types.js";
import { toFrame, type TableInput } from "../data/frame.js";
import { displaySymbol, type MimeBundle } from "../display/protocol.js";
import type { EvalKind } from "./types.js";
import { EvaluateError, meanOrNull } from "./types.js";
import { inferEvalKind, isNumericKind, toNumeric } from "./internal/columns.js";
import type { HistogramDetails } from "./histogramSimilarity.js";
import type { AutocorrelationDetails } from "./autocorrelation.js";
import { fidelityParts, fidelityScore, type ColumnReport } from "./fidelity.js";
import { qscoreFromPrepared, type QueryResult } from "./qscore.js";
import { exactMatch } from "./exactMatch.js";
import { neighborsFromDistances, privacyDistances, PRIVACY_ROW_CAP, type DistanceSummary } from "./dcr.js";
import { membershipFromDistances } from "./membershipInference.js";
import { prediction, ridgeTrainer, tfjsTrainer, type RegressionScores, type Trainer } from "./prediction.js";
import { featureImportance } from "./featureImportance.js";
import { renderReportHtml, reportText } from "./reportHtml.js";
import { buildCharts, type ReportCharts } from "./reportCharts.js";
import { findingsOf } from "./findings.js";
import { MAX_QUERIES } from "../limits.js";

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
  /** Regressor for TRTR/TSTR: "ridge" (default, closed form), the train stage's "linear"/"mlp", or any Trainer. */
  model?: "ridge" | "linear" | "mlp" | Trainer;
  seeds?: readonly number[];
  /** Number of QScore queries (default 200). */
  queries?: number;
  seed?: number;
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
  };
  privacy: {
    exactMatch: { count: number; rate: number; holdoutRate: number | null; score: number };
    neighbors: { p: number; score: number; dcrSynthetic: DistanceSummary; dcrHoldout: DistanceSummary; /** Additive. */ p5Ratio: number | null } | null;
    membershipInference: { auc: number; score: number } | null;
  };
  warnings: string[];
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

export class Report {
  constructor(readonly json: ReportJson, readonly extras: ReportExtras) {}

  get scores(): ReportJson["scores"] { return this.json.scores; }
  get warnings(): string[] { return this.json.warnings; }

  toJSON(): ReportJson { return this.json; }

  /** Vega-Lite specs of the report's charts. */
  charts(): ReportCharts {
    return buildCharts(this);
  }

  /** Plain-language findings: what is weak, compared with the noise floor and the holdout. */
  findings(): string[] {
    return findingsOf(this.json);
  }

  /** One self-contained HTML page (charts inline) that opens offline. */
  async toHTML(opts: { title?: string } = {}): Promise<string> {
    return renderReportHtml(this, { page: true, title: opts.title ?? "synthlab quality report" });
  }

  toString(): string { return reportText(this); }

  async [displaySymbol](): Promise<MimeBundle> {
    return {
      "text/html": await renderReportHtml(this, { page: false, title: "Quality report" }),
      "text/plain": reportText(this),
    };
  }
}

function checkColumns(name: string, frame: Frame, expected: readonly string[]): void {
  const have = new Set(frame.columnNames);
  const missing = expected.filter((c) => !have.has(c));
  const extra = frame.columnNames.filter((c) => !expected.includes(c));
  if (missing.length || extra.length) {
    const parts = [];
    if (missing.length) parts.push(`lacks ${missing.map((c) => `"${c}"`).join(", ")}`);
    if (extra.length) parts.push(`has extra ${extra.map((c) => `"${c}"`).join(", ")}`);
    throw new EvaluateError(`The ${name} table ${parts.join(" and ")} compared with the real table: pass tables with the same columns, or choose shared ones with columns: [...].`);
  }
}

function restrict(frame: Frame, columns: readonly string[]): Frame {
  const cols: Record<string, Frame["columns"][string]> = {};
  for (const c of columns) cols[c] = frame.columns[c]!;
  return { columnNames: [...columns], columns: cols, rowCount: frame.rowCount };
}

/** Warnings for odd data, so a null metric always comes with its reason. */
function dataWarnings(real: Frame, synth: Frame, columns: readonly string[], kinds: Record<string, EvalKind>): string[] {
  const w: string[] = [];
  if (real.rowCount === 1) w.push("The real table has a single row: spreads, correlations and shapes are undefined or unreliable.");
  if (synth.rowCount === 1) w.push("The synthetic table has a single row: spreads, correlations and shapes are undefined or unreliable.");
  for (const c of columns) {
    const kind = kinds[c]!;
    const r = real.columns[c]!;
    const s = synth.columns[c]!;
    if (r.every((v) => v === null)) { w.push(`Column "${c}" is empty (all missing) in the real table: its metrics are null.`); continue; }
    if (isNumericKind(kind)) {
      const rv = toNumeric(r, kind);
      const sv = toNumeric(s, kind);
      if (sv.unparsed) w.push(`Column "${c}": ${sv.unparsed} synthetic value(s) are not ${kind === "datetime" ? "datetimes" : "numbers"}; they count as missing.`);
      if (rv.unparsed) w.push(`Column "${c}": ${rv.unparsed} real value(s) are not ${kind === "datetime" ? "datetimes" : "numbers"}; they count as missing.`);
      let min = Infinity, max = -Infinity;
      for (const x of rv.values) if (!Number.isNaN(x)) { if (x < min) min = x; if (x > max) max = x; }
      if (min === max) w.push(`Column "${c}" is constant in the real table: its statistic similarity and correlations are null.`);
    } else {
      const seen = new Set(r.filter((v) => v !== null).map(String));
      const unseen = new Set(s.filter((v) => v !== null && !seen.has(String(v))).map(String));
      if (unseen.size) w.push(`Column "${c}": ${unseen.size} synthetic categor${unseen.size === 1 ? "y" : "ies"} never seen in the real data (e.g. "${[...unseen][0]}").`);
      if (seen.size === 1) w.push(`Column "${c}" is constant in the real table.`);
    }
  }
  return w;
}

export async function evaluate(options: EvaluateOptions): Promise<Report> {
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const lap = (name: string, since: number) => { timings[name] = Math.round(performance.now() - since); return performance.now(); };
  const queries = options.queries ?? 200;
  if (!Number.isInteger(queries) || queries < 1 || queries > MAX_QUERIES) {
    throw new EvaluateError(`queries must be a whole number from 1 to ${MAX_QUERIES.toLocaleString("en-US")} (got ${queries}); the default is 200.`);
  }
  let real = toFrame(options.real);
  let synth = toFrame(options.synthetic);
  let holdout = options.holdout ? toFrame(options.holdout) : null;
  if (real.rowCount === 0) throw new EvaluateError("The real table has 0 rows: pass the real data the synthetic rows imitate.");
  if (synth.rowCount === 0) throw new EvaluateError("The synthetic table has 0 rows: generate some rows before evaluating them.");
  if (holdout && holdout.rowCount === 0) throw new EvaluateError("The holdout table has 0 rows: pass real rows held out from generation, or leave holdout out.");
  const columns = options.columns ? [...options.columns] : [...real.columnNames];
  const missingReal = columns.filter((c) => !real.columnNames.includes(c));
  if (missingReal.length) throw new EvaluateError(`The real table has no column(s) ${missingReal.map((c) => `"${c}"`).join(", ")}: available are ${real.columnNames.join(", ")}.`);
  if (options.columns) {
    const missingS = columns.filter((c) => !synth.columnNames.includes(c));
    if (missingS.length) throw new EvaluateError(`The synthetic table lacks ${missingS.map((c) => `"${c}"`).join(", ")}: pass columns both tables have.`);
    synth = restrict(synth, columns);
    real = restrict(real, columns);
    if (holdout) {
      const missingH = columns.filter((c) => !holdout!.columnNames.includes(c));
      if (missingH.length) throw new EvaluateError(`The holdout table lacks ${missingH.map((c) => `"${c}"`).join(", ")}: pass columns all tables have.`);
      holdout = restrict(holdout, columns);
    }
  } else {
    checkColumns("synthetic", synth, columns);
    if (holdout) checkColumns("holdout", holdout, columns);
  }
  for (const [label, col] of [["target", options.target], ["time column", options.timeColumn]] as const) {
    if (col && !columns.includes(col)) throw new EvaluateError(`The ${label} "${col}" is not a column: choose one of ${columns.join(", ")}.`);
  }

  const warnings: string[] = [];
  const kinds: Record<string, EvalKind> = {};
  for (const c of columns) kinds[c] = options.kinds?.[c] ?? inferEvalKind(real.columns[c]!);
  if (options.timeColumn && kinds[options.timeColumn] !== "datetime") {
    warnings.push(`The time column "${options.timeColumn}" does not hold datetimes: autocorrelation is skipped.`);
  }
  const textCols = columns.filter((c) => kinds[c] === "text");
  if (textCols.length) warnings.push(`Skipped free-text/identifier column(s) ${textCols.map((c) => `"${c}"`).join(", ")}: almost every value is unique, so no distribution can be compared.`);
  const evalCols = columns.filter((c) => kinds[c] !== "text");
  warnings.push(...dataWarnings(real, synth, evalCols, kinds));
  const timeColumn = options.timeColumn && kinds[options.timeColumn] === "datetime" ? options.timeColumn : null;

  // Fidelity, and the same against the holdout as the noise floor.
  let t = performance.now();
  const fidOpts = { kinds, columns: evalCols, timeColumn, target: options.target ?? null };
  const fid = fidelityParts(real, synth, fidOpts);
  warnings.push(...fid.warnings);
  t = lap("fidelity", t);
  let noiseFloor: ReportJson["fidelity"]["noiseFloor"] = null;
  if (holdout) {
    const nf = fidelityParts(real, holdout, fidOpts);
    noiseFloor = {
      columnShapes: nf.parts.columnShapes,
      correlation: nf.parts.correlation,
      mutualInformation: nf.parts.mutualInformation,
      histogramSimilarity: nf.parts.histogramSimilarity,
      autocorrelation: nf.parts.autocorrelation,
      fidelity: fidelityScore(nf.parts),
    };
    t = lap("noiseFloor", t);
  }

  // Utility.
  const q = qscoreFromPrepared(fid.prepared, real.rowCount, synth.rowCount, { queries, seed: options.seed ?? 0 });
  warnings.push(...(q.warnings ?? []));
  t = lap("qscore", t);
  let predictionJson: ReportJson["utility"]["prediction"] = null;
  let fiJson: ReportJson["utility"]["featureImportance"] = null;
  const target = options.target ?? null;
  if (target && !holdout) warnings.push(`Prediction and feature importance need a holdout (real rows the generator never saw): pass holdout to score "${target}".`);
  else if (target && !isNumericKind(kinds[target]!)) warnings.push(`The target "${target}" is not numeric: prediction and feature importance are skipped (regression only).`);
  else if (target && holdout) {
    const model = options.model ?? "ridge";
    const trainer: Trainer = typeof model === "function" ? model : model === "ridge" ? ridgeTrainer : tfjsTrainer(model);
    const features = evalCols.filter((c) => c !== target);
    const seeds = options.seeds ?? [0, 1, 2];
    const pr = await prediction(real, synth, { holdout, target, kinds, features, trainer, seeds });
    predictionJson = {
      target,
      trtr: pr.details.trtr,
      tstr: pr.details.tstr,
      score: pr.score ?? 0,
      std: { trtr: pr.details.trtrStd, tstr: pr.details.tstrStd },
      seeds: [...seeds],
      model: typeof model === "function" ? "custom" : model,
    };
    t = lap("prediction", t);
    const fi = await featureImportance(pr.details.models, holdout, { target, features, seed: options.seed ?? 0 });
    warnings.push(...(fi.warnings ?? []));
    fiJson = { score: fi.score, tau: fi.details.tau, real: fi.details.real, synthetic: fi.details.synthetic };
    t = lap("featureImportance", t);
  }

  // Privacy.
  const em = exactMatch(real, synth, { kinds, holdout, columns: evalCols });
  t = lap("exactMatch", t);
  let neighborsJson: ReportJson["privacy"]["neighbors"] = null;
  let miaJson: ReportJson["privacy"]["membershipInference"] = null;
  let dcrExtras: ReportExtras["dcr"] = null;
  let roc: ReportExtras["roc"] = null;
  if (holdout && evalCols.length) {
    const d = await privacyDistances(real, synth, holdout, {
      kinds, columns: evalCols, cap: options.privacyCap ?? PRIVACY_ROW_CAP, seed: options.seed ?? 0,
      ...(options.threads ? { threads: options.threads } : {}),
    });
    warnings.push(...d.warnings);
    const nb = neighborsFromDistances(d.synthToTrain, d.synthToHoldout, d.holdoutToTrain);
    neighborsJson = { p: nb.p, score: nb.score, dcrSynthetic: nb.dcrSynthetic, dcrHoldout: nb.dcrHoldout, p5Ratio: nb.p5Ratio };
    const mia = membershipFromDistances(d.trainToSynth, d.holdoutToSynth);
    if (mia) { miaJson = { auc: mia.auc, score: mia.score }; roc = mia.roc; }
    dcrExtras = { synthetic: d.synthToTrain, holdout: d.holdoutToTrain };
    t = lap("dcrAndMembership", t);
  } else if (!holdout) {
    warnings.push("No holdout: the noise floor, prediction utility, distance-to-closest-record and membership inference need real rows the generator never saw.");
  }
  timings.total = Math.round(performance.now() - t0);

  const json: ReportJson = {
    version: 1,
    rows: { real: real.rowCount, synthetic: synth.rowCount, holdout: holdout ? holdout.rowCount : null },
    scores: {
      fidelity: fidelityScore(fid.parts),
      utility: meanOrNull([predictionJson?.score, fiJson?.score, q.score]),
      privacy: meanOrNull([em.score, neighborsJson?.score, miaJson?.score]),
    },
    fidelity: {
      columns: fid.colReports,
      columnShapes: fid.parts.columnShapes,
      histogramSimilarity: fid.parts.histogramSimilarity,
      correlation: {
        score: fid.corr.score,
        scoreRelevant: fid.corr.details.scoreRelevant,
        pairs: fid.corr.details.pairs.map(({ a, b, method, real: r, synthetic: s, score }) => ({ a, b, method, real: r, synthetic: s, score })),
      },
      mutualInformation: { score: fid.mi.score, pairs: fid.mi.details.pairs },
      autocorrelation: fid.parts.autocorrelation,
      noiseFloor,
    },
    utility: {
      prediction: predictionJson,
      featureImportance: fiJson,
      qscore: { score: q.score, queries: q.details.queries.length, ci95: q.details.ci95 },
    },
    privacy: {
      exactMatch: { count: em.details.count, rate: em.details.rate, holdoutRate: em.details.holdoutRate, score: em.details.score },
      neighbors: neighborsJson,
      membershipInference: miaJson,
    },
    warnings: [...new Set(warnings)],
  };
  const worstQueries = [...q.details.queries].sort((a, b) => a.score - b.score).slice(0, 5);
  return new Report(json, { histograms: fid.histograms, autocorrelation: fid.ac?.details ?? null, dcr: dcrExtras, roc, worstQueries, timings });
}
