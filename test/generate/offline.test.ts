import { describe, expect, it } from "vitest";
import { generateOffline, COFFEE_SHOP_SCHEMA, COFFEE_MENU, type OfflineSchema } from "../../src/generate/offline/index.js";
import { validateFrame } from "../../src/data/schema.js";
import type { CellValue } from "../../src/data/types.js";

/** Pearson chi-square statistic of observed counts against expected shares. */
function chiSquare(values: readonly CellValue[], categories: readonly CellValue[], shares: readonly number[]): number {
  const counts = new Map(categories.map((c) => [c, 0]));
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const n = values.length;
  return categories.reduce<number>((s, c, i) => s + ((counts.get(c)! - n * shares[i]!) ** 2) / (n * shares[i]!), 0);
}

describe("offline generator", () => {
  const schema: OfflineSchema = {
    columns: [
      { name: "price", kind: "numeric", min: 1, max: 9, decimals: 2 },
      { name: "qty", kind: "integer", min: 1, max: 3 },
      { name: "color", kind: "categorical", values: ["red", "green", "blue", "black"], weights: [0.4, 0.3, 0.2, 0.1] },
      { name: "vip", kind: "boolean", weights: [0.25, 0.75] },
      { name: "day", kind: "datetime", min: "2022-01-01", max: "2022-12-31" },
      { name: "at", kind: "datetime", min: "06:00", max: "21:00", format: "time" },
      { name: "score", kind: "numeric", distribution: "normal", mean: 50, std: 5, min: 0, max: 100 },
      { name: "code", kind: "id", pattern: "[A-Z]{3}-\\d{4}", unique: true },
      { name: "note", kind: "text", faker: "person.fullName", nullable: 0.2 },
      { name: "total", kind: "numeric", expression: "price * qty" },
    ],
  };

  it("is deterministic per seed and differs across seeds", async () => {
    const a = await generateOffline(schema, { rows: 500, seed: 7 });
    const b = await generateOffline(schema, { rows: 500, seed: 7 });
    const c = await generateOffline(schema, { rows: 500, seed: 8 });
    expect(a.frame.columns).toEqual(b.frame.columns);
    for (const name of ["price", "code", "note", "day"]) expect(c.frame.columns[name]).not.toEqual(a.frame.columns[name]);
  });

  it("keeps a column's values when another column is added (per-column streams)", async () => {
    const a = await generateOffline(schema, { rows: 200, seed: 1 });
    const more = { columns: [{ name: "extra", kind: "integer" as const, min: 0, max: 9 }, ...schema.columns] };
    const b = await generateOffline(more, { rows: 200, seed: 1 });
    expect(b.frame.columns.price).toEqual(a.frame.columns.price);
    expect(b.frame.columns.note).toEqual(a.frame.columns.note);
  });

  it("respects ranges, kinds, weights, nullable share and uniqueness", async () => {
    const rows = 20_000;
    const { frame, warnings } = await generateOffline(schema, { rows, seed: 3 });
    expect(warnings).toEqual([]);
    expect(frame.rowCount).toBe(rows);
    const price = frame.columns.price as number[];
    expect(Math.min(...price)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...price)).toBeLessThanOrEqual(9);
    expect(price.every((p) => Math.round(p * 100) / 100 === p)).toBe(true);
    const qty = frame.columns.qty as number[];
    expect(new Set(qty)).toEqual(new Set([1, 2, 3]));
    // Chi-square at df = 3: 16.27 is the 0.1% critical value.
    expect(chiSquare(frame.columns.color!, ["red", "green", "blue", "black"], [0.4, 0.3, 0.2, 0.1])).toBeLessThan(16.27);
    expect(chiSquare(qty, [1, 2, 3], [1 / 3, 1 / 3, 1 / 3])).toBeLessThan(13.82); // df = 2
    const vipShare = frame.columns.vip!.filter((v) => v === true).length / rows;
    expect(Math.abs(vipShare - 0.25)).toBeLessThan(0.015);
    const days = frame.columns.day as string[];
    expect(days.every((d) => /^2022-\d{2}-\d{2}$/.test(d))).toBe(true);
    expect(new Set(days).size).toBeGreaterThan(360);
    const times = frame.columns.at as string[];
    expect(times.every((t) => /^\d{2}:\d{2}:\d{2}$/.test(t) && t >= "06:00:00" && t <= "21:00:00")).toBe(true);
    const score = frame.columns.score as number[];
    const mean = score.reduce((s, x) => s + x, 0) / rows;
    const sd = Math.sqrt(score.reduce((s, x) => s + (x - mean) ** 2, 0) / rows);
    expect(Math.abs(mean - 50)).toBeLessThan(0.2);
    expect(Math.abs(sd - 5)).toBeLessThan(0.2);
    const codes = frame.columns.code as string[];
    expect(codes.every((c) => /^[A-Z]{3}-\d{4}$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBe(rows);
    const nullShare = frame.columns.note!.filter((v) => v === null).length / rows;
    expect(Math.abs(nullShare - 0.2)).toBeLessThan(0.015);
    expect(frame.columns.note!.find((v) => v !== null)).toMatch(/^\S+ \S+/);
  });

  it("computes derived columns exactly from the generated ones", async () => {
    const { frame } = await generateOffline(schema, { rows: 1000, seed: 4 });
    const { price, qty, total } = frame.columns as Record<string, number[]>;
    for (let i = 0; i < frame.rowCount; i++) expect(total![i]).toBe(price![i]! * qty![i]!);
  });

  it("coffee-shop example: one id, price and calories per product, amount = price × quantity", async () => {
    const { frame, warnings } = await generateOffline(COFFEE_SHOP_SCHEMA, { rows: 10_000, seed: 11 });
    expect(warnings).toEqual([]); // its row checks hold
    expect(frame.columnNames).toEqual(["id", "date", "time", "product_id", "product", "calories", "price", "type", "quantity", "amount", "payment_type"]);
    const c = frame.columns;
    const seen = new Map<CellValue, string>();
    for (let i = 0; i < frame.rowCount; i++) {
      const key = `${c.product_id![i]}|${c.calories![i]}|${c.price![i]}|${c.type![i]}`;
      const prev = seen.get(c.product![i]!);
      if (prev) expect(key).toBe(prev);
      else seen.set(c.product![i]!, key);
      expect(c.amount![i]).toBe(Math.round((c.price![i] as number) * (c.quantity![i] as number) * 100) / 100);
    }
    expect(seen.size).toBe(COFFEE_MENU.length);
    expect(new Set(c.product_id).size).toBe(COFFEE_MENU.length); // ids are not shared across products
    for (const m of COFFEE_MENU) expect(seen.get(m.product)).toBe(`${m.product_id}|${m.calories}|${m.price}|${m.type}`);
    expect(new Set(c.id).size).toBe(frame.rowCount);
    expect((c.date as string[]).every((d) => d.startsWith("2022-"))).toBe(true);
    expect((c.time as string[]).every((t) => t >= "06:00:00" && t <= "21:00:00")).toBe(true);
    expect(new Set(c.quantity)).toEqual(new Set([1, 2, 3]));
    expect(new Set(c.payment_type)).toEqual(new Set(["cash", "credit", "debit", "gift card"]));
    // The data stage's validator agrees the rows fit the schema.
    expect(validateFrame(frame, COFFEE_SHOP_SCHEMA)).toEqual([]);
  });

  it("reports failing row checks as warnings", async () => {
    const s: OfflineSchema = {
      columns: [{ name: "a", kind: "integer", min: 1, max: 10 }],
      checks: ["a <= 5", "a > 0"],
    };
    const { frame, warnings } = await generateOffline(s, { rows: 1000, seed: 1 });
    const failing = (frame.columns.a as number[]).filter((a) => a > 5).length;
    expect(warnings).toEqual([`Check "a <= 5" fails on ${failing} of 1000 rows.`]);
  });

  it("rejects bad schemas with one clear message naming the column", async () => {
    const bad = async (columns: unknown[], extra: object = {}) => generateOffline({ columns, ...extra }, { rows: 10, seed: 1 });
    await expect(bad([{ name: "x", kind: "float" }])).rejects.toThrow(/Column "x": unknown kind "float"/);
    await expect(bad([{ name: "x", kind: "numeric" }])).rejects.toThrow(/Column "x": a numeric column needs min and max/);
    await expect(bad([{ name: "x", kind: "numeric", min: 5, max: 1 }])).rejects.toThrow(/min 5 is above max 1/);
    await expect(bad([{ name: "x", kind: "categorical", values: ["a", "b"], weights: [1] }])).rejects.toThrow(/1 weights for 2 values/);
    await expect(bad([{ name: "x", kind: "categorical" }])).rejects.toThrow(/needs "values"/);
    await expect(bad([{ name: "x", kind: "integer", min: 1, max: 5, unique: true }])).rejects.toThrow(/10 unique integers do not fit/);
    await expect(bad([{ name: "x", kind: "numeric", expression: "y * 2" }])).rejects.toThrow(/uses "y", which is not a column/);
    await expect(bad([{ name: "a", kind: "numeric", expression: "b + 1" }, { name: "b", kind: "numeric", expression: "a + 1" }])).rejects.toThrow(/cycle: a → b → a/);
    await expect(bad([{ name: "x", kind: "numeric", expression: "1 +" }])).rejects.toThrow(/Column "x": Expression "1 \+"/);
    await expect(bad([{ name: "x", kind: "text", faker: "person.nope" }])).rejects.toThrow(/faker method "person.nope" does not exist/);
    await expect(bad([{ name: "x", kind: "id", pattern: "[^a]" }])).rejects.toThrow(/negated classes/);
    await expect(bad([{ name: "x", kind: "datetime", min: "soon", max: "later" }])).rejects.toThrow(/is not a date/);
    await expect(bad([{ name: "x", kind: "numeric", min: 0, max: 1 }, { name: "x", kind: "numeric", min: 0, max: 1 }])).rejects.toThrow(/appears twice/);
    await expect(bad([], { linked: [{ name: "menu", records: [{ a: 1 }, { b: 2 }] }] })).rejects.toThrow(/record 1 has no "a"/);
    await expect(generateOffline({ nope: 1 }, { rows: 1, seed: 1 })).rejects.toThrow(/"columns" array/);
    await expect(generateOffline(schema, { rows: -1, seed: 1 })).rejects.toThrow(/rows must be a whole number/);
  });

  it("handles column names that are Object.prototype members", async () => {
    const s: OfflineSchema = {
      columns: [
        { name: "constructor", kind: "integer", min: 1, max: 2 },
        { name: "toString", kind: "numeric", expression: "constructor * 10" },
      ],
    };
    const { frame } = await generateOffline(s, { rows: 20, seed: 1 });
    const a = frame.columns["constructor"] as unknown as number[], b = frame.columns["toString"] as unknown as number[];
    expect(a.every((x) => x === 1 || x === 2)).toBe(true);
    expect(b).toEqual(a.map((x) => x * 10));
  });

  it("stops between columns when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(generateOffline(schema, { rows: 10, seed: 1, signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("chains derived columns in dependency order regardless of listing order", async () => {
    const s: OfflineSchema = {
      columns: [
        { name: "c", kind: "numeric", expression: "b * 2" },
        { name: "b", kind: "numeric", expression: "a + 1" },
        { name: "a", kind: "integer", min: 0, max: 5 },
      ],
    };
    const { frame } = await generateOffline(s, { rows: 50, seed: 2 });
    const { a, b, c } = frame.columns as Record<string, number[]>;
    for (let i = 0; i < 50; i++) { expect(b![i]).toBe(a![i]! + 1); expect(c![i]).toBe((a![i]! + 1) * 2); }
    expect(frame.columnNames).toEqual(["c", "b", "a"]);
  });
});
