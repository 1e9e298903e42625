/**
 * Schemas written in other ways: a zod object schema (in code) or a JSON Schema object (a file),
 * turned into the shared `Schema`. zod goes through its own `z.toJSONSchema`, so both share one
 * mapping: integer/number → integer/numeric (minimum/maximum), boolean, string enum →
 * categorical, string formats date/date-time/time → datetime, email/uuid → faker text/id,
 * pattern → pattern, other strings → text; a type allowing null → nullable 0.1 (a share must be
 * chosen; set it in the resulting schema to change it).
 */
import type { ColumnSchema, Schema } from "../data/types.js";
import { GenerateError } from "./types.js";
import type { OfflineColumn } from "./offline/schema.js";

type Json = Record<string, unknown>;

const NULLABLE_SHARE = 0.1;

export function isZodSchema(value: unknown): boolean {
  return typeof value === "object" && value !== null && "_zod" in value && typeof (value as { safeParse?: unknown }).safeParse === "function";
}

export function isJsonSchema(value: unknown): value is Json {
  return typeof value === "object" && value !== null && (value as Json).type === "object" && typeof (value as Json).properties === "object";
}

function typesOf(p: Json): { types: string[]; nullable: boolean; node: Json } {
  // `type: ["string", "null"]` or `anyOf: [{...}, { type: "null" }]`.
  if (Array.isArray(p.anyOf)) {
    const parts = p.anyOf as Json[];
    const nonNull = parts.filter((x) => x.type !== "null");
    if (nonNull.length === 1) {
      const inner = typesOf({ ...nonNull[0]!, ...(p.description ? { description: p.description } : {}) });
      return { ...inner, nullable: inner.nullable || nonNull.length < parts.length };
    }
  }
  const t = p.type;
  const types = Array.isArray(t) ? (t as string[]) : typeof t === "string" ? [t] : [];
  return { types: types.filter((x) => x !== "null"), nullable: types.includes("null"), node: p };
}

function column(name: string, prop: Json): OfflineColumn {
  const { types, nullable, node } = typesOf(prop);
  const base: OfflineColumn = { name, kind: "text" };
  if (typeof node.description === "string") base.description = node.description;
  if (nullable) base.nullable = NULLABLE_SHARE;
  const num = (k: string): number | undefined => (typeof node[k] === "number" ? (node[k] as number) : undefined);
  if (Array.isArray(node.enum)) {
    const values = (node.enum as unknown[]).filter((v): v is string | boolean => typeof v === "string" || typeof v === "boolean");
    return { ...base, kind: "categorical", values };
  }
  const type = types[0];
  if (type === "integer" || type === "number") {
    const min = num("minimum") ?? (num("exclusiveMinimum") !== undefined ? num("exclusiveMinimum")! + (type === "integer" ? 1 : 1e-9) : undefined);
    const max = num("maximum") ?? (num("exclusiveMaximum") !== undefined ? num("exclusiveMaximum")! - (type === "integer" ? 1 : 1e-9) : undefined);
    return { ...base, kind: type === "integer" ? "integer" : "numeric", ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  if (type === "boolean") return { ...base, kind: "boolean" };
  if (type === "string") {
    const format = node.format;
    if (format === "date" || format === "date-time" || format === "time") {
      return { ...base, kind: "datetime", format: format === "date-time" ? "datetime" : format };
    }
    if (format === "email") return { ...base, kind: "text", faker: "internet.email" };
    if (format === "uuid") return { ...base, kind: "id", faker: "string.uuid", unique: true };
    if (typeof node.pattern === "string") return { ...base, kind: "text", pattern: node.pattern };
    return base;
  }
  throw new GenerateError(`Schema property "${name}" has type ${JSON.stringify(node.type ?? null)}; use number, integer, boolean, string or an enum.`);
}

/** A JSON Schema object ({ type: "object", properties }) → Schema. */
export function schemaFromJsonSchema(json: Json): Schema {
  if (!isJsonSchema(json)) throw new GenerateError('Expected a JSON Schema object: { "type": "object", "properties": { ... } }.');
  const columns: ColumnSchema[] = Object.entries(json.properties as Record<string, Json>).map(([name, prop]) => column(name, prop));
  return { columns };
}

/** A zod object schema → Schema (zod is loaded only when one is passed). */
export async function schemaFromZod(zodSchema: unknown): Promise<Schema> {
  if (!isZodSchema(zodSchema)) throw new GenerateError("Expected a zod schema (z.object({ ... })).");
  const { z } = await import("zod");
  const json = z.toJSONSchema(zodSchema as Parameters<typeof z.toJSONSchema>[0]) as Json;
  if (!isJsonSchema(json)) throw new GenerateError("A zod schema for rows must be a z.object({ ... }).");
  return schemaFromJsonSchema(json);
}

/** Any accepted schema form → Schema: a Schema as is, a zod object, or a JSON Schema object. */
export async function toSchema(value: unknown): Promise<Schema> {
  if (typeof value === "object" && value !== null && Array.isArray((value as Schema).columns)) return value as Schema;
  if (isZodSchema(value)) return schemaFromZod(value);
  if (isJsonSchema(value)) return schemaFromJsonSchema(value);
  throw new GenerateError('A schema is { "columns": [...] }, a zod z.object({...}), or a JSON Schema { "type": "object", "properties": {...} }.');
}
