import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as generateCli } from "../../src/cli/commands/generate.js";
import { parseCsv } from "../../src/data/csv.js";
import { registerMagic, unregisterMagic } from "../../src/magics/index.js";
import generateMagic from "../../src/magics/library/generate.js";
import { makeContext } from "../magics/helpers.js";
import { runCli } from "../support/cli.js";
import { readCsv } from "../../src/data/csv.js";
import { inferSchema } from "../../src/data/schema.js";
import { dateCellMs } from "../../src/data/datetime.js";
import { frameFromColumns, takeRows } from "../../src/data/frame.js";
import { createRng } from "../../src/data/random.js";
import type { CellValue, Frame } from "../../src/data/types.js";
import { exactMatch } from "../../src/evaluate/index.js";
import { fitCart, sampleCart } from "../../src/generate/cart/index.js";
import { growTree, leafOfRow } from "../../src/generate/cart/tree.js";
import { generate, GenerateError } from "../../src/generate/index.js";
import { tablePath } from "../support/tables.js";

const quiet = { log: () => {} };

/** A table with every kind the project knows, made here: y depends on x and group nonlinearly. */
function mixedTable(n: number, seed = 1): Frame {
  const rng = createRng(seed);
  const cols: Record<string, CellValue[]> = { id: [], group: [], flag: [], x: [], count: [], day: [], note: [], y: [] };
  const groups = ["a", "b", "c"];
  for (let i = 0; i < n; i++) {
    const g = groups[rng.int(3)]!;
    const x = Math.round(rng.uniform(-3, 3) * 10000) / 10000;
    cols.id!.push(`ID-${String(100000 + i)}`);
    cols.group!.push(g);
    cols.flag!.push(rng.next() < 0.3);
    cols.x!.push(x);
    cols.count!.push(rng.int(20));
    const d = new Date(Date.UTC(2023, 0, 1) + rng.int(365) * 86_400_000);
    cols.day!.push(`${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`);
    cols.note!.push(`customer said ${["hello there", "thanks a lot", "see you soon", "not happy", "great service"][rng.int(5)]} on visit ${rng.int(400)}`);
    // Missing only in group c, so missingness depends on another column.
    const y = 3 * Math.sin(2 * x) + (g === "a" ? 2 : g === "b" ? 0 : -2) + rng.normal() * 0.1;
    cols.y!.push(g === "c" && rng.next() < 0.5 ? null : Math.round(y * 1000) / 1000);
  }
  return frameFromColumns(cols);
}

function values(frame: Frame, name: string): CellValue[] {
  return [...frame.columns[name]!];
}

describe("cart tree", () => {
  it("a class tree separates classes by an ordered predictor and keeps ≥ minLeaf rows per leaf", () => {
    const n = 200;
    const bins = Uint8Array.from({ length: n }, (_, i) => 1 + (i % 100));
    const codes = Uint16Array.from({ length: n }, (_, i) => ((i % 100) < 40 ? 0 : 1));
    const tree = growTree([{ bins, nBins: 101, ordered: true }], { type: "class", codes, nClasses: 2 }, Int32Array.from({ length: n }, (_, i) => i), { minLeaf: 5 });
    for (let k = 0; k < tree.nodes; k++) {
      if (tree.feature[k]! >= 0) continue;
      const members = Array.from(tree.donors.slice(tree.start[k]!, tree.end[k]!));
      expect(members.length).toBeGreaterThanOrEqual(5);
      expect(new Set(members.map((r) => codes[r])).size).toBe(1); // pure: the split at 40 is found
    }
    const probe = [Uint8Array.of(10, 90)];
    expect(codes[tree.donors[tree.start[leafOfRow(tree, probe, 0)]!]!]).toBe(0);
    expect(codes[tree.donors[tree.start[leafOfRow(tree, probe, 1)]!]!]).toBe(1);
  });

  it("an unordered predictor is split by a subset of its levels", () => {
    const n = 300;
    // Levels 1 and 3 give y = 10, levels 2 and 4 give y = 0: no threshold on the level order separates them.
    const bins = Uint8Array.from({ length: n }, (_, i) => 1 + (i % 4));
    const y = Float64Array.from(bins, (b) => (b % 2 === 1 ? 10 : 0));
    const tree = growTree([{ bins, nBins: 5, ordered: false }], { type: "numeric", values: y }, Int32Array.from({ length: n }, (_, i) => i), { minLeaf: 5 });
    expect(tree.feature[0]).toBe(0);
    expect(tree.subsets[0]).not.toBeNull();
    const probe = [Uint8Array.of(1, 3, 2, 4)];
    const leafY = (r: number) => y[tree.donors[tree.start[leafOfRow(tree, probe, r)]!]!];
    expect([leafY(0), leafY(1), leafY(2), leafY(3)]).toEqual([10, 10, 0, 0]);
  });
});

describe("cart mode", () => {
  const real = mixedTable(1500);

  it("is deterministic for a seed, and another seed gives other rows", async () => {
    const a = await generate({ mode: "cart", like: real, rows: 500, seed: 11 });
    const b = await generate({ mode: "cart", like: real, rows: 500, seed: 11 });
    const c = await generate({ mode: "cart", like: real, rows: 500, seed: 12 });
    expect(a.frame.columns).toEqual(b.frame.columns);
    expect(a.frame.columns.y).not.toEqual(c.frame.columns.y);
    expect(a.mode).toBe("cart");
    expect(a.provenance?.method).toBe("cart");
  });

  it("keeps every column kind: categories, booleans, numbers in range, dates in their format, new ids, text from real", async () => {
    const run = await generate({ mode: "cart", like: real, rows: 1000, seed: 3 });
    const f = run.frame;
    expect(f.columnNames).toEqual(real.columnNames);
    expect(f.rowCount).toBe(1000);
    const realSchema = inferSchema(real), synthSchema = inferSchema(f);
    for (const c of realSchema.columns) expect(synthSchema.columns.find((s) => s.name === c.name)?.kind, c.name).toBe(c.kind);
    // Ids are fresh, never copies of real ids.
    const realIds = new Set(values(real, "id"));
    expect(values(f, "id").some((v) => realIds.has(v))).toBe(false);
    expect(new Set(values(f, "id")).size).toBe(1000);
    // Categories, booleans and texts come from the real values; numbers stay within the real range.
    for (const name of ["group", "flag", "note"]) {
      const seen = new Set(values(real, name));
      expect(values(f, name).every((v) => seen.has(v)), name).toBe(true);
    }
    expect(values(f, "flag").filter((v) => v === true).length / 1000).toBeGreaterThan(0.2);
    for (const name of ["x", "count", "y"]) {
      const r = values(real, name).filter((v): v is number => typeof v === "number");
      const lo = Math.min(...r), hi = Math.max(...r);
      expect(values(f, name).every((v) => v === null || (typeof v === "number" && v >= lo && v <= hi)), name).toBe(true);
    }
    expect(values(f, "day").every((v) => typeof v === "string" && /^\d{2}\/\d{2}\/2023$/.test(v) && !Number.isNaN(dateCellMs(v, "dd/mm/yyyy")))).toBe(true);
    expect(run.warnings.join(" ")).toMatch(/Text column\(s\) note are real texts/);
  });

  it("models missing values: where they fall depends on the other columns, as in the real table", async () => {
    const f = (await generate({ mode: "cart", like: real, rows: 3000, seed: 5 })).frame;
    const share = (frame: Frame, g: string): number => {
      let n = 0, miss = 0;
      for (let i = 0; i < frame.rowCount; i++) if (frame.columns.group![i] === g) { n++; if (frame.columns.y![i] === null) miss++; }
      return miss / n;
    };
    expect(share(f, "a")).toBe(0);
    expect(share(f, "b")).toBe(0);
    expect(Math.abs(share(f, "c") - share(real, "c"))).toBeLessThan(0.08);
    // A categorical column with gaps keeps them as one more category.
    const withGaps = frameFromColumns({ ...real.columns, group: values(real, "group").map((v, i) => (i % 10 === 0 ? null : v)) });
    const g = (await generate({ mode: "cart", like: withGaps, rows: 2000, seed: 5 })).frame;
    const missing = values(g, "group").filter((v) => v === null).length / 2000;
    expect(missing).toBeGreaterThan(0.06);
    expect(missing).toBeLessThan(0.14);
  });

  it("smoothing moves continuous numbers off the real values, within the real range and precision; discrete ones stay", async () => {
    const plain = (await generate({ mode: "cart", like: real, rows: 1000, seed: 4 })).frame;
    const smooth = (await generate({ mode: "cart", like: real, rows: 1000, seed: 4, smoothing: "density" })).frame;
    const realX = new Set(values(real, "x"));
    const novel = (f: Frame) => values(f, "x").filter((v) => !realX.has(v)).length;
    expect(novel(plain)).toBe(0);
    expect(novel(smooth)).toBeGreaterThan(300);
    const xs = values(smooth, "x") as number[];
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...xs)).toBeLessThanOrEqual(3);
    expect(xs.every((v) => Math.round(v * 10000) / 10000 === v)).toBe(true);
    // count has 20 distinct values: never smoothed.
    const realCount = new Set(values(real, "count"));
    expect(values(smooth, "count").every((v) => realCount.has(v))).toBe(true);
    expect(values(smooth, "day").every((v) => typeof v === "string" && /^\d{2}\/\d{2}\/2023$/.test(v))).toBe(true);
  });

  it("a larger minLeaf and smoothing copy fewer real rows (the privacy trade)", async () => {
    const mpg = await readCsv(tablePath("mpg.csv"), quiet);
    const rate = async (opts: { minLeaf?: number; smoothing?: "density" }) =>
      exactMatch(mpg, (await generate({ mode: "cart", like: mpg, rows: mpg.rowCount, seed: 1, ...opts })).frame).details.rate;
    const leaf1 = await rate({ minLeaf: 1 });
    const leaf5 = await rate({ minLeaf: 5 });
    const leaf40 = await rate({ minLeaf: 40 });
    const smoothed = await rate({ minLeaf: 5, smoothing: "density" });
    expect(leaf1).toBeGreaterThan(0.3); // near-complete trees re-draw whole real rows
    expect(leaf5).toBeLessThan(leaf1);
    expect(leaf40).toBeLessThan(leaf5);
    expect(smoothed).toBeLessThan(leaf5);
  });

  it("the visit order is the user's; '*' stands for the other columns; the output keeps the table's column order", async () => {
    const m1 = fitCart(real, { order: ["y", "x"] });
    expect(m1.steps.map((s) => m1.columns[s.column]!.name)).toEqual(["y", "x", "group", "flag", "count", "day", "note"]);
    const m2 = fitCart(real, { order: ["*", "group"] });
    expect(m2.steps.map((s) => m2.columns[s.column]!.name)).toEqual(["flag", "x", "count", "day", "note", "y", "group"]);
    // The first column has no predictors; the last has all earlier ones except text.
    expect(m2.steps[0]!.predictors).toEqual([]);
    expect(m2.steps.at(-1)!.predictors.map((i) => m2.columns[i]!.name)).toEqual(["flag", "x", "count", "day", "y"]);
    expect(sampleCart(m2, 10, 1).columnNames).toEqual(real.columnNames);
  });

  it("carries a nonlinear dependency that the copula loses: a model trained on cart rows predicts the real holdout better", async () => {
    const train = mixedTable(2000, 7), holdout = mixedTable(600, 8);
    // A model that can learn any shape: the mean of y per (group, x in 0.25-wide bins).
    const fitBins = (f: Frame) => {
      const sums = new Map<string, [number, number]>();
      for (let i = 0; i < f.rowCount; i++) {
        const y = f.columns.y![i], x = f.columns.x![i];
        if (typeof y !== "number" || typeof x !== "number") continue;
        const k = `${String(f.columns.group![i])}:${Math.floor(x * 4)}`;
        const s = sums.get(k) ?? [0, 0];
        s[0] += y; s[1]++;
        sums.set(k, s);
      }
      return (g: CellValue, x: number): number => { const s = sums.get(`${String(g)}:${Math.floor(x * 4)}`); return s ? s[0] / s[1] : 0; };
    };
    const mae = (f: Frame): number => {
      const predict = fitBins(f);
      let sum = 0, n = 0;
      for (let i = 0; i < holdout.rowCount; i++) {
        const y = holdout.columns.y![i];
        if (typeof y !== "number") continue;
        sum += Math.abs(predict(holdout.columns.group![i]!, holdout.columns.x![i] as number) - y); n++;
      }
      return sum / n;
    };
    const cart = (await generate({ mode: "cart", like: train, rows: 2000, seed: 2 })).frame;
    const copula = (await generate({ mode: "copula", like: train, rows: 2000, seed: 2 })).frame;
    const [onReal, onCart, onCopula] = [mae(train), mae(cart), mae(copula)];
    expect(onCart).toBeLessThan(onCopula / 2);
    expect(onCart).toBeLessThan(onReal * 2);
  });
});

describe("cart on real tables", () => {
  const cases: { file: string; every?: number; rows: number }[] = [
    { file: "mpg.csv", rows: 400 },
    { file: "titanic.csv", rows: 600 },
    { file: "diamonds.csv", every: 40, rows: 800 },
    { file: "airplane_crashes.csv", every: 6, rows: 500 },
    { file: "startups_2021.csv", rows: 500 },
  ];
  for (const { file, every, rows } of cases) {
    it(`${file}: kinds kept, categories seen in real, numbers within the real range, dates in the real format`, async () => {
      const all = await readCsv(tablePath(file), quiet);
      const real = every ? takeRows(all, Array.from({ length: Math.floor(all.rowCount / every) }, (_, i) => i * every)) : all;
      const schema = inferSchema(real);
      const run = await generate({ mode: "cart", like: real, rows, seed: 9 });
      const f = run.frame;
      expect(f.rowCount).toBe(rows);
      expect(f.columnNames).toEqual(real.columnNames);
      for (const col of schema.columns) {
        const r = values(real, col.name), s = values(f, col.name);
        if (col.kind === "id") {
          // New ids: a running number 1..n for numeric ids (as the copula writes them), never copied strings.
          if (r.some((v) => typeof v === "number")) expect(s).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
          else {
            const realIds = new Set(r.filter((v) => v !== null));
            expect(s.some((v) => v !== null && realIds.has(v)), `${col.name}: a real id was copied`).toBe(false);
          }
        } else if (col.kind === "numeric" || col.kind === "integer") {
          const nums = r.filter((v): v is number => typeof v === "number");
          const lo = Math.min(...nums), hi = Math.max(...nums);
          expect(s.every((v) => v === null || (typeof v === "number" && v >= lo && v <= hi)), col.name).toBe(true);
        } else {
          // Categorical, boolean, text and datetime values are real values, written as in the real table.
          const seen = new Set(r);
          expect(s.every((v) => seen.has(v)), col.name).toBe(true);
        }
        if (col.kind === "datetime") {
          // Values that do not read as dates can only be the real table's own odd ones, copied as written.
          const odd = new Set(r.filter((v) => v !== null && Number.isNaN(dateCellMs(v, col.format))));
          expect(s.every((v) => v === null || odd.has(v) || !Number.isNaN(dateCellMs(v, col.format))), col.name).toBe(true);
        }
      }
      const synthSchema = inferSchema(f, { dates: Object.fromEntries(schema.columns.filter((c) => c.kind === "datetime").map((c) => [c.name, c.format!])) });
      for (const col of schema.columns) {
        if (col.kind === "id" || col.kind === "text") continue; // fresh ids / resampled texts may read differently
        expect(synthSchema.columns.find((c) => c.name === col.name)?.kind, col.name).toBe(col.kind);
      }
    });
  }
});

describe("cart: bad input gets one clear line", () => {
  const oneLine = async (p: Promise<unknown>, pattern: RegExp): Promise<void> => {
    const err = await p.then(() => null, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(GenerateError);
    expect(err!.message).toMatch(pattern);
    expect(err!.message).not.toContain("\n");
  };
  const real = mixedTable(200);

  it("empty tables, a single column, no values at all", async () => {
    await oneLine(generate({ mode: "cart", like: takeRows(real, []), rows: 10 }), /table is empty \(0 rows, 8 columns\)/);
    await oneLine(generate({ mode: "cart", like: frameFromColumns({ x: [1, 2, 3] }), rows: 10 }), /at least 2 columns with values.*has 1 \(x\).*--mode copula/);
    await oneLine(generate({ mode: "cart", like: frameFromColumns({ a: [null, null], b: [null, null] }), rows: 10 }), /at least 2 columns with values.*has 0/);
    await oneLine(generate({ mode: "cart", rows: 10 }), /cart mode fits real data: pass --like/);
  });

  it("an all-missing column among others stays empty, with a warning", async () => {
    const run = await generate({ mode: "cart", like: frameFromColumns({ ...real.columns, gone: new Array(200).fill(null) }), rows: 50 });
    expect(values(run.frame, "gone").every((v) => v === null)).toBe(true);
    expect(run.warnings.join(" ")).toMatch(/gone have no values/);
  });

  it("rows, minLeaf, smoothing and order are checked", async () => {
    await oneLine(generate({ mode: "cart", like: real, rows: -1 }), /rows must be a whole number ≥ 0, got -1/);
    expect((await generate({ mode: "cart", like: real, rows: 0 })).frame).toMatchObject({ rowCount: 0, columnNames: real.columnNames });
    await oneLine(generate({ mode: "cart", like: real, rows: 5, minLeaf: 0 }), /minLeaf must be a whole number ≥ 1/);
    await oneLine(generate({ mode: "cart", like: real, rows: 5, minLeaf: 2.5 }), /minLeaf must be a whole number ≥ 1 \(real rows per leaf\), got 2.5/);
    await oneLine(generate({ mode: "cart", like: real, rows: 5, smoothing: "kernel" as never }), /smoothing must be one of none, density, got "kernel"/);
    await oneLine(generate({ mode: "cart", like: real, rows: 5, order: ["nope"] }), /order names "nope", which is not a column.*its columns are id, group/);
    await oneLine(generate({ mode: "cart", like: real, rows: 5, order: ["x", "x"] }), /order names "x" twice/);
  });
});

describe("cart from %%generate and synthlab generate", () => {
  let dir: string;
  beforeAll(async () => {
    registerMagic(generateMagic);
    dir = await mkdtemp(join(tmpdir(), "synthlab-cart-"));
  });
  afterAll(async () => {
    unregisterMagic("generate");
    await rm(dir, { recursive: true, force: true });
  });

  it("%%generate --mode cart takes --min-leaf, --smoothing and --order; bad values are one usage line", async () => {
    const t = makeContext(dir);
    t.scope.set("real", mixedTable(300));
    expect(await t.run("%%generate s1 --like real --mode cart --rows 60 --seed 2 --order *,group --min-leaf 8 --smoothing density")).toEqual({ status: "ok" });
    expect(await t.run("%%generate s2 --like real --mode cart --rows 60 --seed 2 --order *,group --min-leaf 8 --smoothing density")).toEqual({ status: "ok" });
    const a = t.scope.get("s1") as { values: unknown[][]; shape: number[] }, b = t.scope.get("s2") as { values: unknown[][] };
    expect(a.shape).toEqual([60, 8]);
    expect(a.values).toEqual(b.values);
    expect(t.io.events.some((e) => e.kind === "display" && /60 rows × 8 columns, mode cart, seed 2/.test(String(e.bundle["text/html"])))).toBe(true);
    for (const [cell, re] of [
      ["%%generate s3 --like real --mode cart --smoothing kernel", /--smoothing must be one of none, density/],
      ["%%generate s3 --like real --mode cart --min-leaf 0", /--min-leaf must be/],
      ["%%generate s3 --like real --mode cart --order nope", /order names "nope", which is not a column/],
    ] as const) {
      const o = await t.run(cell);
      expect(o.status === "error" && o.ename, cell).toBe("UsageError");
      expect(o.status === "error" && o.evalue, cell).toMatch(re);
      expect(t.scope.has("s3")).toBe(false);
    }
  });

  it("synthlab generate --mode cart writes the rows; a bad --order exits 2 with one line", async () => {
    const out = join(dir, "cart.csv");
    const r = await runCli(generateCli, ["--mode", "cart", "--like", tablePath("mpg.csv"), "--rows", "120", "--seed", "4", "--min-leaf", "10", "--order", "*,mpg", "--out", out, "--quiet"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const f = parseCsv(await readFile(out, "utf8"));
    expect(f.rowCount).toBe(120);
    expect(f.columnNames[0]).toBe("mpg");
    const bad = await runCli(generateCli, ["--mode", "cart", "--like", tablePath("mpg.csv"), "--order", "mpgg", "--out", join(dir, "x.csv"), "--quiet"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^synthlab generate: order names "mpgg", which is not a column of the real table; its columns are mpg, cylinders/);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });
});
