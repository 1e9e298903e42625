import { describe, expect, it } from "vitest";
import { knownTruth, mae, mape, meanBaseline, r2, regressionMetrics, rmse } from "../../src/train/metrics.js";
import { meanStd, tstrScore } from "../../src/train/utility.js";
import { regressionScores } from "../../src/evaluate/index.js";

// Reference values worked out by hand from the definitions.
const y = [1, 2, 3, 4];
const p = [2, 2, 2, 6];

describe("regression metrics", () => {
  it("MAE is the mean absolute error", () => {
    expect(mae(y, p)).toBeCloseTo((1 + 0 + 1 + 2) / 4, 12);
    expect(mae(y, y)).toBe(0);
  });

  it("RMSE is the root of the mean squared error", () => {
    expect(rmse(y, p)).toBeCloseTo(Math.sqrt((1 + 0 + 1 + 4) / 4), 12);
    expect(rmse([0, 0], [3, -4])).toBeCloseTo(Math.sqrt(12.5), 12);
  });

  it("R² is 1 for a perfect fit, 0 for the mean, negative for worse", () => {
    expect(r2(y, y)).toBe(1);
    expect(r2(y, [2.5, 2.5, 2.5, 2.5])).toBeCloseTo(0, 12);
    // SS_res = 6, SS_tot = 5 → 1 − 6/5
    expect(r2(y, p)).toBeCloseTo(-0.2, 12);
  });

  it("R² matches scikit-learn's r2_score, a constant truth included (1 if predicted exactly, else 0)", () => {
    // The example of scikit-learn's r2_score documentation: 0.948... (1 − 1.5 / 29.1875).
    expect(r2([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])).toBeCloseTo(0.9486081370449679, 12);
    // A constant truth has SS_tot = 0: r2_score (force_finite=True) gives 1.0 for a perfect
    // prediction and 0.0 otherwise; this was −∞ in training and 0 in the report.
    expect(r2([3, 3, 3], [3, 3, 3])).toBe(1);
    expect(r2([3, 3, 3], [2, 3, 4])).toBe(0);
  });

  it("the report's scores are the same definitions, over the rows whose truth is known", () => {
    expect(regressionScores([3, 3, 3], [3, 3, 3]).r2).toBe(1);
    expect(regressionScores([3, 3, 3], [2, 3, 4]).r2).toBe(0);
    const withMissing = regressionScores([1, NaN, 2, 3, 4], [2, 99, 2, 2, 6]);
    expect(withMissing).toEqual({ mae: mae(y, p), rmse: rmse(y, p), r2: r2(y, p) });
    expect(knownTruth([1, NaN, 2], [5, 6, 7])).toEqual({ actual: [1, 2], predicted: [5, 7] });
    expect(() => regressionScores([NaN, NaN], [1, 2])).toThrow(/no row with a value in the target column/);
  });

  it("MAPE is in percent and skips rows whose truth is 0", () => {
    expect(mape([100, 200], [110, 180])).toBeCloseTo(10, 12);
    expect(mape([0, 100], [5, 150])).toBeCloseTo(50, 12);
    expect(mape([0, 0], [1, 1])).toBeNaN();
  });

  it("the mean baseline predicts the training mean", () => {
    const m = meanBaseline([10, 20, 30], [20, 40]);
    expect(m.mae).toBeCloseTo(10, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt((0 + 400) / 2), 12);
    expect(regressionMetrics([20, 40], [20, 20])).toEqual(m);
  });

  it("rejects mismatched lengths and empty inputs with a clear message", () => {
    expect(() => mae([1, 2], [1])).toThrow(/as many predictions as true values/);
    expect(() => rmse([], [])).toThrow(/at least one row/);
  });
});

describe("experiment summaries", () => {
  it("meanStd is the mean and the sample standard deviation; no spread for equal runs", () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3) });
    expect(meanStd([0.1, 0.1, 0.1]).std).toBe(0);
    expect(meanStd([7]).std).toBe(0);
    expect(meanStd([1, NaN]).std).toBeNaN();
  });

  it("the TSTR score is min(1, MAE_TRTR / MAE_TSTR), 1 when the synthetic-trained model is exact", () => {
    expect(tstrScore(1, 2)).toBe(0.5);
    expect(tstrScore(3, 2)).toBe(1);
    expect(tstrScore(0, 0)).toBe(1);
    expect(tstrScore(0.5, 0)).toBe(1);
  });
});
