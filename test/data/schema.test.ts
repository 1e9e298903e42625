import { describe, expect, it } from "vitest";
import { frameFromColumns } from "../../src/data/frame.js";
import { CoercionError, coerceFrame, coerceRow, inferSchema, validateFrame, validateRow } from "../../src/data/schema.js";
import type { Schema } from "../../src/data/types.js";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("inferSchema", () => {
  const n = 60;
  const frame = frameFromColumns({
    price: range(n).map((i) => 2.5 + (i % 7) * 0.5),
    qty: range(n).map((i) => (i % 4) + 1),
    rowid: range(n).map((i) => i + 100),
    paid: range(n).map((i) => (i % 3 === 0 ? "true" : "false")),
    when: range(n).map((i) => `2024-01-${String((i % 28) + 1).padStart(2, "0")}T10:00:00Z`),
    clock: range(n).map((i) => (i % 2 ? `0${i % 10}:15:50.520000` : `1${i % 10}:00:00`)),
    product: range(n).map((i) => ["Latte", "Mocha", "Tea"][i % 3]!),
    customer: range(n).map((i) => `CUST-${String(i % 40).padStart(4, "0")}`),
    review: range(n).map((i) => `Review number ${i}: the coffee was fine, the service slow, would come again.`),
    note: range(n).map((i) => (i < 15 ? null : "x")),
  });
  const schema = inferSchema(frame);
  const col = (name: string) => schema.columns.find((c) => c.name === name)!;

  it("detects each kind", () => {
    expect(Object.fromEntries(schema.columns.map((c) => [c.name, c.kind]))).toEqual({
      price: "numeric",
      qty: "integer",
      rowid: "id",
      paid: "boolean",
      when: "datetime",
      clock: "datetime",
      product: "categorical",
      customer: "id",
      review: "text",
      note: "categorical",
    });
  });

  it("records ranges, weights, missing shares and id patterns", () => {
    expect([col("price").min, col("price").max]).toEqual([2.5, 5.5]);
    expect([col("qty").min, col("qty").max]).toEqual([1, 4]);
    expect(col("when").min).toBe("2024-01-01T10:00:00Z");
    expect(col("when").max).toBe("2024-01-28T10:00:00Z");
    expect(col("product").values).toEqual(["Latte", "Mocha", "Tea"]);
    expect(col("product").weights!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(col("paid").weights![0]).toBeCloseTo(20 / 60, 12);
    expect(col("note").nullable).toBeCloseTo(0.25, 12);
    expect(col("customer").unique).toBe(false);
    expect(new RegExp(col("customer").pattern!).test("CUST-0042")).toBe(true);
    expect(new RegExp(col("customer").pattern!).test("CUST-42")).toBe(false);
    expect(col("rowid").kind).toBe("id");
  });

  it("accepts forced kinds and rejects unknown columns there", () => {
    expect(inferSchema(frame, { kinds: { qty: "categorical" } }).columns[1]!.values).toEqual(["1", "2", "3", "4"]);
    expect(() => inferSchema(frame, { kinds: { nope: "text" } })).toThrow(/column "nope", which the table does not have/);
  });
});

describe("validateRow / validateFrame", () => {
  const schema: Schema = {
    columns: [
      { name: "price", kind: "numeric", min: 0, max: 10 },
      { name: "qty", kind: "integer", min: 1 },
      { name: "product", kind: "categorical", values: ["Latte", "Tea"] },
      { name: "day", kind: "datetime", min: "2024-01-01", max: "2024-12-31" },
      { name: "paid", kind: "boolean" },
      { name: "note", kind: "text", nullable: 0.5 },
      { name: "total", kind: "numeric", expression: "price * qty" },
    ],
  };
  const good = { price: 3.5, qty: 2, product: "Tea", day: "2024-05-01", paid: true, note: null };

  it("accepts a valid row (derived columns are not required)", () => {
    expect(validateRow(good, schema)).toEqual([]);
  });

  it("explains each problem in one message per column", () => {
    const issues = validateRow({ ...good, price: "abc", qty: 2.5, product: "Mocha", day: "2023-12-31", paid: "yes", extra: 1 }, schema);
    expect(issues.map((i) => i.message)).toEqual([
      'column price: expected a number, got "abc"',
      "column qty: expected an integer, got 2.5",
      'column product: "Mocha" is not one of "Latte", "Tea"',
      'column day: "2023-12-31" is before the minimum 2024-01-01',
      'column paid: expected true or false, got "yes"',
      "column extra: not in the schema (expected price, qty, product, day, paid, note, total)",
    ]);
  });

  it("flags missing columns and nulls where the schema allows none", () => {
    const { price: _p, ...noPrice } = good;
    const issues = validateRow({ ...noPrice, qty: null }, schema);
    expect(issues.map((i) => i.code)).toEqual(["missing-column", "null"]);
  });

  it("can skip range and category checks", () => {
    expect(validateRow({ ...good, price: 99, product: "Mocha" }, schema, { ranges: false, categories: false })).toEqual([]);
  });

  it("validates whole frames with row numbers and uniqueness", () => {
    const frame = frameFromColumns({ id: ["a", "b", "a"], v: [1, "x", 3] });
    const issues = validateFrame(frame, { columns: [{ name: "id", kind: "id", unique: true }, { name: "v", kind: "integer" }] });
    expect(issues.map((i) => [i.row, i.code])).toEqual([[2, "unique"], [1, "type"]]);
    expect(issues[1]!.message).toBe('row 1, column v: expected an integer, got "x"');
  });
});

describe("coercion", () => {
  const schema: Schema = { columns: [{ name: "n", kind: "numeric" }, { name: "b", kind: "boolean" }, { name: "d", kind: "datetime" }] };

  it("converts strings to the schema's types", () => {
    const f = coerceFrame(frameFromColumns({ n: ["1.5", " 2 ", null], b: ["TRUE", "false", "true"], d: ["2024-01-01", "10:00:00", null], keep: ["x", "y", "z"] }), schema);
    expect(f.columns.n).toEqual([1.5, 2, null]);
    expect(f.columns.b).toEqual([true, false, true]);
    expect(f.columns.d).toEqual(["2024-01-01", "10:00:00", null]);
    expect(f.columns.keep).toEqual(["x", "y", "z"]);
  });

  it("throws one error listing how many cells fail and the first ones", () => {
    let err: unknown;
    try {
      coerceFrame(frameFromColumns({ n: ["1", "abc", "1,5", "x", "y"], b: ["true", "maybe", "false", "true", "true"], d: ["2024-02-30", null, null, null, null] }), schema);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoercionError);
    const e = err as CoercionError;
    expect(e.issues).toHaveLength(6);
    expect(e.message).toMatch(/^6 value\(s\) cannot be converted/);
    expect(e.message).toContain('row 1, column n: expected a number, got "abc"');
    expect(e.message).toMatch(/change the column kind in the schema\.$/);
  });

  it("coerceRow converts and validates a generated record", () => {
    const s: Schema = { columns: [{ name: "price", kind: "numeric", max: 10 }, { name: "qty", kind: "integer" }] };
    expect(coerceRow({ price: "3.5", qty: "2" }, s)).toEqual({ row: { price: 3.5, qty: 2 }, issues: [] });
    const bad = coerceRow({ price: "30", qty: "two" }, s);
    expect(bad.issues.map((i) => i.message)).toEqual(['column qty: expected an integer, got "two"', "column price: 30 is above the maximum 10"]);
  });
});

describe("patterns", () => {
  it("checks id/text patterns and reports an invalid pattern clearly", () => {
    const s: Schema = { columns: [{ name: "code", kind: "id", pattern: "^[A-Z]{2}\\d{3}$" }] };
    expect(validateRow({ code: "AB123" }, s)).toEqual([]);
    expect(validateRow({ code: "ab123" }, s)[0]!.message).toBe('column code: "ab123" does not match ^[A-Z]{2}\\d{3}$');
    expect(() => validateRow({ code: "x" }, { columns: [{ name: "code", kind: "id", pattern: "([" }] })).toThrow(/Schema column code: pattern "\(\[" is not a valid regular expression/);
  });
});
