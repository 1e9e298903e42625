import { describe, expect, it } from "vitest";
import { accuracy, classificationMetrics, confusionMatrix, macroF1, majorityBaseline, perClassMetrics } from "../../../src/train/text/metrics.js";

// Hand-worked example: 6 texts, 3 classes.
const actual = ["a", "a", "a", "b", "b", "c"];
const predicted = ["a", "a", "b", "b", "c", "c"];

describe("classification metrics", () => {
  it("accuracy is the share of exact hits", () => {
    expect(accuracy(actual, predicted)).toBeCloseTo(4 / 6, 12);
    expect(accuracy([], [])).toBe(0);
  });

  it("confusion matrix: rows true, columns predicted", () => {
    expect(confusionMatrix(actual, predicted, ["a", "b", "c"])).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it("precision, recall and F1 per class, and their macro average", () => {
    const per = perClassMetrics(confusionMatrix(actual, predicted, ["a", "b", "c"]), ["a", "b", "c"]);
    // a: P = 2/2, R = 2/3, F1 = 0.8; b: P = 1/2, R = 1/2, F1 = 0.5; c: P = 1/2, R = 1, F1 = 2/3
    expect(per.map((c) => c.precision)).toEqual([1, 0.5, 0.5]);
    expect(per[0]!.recall).toBeCloseTo(2 / 3, 12);
    expect(per[1]!.recall).toBe(0.5);
    expect(per[2]!.recall).toBe(1);
    expect(per[0]!.f1).toBeCloseTo(0.8, 12);
    expect(per[1]!.f1).toBeCloseTo(0.5, 12);
    expect(per[2]!.f1).toBeCloseTo(2 / 3, 12);
    expect(per.map((c) => c.support)).toEqual([3, 2, 1]);
    expect(macroF1(per)).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });

  it("a class that is never predicted gets precision 0, not NaN", () => {
    const m = classificationMetrics(["x", "y", "y"], ["y", "y", "y"]);
    expect(m.labels).toEqual(["x", "y"]);
    expect(m.perClass[0]).toEqual({ label: "x", precision: 0, recall: 0, f1: 0, support: 1 });
    expect(m.perClass[1]!.precision).toBeCloseTo(2 / 3, 12);
    expect(m.perClass[1]!.f1).toBeCloseTo(0.8, 12);
    expect(m.macroF1).toBeCloseTo(0.4, 12);
  });

  it("majority baseline predicts the most frequent training label", () => {
    const b = majorityBaseline(["ham", "ham", "spam"], ["spam", "ham", "ham", "ham"], ["ham", "spam"]);
    expect(b.label).toBe("ham");
    expect(b.accuracy).toBe(0.75);
    // ham: P = 3/4, R = 1, F1 = 6/7; spam F1 = 0
    expect(b.macroF1).toBeCloseTo(3 / 7, 12);
  });

  it("refuses mismatched lengths and labels outside the list", () => {
    expect(() => accuracy(["a"], ["a", "b"])).toThrow(/1 true labels but 2 predictions/);
    expect(() => confusionMatrix(["a"], ["z"], ["a"])).toThrow(/Label "z" is not one of a/);
  });
});
