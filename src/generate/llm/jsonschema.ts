/**
 * Schema → JSON Schema for structured output (OpenAI "strict" subset: every property required,
 * additionalProperties false, nullable as a ["t", "null"] type union). Ranges of numbers use
 * minimum/maximum; ranges of dates and times go into the description, which strict mode allows.
 */
import type { ColumnSchema, Schema } from "../../data/types.js";

export type JsonSchema = Record<string, unknown>;

function dateFormat(col: ColumnSchema): "date" | "date-time" | "time" | undefined {
  const sample = typeof col.min === "string" ? col.min : typeof col.max === "string" ? col.max : undefined;
  if (!sample) return "date-time";
  if (/^\d{4}-\d{2}-\d{2}$/.test(sample)) return "date";
  if (/^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(sample)) return "time";
  if (/^\d{4}-\d{2}-\d{2}[T ]\d/.test(sample)) return "date-time";
  return undefined;
}

/** Human description of a column's constraints (also used in prompts). */
export function describeColumn(col: ColumnSchema): string {
  const parts: string[] = [col.kind];
  if (col.kind === "datetime") {
    const f = dateFormat(col);
    if (f) parts.push(f === "date" ? "ISO date YYYY-MM-DD" : f === "time" ? "time of day HH:MM:SS" : "ISO date-time");
    // A non-ISO column names its pattern, so the model writes "31-12-2020 14:05", not ISO.
    else if (col.format && !["date", "datetime", "time"].includes(col.format)) parts.push(`written as ${col.format} (yyyy year, mm month, dd day, HH hour, MM minute, mon month name)`);
  }
  if (col.min !== undefined && col.max !== undefined) parts.push(`between ${col.min} and ${col.max}`);
  else if (col.min !== undefined) parts.push(`at least ${col.min}`);
  else if (col.max !== undefined) parts.push(`at most ${col.max}`);
  if (col.values?.length) {
    const w = col.weights;
    const list = col.values
      .slice(0, 40)
      .map((v, i) => (w && w[i] !== undefined ? `${String(v)} (${(w[i]! * 100).toFixed(0)}%)` : String(v)));
    parts.push(`one of: ${list.join(", ")}`);
  }
  if (col.pattern) parts.push(`matching /${col.pattern}/`);
  if (col.unique) parts.push("unique");
  if ((col.nullable ?? 0) > 0) parts.push(`missing (null) in about ${((col.nullable ?? 0) * 100).toFixed(0)}% of rows`);
  else parts.push("never null");
  if (col.description) parts.push(col.description);
  return parts.join("; ");
}

export function columnJsonSchema(col: ColumnSchema): JsonSchema {
  const nullable = (col.nullable ?? 0) > 0;
  const t = (base: string): string | string[] => (nullable ? [base, "null"] : base);
  const out: JsonSchema = {};
  switch (col.kind) {
    case "numeric":
    case "integer":
      out["type"] = t(col.kind === "integer" ? "integer" : "number");
      if (typeof col.min === "number") out["minimum"] = col.min;
      if (typeof col.max === "number") out["maximum"] = col.max;
      break;
    case "boolean":
      out["type"] = t("boolean");
      break;
    case "categorical":
      out["type"] = t("string");
      if (col.values?.length) out["enum"] = [...col.values.map(String), ...(nullable ? [null] : [])];
      break;
    case "datetime": {
      out["type"] = t("string");
      const f = dateFormat(col);
      if (f) out["format"] = f;
      break;
    }
    default:
      out["type"] = t("string");
      if (col.pattern) out["pattern"] = col.pattern;
  }
  out["description"] = describeColumn(col);
  return out;
}

/** Columns the model writes: derived columns (expressions) are computed, not generated. */
export function generatedColumns(schema: Schema): ColumnSchema[] {
  return schema.columns.filter((c) => !c.expression);
}

export function rowJsonSchema(schema: Schema): JsonSchema {
  const cols = generatedColumns(schema);
  return {
    type: "object",
    properties: Object.fromEntries(cols.map((c) => [c.name, columnJsonSchema(c)])),
    required: cols.map((c) => c.name),
    additionalProperties: false,
  };
}

/** Wraps an item schema as { [key]: item[] } (strict mode needs an object at the top). */
export function listJsonSchema(item: JsonSchema, key = "rows"): JsonSchema {
  return {
    type: "object",
    properties: { [key]: { type: "array", items: item } },
    required: [key],
    additionalProperties: false,
  };
}
