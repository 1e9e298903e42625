import { describe, expect, it } from "vitest";
import { binPair, binShares, createBinner, NULL_LABEL, NUMERIC_BINS } from "../../src/evaluate/binning.js";

describe("binning", () => {
  it("numeric: 20 equal-width bins over the real range; out-of-range synthetic values go to the edge bins", () => {
    const real = Array.from({ length: 21 }, (_, i) => i); // 0..20, width 1
    const b = binPair(real, [-100, 0, 0.999, 10.5, 20, 1e9, null], "numeric");
    expect(b.size).toBe(NUMERIC_BINS + 1);
    expect(b.labels.at(-1)).toBe(NULL_LABEL);
    expect([...b.synthetic]).toEqual([0, 0, 0, 10, 19, 19, 20]);
    expect(b.real[20]).toBe(19); // the real maximum is in the last bin, not past it
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
