/**
 * Feature-importance agreement: permutation importance (increase of holdout MAE when one
 * feature column is shuffled) for the model trained on real rows and the one trained on
 * synthetic rows; τ = Kendall's tau-b of the two importance vectors; `score = (τ + 1) / 2`.
 */
import type { CellValue, Frame } from "../../data/types.js";
import type { MetricResult } from "../types.js";
import type { Predictor } from "./prediction.js";
import { regressionScores } from "./prediction.js";
import { toNumeric } from "../internal/columns.js";
import { seededRng } from "../internal/rng.js";

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

/** Permutation importance of each feature on `test`: mean MAE increase over `repeats` seeded shuffles. */
export async function permutationImportance(
  model: Predictor, test: Frame, target: string, features: readonly string[], opts: { seed?: number; repeats?: number } = {},
): Promise<Record<string, number>> {
  const actual = toNumeric(test.columns[target] ?? [], "numeric").values;
  const base = regressionScores(actual, await model.predict(test)).mae;
  const rng = seededRng(opts.seed ?? 0);
  const repeats = opts.repeats ?? 2;
  const out: Record<string, number> = {};
  for (const f of features) {
    let total = 0;
    for (let r = 0; r < repeats; r++) {
      const col = [...(test.columns[f] ?? [])] as CellValue[];
      for (let i = col.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        const t = col[i]!;
        col[i] = col[j]!;
        col[j] = t;
      }
      const shuffled: Frame = { columnNames: test.columnNames, columns: { ...test.columns, [f]: col }, rowCount: test.rowCount };
      total += regressionScores(actual, await model.predict(shuffled)).mae - base;
    }
    out[f] = total / repeats;
  }
  return out;
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
