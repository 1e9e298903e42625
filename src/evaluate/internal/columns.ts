/**
 * Column typing for evaluation. The evaluator only needs three behaviours: numbers,
 * datetimes (compared as epoch milliseconds) and categories; free text and identifiers
 * are skipped because every value is unique and no distribution can be compared.
 */
import { parseDateTimeMs } from "../../data/datetime.js";
import type { CellValue } from "../../data/types.js";
import type { Column, EvalKind } from "../types.js";

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Epoch ms of a date, datetime or time-of-day string (NaN otherwise). One parser for the whole
 * project (src/data/datetime.ts), so a column the data layer calls datetime is datetime here too.
 */
export const parseDateMs = parseDateTimeMs;

/** The numeric value of one cell for a numeric or datetime column, NaN when missing or unparseable. */
export function cellToNumber(v: CellValue, kind: EvalKind): number {
  if (v === null) return Number.NaN;
  if (kind === "datetime") {
    if (typeof v === "number") return v;
    return typeof v === "string" ? parseDateMs(v) : Number.NaN;
  }
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return NUMBER_RE.test(v.trim()) ? Number(v) : Number.NaN;
}

export interface NumericView {
  values: Float64Array;
  /** Non-missing cells that could not be read as numbers (counted as missing). */
  unparsed: number;
}

// Parsed columns are cached per column array (frames are immutable by contract), so the many
// metrics that read one column parse its numbers and datetimes once.
const numericCache = new WeakMap<Column, Map<EvalKind, NumericView>>();

/** The column as numbers (NaN = missing). The returned array is shared: read it, never write it. */
export function toNumeric(col: Column, kind: EvalKind): NumericView {
  let byKind = numericCache.get(col);
  const hit = byKind?.get(kind);
  if (hit) return hit;
  const values = new Float64Array(col.length);
  let unparsed = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    const x = cellToNumber(v, kind);
    if (Number.isNaN(x) && v !== null) unparsed++;
    values[i] = x;
  }
  const view = { values, unparsed };
  if (!byKind) { byKind = new Map(); numericCache.set(col, byKind); }
  byKind.set(kind, view);
  return view;
}

/** Category label of a cell: booleans and numbers as text, null stays null. */
export function categoryOf(v: CellValue): string | null {
  return v === null ? null : String(v);
}

/**
 * Infers how to evaluate a column from its real values: all numbers (or numeric strings)
 * → numeric; all ISO datetimes → datetime; strings with mostly unique values (> 50 distinct
 * and > half the rows) → text; anything else → categorical. An all-missing column is categorical.
 */
export function inferEvalKind(col: Column): EvalKind {
  let nonNull = 0;
  let numbers = 0;
  let numericStrings = 0;
  let dates = 0;
  let bools = 0;
  const distinct = new Set<string>();
  for (const v of col) {
    if (v === null) continue;
    nonNull++;
    if (typeof v === "number") numbers++;
    else if (typeof v === "boolean") bools++;
    else {
      if (NUMBER_RE.test(v.trim())) numericStrings++;
      else if (!Number.isNaN(parseDateMs(v))) dates++;
      if (distinct.size <= 100_000) distinct.add(v);
    }
  }
  if (nonNull === 0) return "categorical";
  if (numbers + numericStrings === nonNull && numbers + numericStrings > 0 && bools === 0) return "numeric";
  if (dates === nonNull) return "datetime";
  if (bools > 0) return "categorical";
  if (distinct.size > 50 && distinct.size > nonNull / 2) return "text";
  return "categorical";
}

export function isNumericKind(kind: EvalKind): boolean {
  return kind === "numeric" || kind === "datetime";
}

const sortedCache = new WeakMap<Float64Array, Float64Array>();

/** The non-missing values sorted ascending (cached per array: statistics and KS share it). Read only. */
export function sortedFinite(values: Float64Array): Float64Array {
  const hit = sortedCache.get(values);
  if (hit) return hit;
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) out[k++] = values[i]!;
  out.sort();
  sortedCache.set(values, out);
  return out;
}
