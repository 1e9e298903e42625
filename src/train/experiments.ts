/**
 * Utility experiments with this stage's TF.js models: does a model trained on synthetic data
 * predict the real world?
 * - compareTraining: TRTR (train real, test real), TSTR (train synthetic, test real) and
 *   augmented (real + synthetic), each on the same real holdout, over several seeds.
 * - permutationImportance: how much the holdout MAE grows when one column is shuffled.
 * Both run the model-agnostic core in utility.ts, as the quality report's utility does
 * (evaluate/utility/, with a ridge regression by default).
 */
import type { Frame } from "../data/types.js";
import { concatFrames, selectColumns, toFrame } from "../data/frame.js";
import { inferSchema } from "../data/schema.js";
import { displaySymbol, type MimeBundle } from "../display/protocol.js";
import { liveProgress, type LiveProgress, type ProgressSink } from "../display/progress.js";
import { comparisonChartSpec, importanceChartSpec, type ComparisonRow } from "../charts/training.js";
import type { VegaLiteSpec } from "../charts/spec.js";
import { chartImageHtml, escapeHtml, fmt, htmlTable, textTable } from "./display.js";
import { chartBundle } from "../charts/render.js";
import type { RegressionMetrics } from "./metrics.js";
import { METRIC_KEYS, meanStd, runSettings, tstrScore, importanceByPermutation, type FeatureImportance, type SettingResult, type TrainingSetting } from "./utility.js";
import { evaluateModel, trainRegressor, TrainError, type ModelKind, type TrainedModel, type TrainOptions, type TrainTable } from "./models.js";
import { PreprocessError, targetValues } from "./preprocess.js";

// The model-agnostic core lives in utility.ts (the report runs it too); its names stay public here.
export { meanStd, runSettings, tstrScore, importanceByPermutation };
export type { ExperimentRun, FeatureImportance, Predictor, SettingResult, TrainingSetting } from "./utility.js";


export interface CompareOptions extends Omit<TrainOptions, "target" | "test" | "seed" | "onEpoch"> {
  real: TrainTable;
  synthetic: TrainTable;
  /** Real rows that neither training set contains. */
  holdout: TrainTable;
  target: string;
  /** At least 3 seeds (default [1, 2, 3]); each trains every setting once. */
  seeds?: readonly number[];
  model?: ModelKind;
  settings?: readonly TrainingSetting[];
  /** Called after each training run. */
  onRun?: (run: { setting: TrainingSetting; seed: number; metrics: RegressionMetrics; done: number; total: number }) => void;
  /**
   * Live progress (default true): a progress bar updated in place in a notebook cell, a line on
   * stderr elsewhere (src/display/progress.ts); false for none, or a sink of your own.
   */
  progress?: boolean | ProgressSink;
}



/**
 * What the comparison's score is called on screen. It is one model's prediction score, not the
 * report's "utility" (the mean of a ridge-model prediction score, feature importance and QScore):
 * the two differ, and the note says so where both appear (notebook 01).
 */
const TSTR_SCORE_NAME = "TSTR prediction score of this model:";
const TSTR_SCORE_NOTE =
  "One model's MAE ratio on the holdout. The quality report's \"utility\" is another number: the mean of a ridge-regression prediction score, feature importance and aggregate queries (QScore).";

export class ComparisonResult {
  constructor(
    readonly target: string,
    readonly model: ModelKind,
    readonly settings: SettingResult[],
    readonly backend: string,
  ) {}

  get(setting: TrainingSetting): SettingResult | undefined {
    return this.settings.find((s) => s.setting === setting);
  }

  /** TSTR prediction score of this model, min(1, MAE_TRTR / MAE_TSTR) (1 = synthetic data trains as well as real). */
  get score(): number | null {
    const trtr = this.get("TRTR");
    const tstr = this.get("TSTR");
    if (!trtr || !tstr) return null;
    return tstrScore(trtr.mean.mae, tstr.mean.mae);
  }

  rows(): string[][] {
    return this.settings.map((s) => [
      s.setting,
      String(s.trainRows),
      ...METRIC_KEYS.map((k) => `${fmt(s.mean[k])} ± ${fmt(s.std[k])}`),
    ]);
  }

  chart(): VegaLiteSpec {
    const rows: ComparisonRow[] = [];
    for (const s of this.settings) {
      for (const [k, label] of [["mae", "MAE"], ["rmse", "RMSE"], ["r2", "R²"]] as const) {
        rows.push({ setting: s.setting, metric: label, mean: s.mean[k], std: s.std[k] });
      }
    }
    return comparisonChartSpec(rows, { title: `${this.model} on "${this.target}": tested on the real holdout` });
  }

  toString(): string {
    const score = this.score === null ? "" : `\n${TSTR_SCORE_NAME} min(1, MAE_TRTR / MAE_TSTR) = ${fmt(this.score)}\n${TSTR_SCORE_NOTE}`;
    const seeds = this.settings[0]?.runs.length ?? 0;
    return `${this.model} regressor for "${this.target}", ${seeds} seeds, mean ± std on the real holdout (${this.backend})\n` +
      textTable(["setting", "train rows", "MAE", "RMSE", "R²", "MAPE %"], this.rows()) + score;
  }

  toJSON(): Record<string, unknown> {
    return { target: this.target, model: this.model, backend: this.backend, score: this.score, settings: this.settings };
  }

  async [displaySymbol](): Promise<MimeBundle> {
    const chart = await chartBundle(this.chart());
    const score = this.score === null ? "" : `<p>${escapeHtml(TSTR_SCORE_NAME)} min(1, MAE<sub>TRTR</sub> / MAE<sub>TSTR</sub>) = <b>${fmt(this.score)}</b><br><small>${escapeHtml(TSTR_SCORE_NOTE)}</small></p>`;
    const html = `<div><p>${escapeHtml(this.toString().split("\n")[0]!)}</p>` +
      htmlTable(["setting", "train rows", "MAE", "RMSE", "R²", "MAPE %"], this.rows()) + score + chartImageHtml(chart, "comparison chart") + "</div>";
    return { "text/html": html, "text/plain": this.toString() };
  }
}

/** The columns of `real` taken from `other`; names the ones `other` lacks. */
function alignTo(real: Frame, other: Frame, what: string): Frame {
  const missing = real.columnNames.filter((c) => !other.columnNames.includes(c));
  if (missing.length) {
    throw new PreprocessError(`The ${what} table lacks column(s) of the real table: ${missing.map((c) => `"${c}"`).join(", ")}. Generate or add them first.`);
  }
  return selectColumns(other, real.columnNames);
}

export async function compareTraining(options: CompareOptions): Promise<ComparisonResult> {
  const { real: realIn, synthetic: synthIn, holdout: holdoutIn, target, seeds = [1, 2, 3], settings = ["TRTR", "TSTR", "augmented"], onRun, progress = true, ...train } = options;
  if (seeds.length < 3) throw new TrainError(`compareTraining needs at least 3 seeds for a mean ± std (got ${seeds.length}): pass seeds: [1, 2, 3].`);
  const real = toFrame(realIn);
  const synthetic = alignTo(real, toFrame(synthIn), "synthetic");
  const holdout = alignTo(real, toFrame(holdoutIn), "holdout");
  for (const [name, f] of [["real", real], ["synthetic", synthetic], ["holdout", holdout]] as const) {
    if (f.rowCount === 0) throw new PreprocessError(`The ${name} table is empty.`);
  }
  const data: Record<TrainingSetting, Frame> = { TRTR: real, TSTR: synthetic, augmented: concatFrames([real, synthetic]) };
  // One schema for the comparison: every setting reads its columns the way the real table is read,
  // so a synthetic copy of a date column is never re-inferred as text or categories.
  const schema = train.schema ?? inferSchema(real, train.dates ? { dates: train.dates } : {});
  let backend = "";
  let done = 0;
  const total = settings.length * seeds.length;
  // Say the backend once, not once per run.
  let logged = false;
  const log = train.log === false ? false : (line: string) => { if (!logged) { logged = true; (train.log || console.log)(line); } };
  const bar: LiveProgress | undefined = progress === false ? undefined : liveProgress(progress === true ? undefined : progress);
  const started = Date.now();
  const state = (detail: string) => ({ value: done, max: total, text: compareProgressText(done, total, started, detail) });
  let results: SettingResult[];
  try {
    results = await runSettings(data, settings, seeds,
      async (table, setting, seed) => {
        if (train.signal?.aborted) throw new TrainError("compareTraining was interrupted.");
        const model = await trainRegressor(table, {
          ...train, schema, log, target, seed,
          onEpoch: (e) => bar?.update(state(`${setting}, seed ${seed}: epoch ${e.epoch}`)),
        });
        backend = model.info.backendDescription;
        return model;
      },
      (model) => {
        try {
          return evaluateModel(model, holdout);
        } finally {
          model.network.dispose();
        }
      },
      (run) => {
        done = run.done;
        onRun?.({ setting: run.setting, seed: run.seed, metrics: run.metrics, done: run.done, total: run.total });
        bar?.update(state(`${run.setting}, seed ${run.seed}: holdout MAE ${fmt(run.metrics.mae)}`));
      });
  } catch (e) {
    bar?.done(state(`stopped: ${e instanceof Error ? e.message : String(e)}`));
    throw e;
  }
  bar?.done(state("done"));
  return new ComparisonResult(target, train.model ?? "mlp", results, backend);
}

/** "Training 4 / 9 models · TSTR, seed 1: epoch 37 · 9.1 s, about 11 s left". */
export function compareProgressText(done: number, total: number, startedMs: number, detail: string, nowMs = Date.now()): string {
  const elapsed = (nowMs - startedMs) / 1000;
  const left = done > 0 && done < total ? `, about ${Math.ceil((elapsed / done) * (total - done))} s left` : "";
  const verb = done >= total ? "Trained" : "Training";
  return `${verb} ${done} / ${total} models · ${detail} · ${elapsed.toFixed(1)} s${left}`;
}

export interface ImportanceOptions {
  /** Must match the model's target when given (a guard against passing the wrong model). */
  target?: string;
  /** Shuffles per column (default 5). */
  repeats?: number;
  seed?: number;
  /** Columns to score (default: every column the model reads). */
  columns?: readonly string[];
}


export class ImportanceResult {
  constructor(
    readonly target: string,
    /** MAE on the unshuffled table. */
    readonly baselineMae: number,
    readonly repeats: number,
    /** Sorted by importance, largest first. */
    readonly features: FeatureImportance[],
  ) {}

  /** { column: importance } (for the report JSON and rank comparisons). */
  get byFeature(): Record<string, number> {
    return Object.fromEntries(this.features.map((f) => [f.feature, f.importance]));
  }

  chart(): VegaLiteSpec {
    return importanceChartSpec(this.features);
  }

  toString(): string {
    return `Permutation importance for "${this.target}" (MAE increase, ${this.repeats} shuffles; MAE unshuffled ${fmt(this.baselineMae)})\n` +
      textTable(["feature", "importance", "std"], this.features.map((f) => [f.feature, fmt(f.importance), fmt(f.std)]));
  }

  toJSON(): Record<string, unknown> {
    return { target: this.target, baselineMae: this.baselineMae, repeats: this.repeats, features: this.features };
  }

  async [displaySymbol](): Promise<MimeBundle> {
    const chart = await chartBundle(this.chart());
    const html = `<div><p>${escapeHtml(this.toString().split("\n")[0]!)}</p>` +
      htmlTable(["feature", "importance", "std"], this.features.map((f) => [f.feature, fmt(f.importance), fmt(f.std)])) +
      chartImageHtml(chart, "permutation importance") + "</div>";
    return { "text/html": html, "text/plain": this.toString() };
  }
}

/**
 * Permutation importance on `holdout`: for each input column, shuffle it `repeats` times (seeded)
 * and record how much the MAE grows. Columns are shuffled as raw values, before preprocessing.
 */
export async function permutationImportance(model: TrainedModel, holdout: TrainTable, options: ImportanceOptions = {}): Promise<ImportanceResult> {
  const frame = toFrame(holdout);
  const target = model.target;
  if (options.target !== undefined && options.target !== target) {
    throw new TrainError(`The model predicts "${target}", not "${options.target}": pass the model trained for "${options.target}".`);
  }
  const repeats = options.repeats ?? 5;
  if (!Number.isInteger(repeats) || repeats < 1) throw new TrainError(`repeats must be a whole number ≥ 1 (got ${repeats}).`);
  const columns = options.columns ?? model.preprocessor.inputColumns;
  const unknown = columns.filter((c) => !model.preprocessor.inputColumns.includes(c));
  if (unknown.length) throw new TrainError(`The model does not read column(s) ${unknown.map((c) => `"${c}"`).join(", ")}.`);
  model.preprocessor.checkColumns(frame);
  // Score only rows with a known target, in a fixed order.
  const y = targetValues(frame, target);
  const rows: number[] = [];
  y.forEach((v, i) => { if (!Number.isNaN(v)) rows.push(i); });
  if (rows.length < 2) throw new PreprocessError(`Permutation importance needs at least 2 holdout rows with a "${target}" value.`);
  const base: Frame = {
    columnNames: frame.columnNames,
    columns: Object.fromEntries(frame.columnNames.map((c) => [c, rows.map((r) => frame.columns[c]![r]!)])),
    rowCount: rows.length,
  };
  const truth = rows.map((r) => y[r]!);
  const { baselineMae, features } = await importanceByPermutation((f) => model.predictValues(f), base, truth, columns, { seed: options.seed ?? 0, repeats });
  features.sort((a, b) => b.importance - a.importance);
  return new ImportanceResult(target, baselineMae, repeats, features);
}

