import { describe, expect, it } from "vitest";
import { z } from "zod";
import { generate } from "../../src/generate/index.js";
import { schemaFromJsonSchema, schemaFromZod, toSchema } from "../../src/generate/schema-input.js";

describe("schemas from zod and JSON Schema", () => {
  const rowSchema = z.object({
    price: z.number().min(1).max(9).describe("unit price"),
    qty: z.number().int().min(1).max(3),
    size: z.enum(["S", "M", "L"]),
    member: z.boolean(),
    code: z.string().regex(/^[A-Z]{2}\d{3}$/),
    email: z.email(),
    note: z.string().nullable(),
    day: z.iso.date(),
  });

  it("maps zod types, ranges, enums, formats, patterns and nullability", async () => {
    const s = await schemaFromZod(rowSchema);
    const by = Object.fromEntries(s.columns.map((c) => [c.name, c]));
    expect(by.price).toMatchObject({ kind: "numeric", min: 1, max: 9, description: "unit price" });
    expect(by.qty).toMatchObject({ kind: "integer", min: 1, max: 3 });
    expect(by.size).toMatchObject({ kind: "categorical", values: ["S", "M", "L"] });
    expect(by.member!.kind).toBe("boolean");
    expect(by.code).toMatchObject({ kind: "text", pattern: "^[A-Z]{2}\\d{3}$" });
    expect(by.email).toMatchObject({ kind: "text", faker: "internet.email" });
    expect(by.note).toMatchObject({ kind: "text", nullable: 0.1 });
    expect(by.day).toMatchObject({ kind: "datetime", format: "date" });
  });

  it("generates offline rows that the zod schema itself accepts", async () => {
    const withoutDay = rowSchema.omit({ day: true });
    const run = await generate({ rows: 200, schema: withoutDay, seed: 4 });
    const records = Array.from({ length: run.frame.rowCount }, (_, i) =>
      Object.fromEntries(run.frame.columnNames.map((c) => [c, run.frame.columns[c]![i]])));
    for (const r of records) expect(withoutDay.safeParse(r).success, JSON.stringify(r)).toBe(true);
  });

  it("reads JSON Schema objects and rejects what it cannot map", async () => {
    const s = schemaFromJsonSchema({ type: "object", properties: { n: { type: "integer", exclusiveMinimum: 0, exclusiveMaximum: 10 }, t: { anyOf: [{ type: "string", format: "date-time" }, { type: "null" }] } } });
    expect(s.columns[0]).toMatchObject({ name: "n", kind: "integer", min: 1, max: 9 });
    expect(s.columns[1]).toMatchObject({ name: "t", kind: "datetime", format: "datetime", nullable: 0.1 });
    expect(() => schemaFromJsonSchema({ type: "object", properties: { o: { type: "object" } } })).toThrow(/Schema property "o" has type "object"/);
    await expect(toSchema({ rows: 3 })).rejects.toThrow(/A schema is \{ "columns": \[...\] \}, a zod z.object/);
    expect(await toSchema({ columns: [] })).toEqual({ columns: [] });
  });
});
