import { describe, expect, it } from "vitest";
import { frameFromColumns } from "../../src/data/frame.js";
import { correlation, pearson } from "../../src/evaluate/pairs/correlation.js";
import { mutualInformation, normalizedMutualInformation } from "../../src/evaluate/pairs/mutualInformation.js";
import { acf, autocorrelation, dailySeries, pacfFromAcf } from "../../src/evaluate/table/autocorrelation.js";
import type { EvalKind } from "../../src/evaluate/types.js";

const kinds: Record<string, EvalKind> = { x: "numeric", y: "numeric", c: "categorical", z: "numeric" };

/** x and y strongly (anti)correlated, c follows x, z is unrelated noise (the same in every table). */
function table(n: number, flip: boolean) {
  const x = Array.from({ length: n }, (_, i) => i);
  const y = x.map((v) => (flip ? -v : v) + (v % 3));
  const c = x.map((v) => (v < n / 2 ? "low" : "high"));
  const z = x.map((v) => (v * 7919) % 13);
  return frameFromColumns({ x, y, c, z });
}

describe("correlation", () => {
  it("pearson uses rows where both values are present and is null for a constant column", () => {
    expect(pearson(Float64Array.from([1, 2, 3, Number.NaN]), Float64Array.from([2, 4, 6, 100]))).toBeCloseTo(1, 12);
    expect(pearson(Float64Array.from([1, 1, 1]), Float64Array.from([1, 2, 3]))).toBeNull();
  });
  it("a synthetic table with the correlation reversed scores low on the strong real pairs", () => {
    const same = correlation(table(60, false), table(60, false), { kinds });
    const flipped = correlation(table(60, false), table(60, true), { kinds });
    expect(same.score).toBeCloseTo(1, 12);
    const xy = flipped.details.pairs.find((p) => p.a === "x" && p.b === "y")!;
    expect(xy.method).toBe("pearson");
    expect(xy.score!).toBeLessThan(0.1);
    expect(flipped.details.scoreRelevant!).toBeLessThan(flipped.score!); // weak pairs pull the all-pairs mean up
  });
  it("pairs with a categorical column use contingency similarity and Cramér's V", () => {
    const r = correlation(table(40, false), table(40, false), { kinds });
    const xc = r.details.pairs.find((p) => p.b === "c")!;
    expect(xc.method).toBe("contingency");
    expect(xc.score).toBeCloseTo(1, 12);
    expect(xc.relevant).toBe(true);
  });
});

describe("mutual information", () => {
  it("NMI is 1 for identical labelings, 0 against a constant one", () => {
    const a = new Int32Array([0, 1, 2, 0, 1, 2]);
    expect(normalizedMutualInformation(a, 3, a, 3)).toBeCloseTo(1, 12);
    expect(normalizedMutualInformation(a, 3, new Int32Array(6), 1)).toBe(0);
  });
  it("scores 1 for the same table and less when the dependence is lost", () => {
    const t = table(600, false); // enough rows that binned NMI has little small-sample bias
    expect(mutualInformation(t, t, { kinds }).score).toBeCloseTo(1, 12);
    const y = t.columns.y as number[];
    const shuffled = frameFromColumns({ ...t.columns, y: y.map((_, i) => y[(i * 37) % 600]!) } as Record<string, unknown[]>);
    const r = mutualInformation(t, shuffled, { kinds });
    const xy = r.details.pairs.find((p) => p.a === "x" && p.b === "y")!;
    expect(xy.real!).toBeGreaterThan(0.5);
    expect(xy.synthetic!).toBeLessThan(xy.real!);
    expect(xy.score!).toBeLessThan(0.9);
    expect(r.score!).toBeLessThan(1);
  });
});

describe("autocorrelation", () => {
  const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  it("aggregates per day and fills days without rows with 0", () => {
    const f = frameFromColumns({ t: [day(0), day(0), day(2)], v: [1, 2, 5] });
    expect(dailySeries(f, "t", "v").values).toEqual([3, 0, 5]);
    expect(dailySeries(f, "t").values).toEqual([2, 0, 1]);
  });
  it("PACF at lag 1 equals ACF at lag 1 and an AR(1)-like series has a small PACF beyond lag 1", () => {
    let s = 12345;
    const noise = () => { let t = 0; for (let k = 0; k < 6; k++) t += (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296; return t - 3; };
    const x = [0];
    for (let i = 1; i < 2000; i++) x.push(0.8 * x[i - 1]! + noise());
    const r = acf(x, 5)!;
    const p = pacfFromAcf(r);
    expect(p[1]).toBeCloseTo(r[1]!, 12);
    expect(p[1]!).toBeGreaterThan(0.7);
    expect(Math.abs(p[2]!)).toBeLessThan(0.1);
    expect(Math.abs(p[3]!)).toBeLessThan(0.1);
  });
  it("uses K = min(14, T/4) lags and scores 1 for the same daily pattern", () => {
    const times: string[] = [];
    const vals: number[] = [];
    for (let d = 0; d < 40; d++) for (let k = 0; k < 1 + (d % 7); k++) { times.push(day(d)); vals.push(1); }
    const f = frameFromColumns({ t: times, v: vals });
    const r = autocorrelation(f, f, { timeColumn: "t" });
    expect(r.details!.lags).toBe(10);
    expect(r.raw).toEqual({ acfScore: 1, pacfScore: 1 });
  });
  it("is null with a reason when there are too few days", () => {
    const f = frameFromColumns({ t: [day(0), day(1)], v: [1, 2] });
    const r = autocorrelation(f, f, { timeColumn: "t", target: "v" });
    expect(r.score).toBeNull();
    expect(r.warnings?.[0]).toMatch(/at least 4 days/);
  });
});
