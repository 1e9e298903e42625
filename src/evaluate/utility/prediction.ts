/**
 * Prediction utility (TRTR / TSTR): the same model and preprocessing trained on the real
 * training rows (TRTR) and on the synthetic rows (TSTR), both tested on the real holdout;
 * MAE, RMSE and R² averaged over seeds (mean ± std); `score = min(1, MAE_TRTR / MAE_TSTR)`.
 * The model is a `Trainer`, so any regressor plugs in (ridge by default, TF.js models from
 * the train stage via `tfjsTrainer`).
 */
import type { Frame } from "../../data/types.js";
import type { EvalKind, MetricResult } from "../types.js";
import { EvaluateError } from "../types.js";
import { fitRidge } from "./ridge.js";
import { toNumeric } from "../internal/columns.js";

export interface Predictor {
  predict(frame: Frame): ArrayLike<number> | Promise<ArrayLike<number>>;
}

export interface TrainerOptions {
  target: string;
  features: readonly string[];
  kinds: Readonly<Record<string, EvalKind>>;
  seed: number;
}

export type Trainer = (train: Frame, opts: TrainerOptions) => Promise<Predictor>;

/** Closed-form ridge regression (deterministic, fast; see internal/ridge.ts). */
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

export interface RegressionScores {
  mae: number;
  rmse: number;
  r2: number;
}

export function regressionScores(actual: ArrayLike<number>, predicted: ArrayLike<number>): RegressionScores {
  let n = 0, ae = 0, se = 0, mean = 0;
  for (let i = 0; i < actual.length; i++) if (!Number.isNaN(actual[i]!)) { mean += actual[i]!; n++; }
  mean /= Math.max(n, 1);
  let tss = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    if (Number.isNaN(a)) continue;
    const d = a - predicted[i]!;
    ae += Math.abs(d);
    se += d * d;
    tss += (a - mean) ** 2;
  }
  return { mae: ae / Math.max(n, 1), rmse: Math.sqrt(se / Math.max(n, 1)), r2: tss > 0 ? 1 - se / tss : 0 };
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

/** Mean and sample standard deviation of scores over seeds. */
export function meanStd(xs: RegressionScores[]): { mean: RegressionScores; std: RegressionScores } {
  const keys = ["mae", "rmse", "r2"] as const;
  const mean = { mae: 0, rmse: 0, r2: 0 };
  const std = { mae: 0, rmse: 0, r2: 0 };
  for (const k of keys) {
    const v = xs.map((x) => x[k]);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    mean[k] = m;
    // Identical runs (the deterministic ridge) have no spread; rounding in the mean must not invent one.
    const spread = Math.max(...v) - Math.min(...v);
    std[k] = v.length > 1 && spread > 0 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
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
  const trtr: RegressionScores[] = [];
  const tstr: RegressionScores[] = [];
  let models: PredictionDetails["models"] | null = null;
  for (const seed of seeds) {
    const o = { target: opts.target, features, kinds: opts.kinds, seed };
    const mr = await trainer(real, o);
    const ms = await trainer(synthetic, o);
    models ??= { real: mr, synthetic: ms };
    trtr.push(regressionScores(actual, await mr.predict(opts.holdout)));
    tstr.push(regressionScores(actual, await ms.predict(opts.holdout)));
  }
  const r = meanStd(trtr);
  const s = meanStd(tstr);
  const score = s.mean.mae > 0 ? Math.min(1, r.mean.mae / s.mean.mae) : r.mean.mae === 0 ? 1 : 0;
  return {
    score,
    raw: r.mean.mae / s.mean.mae,
    details: { target: opts.target, trtr: r.mean, tstr: s.mean, trtrStd: r.std, tstrStd: s.std, seeds: [...seeds], models: models! },
  };
}
