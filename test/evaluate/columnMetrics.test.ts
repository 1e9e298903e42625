import { describe, expect, it } from "vitest";
import { ksComplement, ksStatistic } from "../../src/evaluate/columns/ksComplement.js";
import { tvComplement, totalVariation } from "../../src/evaluate/columns/tvComplement.js";
import { histogramSimilarity } from "../../src/evaluate/columns/histogramSimilarity.js";
import { categoricalStats, numericStats, statisticSimilarity } from "../../src/evaluate/columns/statistics.js";
import { inferEvalKind, parseDateMs } from "../../src/evaluate/internal/columns.js";

describe("column statistics", () => {
  it("numeric stats skip missing values and use the sample std", () => {
    const s = numericStats(Float64Array.from([1, 2, 3, Number.NaN, 4]));
    expect(s).toMatchObject({ count: 4, missing: 1, distinct: 4, mean: 2.5, median: 2.5, min: 1, max: 4 });
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });
  it("categorical stats list the most frequent categories first with their shares", () => {
    const s = categoricalStats(["b", "a", "b", null, "c", "b"]);
    expect(s.missing).toBe(1);
    expect(s.top[0]).toEqual({ value: "b", count: 3, share: 0.6 });
  });
  it("statistic similarity scales the gap by the real range and floors at 0", () => {
    const r = numericStats(Float64Array.from([0, 10]));
    const s = numericStats(Float64Array.from([2, 12]));
    expect(statisticSimilarity(r, s, "mean").score).toBeCloseTo(0.8, 12);
    const far = numericStats(Float64Array.from([100, 300]));
    expect(statisticSimilarity(r, far, "mean").score).toBe(0);
  });
  it("statistic similarity is null (with a reason) for a constant real column", () => {
    const r = numericStats(Float64Array.from([3, 3]));
    const res = statisticSimilarity(r, numericStats(Float64Array.from([1, 2])), "mean");
    expect(res.score).toBeNull();
    expect(res.warnings?.[0]).toMatch(/constant/);
  });
});

describe("column shapes", () => {
  it("KS: identical samples give 1, disjoint samples give 0, ties are stepped over together", () => {
    expect(ksComplement([1, 2, 3], [3, 2, 1]).score).toBe(1);
    expect(ksComplement([1, 2], [5, 6]).score).toBe(0);
    expect(ksStatistic(Float64Array.from([1, 1, 2]), Float64Array.from([1, 2, 2]))).toBeCloseTo(1 / 3, 12);
  });
  it("KS drops missing values and is null when one side has none", () => {
    expect(ksComplement([1, null, 2], [1, 2, null, null]).score).toBe(1);
    const r = ksComplement([null, null], [1]);
    expect(r.score).toBeNull();
    expect(r.warnings?.length).toBe(1);
  });
  it("TV complement counts missing values as a category", () => {
    expect(tvComplement(["a", "b"], ["a", "b"]).score).toBe(1);
    expect(tvComplement(["a", "a"], [null, null]).score).toBe(0);
    expect(totalVariation([0.5, 0.5], [1, 0])).toBe(0.5);
  });
  it("histogram similarity is the overlap of bin shares", () => {
    expect(histogramSimilarity(["x", "y"], ["x", "x"], { kind: "categorical" }).score).toBe(0.5);
    expect(histogramSimilarity([0, 1, 2, 3], [0, 1, 2, 3], { kind: "numeric" }).score).toBe(1);
  });
});

describe("column kinds", () => {
  it("infers numeric (also from numeric strings), datetime, categorical and text", () => {
    expect(inferEvalKind([1, 2.5, null])).toBe("numeric");
    expect(inferEvalKind(["1.5", "2", "-3e2"])).toBe("numeric");
    expect(inferEvalKind(["2024-03-01", "2024-03-02T10:00:00Z", null])).toBe("datetime");
    // Times of day (the coffee data's Time column) are a time axis, not free text, however many are distinct.
    expect(inferEvalKind(Array.from({ length: 200 }, (_, i) => `${String(6 + (i % 15)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:${String((i * 7) % 60).padStart(2, "0")}.${i}`))).toBe("datetime");
    expect(inferEvalKind(["a", "b", "a"])).toBe("categorical");
    expect(inferEvalKind([true, false])).toBe("categorical");
    expect(inferEvalKind(Array.from({ length: 100 }, (_, i) => `id-${i}`))).toBe("text");
    expect(inferEvalKind([null, null])).toBe("categorical");
  });
  it("datetimes without a zone are read as UTC", () => {
    expect(parseDateMs("2024-03-01 10:00:00")).toBe(Date.UTC(2024, 2, 1, 10));
    expect(parseDateMs("not a date")).toBeNaN();
  });
});
