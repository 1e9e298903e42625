import { describe, expect, it } from "vitest";
import { frameFromRecords } from "../../src/data/frame.js";
import { Preprocessor, PreprocessError } from "../../src/train/preprocess.js";
import { readCsv } from "../../src/data/csv.js";
import { tablePath } from "../support/tables.js";

const train = frameFromRecords([
  { price: 2, product: "latte", when: "2024-03-01 10:30:00", time: "10:30:00.5", card: true, note: "a", y: 1 },
  { price: 4, product: "mocha", when: "2024-03-02 12:00:00", time: "12:00:00", card: false, note: "b", y: 2 },
  { price: null, product: "latte", when: "2024-03-04 18:15:00", time: "18:15:00", card: true, note: "c", y: 3 },
  { price: 6, product: "tea", when: "2024-04-01 08:00:00", time: "08:00:00", card: false, note: "d", y: 4 },
].map((r) => ({ ...r, constant: "card" })));

function row(m: { values: Float32Array; cols: number }, r: number): number[] {
  return Array.from(m.values.subarray(r * m.cols, (r + 1) * m.cols));
}

describe("Preprocessor", () => {
  const pre = Preprocessor.fit(train, { target: "y", kinds: { note: "categorical" }, dateBins: 0 });
  const names = pre.featureNames;

  it("standard-scales numerics, imputing the mean with a missing indicator", () => {
    const m = pre.transform(train);
    const i = names.indexOf("price");
    const col = [0, 1, 2, 3].map((r) => row(m, r)[i]!);
    // Fitted on the present values 2, 4, 6: mean 4, population std sqrt(8/3).
    expect(col[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 5);
    expect(col[2]).toBe(0);
    const miss = names.indexOf("price:missing");
    expect([0, 1, 2, 3].map((r) => row(m, r)[miss])).toEqual([0, 0, 1, 0]);
  });

  it("one-hot encodes categoricals and sends unseen ones to the other bucket", () => {
    const test = frameFromRecords([
      { price: 3, product: "espresso", when: "2024-03-05 09:00:00", time: "09:00", card: true, note: "zzz", constant: "cash" },
    ]);
    const m = pre.transform(test);
    const r = row(m, 0);
    expect(r[names.indexOf("product=(other)")]).toBe(1);
    expect(r[names.indexOf("product=latte")]).toBe(0);
    expect(r[names.indexOf("product=mocha")]).toBe(0);
    const seen = pre.transform(train);
    expect(row(seen, 1)[names.indexOf("product=mocha")]).toBe(1);
    expect(row(seen, 1)[names.indexOf("product=(other)")]).toBe(0);
  });

  it("splits datetimes into hour, weekday, month and day index", () => {
    expect(names).toEqual(expect.arrayContaining(["when:hour", "when:weekday", "when:month", "when:dayIndex", "time"]));
    const step = pre.steps.find((s) => s.column === "when");
    expect(step?.kind).toBe("datetime");
    if (step?.kind !== "datetime") return;
    // 2024-03-01 was a Friday (getUTCDay 5); 2024-04-01 is 31 days after the first training date.
    const weekday = step.parts.find((p) => p.name === "weekday")!.scale;
    const dayIndex = step.parts.find((p) => p.name === "dayIndex")!.scale;
    const m = pre.transform(train);
    expect(row(m, 0)[names.indexOf("when:weekday")]! * weekday.std + weekday.mean).toBeCloseTo(5, 4);
    expect(row(m, 3)[names.indexOf("when:dayIndex")]! * dayIndex.std + dayIndex.mean).toBeCloseTo(31, 4);
  });

  it("drops constant columns and says why", () => {
    expect(pre.inputColumns).not.toContain("constant");
    expect(pre.dropped).toEqual([{ column: "constant", reason: expect.stringMatching(/constant/) }]);
  });

  it("encodes step changes over time with a piecewise-linear day encoding", () => {
    const days = Array.from({ length: 100 }, (_, i) => ({ d: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10), y: i }));
    const p = Preprocessor.fit(frameFromRecords(days), { target: "y", dateBins: 4 });
    const bins = p.featureNames.filter((n) => n.startsWith("d:day≥"));
    expect(bins).toHaveLength(4);
    const m = p.transform(frameFromRecords([{ d: "2023-06-01" }, { d: "2025-01-01" }]));
    const first = bins.map((b) => row(m, 0)[p.featureNames.indexOf(b)]);
    const last = bins.map((b) => row(m, 1)[p.featureNames.indexOf(b)]);
    expect(first).toEqual([0, 0, 0, 0]);
    expect(last).toEqual([1, 1, 1, 1]);
  });

  it("round-trips through JSON with identical output", () => {
    const json = JSON.parse(JSON.stringify(pre.toJSON()));
    const again = Preprocessor.fromJSON(json);
    expect(again.featureNames).toEqual(pre.featureNames);
    expect(Array.from(again.transform(train).values)).toEqual(Array.from(pre.transform(train).values));
    expect(() => Preprocessor.fromJSON({} as never)).toThrow(/synthlab preprocessing pipeline/);
  });

  it("names the feature columns a new table lacks", () => {
    const bad = frameFromRecords([{ price: 1, card: true }]);
    expect(() => pre.transform(bad)).toThrow(PreprocessError);
    expect(() => pre.transform(bad)).toThrow(/"product", "when", "time", "note"/);
  });

  it("rejects a non-numeric target, an empty table and a constant target", () => {
    const text = frameFromRecords([{ x: 1, y: "a" }, { x: 2, y: "b" }]);
    expect(() => Preprocessor.fit(text, { target: "y" })).toThrow(/Target column "y" is not numeric \(row 0 holds "a"\)/);
    const empty = { columnNames: ["x", "y"], columns: { x: [], y: [] }, rowCount: 0 };
    expect(() => Preprocessor.fit(empty, { target: "y" })).toThrow(/training table is empty/);
    const constant = frameFromRecords([{ x: 1, y: 5 }, { x: 2, y: 5 }]);
    expect(() => Preprocessor.fit(constant, { target: "y" })).toThrow(/Target column "y" is constant \(5\)/);
    expect(() => Preprocessor.fit(constant, { target: "z" })).toThrow(/Target column "z" is not in the table. Columns: x, y/);
  });

  it("accepts numbers stored as strings (untyped CSV) for features and target", () => {
    const f = frameFromRecords([{ x: "1.5", y: "3" }, { x: "2.5", y: "5" }]);
    const p = Preprocessor.fit(f, { target: "y" });
    expect(p.steps[0]!.kind).toBe("numeric");
    expect(p.targetScale.mean).toBe(4);
  });
});

describe("identifiers, one-hot cap and date formats (issue 10)", () => {
  it("caps one-hot width at the most frequent levels and names the capped column", () => {
    // 80 shops, the first 10 frequent: with maxLevels 10 those keep their own feature, the rest share (other).
    const name = (k: number): string => `shop ${String.fromCharCode(97 + Math.floor(k / 26))}${String.fromCharCode(97 + (k % 26))}`;
    const rows = Array.from({ length: 400 }, (_, i) => ({ shop: name(i < 200 ? i % 10 : 10 + (i % 70)), y: i % 7 }));
    const pre = Preprocessor.fit(frameFromRecords(rows), { target: "y", maxLevels: 10 });
    expect(pre.featureNames.filter((n) => n.startsWith("shop="))).toHaveLength(11);
    expect(pre.featureNames).toContain(`shop=${name(3)}`);
    expect(pre.featureNames).toContain("shop=(other)");
    expect(pre.capped).toEqual([{ column: "shop", kept: 10, levels: 80 }]);
    expect(pre.notes()).toContain('Column "shop": one-hot over its 10 most frequent of 80 levels; the rest share "(other)".');
    const m = pre.transform(frameFromRecords([{ shop: name(42), y: 0 }]));
    expect(m.values[pre.featureNames.indexOf("shop=(other)")]).toBe(1);
    // The default cap is 50.
    expect(Preprocessor.fit(frameFromRecords(rows), { target: "y" }).capped).toEqual([{ column: "shop", kept: 50, levels: 80 }]);
  });

  it("startups_2021: index and company name are identifiers, not 900-wide one-hots; dates become date features", async () => {
    const f = await readCsv(tablePath("startups_2021.csv"), { log: () => {} });
    const pre = Preprocessor.fit(f, { target: "Valuation ($B)", dateBins: 0 });
    const reasons = Object.fromEntries(pre.dropped.map((d) => [d.column, d.reason]));
    expect(reasons["column_1"]).toMatch(/identifier/);
    expect(reasons["Company"]).toMatch(/identifier/);
    expect(pre.steps.find((s) => s.column === "Date Joined")).toMatchObject({ kind: "datetime", format: "m/d/yyyy" });
    expect(pre.featureNames.length).toBeLessThan(200);
  });

  it("edison_patents: the ID column and the patent number are left out of the features", async () => {
    const f = await readCsv(tablePath("edison_patents.csv"), { log: () => {} });
    const withY = { ...f, columnNames: [...f.columnNames, "y"], columns: { ...f.columns, y: f.columns.ID!.map((_, i) => i % 13) } };
    const pre = Preprocessor.fit(withY, { target: "y", dateBins: 0 });
    expect(pre.dropped.filter((d) => /identifier/.test(d.reason)).map((d) => d.column).sort()).toEqual(["ID", "Patent No."]);
    expect(pre.steps.filter((s) => s.kind === "datetime").map((s) => s.column)).toEqual(["Executed", "Applied", "Issued"]);
  });
});
