import { describe, expect, it } from "vitest";
import { mae, mape, meanBaseline, r2, regressionMetrics, rmse } from "../../src/train/metrics.js";

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
