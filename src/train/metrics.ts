/**
 * Regression metrics, the one definition used by training (`model.metrics`), the utility
 * experiments (`compareTraining`, `permutationImportance`) and the quality report's utility
 * (`prediction`, `featureImportance`). Formulas: docs/metrics.md ("Regression metrics").
 * Each takes the true and predicted values (same length, no missing values: pass the rows whose
 * truth is known, e.g. through `knownTruth`).
 */

export interface RegressionMetrics {
  mae: number;
  rmse: number;
  r2: number;
  /** Mean absolute percentage error in % over rows whose true value is not 0; NaN when all are 0. */
  mape: number;
}

function check(actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (actual.length !== predicted.length) {
    throw new Error(`Metrics need as many predictions as true values (got ${predicted.length} and ${actual.length}).`);
  }
  if (actual.length === 0) throw new Error("Metrics need at least one row: the test table is empty.");
}

export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i]! - predicted[i]!);
  return s / actual.length;
}

export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i]! - predicted[i]!) ** 2;
  return Math.sqrt(s / actual.length);
}

/**
 * Coefficient of determination, 1 − SS_res / SS_tot. A constant truth (SS_tot = 0) has no finite
 * R²: it is 1 when predicted exactly and 0 otherwise, as scikit-learn's `r2_score` (force_finite).
 */
export function r2(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  let mean = 0;
  for (let i = 0; i < actual.length; i++) mean += actual[i]!;
  mean /= actual.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < actual.length; i++) {
    res += (actual[i]! - predicted[i]!) ** 2;
    tot += (actual[i]! - mean) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}

export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  let s = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) continue; // undefined for a zero truth; skipped rather than infinite
    s += Math.abs((actual[i]! - predicted[i]!) / actual[i]!);
    n++;
  }
  return n === 0 ? Number.NaN : (100 * s) / n;
}

/** The rows whose truth is known (not NaN): a holdout row with a missing target is not scored. */
export function knownTruth(actual: ArrayLike<number>, predicted: ArrayLike<number>): { actual: number[]; predicted: number[] } {
  const a: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i]!)) continue;
    a.push(actual[i]!);
    p.push(predicted[i]!);
  }
  return { actual: a, predicted: p };
}

export function regressionMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): RegressionMetrics {
  return { mae: mae(actual, predicted), rmse: rmse(actual, predicted), r2: r2(actual, predicted), mape: mape(actual, predicted) };
}

/** The floor any model must beat: always predict the training mean. */
export function meanBaseline(trainTarget: ArrayLike<number>, testTarget: ArrayLike<number>): RegressionMetrics {
  if (trainTarget.length === 0) throw new Error("The mean baseline needs at least one training row.");
  let mean = 0;
  for (let i = 0; i < trainTarget.length; i++) mean += trainTarget[i]!;
  mean /= trainTarget.length;
  return regressionMetrics(testTarget, new Float64Array(testTarget.length).fill(mean));
}
