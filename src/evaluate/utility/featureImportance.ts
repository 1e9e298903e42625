/**
 * Feature-importance agreement: permutation importance (increase of holdout MAE when one
 * feature column is shuffled) for the model trained on real rows and the one trained on
 * synthetic rows; τ = Kendall's tau-b of the two importance vectors; `score = (τ + 1) / 2`.
 */
import type { Frame } from "../../data/types.js";
import type { MetricResult } from "../types.js";
import { toNumeric } from "../internal/columns.js";
import { importanceByPermutation, type Predictor } from "../../train/utility.js";

/** Kendall's tau-b (ties adjusted, as scipy.stats.kendalltau); null when either vector is constant or n < 2. */
export function kendallTau(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 2 || y.length !== n) return null;
  let concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const dx = Math.sign(x[i]! - x[j]!);
    const dy = Math.sign(y[i]! - y[j]!);
    if (dx === 0 && dy === 0) { tiesX++; tiesY++; }
    else if (dx === 0) tiesX++;
    else if (dy === 0) tiesY++;
    else if (dx === dy) concordant++;
    else discordant++;
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  return denom > 0 ? (concordant - discordant) / denom : null;
}

/**
 * Permutation importance of each feature on `test`: mean MAE increase over `repeats` seeded
 * shuffles (2 by default), by the train stage's `importanceByPermutation`, the one implementation.
 */
export async function permutationImportance(
  model: Predictor, test: Frame, target: string, features: readonly string[], opts: { seed?: number; repeats?: number } = {},
): Promise<Record<string, number>> {
  const actual = toNumeric(test.columns[target] ?? [], "numeric").values;
  const { features: scored } = await importanceByPermutation((f) => model.predict(f), test, actual, features, { seed: opts.seed ?? 0, repeats: opts.repeats ?? 2 });
  return Object.fromEntries(scored.map((f) => [f.feature, f.importance]));
}

export interface FeatureImportanceDetails {
  tau: number | null;
  real: Record<string, number>;
  synthetic: Record<string, number>;
}

export async function featureImportance(
  models: { real: Predictor; synthetic: Predictor },
  holdout: Frame,
  opts: { target: string; features: readonly string[]; seed?: number; repeats?: number },
): Promise<MetricResult<number | null, FeatureImportanceDetails>> {
  const real = await permutationImportance(models.real, holdout, opts.target, opts.features, opts);
  const synthetic = await permutationImportance(models.synthetic, holdout, opts.target, opts.features, opts);
  const tau = kendallTau(opts.features.map((f) => real[f]!), opts.features.map((f) => synthetic[f]!));
  return {
    score: tau === null ? null : (tau + 1) / 2,
    raw: tau,
    details: { tau, real, synthetic },
    ...(tau === null ? { warnings: ["feature importance: fewer than 2 features, or all importances equal on one side"] } : {}),
  };
}
