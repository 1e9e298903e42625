/**
 * The utility experiments for any model, the one implementation: the TRTR / TSTR / augmented
 * loop (`runSettings`), its summaries (`meanStd`, `tstrScore`) and permutation importance
 * (`importanceByPermutation`). `compareTraining` and `permutationImportance`
 * (train/experiments.ts) run them with this stage's TF.js models; the quality report's
 * `prediction` and `featureImportance` (evaluate/utility/) with a ridge regression or any
 * `Trainer`. No TF.js here, so the report imports it without loading a training backend.
 */
import type { Frame } from "../data/types.js";
import { createRng } from "../data/random.js";
import { knownTruth, mae, type RegressionMetrics } from "./metrics.js";

/** Where a model is trained: on real rows, synthetic rows, or both; always tested on the real holdout. */
export type TrainingSetting = "TRTR" | "TSTR" | "augmented";

export interface SettingResult {
  setting: TrainingSetting;
  trainRows: number;
  runs: { seed: number; metrics: RegressionMetrics }[];
  mean: RegressionMetrics;
  /** Sample standard deviation over seeds. */
  std: RegressionMetrics;
}

/** The regression metrics an experiment summarizes over seeds. */
export const METRIC_KEYS = ["mae", "rmse", "r2", "mape"] as const;

/** Mean and sample standard deviation (n − 1); 0 for one value or identical values, NaN when one is NaN. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  // Identical runs (a deterministic model) have no spread; rounding in the mean must not invent one.
  const spread = Math.max(...values) - Math.min(...values);
  const std = n > 1 && spread !== 0 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}

/**
 * TSTR prediction score, min(1, MAE_TRTR / MAE_TSTR): 1 when the model trained on synthetic rows
 * predicts the real holdout as well as the one trained on real rows (or better); 1 when MAE_TSTR is 0.
 */
export function tstrScore(trtrMae: number, tstrMae: number): number {
  return tstrMae > 0 ? Math.min(1, trtrMae / tstrMae) : 1;
}

/** A trained model as the experiments see it: it predicts the target of each row of a table. */
export interface Predictor {
  predict(frame: Frame): ArrayLike<number> | Promise<ArrayLike<number>>;
}

/** One training run of an experiment: its holdout metrics and the model it trained. */
export interface ExperimentRun<M> {
  setting: TrainingSetting;
  seed: number;
  metrics: RegressionMetrics;
  model: M;
  /** Runs finished so far, this one included, and in all. */
  done: number;
  total: number;
}

/**
 * The TRTR / TSTR / augmented experiment for any model: for each setting (in order), train on its
 * table once per seed, score the model on the holdout, and summarize the runs (mean ± std).
 * `fit` trains, `score` measures a model on the holdout, `after` sees each run (progress,
 * keeping or disposing the model).
 */
export async function runSettings<M>(
  tables: Readonly<Partial<Record<TrainingSetting, Frame>>>,
  settings: readonly TrainingSetting[],
  seeds: readonly number[],
  fit: (table: Frame, setting: TrainingSetting, seed: number) => Promise<M>,
  score: (model: M) => RegressionMetrics | Promise<RegressionMetrics>,
  after?: (run: ExperimentRun<M>) => void,
): Promise<SettingResult[]> {
  const results: SettingResult[] = [];
  const total = settings.length * seeds.length;
  let done = 0;
  for (const setting of settings) {
    const table = tables[setting];
    if (!table) throw new RangeError(`No table for the ${setting} setting.`);
    const runs: { seed: number; metrics: RegressionMetrics }[] = [];
    for (const seed of seeds) {
      const model = await fit(table, setting, seed);
      const metrics = await score(model);
      runs.push({ seed, metrics });
      done += 1;
      after?.({ setting, seed, metrics, model, done, total });
    }
    const mean = {} as RegressionMetrics;
    const std = {} as RegressionMetrics;
    for (const k of METRIC_KEYS) {
      const ms = meanStd(runs.map((r) => r.metrics[k]));
      mean[k] = ms.mean;
      std[k] = ms.std;
    }
    results.push({ setting, trainRows: table.rowCount, runs, mean, std });
  }
  return results;
}

export interface FeatureImportance {
  feature: string;
  /** Mean increase of the holdout MAE when the column is shuffled. */
  importance: number;
  std: number;
}

/**
 * Permutation importance of any model on `frame`: for each column (in order), shuffle its raw
 * values `repeats` times from one seeded stream and record how much the MAE over the rows with a
 * known `truth` grows; importance = mean increase, std = its sample standard deviation.
 */
export async function importanceByPermutation(
  predict: (frame: Frame) => ArrayLike<number> | Promise<ArrayLike<number>>,
  frame: Frame,
  truth: ArrayLike<number>,
  columns: readonly string[],
  options: { seed: number; repeats: number },
): Promise<{ baselineMae: number; features: FeatureImportance[] }> {
  const maeOf = async (f: Frame): Promise<number> => {
    const k = knownTruth(truth, await predict(f));
    return mae(k.actual, k.predicted);
  };
  const baselineMae = await maeOf(frame);
  const rng = createRng(options.seed);
  const features: FeatureImportance[] = [];
  for (const column of columns) {
    const src = frame.columns[column] ?? [];
    const increases: number[] = [];
    for (let k = 0; k < options.repeats; k++) {
      const order = rng.permutation(frame.rowCount);
      const shuffled = Array.from(order, (i) => src[i]!);
      const permuted: Frame = { ...frame, columns: { ...frame.columns, [column]: shuffled } };
      increases.push((await maeOf(permuted)) - baselineMae);
      // Let an interrupt or the heartbeat through between predictions.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const { mean, std } = meanStd(increases);
    features.push({ feature: column, importance: mean, std });
  }
  return { baselineMae, features };
}
