import { describe, expect, it } from "vitest";
import { frameFromColumns, takeRows } from "../../src/data/frame.js";
import { qscore } from "../../src/evaluate/table/qscore.js";
import { meanStd, prediction, regressionScores, type Trainer } from "../../src/evaluate/utility/prediction.js";
import { featureImportance, kendallTau } from "../../src/evaluate/utility/featureImportance.js";
import { createGowerEncoder, gowerDistance, nearestNeighbors } from "../../src/evaluate/privacy/gower.js";
import { dcr } from "../../src/evaluate/privacy/dcr.js";
import { membershipInference, rocAuc } from "../../src/evaluate/privacy/membershipInference.js";
import { exactMatch } from "../../src/evaluate/privacy/exactMatch.js";
import { roundSignificant } from "../../src/data/numbers.js";
import type { EvalKind } from "../../src/evaluate/types.js";
import { linearTable } from "./helpers.js";

const kinds: Record<string, EvalKind> = { a: "numeric", b: "numeric", c: "categorical", y: "numeric" };

describe("QScore", () => {
  const real = linearTable(500, 1);
  it("is 1 for an identical table, runs ≥ 200 queries by default and is reproducible for a seed", () => {
    const r = qscore(real, real, { kinds });
    expect(r.score).toBeCloseTo(1, 12);
    expect(r.details.queries.length).toBe(200);
    expect(qscore(real, linearTable(500, 2), { kinds, seed: 7 }).score).toBe(qscore(real, linearTable(500, 2), { kinds, seed: 7 }).score);
  });
  it("drops for a table with a different distribution and its interval contains the mean", () => {
    const other = frameFromColumns({ ...real.columns, c: real.columns.c!.map(() => "u") } as Record<string, unknown[]>);
    const r = qscore(real, other, { kinds });
    expect(r.score!).toBeLessThan(0.8);
    expect(r.details.ci95![0]).toBeLessThanOrEqual(r.score!);
    expect(r.details.ci95![1]).toBeGreaterThanOrEqual(r.score!);
    expect(r.details.queries[0]!.query).toMatch(/^SELECT .* GROUP BY /);
  });
});

describe("prediction and feature importance", () => {
  const real = linearTable(400, 3);
  const holdout = linearTable(200, 4);
  it("TSTR on an equally good synthetic table scores ≈ 1; on noise it scores low", async () => {
    const good = await prediction(real, linearTable(400, 5), { holdout, target: "y", kinds });
    expect(good.score!).toBeGreaterThan(0.8);
    expect(good.details.trtr.r2).toBeGreaterThan(0.99);
    const noise = frameFromColumns({ ...real.columns, y: real.columns.y!.map((_, i) => (i * 7919) % 50) } as Record<string, unknown[]>);
    const bad = await prediction(real, noise, { holdout, target: "y", kinds });
    expect(bad.score!).toBeLessThan(0.3);
  });
  it("averages over seeds with a pluggable trainer and reports the std", async () => {
    const seen: number[] = [];
    const meanTrainer: Trainer = async (train, o) => {
      seen.push(o.seed);
      const ys = train.columns[o.target]!.map(Number);
      const m = ys.reduce((s, v) => s + v, 0) / ys.length + o.seed; // the seed shifts the prediction
      return { predict: (f) => new Float64Array(f.rowCount).fill(m) };
    };
    const r = await prediction(real, real, { holdout, target: "y", kinds, trainer: meanTrainer, seeds: [0, 1, 2] });
    // Each table (real, then synthetic: the shared experiment runs setting by setting) once per seed.
    expect(seen).toEqual([0, 1, 2, 0, 1, 2]);
    expect(r.details.trtrStd.mae).toBeGreaterThan(0);
    expect(r.score).toBe(1);
  });
  it("reports a std of exactly 0 when every seed scores the same", () => {
    // (1.77 + 1.77 + 1.77) / 3 is not exactly 1.77 in floating point, so a naive std is ~3e-16.
    const same = { mae: 1.77, rmse: 0.7, r2: 0.1 };
    expect(meanStd([same, same, same]).std).toEqual({ mae: 0, rmse: 0, r2: 0 });
    expect(meanStd([same, { ...same, mae: 1.78 }]).std.mae).toBeCloseTo(Math.SQRT1_2 * 0.01, 12);
  });
  it("permutation importance ranks the strongest feature first for both models; τ = 1 → score 1", async () => {
    const p = await prediction(real, linearTable(400, 6), { holdout, target: "y", kinds, seeds: [0] });
    const fi = await featureImportance(p.details.models, holdout, { target: "y", features: ["a", "b", "c"] });
    expect(fi.details.real.a!).toBeGreaterThan(fi.details.real.b!);
    expect(fi.details.tau).toBe(1);
    expect(fi.score).toBe(1);
    expect(kendallTau([1, 2, 3], [3, 2, 1])).toBe(-1);
  });
  it("regressionScores computes MAE, RMSE and R²", () => {
    const s = regressionScores([1, 2, 3], [1, 2, 5]);
    expect(s.mae).toBeCloseTo(2 / 3, 12);
    expect(s.rmse).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(s.r2).toBeCloseTo(1 - 4 / 2, 12);
  });
});

describe("Gower distance", () => {
  it("numeric |Δ|/range capped at 1, categories 0/1, missing vs value 1, missing vs missing 0", () => {
    const train = frameFromColumns({ n: [0, 10], c: ["a", "b"] });
    const enc = createGowerEncoder(train, ["n", "c"], { n: "numeric", c: "categorical" });
    const rows = enc.encode(frameFromColumns({ n: [0, 5, 100, null, null], c: ["a", "a", "z", null, null] }));
    const row = (i: number) => rows.subarray(i * 2, i * 2 + 2);
    expect(gowerDistance(row(0), row(1))).toBeCloseTo(0.25, 6); // (0.5 + 0) / 2
    expect(gowerDistance(row(0), row(2))).toBeCloseTo(1, 6); // capped numeric + different category
    expect(gowerDistance(row(0), row(3))).toBeCloseTo(1, 6); // missing vs value, both columns
    expect(gowerDistance(row(3), row(4))).toBe(0); // missing vs missing
  });
  it("the SIMD kernel matches brute force in both directions, on one thread and on workers", async () => {
    const C = 5;
    let s = 7;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    const mk = (n: number) => Float32Array.from({ length: n * C }, (_, i) => (i % C === 0 ? Math.floor(rnd() * 4) : rnd()));
    const q = mk(1300);
    const r = mk(3100);
    const brute = (i: number, j: number) => gowerDistance(q.subarray(i * C, (i + 1) * C), r.subarray(j * C, (j + 1) * C));
    for (const threads of [1, 2]) {
      const res = await nearestNeighbors(q, r, C, { threads });
      for (const i of [0, 17, 1299]) {
        let best = Infinity;
        for (let j = 0; j < 3100; j++) best = Math.min(best, brute(i, j));
        expect(res.queryMin[i]).toBeCloseTo(best, 6);
      }
      for (const j of [0, 1234, 3099]) {
        let best = Infinity;
        for (let i = 0; i < 1300; i++) best = Math.min(best, brute(i, j));
        expect(res.referenceMin[j]).toBeCloseTo(best, 6);
      }
    }
  });
});

describe("privacy", () => {
  const train = linearTable(300, 8, 5);
  const holdout = linearTable(300, 9, 5);
  it("copying the training rows gives p = 1, neighbours score 0 and a high membership AUC", async () => {
    const copied = takeRows(train, Array.from({ length: 300 }, (_, i) => i));
    const d = await dcr(train, copied, { holdout, kinds });
    expect(d.details.p).toBe(1);
    expect(d.score).toBe(0);
    expect(d.details.dcrSynthetic.median).toBe(0);
    const m = await membershipInference(train, copied, { holdout, kinds });
    expect(m.raw!).toBeGreaterThan(0.95);
    expect(m.score!).toBeLessThan(0.1);
  });
  it("fresh rows from the same distribution give p ≈ 0.5 and AUC ≈ 0.5", async () => {
    const fresh = linearTable(300, 10, 5);
    const d = await dcr(train, fresh, { holdout, kinds });
    expect(d.details.p).toBeGreaterThan(0.35);
    expect(d.details.p).toBeLessThan(0.65);
    const m = await membershipInference(train, fresh, { holdout, kinds });
    expect(Math.abs(m.raw! - 0.5)).toBeLessThan(0.1);
  });
  it("samples above the row cap and says so", async () => {
    const d = await dcr(train, linearTable(300, 11), { holdout, kinds, cap: 100 });
    expect(d.warnings?.join(" ")).toMatch(/sampled to 100 of 300/);
  });
  it("exact matches round numbers to 6 significant digits", () => {
    expect(roundSignificant(1.23456789)).toBe(1.23457);
    const real = frameFromColumns({ v: [1.0000001, 2], c: ["a", "b"] });
    const syn = frameFromColumns({ v: [1.0000002, 2, 2], c: ["a", "b", "x"] });
    const r = exactMatch(real, syn, { kinds: { v: "numeric", c: "categorical" } });
    expect(r.details.count).toBe(2);
    expect(r.score).toBeCloseTo(1 / 3, 12);
  });
  it("rocAuc counts ties as one half", () => {
    expect(rocAuc([1, 1], [1, 1])).toBe(0.5);
    expect(rocAuc([2, 3], [0, 1])).toBe(1);
  });
});

describe("prediction with the train stage's TF.js models", () => {
  it("tfjsTrainer plugs trainRegressor into TRTR/TSTR", async () => {
    const { tfjsTrainer } = await import("../../src/evaluate/utility/prediction.js");
    const real = linearTable(300, 21);
    const holdout = linearTable(150, 22);
    const r = await prediction(real, linearTable(300, 23), { holdout, target: "y", kinds, trainer: tfjsTrainer("linear", { epochs: 40 }), seeds: [0] });
    expect(r.details.trtr.r2).toBeGreaterThan(0.5); // a trained model, far better than the mean
    expect(r.score!).toBeGreaterThan(0.5);
  });
});
