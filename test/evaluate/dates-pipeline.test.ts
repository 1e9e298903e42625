/**
 * End to end on a table whose date-time column is written "dd-mm-yyyy HH:MM" (issue 10, defects 1
 * and 2): generation keeps it a datetime in the same format, training reads it as date features
 * (not free text), the report compares it as a time axis, and every stage reads the synthetic
 * table with the real table's schema.
 */
import { describe, expect, it } from "vitest";
import { frameFromColumns } from "../../src/data/frame.js";
import { createRng } from "../../src/data/random.js";
import { parseDateTimeMs } from "../../src/data/datetime.js";
import { inferSchema } from "../../src/data/schema.js";
import type { Frame } from "../../src/data/types.js";
import { evaluate } from "../../src/evaluate/report/report.js";
import { generate } from "../../src/generate/index.js";
import { Preprocessor } from "../../src/train/preprocess.js";
import { trainRegressor } from "../../src/train/models.js";

const FORMAT = /^\d{2}-\d{2}-\d{4} \d{2}:\d{2}$/;
const pad = (n: number): string => String(n).padStart(2, "0");

/** Shop sales: the amount grows with the date and the hour; a unique receipt number identifies each row. */
function sales(rows: number, seed: number, iso = false): Frame {
  const rng = createRng(seed);
  const when: string[] = [], store: string[] = [], receipt: string[] = [], amount: number[] = [];
  for (let i = 0; i < rows; i++) {
    const day = Math.floor(rng.next() * 700);
    const hour = 7 + Math.floor(rng.next() * 14);
    const minute = Math.floor(rng.next() * 60);
    const d = new Date(Date.UTC(2021, 0, 1 + day, hour, minute));
    when.push(iso
      ? `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(hour)}:${pad(minute)}`
      : `${pad(d.getUTCDate())}-${pad(d.getUTCMonth() + 1)}-${d.getUTCFullYear()} ${pad(hour)}:${pad(minute)}`);
    store.push(["north", "south", "east"][Math.floor(rng.next() * 3)]!);
    receipt.push(`R${String(100000 + Math.floor(rng.next() * 900000))}-${i}`);
    amount.push(Math.round((20 + day * 0.5 + hour * 3 + rng.normal() * 2) * 100) / 100);
  }
  return frameFromColumns({ when, store, receipt, amount });
}

function pearson(x: number[], y: number[]): number {
  const n = x.length, mx = x.reduce((p, v) => p + v, 0) / n, my = y.reduce((p, v) => p + v, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) { sxy += (x[i]! - mx) * (y[i]! - my); sxx += (x[i]! - mx) ** 2; syy += (y[i]! - my) ** 2; }
  return sxy / Math.sqrt(sxx * syy);
}

const real = sales(300, 1);
const holdout = sales(150, 2);

describe("a dd-mm-yyyy HH:MM column through generate → train → report", () => {
  it("is a datetime in the schema, with its format", () => {
    const s = inferSchema(real);
    expect(s.columns.find((c) => c.name === "when")).toMatchObject({ kind: "datetime", format: "dd-mm-yyyy HH:MM" });
    expect(s.columns.find((c) => c.name === "receipt")!.kind).toBe("id");
  });

  it("copula generation keeps it a datetime written in the same format, inside the real range", async () => {
    const run = await generate({ like: real, mode: "copula", rows: 300, seed: 3 });
    const when = run.frame.columns.when!.filter((v) => v !== null) as string[];
    expect(when.length).toBeGreaterThan(250);
    expect(when.every((v) => FORMAT.test(v))).toBe(true);
    expect(new Set(when).size).toBeGreaterThan(200); // a time axis, not a resample of a few texts
    // Dependence on the date survives (amount rises with it as in the real table): a time axis, not text.
    const t: number[] = [], a: number[] = [];
    run.frame.columns.when!.forEach((v, i) => {
      const y = run.frame.columns.amount![i];
      if (v !== null && typeof y === "number") { t.push(parseDateTimeMs(v as string, "dd-mm-yyyy HH:MM")); a.push(y); }
    });
    expect(pearson(t, a)).toBeGreaterThan(0.8);
    const s = inferSchema(run.frame);
    expect(s.columns.find((c) => c.name === "when")).toMatchObject({ kind: "datetime", format: "dd-mm-yyyy HH:MM" });
  });

  it("offline generation from the real table writes dates, not filler sentences", async () => {
    const run = await generate({ like: real, mode: "offline", rows: 100, seed: 1 });
    expect((run.frame.columns.when as string[]).every((v) => v === null || FORMAT.test(v))).toBe(true);
  });

  it("training reads it as date features, leaves the receipt number out, and matches the same dates written as ISO", async () => {
    const pre = Preprocessor.fit(real, { target: "amount", dateBins: 0 });
    expect(pre.steps.find((s) => s.column === "when")).toMatchObject({ kind: "datetime", format: "dd-mm-yyyy HH:MM" });
    expect(pre.featureNames).toEqual(expect.arrayContaining(["when:hour", "when:weekday", "when:month", "when:dayIndex"]));
    expect(pre.dropped).toEqual([{ column: "receipt", reason: expect.stringMatching(/identifier/) }]);
    expect(pre.notes()[0]).toMatch(/Columns not used: receipt \(identifier/);
    // The same dates written as ISO give the same feature matrix: the format no longer matters.
    const iso = sales(300, 1, true);
    const preIso = Preprocessor.fit(iso, { target: "amount", dateBins: 0 });
    expect(Array.from(pre.transform(real).values)).toEqual(Array.from(preIso.transform(iso).values));
    const model = await trainRegressor(real, { target: "amount", model: "linear", epochs: 3, log: false, seed: 1, test: holdout });
    expect(model.preprocessor.inputColumns).toContain("when");
  });

  it("a synthetic table is read with the real schema: a misfit is counted, not a change of kind", () => {
    // Half of the synthetic dates are written another way: re-inferred, the column would be text.
    const synth = sales(100, 5);
    const mixed = synth.columns.when!.map((v, i) => (i % 2 ? `${v}`.replace(/^(\d{2})-(\d{2})-(\d{4})/, "$3/$2/$1") : v));
    const bad: Frame = { ...synth, columns: { ...synth.columns, when: mixed } };
    expect(inferSchema(bad).columns.find((c) => c.name === "when")!.kind).not.toBe("datetime");
    const pre = Preprocessor.fit(bad, { target: "amount", schema: inferSchema(real), dateBins: 0 });
    expect(pre.steps.find((s) => s.column === "when")!.kind).toBe("datetime");
    expect(pre.invalid).toEqual({ when: 50 });
    expect(pre.notes().join("\n")).toMatch(/Column "when": 50 training value\(s\) do not fit/);
  });

  it("the report compares it as a datetime, and counts synthetic values that do not fit", async () => {
    const synth = (await generate({ like: real, mode: "copula", rows: 200, seed: 4 })).frame;
    const r = await evaluate({ real, synthetic: synth, holdout, target: "amount", timeColumn: "when", queries: 20 });
    const when = r.json.fidelity.columns.find((c) => c.name === "when");
    expect(when?.kind).toBe("datetime");
    expect(when?.ksComplement).toBeGreaterThan(0.8);
    expect(r.warnings.join("\n")).not.toMatch(/does not hold datetimes/);
    expect(r.warnings).toContain(`Skipped identifier column(s) "receipt" (100% distinct): each row has its own value, so no distribution can be compared (they still count in exact matches).`);
    // Two synthetic dates written another way do not fit the real format: counted (a warning, "wrong
    // type" in the validity diagnostic) and read as missing; the column stays a datetime.
    const odd = synth.columns.when!.map((v, i) => (i < 2 ? "2021/05/01 10:00" : v));
    const r2 = await evaluate({ real, synthetic: { ...synth, columns: { ...synth.columns, when: odd } }, queries: 20 });
    expect(r2.json.fidelity.columns.find((c) => c.name === "when")?.kind).toBe("datetime");
    expect(r2.warnings).toContain(`Column "when": 2 synthetic value(s) are not datetimes; they count as missing.`);
    expect(r2.json.fidelity.columns.find((c) => c.name === "when")?.synthetic).toMatchObject({ missing: 2 });
    expect(r2.json.diagnostic.columns.find((c) => c.name === "when")?.wrongType).toBeCloseTo(2 / 200, 10);
  });
});
