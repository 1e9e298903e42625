import { describe, expect, it } from "vitest";
import { frameFromColumns } from "../../src/data/frame.js";
import { createRng } from "../../src/data/random.js";
import { splitTrainHoldout } from "../../src/data/split.js";

const n = 1000;
const frame = frameFromColumns({
  id: Array.from({ length: n }, (_, i) => i),
  cls: Array.from({ length: n }, (_, i) => (i % 10 === 0 ? "rare" : i % 10 < 4 ? "mid" : "common")),
});

describe("splitTrainHoldout", () => {
  it("is reproducible for a seed and differs between seeds", () => {
    const a = splitTrainHoldout(frame, { seed: 7 });
    const b = splitTrainHoldout(frame, { seed: 7 });
    const c = splitTrainHoldout(frame, { seed: 8 });
    expect(a.holdoutIndices).toEqual(b.holdoutIndices);
    expect(a.holdoutIndices).not.toEqual(c.holdoutIndices);
  });

  it("gives disjoint parts that together are the table, in original order", () => {
    const { train, holdout, trainIndices, holdoutIndices } = splitTrainHoldout(frame, { holdout: 0.25, seed: "x" });
    expect(holdout.rowCount).toBe(250);
    expect(train.rowCount).toBe(750);
    const all = new Set([...trainIndices, ...holdoutIndices]);
    expect(all.size).toBe(n);
    expect(trainIndices.filter((i) => holdoutIndices.includes(i))).toEqual([]);
    expect(train.columns.id).toEqual(trainIndices);
    expect([...holdoutIndices].sort((x, y) => x - y)).toEqual(holdoutIndices);
  });

  it("keeps level shares with stratify", () => {
    const { holdout } = splitTrainHoldout(frame, { holdout: 0.2, seed: 1, stratify: "cls" });
    const count = (v: string) => holdout.columns.cls!.filter((x) => x === v).length;
    expect([count("rare"), count("mid"), count("common")]).toEqual([20, 60, 120]);
  });

  it("rejects bad options with the fix", () => {
    expect(() => splitTrainHoldout(frame, { holdout: 1.5 })).toThrow(/between 0 and 1/);
    expect(() => splitTrainHoldout(frame, { stratify: "nope" })).toThrow(/no column "nope" to stratify by/);
  });
});

describe("createRng", () => {
  it("repeats its sequence for the same seed (numbers and strings)", () => {
    const a = createRng(42), b = createRng(42), c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(createRng("run-1").next()).toBe(createRng("run-1").next());
  });

  it("draws uniform values in [0,1), normals with mean 0 and sd 1, weighted indices", () => {
    const rng = createRng(1);
    const u = Array.from({ length: 20000 }, () => rng.next());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((s, x) => s + x, 0) / u.length).toBeCloseTo(0.5, 1);
    const z = Array.from({ length: 20000 }, () => rng.normal());
    const mean = z.reduce((s, x) => s + x, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, x) => s + (x - mean) ** 2, 0) / z.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    const hits = [0, 0, 0];
    for (let i = 0; i < 20000; i++) hits[rng.weighted([1, 0, 3])]!++;
    expect(hits[1]).toBe(0);
    expect(hits[2]! / 20000).toBeCloseTo(0.75, 1);
  });

  it("shuffles into a permutation and bounds int()", () => {
    const rng = createRng(5);
    const arr = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = rng.shuffle([...arr]);
    expect(shuffled).not.toEqual(arr);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(arr);
    for (let i = 0; i < 1000; i++) expect(rng.int(3)).toBeLessThan(3);
    expect(() => rng.int(0)).toThrow(/positive integer/);
  });

  it("stratifies by a column with 200,000 levels without overflowing the call stack", () => {
    const m = 200_000;
    const big = frameFromColumns({ id: Array.from({ length: m }, (_, i) => i), key: Array.from({ length: m }, (_, i) => `k${i}`) });
    const s = splitTrainHoldout(big, { seed: 1, stratify: "key" });
    expect(s.trainIndices.length + s.holdoutIndices.length).toBe(m);
  });
});
