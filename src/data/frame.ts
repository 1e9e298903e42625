/**
 * Frame construction and conversion. `toFrame` is the single entry point every public
 * function uses to accept a DataFrame, records, or a Frame.
 */
import type { CellValue, Frame } from "./types.js";
import { InputError } from "../errors.js";

/** Structural view of a danfo DataFrame: enough to convert without importing danfo (slow to load). */
export interface DataFrameLike {
  columns: string[];
  values: unknown[][];
  shape: number[];
}

export type Row = Record<string, CellValue>;
export type TableInput = Frame | DataFrameLike | readonly Record<string, unknown>[];

export class FrameError extends InputError {
  override name = "FrameError";
}

export function isFrame(value: unknown): value is Frame {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as Frame).columnNames) &&
    typeof (value as Frame).rowCount === "number" &&
    typeof (value as Frame).columns === "object"
  );
}

function isDataFrameLike(value: unknown): value is DataFrameLike {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as DataFrameLike).columns) &&
    Array.isArray((value as DataFrameLike).shape) &&
    "values" in value
  );
}

/** Normalises one raw value: undefined, NaN, "" and Invalid Date become null; Dates become ISO strings. */
export function normalizeCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isNaN(value) ? null : value;
  if (typeof value === "string") return value === "" ? null : value;
  if (typeof value === "boolean") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return String(value);
}

/** Builds a Frame from column arrays (values normalised, lengths checked). */
export function frameFromColumns(columns: Record<string, readonly unknown[]>, order?: readonly string[]): Frame {
  const names = order ? [...order] : Object.keys(columns);
  let rowCount = -1;
  const out: Record<string, CellValue[]> = {};
  for (const name of names) {
    const col = columns[name];
    if (!col) throw new FrameError(`Column "${name}" is missing: pass an array for every column name.`);
    if (rowCount === -1) rowCount = col.length;
    else if (col.length !== rowCount) {
      throw new FrameError(`Column "${name}" has ${col.length} values but the others have ${rowCount}: every column needs one value per row.`);
    }
    out[name] = col.map(normalizeCell);
  }
  return { columnNames: names, columns: out, rowCount: Math.max(rowCount, 0) };
}

/** Builds a Frame from records; the column order is first-seen order over all records. */
export function frameFromRecords(records: readonly Record<string, unknown>[]): Frame {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    for (const k of Object.keys(r)) if (!seen.has(k)) { seen.add(k); names.push(k); }
  }
  const columns: Record<string, CellValue[]> = {};
  for (const n of names) columns[n] = new Array<CellValue>(records.length);
  records.forEach((r, i) => {
    for (const n of names) columns[n]![i] = normalizeCell(r[n]);
  });
  return { columnNames: names, columns, rowCount: records.length };
}

/** Accepts a Frame, a danfo DataFrame (or anything shaped like one) or an array of records. */
export function toFrame(input: TableInput | unknown): Frame {
  if (isFrame(input)) return input;
  if (Array.isArray(input)) {
    for (const [i, r] of input.entries()) {
      if (typeof r !== "object" || r === null || Array.isArray(r)) {
        throw new FrameError(`Row ${i} is ${Array.isArray(r) ? "an array" : typeof r}: pass an array of objects ({ column: value }).`);
      }
    }
    return frameFromRecords(input as Record<string, unknown>[]);
  }
  if (isDataFrameLike(input)) {
    const names = input.columns.map(String);
    const rows = input.values as unknown[][];
    const columns: Record<string, CellValue[]> = {};
    names.forEach((n, j) => { columns[n] = rows.map((row) => normalizeCell(row[j])); });
    return { columnNames: names, columns, rowCount: rows.length };
  }
  throw new FrameError(
    `Expected a table (a danfo DataFrame, an array of records or a Frame) but got ${input === null ? "null" : typeof input}.`,
  );
}

export function frameToRecords(frame: Frame): Row[] {
  const out: Row[] = new Array(frame.rowCount);
  for (let i = 0; i < frame.rowCount; i++) {
    const r: Row = {};
    for (const n of frame.columnNames) r[n] = frame.columns[n]![i]!;
    out[i] = r;
  }
  return out;
}

/** Rows by index (copying). */
export function takeRows(frame: Frame, indices: readonly number[]): Frame {
  const columns: Record<string, CellValue[]> = {};
  for (const n of frame.columnNames) {
    const src = frame.columns[n]!;
    columns[n] = indices.map((i) => src[i] ?? null);
  }
  return { columnNames: [...frame.columnNames], columns, rowCount: indices.length };
}

export function selectColumns(frame: Frame, names: readonly string[]): Frame {
  const missing = names.filter((n) => !(n in frame.columns));
  if (missing.length) {
    throw new FrameError(`Missing column(s): ${missing.join(", ")}. Available: ${frame.columnNames.join(", ")}.`);
  }
  const columns: Record<string, readonly CellValue[]> = {};
  for (const n of names) columns[n] = frame.columns[n]!;
  return { columnNames: [...names], columns, rowCount: frame.rowCount };
}

/** Stacks frames with the same columns (by name). */
export function concatFrames(frames: readonly Frame[]): Frame {
  if (frames.length === 0) throw new FrameError("concatFrames needs at least one frame.");
  const names = frames[0]!.columnNames;
  const columns: Record<string, CellValue[]> = {};
  for (const n of names) {
    columns[n] = [];
    for (const f of frames) {
      const c = f.columns[n];
      if (!c) throw new FrameError(`Cannot stack tables: column "${n}" is missing from one of them.`);
      for (const v of c) columns[n]!.push(v);
    }
  }
  return { columnNames: [...names], columns, rowCount: frames.reduce((s, f) => s + f.rowCount, 0) };
}
