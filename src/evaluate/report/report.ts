/**
 * `evaluate()` composes every metric into a `Report`: the stable JSON of DESIGN.md section 5
 * (version 1; a few documented additive keys), a Jupyter display (HTML summary with the three
 * scores next to their noise floor, plain-language findings, then charts), and a
 * self-contained HTML page.
 */
import type { Frame, Schema } from "../../data/types.js";
import { concatFrames, FrameError, selectColumns, takeRows, toFrame } from "../../data/frame.js";
import { inferSchema } from "../../data/schema.js";
import { evalKindOf, withCanonicalDates } from "../internal/schema.js";
import { displaySymbol, type MimeBundle } from "../../display/protocol.js";
import type { EvalKind } from "../types.js";
import { EvaluateError, meanOrNull } from "../types.js";
import { inferEvalKind, isNumericKind, toNumeric } from "../internal/columns.js";
import { fidelityParts, fidelityScore, noiseFloor } from "../table/fidelity.js";
import { qscoreFromPrepared } from "../table/qscore.js";
import { exactMatch } from "../privacy/exactMatch.js";
import { neighborsFromDistances, privacyDistances, PRIVACY_ROW_CAP, type FloorDistances } from "../privacy/dcr.js";
import { membershipFromDistances } from "../privacy/membershipInference.js";
import { prediction, ridgeTrainer, tfjsTrainer, type Trainer } from "../utility/prediction.js";
import { featureImportance } from "../utility/featureImportance.js";
import { renderReportHtml, reportText } from "./html.js";
import { fmt } from "./format.js";
import { buildCharts, type ReportCharts } from "./charts.js";
import { findingsOf } from "./findings.js";
import type { EvaluateOptions, ReportContent, ReportExtras, ReportJson } from "./types.js";
import { validityDiagnostic, type RowRule } from "../table/validity.js";
import { parseConstraint } from "../table/ruleSyntax.js";
import { prepareColumns, type PreparedColumn } from "../pairs/prepare.js";
import { createRng } from "../../data/random.js";
import { MAX_QUERIES } from "../../limits.js";

export type { EvaluateOptions, ReportContent, ReportExtras, ReportJson } from "./types.js";

export class Report implements ReportContent {
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
    const shared = expected.filter((c) => have.has(c));
    const fix = shared.length
      ? `pass tables with the same columns, or compare the ${shared.length} shared one(s) with --columns ${shared.join(",")} (in code: columns: [...])`
      : `the tables share no column: check that the ${name} table is the right one`;
    throw new EvaluateError(`The ${name} table ${parts.join(" and ")} compared with the real table: ${fix}.`);
  }
}

function restrict(frame: Frame, columns: readonly string[]): Frame {
  const cols: Record<string, Frame["columns"][string]> = {};
  for (const c of columns) cols[c] = frame.columns[c]!;
  return { columnNames: [...columns], columns: cols, rowCount: frame.rowCount };
}

/** Share of the non-missing values that are distinct (the figure the text-column warning quotes). */
function distinctShare(col: readonly unknown[]): number {
  const seen = new Set<unknown>();
  let n = 0;
  for (const v of col) if (v !== null) { n++; seen.add(v); }
  return n ? seen.size / n : 0;
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

/** The privacy noise floor needs this many rows in each half of the holdout. */
const MIN_FLOOR_ROWS = 10;

interface PartContext {
  options: EvaluateOptions;
  kinds: Record<string, EvalKind>;
  evalCols: string[];
  columns: string[];
  seed: number;
}

/** QScore, prediction (TRTR/TSTR) and feature importance of one table against the real one. */
async function utilityPart(
  real: Frame, synth: Frame, holdout: Frame | null, ctx: PartContext, prepared: PreparedColumn[], lap: (name: string, since: number) => number,
) {
  const { options, kinds, evalCols } = ctx;
  const warnings: string[] = [];
  let t = performance.now();
  const q = qscoreFromPrepared(prepared, real.rowCount, synth.rowCount, { queries: options.queries ?? 200, seed: ctx.seed });
  warnings.push(...(q.warnings ?? []));
  t = lap("qscore", t);
  let predictionJson: ReportJson["utility"]["prediction"] = null;
  let fiJson: ReportJson["utility"]["featureImportance"] = null;
  const target = options.target ?? null;
  if (target && !holdout) warnings.push(`Prediction and feature importance need a holdout (real rows the generator never saw): pass holdout to score "${target}".`);
  else if (target && !isNumericKind(kinds[target]!)) warnings.push(`The target "${target}" is not numeric: prediction and feature importance are skipped (regression only).`);
  else if (target && holdout && !toNumeric(holdout.columns[target] ?? [], "numeric").values.some((v) => !Number.isNaN(v))) {
    warnings.push(`The holdout has no "${target}" value: prediction and feature importance are skipped.`);
  }
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
    const fi = await featureImportance(pr.details.models, holdout, { target, features, seed: ctx.seed });
    warnings.push(...(fi.warnings ?? []));
    fiJson = { score: fi.score, tau: fi.details.tau, real: fi.details.real, synthetic: fi.details.synthetic };
    lap("featureImportance", t);
  }
  return { q, predictionJson, fiJson, warnings };
}

/** Exact matches, closest-record distances and membership inference of one table against the real one. */
async function privacyPart(real: Frame, synth: Frame, holdout: Frame | null, ctx: PartContext) {
  const { options, kinds, evalCols, columns } = ctx;
  const warnings: string[] = [];
  // Every column, free text included: a row is a copy only if it matches on all of them.
  const em = exactMatch(real, synth, { holdout, columns });
  let neighborsJson: ReportJson["privacy"]["neighbors"] = null;
  let miaJson: ReportJson["privacy"]["membershipInference"] = null;
  let dcrExtras: ReportExtras["dcr"] = null;
  let roc: ReportExtras["roc"] = null;
  let noiseFloor: number | null = null;
  if (holdout && evalCols.length) {
    const d = await privacyDistances(real, synth, holdout, {
      kinds, columns: evalCols, cap: options.privacyCap ?? PRIVACY_ROW_CAP, seed: ctx.seed, floor: true,
      ...(options.threads ? { threads: options.threads } : {}),
    });
    warnings.push(...d.warnings);
    const nb = neighborsFromDistances(d.synthToTrain, d.holdoutToTrain);
    if (nb.score === null) warnings.push(`privacy: ${fmt((1 - nb.pCopy) * 200)}% of holdout rows duplicate a training row, so distance cannot tell a copy from a new row: the closest-record score is left out (exact matches still count copies).`);
    neighborsJson = { p: nb.p, score: nb.score, dcrSynthetic: nb.dcrSynthetic, dcrHoldout: nb.dcrHoldout, p5Ratio: nb.p5Ratio, pCopy: nb.pCopy };
    const mia = membershipFromDistances(d.trainToSynth, d.holdoutToSynth);
    if (mia) { miaJson = { auc: mia.auc, score: mia.score }; roc = mia.roc; }
    dcrExtras = { synthetic: d.synthToTrain, holdout: d.holdoutToTrain };
    if (d.floor && d.floor.asHoldout.length >= MIN_FLOOR_ROWS) noiseFloor = privacyFloorOf(em.details.holdoutRate, d.holdoutToTrain, d.floor);
    else warnings.push(`The holdout has ${holdout.rowCount} rows: the privacy noise floor needs at least ${2 * MIN_FLOOR_ROWS}.`);
  } else if (!holdout) {
    warnings.push("No holdout: prediction utility, distance-to-closest-record and membership inference need real rows the generator never saw (the noise floor resamples the real rows instead).");
  }
  return { em, neighborsJson, miaJson, dcrExtras, roc, noiseFloor, warnings };
}

/**
 * The privacy score real rows the generator never saw earn: half of the holdout plays the
 * synthetic table, the other half the holdout. Exact matches: 1 − the holdout's copy rate; the
 * closest-record score from the holdout's own distances to the training rows; membership
 * inference with the first half as the "synthetic" rows (no extra pass over the training table).
 */
function privacyFloorOf(holdoutRate: number | null, holdoutToTrain: Float32Array, f: FloorDistances): number | null {
  const at = (pos: readonly number[]) => Float32Array.from(pos, (p) => holdoutToTrain[p]!);
  const nb = neighborsFromDistances(at(f.asSynthetic), at(f.asHoldout));
  const mia = membershipFromDistances(f.memberToSynth, f.nonMemberToSynth);
  return meanOrNull([holdoutRate === null ? null : 1 - holdoutRate, nb.score, mia?.score]);
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

  // One schema for the comparison: the real table's kinds and date formats read all three tables.
  let schema: Schema;
  try { schema = options.schema ?? inferSchema(real, options.dates ? { dates: options.dates } : {}); } catch (e) {
    if (e instanceof FrameError) throw new EvaluateError(e.message);
    throw e;
  }
  const warnings: string[] = [...(schema.notes ?? [])];
  const kinds: Record<string, EvalKind> = {};
  const schemaCol = new Map(schema.columns.map((c) => [c.name, c]));
  for (const c of columns) {
    const sc = schemaCol.get(c);
    kinds[c] = options.kinds?.[c] ?? (sc ? evalKindOf(sc, real.columns[c]!) : inferEvalKind(real.columns[c]!));
  }
  // Values that do not fit the real format stay as written: counted as unparsed below.
  real = withCanonicalDates(real, schema, columns);
  synth = withCanonicalDates(synth, schema, columns);
  if (holdout) holdout = withCanonicalDates(holdout, schema, columns);
  if (options.timeColumn && kinds[options.timeColumn] !== "datetime") {
    warnings.push(`The time column "${options.timeColumn}" does not hold datetimes: autocorrelation is skipped.`);
  }
  const skipped = columns.filter((c) => kinds[c] === "text");
  const idCols = skipped.filter((c) => schemaCol.get(c)?.kind === "id" && !options.kinds?.[c]);
  const textCols = skipped.filter((c) => !idCols.includes(c));
  if (idCols.length) {
    const described = idCols.map((c) => `"${c}" (${fmt(distinctShare(real.columns[c]!) * 100)}% distinct)`);
    warnings.push(`Skipped identifier column(s) ${described.join(", ")}: each row has its own value, so no distribution can be compared (they still count in exact matches).`);
  }
  if (textCols.length) {
    const described = textCols.map((c) => `"${c}" (${fmt(distinctShare(real.columns[c]!) * 100)}% distinct)`);
    warnings.push(`Skipped free-text column(s) ${described.join(", ")}: more than half of the values are distinct, too many categories to compare their distribution (they still count in exact matches).`);
  }
  const evalCols = columns.filter((c) => kinds[c] !== "text");
  warnings.push(...dataWarnings(real, synth, evalCols, kinds));
  const timeColumn = options.timeColumn && kinds[options.timeColumn] === "datetime" ? options.timeColumn : null;

  // Fidelity, and the same against the holdout as the noise floor.
  let t = performance.now();
  const fidOpts = { kinds, columns: evalCols, timeColumn, target: options.target ?? null };
  const fid = fidelityParts(real, synth, fidOpts);
  warnings.push(...fid.warnings);
  t = lap("fidelity", t);
  const nf = noiseFloor(real, holdout, synth.rowCount, { ...fidOpts, seed: options.seed ?? 0, ...(options.noiseResamples ? { resamples: options.noiseResamples } : {}) }).details;
  const noiseFloorJson: ReportJson["fidelity"]["noiseFloor"] = { ...nf, source: holdout ? "real+holdout" : "real" };
  t = lap("noiseFloor", t);

  let declared: RowRule[];
  try { declared = (options.constraints ?? []).map((c) => (typeof c === "string" ? parseConstraint(c, kinds) : c)); } catch (e) {
    throw new EvaluateError((e as Error).message);
  }
  const diagnostic = validityDiagnostic(real, synth, { columns: evalCols, kinds, declared });
  t = lap("diagnostic", t);

  // Utility and privacy, and the same for real rows the generator never saw (their noise floors).
  const ctx: PartContext = { options, kinds, evalCols, columns, seed: options.seed ?? 0 };
  const u = await utilityPart(real, synth, holdout, ctx, fid.prepared, lap);
  warnings.push(...u.warnings);
  t = performance.now();
  const pv = await privacyPart(real, synth, holdout, ctx);
  warnings.push(...pv.warnings);
  t = lap("privacy", t);
  const { predictionJson, fiJson, q } = u;
  const { em, neighborsJson, miaJson, dcrExtras, roc } = pv;
  // Utility floor, like with like: a table of the synthetic table's size drawn (with replacement)
  // from the training rows stands in for a perfect generator's output; its QScore is taken
  // between two tables of the real and synthetic sizes drawn from all real rows (as the fidelity
  // noise floor), since QScore does not use the holdout.
  const rng = createRng(ctx.seed + 1);
  const draw = (f: Frame, size: number): Frame => takeRows(f, Array.from({ length: size }, () => rng.int(f.rowCount)));
  const pool = holdout ? concatFrames([real, selectColumns(holdout, real.columnNames)]) : real;
  const [qa, qb] = [draw(pool, real.rowCount), draw(pool, synth.rowCount)];
  const fu = await utilityPart(real, draw(real, synth.rowCount), holdout, ctx, prepareColumns(qa, qb, kinds, evalCols), () => performance.now());
  const utilityFloor = meanOrNull([fu.predictionJson?.score, fu.fiJson?.score, fu.q.score]);
  const privacyFloor = pv.noiseFloor;
  t = lap("utilityNoiseFloor", t);
  timings.total = Math.round(performance.now() - t0);

  const scores: ReportJson["scores"] = {
    fidelity: fidelityScore(fid.parts),
    utility: meanOrNull([predictionJson?.score, fiJson?.score, q.score]),
    privacy: holdout ? meanOrNull([em.score, neighborsJson?.score, miaJson?.score]) : null,
  };
  const notMeasured: ReportJson["notMeasured"] = {};
  if (scores.fidelity === null) notMeasured.fidelity = "no column could be compared (see the warnings)";
  if (scores.utility === null) notMeasured.utility = "no groupable column for aggregate queries, and no holdout with a numeric target for prediction";
  if (!holdout) notMeasured.privacy = `needs a holdout of real rows the generator never saw to tell copying apart from resemblance; exact copies of training rows: ${em.details.count}`;

  const json: ReportJson = {
    version: 1,
    rows: { real: real.rowCount, synthetic: synth.rowCount, holdout: holdout ? holdout.rowCount : null },
    scores,
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
      noiseFloor: noiseFloorJson,
    },
    utility: {
      prediction: predictionJson,
      featureImportance: fiJson,
      noiseFloor: utilityFloor,
      qscore: { score: q.score, queries: q.details.queries.length, ci95: q.details.ci95 },
    },
    privacy: {
      exactMatch: { count: em.details.count, rate: em.details.rate, holdoutRate: em.details.holdoutRate, score: em.details.score },
      neighbors: neighborsJson,
      membershipInference: miaJson,
      noiseFloor: privacyFloor,
    },
    warnings: [...new Set(warnings)],
    diagnostic,
    notMeasured,
  };
  const worstQueries = [...q.details.queries].sort((a, b) => a.score - b.score).slice(0, 5);
  return new Report(json, { histograms: fid.histograms, autocorrelation: fid.ac?.details ?? null, dcr: dcrExtras, roc, worstQueries, timings });
}
