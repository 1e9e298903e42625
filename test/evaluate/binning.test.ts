import { describe, expect, it } from "vitest";
import { binPair, binShares, createBinner, NULL_LABEL, NUMERIC_BINS } from "../../src/evaluate/columns/binning.js";

describe("binning", () => {
  it("numeric: 20 equal-width bins over the real range; out-of-range synthetic values go to the edge bins", () => {
    const real = [...Array.from({ length: 21 }, (_, i) => i), 0.5]; // 0..20 with a fraction: 20 bins of width 1
    const b = binPair(real, [-100, 0, 0.999, 10.5, 20, 1e9, null], "numeric");
    expect(b.size).toBe(NUMERIC_BINS + 1);
    expect(b.labels.at(-1)).toBe(NULL_LABEL);
    expect([...b.synthetic]).toEqual([0, 0, 0, 10, 19, 19, 20]);
    expect(b.real[20]).toBe(19); // the real maximum is in the last bin, not past it
  });
  it("whole-number columns get whole-number bins: no fractional edges, no empty bins between integers", () => {
    const quantity = binPair([1, 2, 3, 2, 1], [3, 1, null], "numeric");
    expect(quantity.labels).toEqual(["1", "2", "3", NULL_LABEL]);
    expect([...quantity.real]).toEqual([0, 1, 2, 1, 0]);
    expect([...quantity.synthetic]).toEqual([2, 0, 3]);
    const hour = createBinner(Array.from({ length: 17 }, (_, i) => 6 + i), "numeric"); // 6..22
    expect(hour.labels.slice(0, -1)).toEqual(Array.from({ length: 17 }, (_, i) => String(6 + i)));
    // A wide range: bins of ⌈101 / 20⌉ = 6 values, at most 20 of them, the last ending at the maximum.
    const pct = createBinner([0, 37, 100], "numeric");
    expect(pct.labels.slice(0, 2)).toEqual(["0–5", "6–11"]);
    expect(pct.labels.at(-2)).toBe("96–100");
    expect(pct.labels.length - 1).toBeLessThanOrEqual(NUMERIC_BINS);
    expect(pct.labels.every((l) => !l.includes("."))).toBe(true);
  });
  it("a time-of-day column bins as clock times, not as 1970-01-01 dates", () => {
    const b = createBinner(["06:00:00.000", "21:00:00.000", "12:30:00.000"], "datetime");
    expect(b.labels[0]).toBe("[06:00, 06:45)");
    expect(b.labels.at(-2)).toBe("[20:15, 21:00]");
    expect(b.labels.join(" ")).not.toContain("1970");
    expect(new Set(b.labels).size).toBe(b.labels.length); // distinct labels: a chart keeps every bin apart
  });
  it("categorical: union of categories (unseen synthetic ones added), missing in its own last bin for both sides", () => {
    const b = binPair(["a", "b", null, "a"], ["c", null, "a"], "categorical");
    expect(b.labels).toEqual(["a", "b", "c", NULL_LABEL]);
    expect([...b.real]).toEqual([0, 1, 3, 0]);
    expect([...b.synthetic]).toEqual([2, 3, 0]);
  });
  it("booleans and numbers used as categories bin by their text", () => {
    const b = binPair([true, false, true], [false, "true"], "categorical");
    expect(b.synthetic[1]).toBe(b.real[0]);
  });
  it("a constant real column gets below / equal / above bins instead of dividing by zero", () => {
    const b = createBinner([5, 5, 5], "numeric");
    expect([...b.codes([4, 5, 6, null])]).toEqual([0, 1, 2, 3]);
  });
  it("datetime strings bin by time over the real range", () => {
    const real = ["2024-01-01", "2024-01-21"];
    const b = binPair(real, ["2024-01-11", "2023-06-01", "2024-01-01 12:00:00"], "datetime");
    expect([...b.synthetic]).toEqual([10, 0, 0]);
  });
  it("binShares sums to 1 over all bins", () => {
    const s = binShares(new Int32Array([0, 1, 1, 3]), 4);
    expect([...s]).toEqual([0.25, 0.5, 0, 0.25]);
  });
});
