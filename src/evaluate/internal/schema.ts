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
 * read in the real table's format. A cell that does not fit that format (even one written as ISO
 * when the real table is not) becomes missing and is counted in `misfits`, which the report names.
 * Other columns are shared, not copied.
 */
export function withCanonicalDates(frame: Frame, schema: Schema, columns: readonly string[]): { frame: Frame; misfits: Record<string, number> } {
  const byName = new Map(schema.columns.map((c) => [c.name, c]));
  const misfits: Record<string, number> = {};
  let out: Record<string, readonly CellValue[]> | null = null;
  for (const name of columns) {
    const col = byName.get(name);
    const src = frame.columns[name];
    if (!col || col.kind !== "datetime" || col.format === undefined || !src) continue;
    const format = col.format;
    const shape = formatShape(format);
    let bad = 0;
    out ??= { ...frame.columns };
    out[name] = src.map((v) => {
      if (v === null) return null;
      const ms = dateCellMs(v, format);
      if (Number.isNaN(ms)) { bad++; return null; }
      return formatDateTimeMs(ms, shape);
    });
    if (bad) misfits[name] = bad;
  }
  return { frame: out ? { columnNames: frame.columnNames, columns: out, rowCount: frame.rowCount } : frame, misfits };
}

/** One warning per column whose values do not fit the real table's date format. */
export function misfitWarnings(table: string, misfits: Record<string, number>, schema: Schema): string[] {
  return Object.entries(misfits).map(([name, n]) => {
    const format = schema.columns.find((c) => c.name === name)?.format ?? "";
    return `Column "${name}": ${n} ${table} value(s) do not fit the real table's date format ${format}; they count as missing.`;
  });
}
