/**
 * Schema inference, row validation and type coercion.
 *
 * Kind rules (in this order, over the non-missing values of a column; see docs/data.md):
 * 1. boolean     — every value is a boolean (or "true"/"false" text).
 * 2. integer     — every value is an integer number (or strict integer text), unless it is a
 *                  running row number (all distinct, consecutive) → id.
 *    numeric     — every value is a number (or strict number text).
 *                  Whole numbers in a column named like a timestamp ("created_unix", "epoch_ms")
 *                  in the 1973–2286 range are datetime with format "unix-s" / "unix-ms".
 * 3. datetime    — at least 98% of the distinct values read as dates, datetimes or times of day in
 *                  one format (ISO, "dd-mm-yyyy HH:MM", "m/d/yyyy", "15-Jan-67", … see datetime.ts);
 *                  the format is kept in `format`, values that do not fit are named in `notes`.
 *                  Time of day counts as datetime (ms since midnight).
 * 4. id          — strings that identify rows or entities: (nearly) all distinct and short, or a
 *                  shared code shape with digits ("ANON-0000-0000-0001") and many distinct values;
 *                  whole numbers that are a running row number, or nearly all distinct in a column
 *                  named like an identifier ("ID", "Patent No.", an unnamed index).
 * 5. text        — long strings (mean length ≥ 40) or mostly distinct strings containing spaces.
 * 6. categorical — everything else.
 */
import { FrameError } from "./frame.js";
import { checkDateFormat, dateCellMs, DateFormatError, inferDateFormat, inferUnixFormat, parseDateTimeMs, type DateFormat } from "./datetime.js";
import type { CellValue, ColumnKind, ColumnSchema, Frame, Schema } from "./types.js";
import { quoteValue } from "../display/untrusted.js";
import { InputError } from "../errors.js";

export interface InferSchemaOptions {
  /** Categorical levels kept in `values`/`weights` (most frequent first; default 100). */
  maxLevels?: number;
  /** Mean length from which strings are text (default 40). */
  textLength?: number;
  /** Force kinds for some columns, e.g. { Weekdaysort: "categorical" }. */
  kinds?: Readonly<Record<string, ColumnKind>>;
  /**
   * Date formats for some columns, e.g. { Date: "dd/mm/yyyy" }: the column is datetime, read with
   * that pattern. Settles a day/month order the data cannot (every day ≤ 12).
   */
  dates?: Readonly<Record<string, DateFormat>>;
}

/** Names that mark an identifier column: "ID", "user_id", "Patent No.", "index", or no name at all. */
const ID_NAME = /^(?:|#|index|column_1|unnamed: ?0)$|(^|[^a-z])(id|no|nr|num|number|key|code|index)\.?$/i;

const STRICT_NUMBER = /^[+-]?(?:0|[1-9]\d*)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * The number a text writes; undefined when it writes none. A number too large for a float ("1e400")
 * is NaN: still a number, so its column stays numeric and validation counts the cell.
 */
function numberFromText(s: string): number | undefined {
  const t = s.trim();
  if (!/\d/.test(t) || !STRICT_NUMBER.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

function booleanFromText(s: string): boolean | undefined {
  const t = s.trim().toLowerCase();
  return t === "true" ? true : t === "false" ? false : undefined;
}

/** Character-class shape: letters → A/a, digits → 9, others kept ("ANON-0000-0001" → "AAAA-9999-9999"). */
function shapeOf(s: string): string {
  let out = "";
  for (const ch of s) {
    if (ch >= "0" && ch <= "9") out += "9";
    else if (ch >= "A" && ch <= "Z") out += "A";
    else if (ch >= "a" && ch <= "z") out += "a";
    else out += ch;
  }
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A regex for a shape, runs collapsed: "AAAA-9999" → "^[A-Z]{4}-\d{4}$". */
function shapeRegex(shape: string): string {
  let out = "^";
  let i = 0;
  while (i < shape.length) {
    const ch = shape[i]!;
    let j = i;
    while (j < shape.length && shape[j] === ch) j++;
    const n = j - i;
    const cls = ch === "9" ? "\\d" : ch === "A" ? "[A-Z]" : ch === "a" ? "[a-z]" : null;
    if (cls) out += n === 1 ? cls : `${cls}{${n}}`;
    else out += escapeRegex(ch.repeat(n));
    i = j;
  }
  return out + "$";
}

type Present = Exclude<CellValue, null>;

/**
 * Distinct non-missing values with their counts. Every kind test below runs over the distinct
 * values only, which is what keeps inference fast on long columns with few levels.
 */
function profile(values: readonly CellValue[]): { counts: Map<Present, number>; present: number } {
  const counts = new Map<Present, number>();
  let present = 0;
  for (const v of values) {
    if (v === null) continue;
    present++;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return { counts, present };
}

function inferColumn(name: string, values: readonly CellValue[], opts: InferSchemaOptions, notes: string[]): ColumnSchema {
  const n = values.length;
  const { counts, present } = profile(values);
  const nullable = n === 0 ? 0 : (n - present) / n;
  const base = { name, nullable } as ColumnSchema;
  const given = opts.dates?.[name];
  if (present === 0) {
    if (given !== undefined) return { ...base, kind: "datetime", format: given };
    return { ...base, kind: opts.kinds?.[name] ?? "categorical", values: [], weights: [] };
  }
  const forced = given !== undefined ? "datetime" : opts.kinds?.[name];
  if (forced === undefined || forced === "datetime") {
    const format = given ?? dateFormatOf(name, counts, forced === "datetime", notes);
    if (format !== null) return describeDates(base, format, counts, notes);
  }
  const kind = forced ?? detectKind(name, counts, present, opts);
  return describe(base, kind, counts, present, opts);
}

/**
 * The date format of a column (null when it holds no dates): unix numbers by name, else the pattern
 * most of its texts follow. An order of day and month the data cannot settle becomes a note.
 */
function dateFormatOf(name: string, counts: Map<Present, number>, forced: boolean, notes: string[]): DateFormat | null {
  const keys = [...counts.keys()];
  if (keys.every((v) => typeof v === "number")) return inferUnixFormat(name, keys as number[]);
  if (!keys.every((v) => typeof v === "string")) return null;
  const guess = inferDateFormat(keys as string[]);
  if (!guess) {
    if (forced) throw new FrameError(`Column "${name}" is marked datetime but its values (e.g. ${JSON.stringify(keys[0])}) follow no known date format: give one, e.g. dates: { "${name}": "dd/mm/yyyy" }.`);
    return null;
  }
  if (guess.ambiguousWith) {
    notes.push(`Column "${name}": every day and month is 12 or less, so the order is ambiguous; read as ${guess.format}. If the day comes first, pass --dates "${name}=${guess.ambiguousWith}" (dates: { "${name}": "${guess.ambiguousWith}" } in code).`);
  }
  return guess.format;
}

/** A datetime column: its format, range (as written) and the count of values that do not fit. */
function describeDates(base: ColumnSchema, format: DateFormat, counts: Map<Present, number>, notes: string[]): ColumnSchema {
  try { checkDateFormat(format); } catch (e) {
    if (e instanceof DateFormatError) throw new FrameError(`Column "${base.name}": ${e.message}`);
    throw e;
  }
  const col: ColumnSchema = { ...base, kind: "datetime", format };
  let lo = Infinity, hi = -Infinity, loV: Present | undefined, hiV: Present | undefined;
  let misfit = 0, total = 0;
  let example: Present | undefined;
  for (const [v, c] of counts) {
    total += c;
    const x = dateCellMs(v, format);
    if (Number.isNaN(x)) { misfit += c; example ??= v; continue; }
    if (x < lo) { lo = x; loV = v; }
    if (x > hi) { hi = x; hiV = v; }
  }
  if (loV !== undefined && hiV !== undefined) {
    col.min = typeof loV === "number" ? loV : String(loV);
    col.max = typeof hiV === "number" ? hiV : String(hiV);
  }
  if (misfit > 0) {
    notes.push(`Column "${base.name}": ${misfit} of ${total} values do not fit its date format ${format} (e.g. ${JSON.stringify(example)}); they are read as missing.`);
  }
  return col;
}

function asNumber(v: Present): number | undefined {
  return typeof v === "number" ? v : typeof v === "string" ? numberFromText(v) : undefined;
}

function asBoolean(v: Present): boolean | undefined {
  return typeof v === "boolean" ? v : typeof v === "string" ? booleanFromText(v) : undefined;
}

function detectKind(name: string, counts: Map<Present, number>, present: number, opts: InferSchemaOptions): ColumnKind {
  const keys = [...counts.keys()];
  if (keys.every((v) => asBoolean(v) !== undefined)) return "boolean";
  const nums = keys.map(asNumber);
  if (nums.every((x) => x !== undefined)) {
    if (!nums.every((x) => Number.isInteger(x))) return "numeric";
    if (present >= 20 && keys.length === present) {
      let lo = Infinity, hi = -Infinity;
      for (const x of nums as number[]) { if (x < lo) lo = x; if (x > hi) hi = x; }
      if (hi - lo + 1 === present) return "id"; // a running row number carries no signal
    }
    // Nearly all distinct and named like one: a transaction number, a patent number.
    if (present >= 20 && keys.length >= 0.95 * present && ID_NAME.test(name.trim())) return "id";
    return "integer";
  }
  const strings = keys.map((v) => String(v));

  const distinct = new Set(strings).size;
  let totalLen = 0;
  let withSpace = 0;
  strings.forEach((s, i) => {
    const c = counts.get(keys[i]!)!;
    totalLen += s.length * c;
    if (/\s/.test(s)) withSpace += c;
  });
  if (totalLen / present >= (opts.textLength ?? 40)) return "text";
  let codeLike = withSpace === 0;
  if (codeLike) {
    const shapes = new Set<string>();
    for (const s of strings) {
      if (!/\d/.test(s)) { codeLike = false; break; }
      shapes.add(shapeOf(s));
      if (shapes.size > 3) { codeLike = false; break; }
    }
  }
  if (codeLike && distinct >= 20 && distinct >= 0.2 * present) return "id";
  // (Nearly) every value distinct: names and codes identify rows; sentences are free text.
  if (present >= 20 && distinct >= 0.95 * present) return withSpace > present / 2 ? "text" : "id";
  if (distinct > 50 && distinct >= 0.5 * present && withSpace > present / 2) return "text";
  return "categorical";
}

function describe(base: ColumnSchema, kind: ColumnKind, counts: Map<Present, number>, present: number, opts: InferSchemaOptions): ColumnSchema {
  const col: ColumnSchema = { ...base, kind };
  switch (kind) {
    case "numeric":
    case "integer": {
      let lo = Infinity, hi = -Infinity;
      for (const v of counts.keys()) {
        const x = typeof v === "boolean" ? (v ? 1 : 0) : asNumber(v);
        if (x === undefined) continue;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      if (lo <= hi) { col.min = lo; col.max = hi; }
      return col;
    }
    case "datetime": // described by describeDates; reached only for a column with no dates
      return col;
    case "boolean": {
      let t = 0;
      for (const [v, c] of counts) if (asBoolean(v) === true) t += c;
      col.values = [true, false];
      col.weights = [t / present, 1 - t / present];
      return col;
    }
    case "categorical": {
      const byText = new Map<string, number>();
      for (const [v, c] of counts) { const s = String(v); byText.set(s, (byText.get(s) ?? 0) + c); }
      const sorted = [...byText.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const kept = sorted.slice(0, opts.maxLevels ?? 100);
      col.values = kept.map(([k]) => k);
      col.weights = kept.map(([, c]) => c / present);
      return col;
    }
    case "id": {
      const strings = [...counts.keys()].map(String);
      col.unique = counts.size === present && new Set(strings).size === strings.length;
      const shapes = new Set<string>();
      for (const s of strings) { shapes.add(shapeOf(s)); if (shapes.size > 1) break; }
      if (shapes.size === 1 && [...counts.keys()].every((v) => typeof v === "string")) col.pattern = shapeRegex([...shapes][0]!);
      return col;
    }
    case "text":
      return col;
  }
}

/**
 * Infers a Schema from a Frame (kinds, date formats, ranges, category weights, missing shares).
 * What a user should know about the reading (an ambiguous day/month order, values that do not fit
 * a date format) is in `notes`, one line each.
 */
export function inferSchema(frame: Frame, opts: InferSchemaOptions = {}): Schema {
  for (const name of Object.keys(opts.kinds ?? {})) {
    if (!(name in frame.columns)) {
      throw new FrameError(`inferSchema: kinds names column "${name}", which the table does not have. Columns: ${frame.columnNames.join(", ")}.`);
    }
  }
  for (const name of Object.keys(opts.dates ?? {})) {
    if (!(name in frame.columns)) {
      throw new FrameError(`A date format is given for column "${name}", which the table does not have (--dates ${name}=…). Columns: ${frame.columnNames.join(", ")}.`);
    }
  }
  const notes: string[] = [];
  const columns = frame.columnNames.map((n) => inferColumn(n, frame.columns[n]!, opts, notes));
  return notes.length ? { columns, notes } : { columns };
}

// ---------------------------------------------------------------- validation

export type IssueCode = "missing-column" | "extra-column" | "null" | "type" | "range" | "category" | "pattern" | "unique";

export interface ValidationIssue {
  column: string;
  /** Row index, for validateFrame. */
  row?: number;
  code: IssueCode;
  message: string;
  value?: unknown;
}

export interface ValidateOptions {
  /** Check numeric/datetime min..max (default true). */
  ranges?: boolean;
  /** Check categorical values against `values` (default true). */
  categories?: boolean;
  /** Report row keys that are not schema columns (default true). */
  extraColumns?: boolean;
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value);
  if (value === undefined) return "nothing";
  return quoteValue(value); // bounded, and safe for values too deeply nested to print
}

const EXPECTED: Record<ColumnKind, string> = {
  numeric: "a number",
  integer: "an integer",
  categorical: "a category (string)",
  boolean: "true or false",
  datetime: "an ISO date/time string",
  text: "a string",
  id: "an id (string or integer)",
};

const patternCache = new Map<string, RegExp>();
function compiled(pattern: string, column: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    try {
      re = new RegExp(pattern);
    } catch (err) {
      throw new FrameError(`Schema column ${column}: pattern ${JSON.stringify(pattern)} is not a valid regular expression (${(err as Error).message}). Fix the pattern.`);
    }
    if (patternCache.size > 1000) patternCache.clear(); // bound memory for generated schemas
    patternCache.set(pattern, re);
  }
  return re;
}

function issueOf(col: ColumnSchema, value: unknown, code: IssueCode, msg: string): ValidationIssue {
  return { column: col.name, code, message: `column ${col.name}: ${msg}`, value };
}

/** What a column expects, in words; a datetime column with a pattern names it. */
function expected(col: Pick<ColumnSchema, "kind" | "format">): string {
  return col.kind === "datetime" && col.format && !["date", "datetime", "time"].includes(col.format) ? `a date/time written ${col.format}` : EXPECTED[col.kind];
}

function typeIssue(col: ColumnSchema, value: unknown): ValidationIssue {
  return issueOf(col, value, "type", `expected ${expected(col)}, got ${show(value)}`);
}

/** Parsed datetime bounds: a schema's min/max are read once, not once per validated value. */
const boundCache = new Map<string, number>();
function boundMs(bound: string | number, format: string | undefined): number {
  const key = `${format ?? ""}\u0000${bound}`;
  let ms = boundCache.get(key);
  if (ms === undefined) {
    ms = dateCellMs(bound, format);
    if (boundCache.size > 1000) boundCache.clear(); // bound memory for generated schemas
    boundCache.set(key, ms);
  }
  return ms;
}

function inCategories(values: readonly (string | number | boolean)[], s: string): boolean {
  for (const v of values) if (String(v) === s) return true;
  return false;
}

// Plain functions, no closures per call: validation runs on every generated row (LLM batches).
/** Checks one value against its column (type first, then range/category/pattern). */
function checkValue(col: ColumnSchema, value: unknown, opts: ValidateOptions): ValidationIssue | null {
  if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) {
    // A schema without a nullable share means "never missing": generated rows must be complete.
    return (col.nullable ?? 0) > 0 ? null : issueOf(col, value, "null", "is missing but the column allows no missing values");
  }
  switch (col.kind) {
    case "numeric":
    case "integer": {
      if (typeof value !== "number" || !Number.isFinite(value)) return typeIssue(col, value);
      if (col.kind === "integer" && !Number.isInteger(value)) return typeIssue(col, value);
      if (opts.ranges !== false) {
        if (typeof col.min === "number" && value < col.min) return issueOf(col, value, "range", `${value} is below the minimum ${col.min}`);
        if (typeof col.max === "number" && value > col.max) return issueOf(col, value, "range", `${value} is above the maximum ${col.max}`);
      }
      return null;
    }
    case "boolean":
      return typeof value === "boolean" ? null : typeIssue(col, value);
    case "datetime": {
      const ms = dateCellMs(value, col.format);
      if (Number.isNaN(ms)) return typeIssue(col, value);
      if (opts.ranges !== false) {
        if (col.min !== undefined && ms < boundMs(col.min, col.format)) return issueOf(col, value, "range", `${show(value)} is before the minimum ${col.min}`);
        if (col.max !== undefined && ms > boundMs(col.max, col.format)) return issueOf(col, value, "range", `${show(value)} is after the maximum ${col.max}`);
      }
      return null;
    }
    case "categorical": {
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return typeIssue(col, value);
      if (opts.categories !== false && col.values && col.values.length > 0 && !inCategories(col.values, String(value))) {
        const list = col.values.slice(0, 10).map((v) => JSON.stringify(String(v))).join(", ");
        return issueOf(col, value, "category", `${show(value)} is not one of ${list}${col.values.length > 10 ? ", ..." : ""}`);
      }
      return null;
    }
    case "text":
    case "id": {
      if (typeof value !== "string" && !(col.kind === "id" && typeof value === "number" && Number.isInteger(value))) return typeIssue(col, value);
      if (col.pattern && !compiled(col.pattern, col.name).test(String(value))) return issueOf(col, value, "pattern", `${show(value)} does not match ${col.pattern}`);
      return null;
    }
  }
}

/** Issues for one record (empty array: valid). Messages read "column price: expected a number, got \"abc\"". */
export function validateRow(row: Readonly<Record<string, unknown>>, schema: Schema, opts: ValidateOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const col of schema.columns) {
    if (col.expression) continue; // derived columns are computed by the generator, not checked here
    if (!(col.name in row)) {
      issues.push({ column: col.name, code: "missing-column", message: `column ${col.name}: missing from the row` });
      continue;
    }
    const issue = checkValue(col, row[col.name], opts);
    if (issue) issues.push(issue);
  }
  if (opts.extraColumns !== false) {
    const known = new Set(schema.columns.map((c) => c.name));
    for (const key of Object.keys(row)) {
      if (!known.has(key)) issues.push({ column: key, code: "extra-column", message: `column ${key}: not in the schema (expected ${[...known].join(", ")})` });
    }
  }
  return issues;
}

/** Issues for every row of a Frame (each with `row`), plus uniqueness of `unique` columns. */
export function validateFrame(frame: Frame, schema: Schema, opts: ValidateOptions & { limit?: number } = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const limit = opts.limit ?? Infinity;
  const known = new Set(frame.columnNames);
  for (const col of schema.columns) {
    if (col.expression) continue;
    if (!known.has(col.name)) issues.push({ column: col.name, code: "missing-column", message: `column ${col.name}: missing from the table` });
  }
  if (opts.extraColumns !== false) {
    const names = new Set(schema.columns.map((c) => c.name));
    for (const n of frame.columnNames) if (!names.has(n)) issues.push({ column: n, code: "extra-column", message: `column ${n}: not in the schema` });
  }
  for (const col of schema.columns) {
    const values = frame.columns[col.name];
    if (!values || col.expression) continue;
    const seen = col.unique ? new Set<string>() : null;
    for (let i = 0; i < frame.rowCount && issues.length < limit; i++) {
      const v = values[i] ?? null;
      const issue = checkValue(col, v, opts);
      if (issue) issues.push({ ...issue, row: i, message: `row ${i}, ${issue.message}` });
      if (seen && v !== null) {
        const k = String(v);
        if (seen.has(k)) issues.push({ column: col.name, row: i, code: "unique", value: v, message: `row ${i}, column ${col.name}: ${show(v)} repeats but the column is unique` });
        seen.add(k);
      }
    }
  }
  return issues.slice(0, limit);
}

// ---------------------------------------------------------------- coercion

export class CoercionError extends InputError {
  override name = "CoercionError";
  constructor(message: string, readonly issues: readonly ValidationIssue[]) {
    super(message);
  }
}

/**
 * Converts one value to its column's type; undefined when it cannot. Missing stays null. A datetime
 * keeps its text when it fits `format` (the column's date format; ISO without one).
 */
export function coerceValue(value: unknown, kind: ColumnKind, format?: string): CellValue | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" && value.trim() === "") return null;
  if (typeof value === "number" && Number.isNaN(value)) return null;
  switch (kind) {
    case "numeric":
    case "integer": {
      const x = typeof value === "number" ? value : typeof value === "string" ? numberFromText(value) : undefined;
      if (x === undefined || !Number.isFinite(x)) return undefined;
      return kind === "integer" && !Number.isInteger(x) ? undefined : x;
    }
    case "boolean":
      if (typeof value === "boolean") return value;
      if (typeof value === "string") return booleanFromText(value);
      if (value === 0 || value === 1) return value === 1;
      return undefined;
    case "datetime": {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
      if (typeof value === "number" && (format === "unix-s" || format === "unix-ms")) return value;
      if (typeof value !== "string") return undefined;
      return Number.isNaN(parseDateTimeMs(value, format)) ? undefined : value;
    }
    case "id":
      if (typeof value === "number" && Number.isInteger(value)) return value;
      return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
    case "categorical":
    case "text":
      return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
  }
}

function hasColumn(schema: Schema, name: string): boolean {
  for (const c of schema.columns) if (c.name === name) return true;
  return false;
}

/** Coerces and validates a record in one step (what the LLM generator needs per row). */
export function coerceRow(
  row: Readonly<Record<string, unknown>>,
  schema: Schema,
  opts: ValidateOptions = {},
): { row: Record<string, CellValue>; issues: ValidationIssue[] } {
  const out: Record<string, CellValue> = {};
  const issues: ValidationIssue[] = [];
  for (const col of schema.columns) {
    if (!(col.name in row)) continue;
    const c = coerceValue(row[col.name], col.kind, col.format);
    if (c === undefined) {
      issues.push({ column: col.name, code: "type", value: row[col.name], message: `column ${col.name}: expected ${expected(col)}, got ${show(row[col.name])}` });
      out[col.name] = null;
    } else out[col.name] = c;
  }
  for (const k of Object.keys(row)) if (!(k in out) && !hasColumn(schema, k)) out[k] = row[k] as CellValue;
  const typeIssues = issues.length;
  for (const issue of validateRow(out, schema, opts)) {
    let typed = false;
    for (let i = 0; i < typeIssues; i++) if (issues[i]!.column === issue.column) typed = true;
    if (!typed) issues.push(issue);
  }
  return { row: out, issues };
}

/**
 * Converts each schema column of `frame` to its kind (strings → numbers/booleans, etc.).
 * Throws CoercionError listing the count and the first few bad cells; columns not in the
 * schema pass through unchanged.
 */
export function coerceFrame(frame: Frame, schema: Schema): Frame {
  const columns: Record<string, readonly CellValue[]> = { ...frame.columns };
  const issues: ValidationIssue[] = [];
  for (const col of schema.columns) {
    const src = frame.columns[col.name];
    if (!src) continue;
    const out = new Array<CellValue>(src.length);
    for (let i = 0; i < src.length; i++) {
      const c = coerceValue(src[i], col.kind, col.format);
      if (c === undefined) {
        issues.push({ column: col.name, row: i, code: "type", value: src[i], message: `row ${i}, column ${col.name}: expected ${expected(col)}, got ${show(src[i])}` });
        out[i] = null;
      } else out[i] = c;
    }
    columns[col.name] = out;
  }
  if (issues.length > 0) {
    const first = issues.slice(0, 3).map((i) => i.message).join("; ");
    throw new CoercionError(
      `${issues.length} value(s) cannot be converted to the schema's types: ${first}${issues.length > 3 ? "; ..." : ""}. ` +
        `Fix those values, or change the column kind in the schema.`,
      issues,
    );
  }
  return { columnNames: [...frame.columnNames], columns, rowCount: frame.rowCount };
}
