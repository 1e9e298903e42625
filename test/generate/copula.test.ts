import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "../../src/datasets/index.js";
import { inferSchema } from "../../src/data/schema.js";
import { parseDateTimeMs } from "../../src/data/datetime.js";
import { createRng } from "../../src/data/random.js";
import type { CellValue, Frame } from "../../src/data/types.js";
import { fitCopula, sampleCopula, normalCdf, normalQuantile, cholesky, repairCorrelation } from "../../src/generate/copula/index.js";

const MIRROR = resolve(process.env.SYNTHLAB_DATA_MIRROR ?? "../shared/datasets");

/** Two-sample Kolmogorov–Smirnov statistic D = max |F1 − F2|. */
function ks(a: readonly number[], b: readonly number[]): number {
  const x = [...a].sort((p, q) => p - q), y = [...b].sort((p, q) => p - q);
  let i = 0, j = 0, d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** Total variation distance between two categorical samples. */
function tv(a: readonly CellValue[], b: readonly CellValue[]): number {
  const share = (vals: readonly CellValue[]) => {
    const m = new Map<CellValue, number>();
    for (const v of vals) m.set(v, (m.get(v) ?? 0) + 1 / vals.length);
    return m;
  };
  const p = share(a), q = share(b);
  let s = 0;
  for (const k of new Set([...p.keys(), ...q.keys()])) s += Math.abs((p.get(k) ?? 0) - (q.get(k) ?? 0));
  return s / 2;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n, mb = b.reduce((s, x) => s + x, 0) / n;
  let c = 0, va = 0, vb = 0;
  for (let i = 0; i < n; i++) { c += (a[i]! - ma) * (b[i]! - mb); va += (a[i]! - ma) ** 2; vb += (b[i]! - mb) ** 2; }
  return c / Math.sqrt(va * vb);
}

describe("normal helpers", () => {
  it("Φ and Φ⁻¹ match reference quantiles and invert each other", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 7);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 7);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    for (const p of [1e-6, 0.02, 0.3, 0.77, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });

  it("repairs an indefinite correlation matrix and factors it", () => {
    // Pairwise correlations that cannot all hold at once (not PSD).
    const bad = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]];
    expect(() => cholesky(bad)).toThrow(/not positive definite/);
    const { matrix, repaired } = repairCorrelation(bad);
    expect(repaired).toBe(true);
    for (let i = 0; i < 3; i++) expect(matrix[i]![i]).toBeCloseTo(1, 12);
    const l = cholesky(matrix);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += l[i]![k]! * l[j]![k]!;
      expect(s).toBeCloseTo(matrix[i]![j]!, 9);
    }
  });
});

describe("Gaussian copula on the real coffee sales", () => {
  let real: Frame;
  let cache: string;
  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), "synthlab-copula-"));
    real = await loadDataset("coffee-sales", { mirrorDir: MIRROR, cacheDir: cache, quiet: true, offline: true });
  });
  afterAll(async () => { await rm(cache, { recursive: true, force: true }); });

  it("preserves every marginal (KS / TV small), keeps ranges and integers, is seeded", () => {
    const schema = inferSchema(real);
    const model = fitCopula(real, { schema, seed: 1 });
    const synth = sampleCopula(model, 5000, 2);
    expect(synth.columnNames).toEqual(real.columnNames);
    for (const col of schema.columns) {
      const r = real.columns[col.name]!, s = synth.columns[col.name]!;
      if (col.kind === "numeric" || col.kind === "integer" || col.kind === "datetime") {
        const num = (v: CellValue) => (typeof v === "number" ? v : parseDateTimeMs(String(v)));
        const rn = r.map(num), sn = s.map(num);
        // 1.36·sqrt((n+m)/(nm)) ≈ 0.030 is the 5% critical value for these sizes.
        expect(ks(rn, sn), col.name).toBeLessThan(0.03);
        expect(Math.min(...sn), col.name).toBeGreaterThanOrEqual(Math.min(...rn));
        expect(Math.max(...sn), col.name).toBeLessThanOrEqual(Math.max(...rn));
        if (col.kind === "integer") expect(sn.every(Number.isInteger), col.name).toBe(true);
        if (col.kind === "datetime") expect(String(s[0]).length, col.name).toBe(String(r[0]).length); // same text shape
      } else {
        expect(tv(r, s), col.name).toBeLessThan(0.03);
        const realSet = new Set(r);
        expect(s.every((v) => realSet.has(v)), col.name).toBe(true);
      }
    }
    // money has 13 distinct prices: the synthetic ones are exactly real prices.
    const prices = new Set(real.columns.money);
    expect(synth.columns.money!.every((v) => prices.has(v))).toBe(true);
    expect(sampleCopula(model, 50, 2).columns).toEqual(sampleCopula(model, 50, 2).columns);
    expect(sampleCopula(model, 50, 3).columns.money).not.toEqual(sampleCopula(model, 50, 2).columns.money);
  });

  it("keeps the strong real dependence between hour_of_day and Time", () => {
    const synth = sampleCopula(fitCopula(real, { seed: 1 }), 3000, 5);
    const hours = synth.columns.hour_of_day as number[];
    const times = (synth.columns.Time as string[]).map((t) => parseDateTimeMs(t) / 3_600_000);
    expect(pearson(hours, times)).toBeGreaterThan(0.9);
  });

  it("orders categories so a category ↔ number link (Weekday ↔ Weekdaysort) mostly survives", () => {
    const synth = sampleCopula(fitCopula(real, { seed: 1 }), 3000, 6);
    const realPairs = new Set(real.columns.Weekday!.map((d, i) => `${d}|${real.columns.Weekdaysort![i]}`));
    const consistent = synth.columns.Weekday!.filter((d, i) => realPairs.has(`${d}|${synth.columns.Weekdaysort![i]}`)).length;
    // Independent columns would agree about 1 time in 7.
    expect(consistent / synth.rowCount).toBeGreaterThan(0.4);
  });
});

describe("Gaussian copula on a synthetic correlated table", () => {
  const rng = createRng(99);
  const n = 4000;
  const x: number[] = [], y: (number | null)[] = [], z: number[] = [], c: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    x.push(a);
    y.push(i % 10 === 0 ? null : Math.round(2 * a + rng.normal() * 0.5)); // integer column, 10% missing
    z.push(Math.exp(-a + rng.normal() * 0.3));
    c.push(a > 0.5 ? "high" : a < -0.5 ? "low" : "mid");
  }
  const frame: Frame = { columnNames: ["x", "y", "z", "c"], columns: { x, y, z, c }, rowCount: n };

  it("keeps correlation signs, category relations, integers and the missing share", () => {
    const model = fitCopula(frame, { seed: 3 });
    const s = sampleCopula(model, 6000, 4);
    const sx = s.columns.x as number[], sz = s.columns.z as number[];
    const yPairs = s.columns.y!.map((v, i) => [sx[i]!, v] as const).filter(([, v]) => v !== null) as [number, number][];
    expect(pearson(yPairs.map((p) => p[0]), yPairs.map((p) => p[1]))).toBeGreaterThan(0.8);
    expect(pearson(sx, sz)).toBeLessThan(-0.5);
    const meanX = (label: string) => {
      const v = sx.filter((_, i) => s.columns.c![i] === label);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    expect(meanX("high")).toBeGreaterThan(meanX("mid"));
    expect(meanX("mid")).toBeGreaterThan(meanX("low"));
    expect(yPairs.every(([, v]) => Number.isInteger(v))).toBe(true);
    const missing = s.columns.y!.filter((v) => v === null).length / s.rowCount;
    expect(Math.abs(missing - 0.1)).toBeLessThan(0.02);
    expect(model.warnings).toEqual([]);
  });

  it("makes new ids in the real ids' shape and resamples free text with a warning", () => {
    const m = 60;
    const t: Frame = {
      columnNames: ["card", "review", "stars"],
      columns: {
        card: Array.from({ length: m }, (_, i) => `ANON-${String(1000 + i * 7)}-${String(i).padStart(2, "0")}`),
        review: Array.from({ length: m }, (_, i) => `Review number ${i}: the coffee was ${i % 2 ? "great" : "too bitter"} and the staff friendly enough`),
        stars: Array.from({ length: m }, (_, i) => 1 + (i % 5)),
      },
      rowCount: m,
    };
    const schema = inferSchema(t);
    expect(schema.columns.map((c) => c.kind)).toEqual(["id", "text", "integer"]);
    const model = fitCopula(t, { schema, seed: 1 });
    expect(model.warnings.join(" ")).toMatch(/review are resampled from real values/);
    const s = sampleCopula(model, 100, 1);
    const ids = s.columns.card as string[];
    expect(ids.every((v) => /^[A-Z]{4}-\d{4}-\d{2}$/.test(v))).toBe(true); // the inferred shape
    expect(new Set(ids).size).toBe(100);
    const reviews = new Set(t.columns.review);
    expect(s.columns.review!.every((v) => reviews.has(v))).toBe(true);
  });

  it("keeps the real values' precision for interpolated numbers", () => {
    const r = createRng(5);
    const price = Array.from({ length: 300 }, () => Math.round((1 + r.next() * 20) * 100) / 100); // cents, ~300 distinct
    const s = sampleCopula(fitCopula({ columnNames: ["price"], columns: { price }, rowCount: 300 }, { seed: 1 }), 500, 2);
    const out = s.columns.price as number[];
    expect(out.every((p) => Math.round(p * 100) / 100 === p)).toBe(true);
    expect(new Set(out).size).toBeGreaterThan(100); // interpolated, not only resampled
    expect(Math.min(...out)).toBeGreaterThanOrEqual(Math.min(...price));
    expect(Math.max(...out)).toBeLessThanOrEqual(Math.max(...price));
  });

  it("needs at least two rows", () => {
    expect(() => fitCopula({ columnNames: ["x"], columns: { x: [1] }, rowCount: 1 })).toThrow(/at least 2 real rows/);
  });
});
