/**
 * Prediction utility (TRTR / TSTR): the same model and preprocessing trained on the real
 * training rows (TRTR) and on the synthetic rows (TSTR), both tested on the real holdout;
 * MAE, RMSE and R² averaged over seeds (mean ± std); `score = min(1, MAE_TRTR / MAE_TSTR)`.
 * The experiment, the metrics and the score are the train stage's (`runSettings`,
 * src/train/metrics.ts, `tstrScore`): `compareTraining` runs the same code with TF.js models.
 * The model is a `Trainer`, so any regressor plugs in (ridge by default, TF.js models from
 * the train stage via `tfjsTrainer`).
 */
import type { Frame } from "../../data/types.js";
import type { EvalKind, MetricResult } from "../types.js";
import { EvaluateError } from "../types.js";
import { fitRidge } from "./ridge.js";
import { toNumeric } from "../internal/columns.js";
import { knownTruth, regressionMetrics, type RegressionMetrics } from "../../train/metrics.js";
import { meanStd as meanStdOf, runSettings, tstrScore, type Predictor } from "../../train/utility.js";

export type { Predictor };

export interface TrainerOptions {
  target: string;
  features: readonly string[];
  kinds: Readonly<Record<string, EvalKind>>;
  seed: number;
}

export type Trainer = (train: Frame, opts: TrainerOptions) => Promise<Predictor>;

/** Closed-form ridge regression (deterministic, fast; see ridge.ts). */
export const ridgeTrainer: Trainer = async (train, opts) => fitRidge(train, opts.target, opts.features, opts.kinds);

interface TrainModule {
  trainRegressor?: (table: Frame, o: Record<string, unknown>) => Promise<{ predictValues(t: Frame): Float64Array }>;
}

/** A trainer over the train stage's TF.js models (`trainRegressor`), loaded lazily. */
export function tfjsTrainer(model: "linear" | "mlp", extra: { epochs?: number } = {}): Trainer {
  return async (train, opts) => {
    const mod = (await import("../../train/index.js")) as unknown as TrainModule;
    if (typeof mod.trainRegressor !== "function") {
      throw new EvaluateError(`The train stage has no trainRegressor in this build: use the default ridge model (leave out model: "${model}").`);
    }
    const trained = await mod.trainRegressor(train, {
      target: opts.target, model, seed: opts.seed, features: opts.features, log: false, ...(extra.epochs ? { epochs: extra.epochs } : {}),
    });
    return { predict: (f: Frame) => trained.predictValues(f) };
  };
}

/** The report's part of the regression metrics (src/train/metrics.ts). */
export interface RegressionScores {
  mae: number;
  rmse: number;
  r2: number;
}

function scoresOf(m: RegressionMetrics): RegressionScores {
  return { mae: m.mae, rmse: m.rmse, r2: m.r2 };
}

/** The regression metrics over the holdout rows whose truth is known. */
function holdoutMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): RegressionMetrics {
  const k = knownTruth(actual, predicted);
  if (k.actual.length === 0) throw new EvaluateError("The holdout has no row with a value in the target column: prediction utility needs some.");
  return regressionMetrics(k.actual, k.predicted);
}

/** MAE, RMSE and R² over the rows whose truth is known (src/train/metrics.ts). */
export function regressionScores(actual: ArrayLike<number>, predicted: ArrayLike<number>): RegressionScores {
  return scoresOf(holdoutMetrics(actual, predicted));
}

export interface PredictionDetails {
  target: string;
  trtr: RegressionScores;
  tstr: RegressionScores;
  trtrStd: RegressionScores;
  tstrStd: RegressionScores;
  seeds: number[];
  /** The models of the first seed, reused by feature importance. */
  models: { real: Predictor; synthetic: Predictor };
}

/** Mean and sample standard deviation of scores over seeds (the experiments' `meanStd`, per metric). */
export function meanStd(xs: RegressionScores[]): { mean: RegressionScores; std: RegressionScores } {
  const mean = { mae: 0, rmse: 0, r2: 0 };
  const std = { mae: 0, rmse: 0, r2: 0 };
  for (const k of ["mae", "rmse", "r2"] as const) {
    const ms = meanStdOf(xs.map((x) => x[k]));
    mean[k] = ms.mean;
    std[k] = ms.std;
  }
  return { mean, std };
}

export async function prediction(
  real: Frame, synthetic: Frame,
  opts: { holdout: Frame; target: string; kinds: Readonly<Record<string, EvalKind>>; features?: readonly string[]; trainer?: Trainer; seeds?: readonly number[] },
): Promise<MetricResult<number | null, PredictionDetails>> {
  const trainer = opts.trainer ?? ridgeTrainer;
  const seeds = opts.seeds ?? [0, 1, 2];
  if (seeds.length === 0) throw new EvaluateError("prediction needs at least one seed: pass seeds: [0, 1, 2].");
  const features = opts.features ?? real.columnNames.filter((c) => c !== opts.target && opts.kinds[c] !== "text");
  const actual = toNumeric(opts.holdout.columns[opts.target] ?? [], "numeric").values;
  const first: Partial<Record<"TRTR" | "TSTR", Predictor>> = {};
  const [r, s] = await runSettings({ TRTR: real, TSTR: synthetic }, ["TRTR", "TSTR"], seeds,
    (table, _setting, seed) => trainer(table, { target: opts.target, features, kinds: opts.kinds, seed }),
    async (model) => holdoutMetrics(actual, await model.predict(opts.holdout)),
    (run) => { first[run.setting as "TRTR" | "TSTR"] ??= run.model; });
  return {
    score: tstrScore(r!.mean.mae, s!.mean.mae),
    raw: r!.mean.mae / s!.mean.mae,
    details: {
      target: opts.target, trtr: scoresOf(r!.mean), tstr: scoresOf(s!.mean), trtrStd: scoresOf(r!.std), tstrStd: scoresOf(s!.std),
      seeds: [...seeds], models: { real: first.TRTR!, synthetic: first.TSTR! },
    },
  };
}
