/**
 * The offline generator's schema: the shared `Schema` (src/data/types.ts) plus a few
 * generation hints. Every hint is optional, so a schema inferred from real data (or written
 * for validation only) works unchanged.
 */
import type { CellValue, ColumnSchema, Schema } from "../../data/types.js";
import { InputError } from "../../errors.js";

export type DistributionName = "uniform" | "normal" | "lognormal";

export interface OfflineColumn extends ColumnSchema {
  /** numeric/integer: shape inside [min, max] (values outside are redrawn, then clamped). */
  distribution?: DistributionName;
  /** normal: mean and standard deviation; lognormal: mean and std of log(value). */
  mean?: number;
  std?: number;
  /** numeric: round to this many decimals. */
  decimals?: number;
  /** text/id: a faker method path, e.g. "person.fullName" or "location.city". */
  faker?: string;
  /** id without pattern: sequential values prefix + number, e.g. "T-" → T-1, T-2 … */
  prefix?: string;
  /** id: zero-pad the sequential number to this many digits. */
  padding?: number;
}

/**
 * Linked columns: values that belong together (a menu: product id, name, price, calories) are
 * drawn as one record per row, so each product keeps one id, name, price and calorie value.
 */
export interface LinkedGroup {
  name: string;
  /** Records to draw from; every record has every column in `columns`. */
  records: readonly Readonly<Record<string, CellValue>>[];
  /** Defaults to every key of the first record. */
  columns?: readonly string[];
  /** Relative draw weights, one per record (default: equal). */
  weights?: readonly number[];
}

export interface OfflineSchema extends Schema {
  columns: OfflineColumn[];
  linked?: LinkedGroup[];
}

export class SchemaError extends InputError {
  override name = "SchemaError";
}

const KINDS = new Set(["numeric", "integer", "categorical", "boolean", "datetime", "text", "id"]);

/**
 * Checks a schema before generating and returns it with linked columns filled in, so errors
 * surface as one clear message naming the column and the fix (not as NaN rows later).
 */
export function checkOfflineSchema(input: unknown): OfflineSchema {
  if (typeof input !== "object" || input === null || !Array.isArray((input as Schema).columns)) {
    throw new SchemaError('A schema is an object with a "columns" array, e.g. { "columns": [{ "name": "price", "kind": "numeric", "min": 1, "max": 9 }] }.');
  }
  const schema = input as OfflineSchema;
  const columns: OfflineColumn[] = [];
  const seen = new Set<string>();
  for (const [i, c] of schema.columns.entries()) {
    if (typeof c !== "object" || c === null || typeof c.name !== "string" || c.name === "") {
      throw new SchemaError(`Schema column ${i} needs a "name" (a non-empty string).`);
    }
    if (seen.has(c.name)) throw new SchemaError(`Column "${c.name}" appears twice in the schema; give each column one entry.`);
    seen.add(c.name);
    if (!KINDS.has(c.kind)) {
      throw new SchemaError(`Column "${c.name}": unknown kind "${String(c.kind)}"; use one of ${[...KINDS].join(", ")}.`);
    }
    if (c.nullable !== undefined && !(c.nullable >= 0 && c.nullable <= 1)) {
      throw new SchemaError(`Column "${c.name}": nullable is a share between 0 and 1, got ${String(c.nullable)}.`);
    }
    if (c.weights !== undefined) {
      const n = c.values?.length ?? (c.kind === "boolean" ? 2 : undefined); // booleans default to [true, false]
      if (n === undefined || c.weights.length !== n) {
        throw new SchemaError(`Column "${c.name}": ${c.weights.length} weights for ${n ?? 0} values; give one weight per value.`);
      }
      if (c.weights.some((w) => !(w >= 0)) || c.weights.every((w) => w === 0)) {
        throw new SchemaError(`Column "${c.name}": weights must be non-negative numbers, not all zero.`);
      }
    }
    columns.push(c);
  }
  const linked = schema.linked ?? [];
  const linkedNames = new Set<string>();
  for (const [g, group] of linked.entries()) {
    const label = group.name ? `Linked group "${group.name}"` : `Linked group ${g}`;
    if (!Array.isArray(group.records) || group.records.length === 0) {
      throw new SchemaError(`${label} needs a non-empty "records" array (one object per linked row, e.g. one per menu item).`);
    }
    const cols = group.columns ?? Object.keys(group.records[0]!);
    for (const [r, rec] of group.records.entries()) {
      for (const col of cols) {
        if (!(col in rec)) throw new SchemaError(`${label}: record ${r} has no "${col}"; every record needs every linked column.`);
      }
    }
    if (group.weights && group.weights.length !== group.records.length) {
      throw new SchemaError(`${label}: ${group.weights.length} weights for ${group.records.length} records; give one weight per record.`);
    }
    for (const col of cols) {
      if (linkedNames.has(col)) throw new SchemaError(`Column "${col}" is in two linked groups; put it in one.`);
      linkedNames.add(col);
      // A linked column the schema does not list gets a kind from its values.
      if (!seen.has(col)) {
        seen.add(col);
        const vals = group.records.map((r) => r[col]);
        const kind = vals.every((v) => typeof v === "number")
          ? (vals.every((v) => Number.isInteger(v)) ? "integer" : "numeric")
          : vals.every((v) => typeof v === "boolean") ? "boolean" : "categorical";
        columns.push({ name: col, kind });
      }
    }
  }
  return { ...schema, columns, linked };
}
