/**
 * One schema per comparison: the real table's (src/data/schema.ts) decides how every table of a
 * report is read. The synthetic and holdout tables are never re-inferred, so a date column the
 * real table writes "31-12-2020 14:05" is a time axis in all three, and a synthetic value that does
 * not fit is counted as unparsed (a validation problem), not a reason to change the column's kind.
 */
import { dateCellMs, formatDateTimeMs, formatShape } from "../../data/datetime.js";
import type { CellValue, ColumnSchema, Frame, Schema } from "../../data/types.js";
import type { EvalKind } from "../types.js";
import { inferEvalKind } from "./columns.js";

/** How the evaluator reads a column the real table's schema describes. Identifiers and free text are skipped ("text"). */
export function evalKindOf(col: ColumnSchema, realValues: readonly CellValue[]): EvalKind {
  switch (col.kind) {
    case "numeric": case "integer": return "numeric";
    case "datetime": return "datetime";
    case "text": case "id": return "text";
    // Categories with mostly distinct values carry no comparable distribution (the evaluator's text rule).
    default: return inferEvalKind(realValues) === "text" ? "text" : "categorical";
  }
}

/**
 * The frame with each datetime column rewritten as canonical ISO text (time of day "HH:MM:SS.mmm"),
 * read in the real table's format. A cell that does not fit that format is kept as written: the
 * metrics then count it as unparsed (a warning, and "wrong type" in the validity diagnostic), unless
 * it is ISO, which reads the same in any locale. Other columns are shared, not copied.
 */
export function withCanonicalDates(frame: Frame, schema: Schema, columns: readonly string[]): Frame {
  const byName = new Map(schema.columns.map((c) => [c.name, c]));
  let out: Record<string, readonly CellValue[]> | null = null;
  for (const name of columns) {
    const col = byName.get(name);
    const src = frame.columns[name];
    if (!col || col.kind !== "datetime" || col.format === undefined || !src) continue;
    const format = col.format;
    const shape = formatShape(format);
    out ??= { ...frame.columns };
    out[name] = src.map((v) => {
      if (v === null) return null;
      const ms = dateCellMs(v, format);
      return Number.isNaN(ms) ? v : formatDateTimeMs(ms, shape);
    });
  }
  return out ? { columnNames: frame.columnNames, columns: out, rowCount: frame.rowCount } : frame;
}
