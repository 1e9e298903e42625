/**
 * Typed-array views of Frame columns for fast metrics and training. Missing is NaN
 * (numeric) or -1 (categorical codes), never dropped.
 */
import { FrameError } from "./frame.js";
import { dateCellMs, parseDateTimeMs } from "./datetime.js";
import type { CellValue, ColumnKind, Frame } from "./types.js";

/** The label of the missing-values bin or category, in metrics (src/evaluate) and charts alike. */
export const NULL_LABEL = "(null)";

function column(frame: Frame, name: string): readonly CellValue[] {
  const col = frame.columns[name];
  if (!col) throw new FrameError(`No column "${name}". Available: ${frame.columnNames.join(", ")}.`);
  return col;
}

function numberOf(v: CellValue, kind: ColumnKind | undefined, format: string | undefined): number {
  if (v === null) return NaN;
  if (kind === "datetime" && format !== undefined) return dateCellMs(v, format);
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  // Strings: datetimes (ISO or time of day) → epoch ms; otherwise numeric text.
  if (kind === "datetime") return parseDateTimeMs(v);
  if (kind === "numeric" || kind === "integer" || kind === "boolean") {
    const t = v.trim().toLowerCase();
    if (kind === "boolean") return t === "true" ? 1 : t === "false" ? 0 : NaN;
    return t === "" ? NaN : Number(t);
  }
  const ms = parseDateTimeMs(v);
  if (!Number.isNaN(ms)) return ms;
  const t = v.trim();
  if (t === "") return NaN;
  const x = Number(t);
  return Number.isFinite(x) ? x : NaN;
}

/**
 * A column as Float64Array: numbers as is, booleans 0/1, datetime strings epoch ms (time of
 * day: ms since midnight), numeric text parsed; anything else and missing → NaN. Give `kind`
 * (from the schema) to skip guessing per value, and for a datetime its schema `format`
 * ("dd/mm/yyyy", "unix-ms"; default ISO).
 */
export function numericColumn(frame: Frame, name: string, kind?: ColumnKind, format?: string): Float64Array {
  const col = column(frame, name);
  const out = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = numberOf(col[i] ?? null, kind, format);
  return out;
}

export interface CategoricalCodes {
  /** Index into `levels`; -1 for missing. */
  codes: Int32Array;
  levels: string[];
}

/**
 * Integer codes for a column's values (stringified: true → "true", 5 → "5"). Without `levels`,
 * levels are the sorted distinct values. With `levels` (e.g. the union over real and synthetic
 * tables) those come first, in the given order, and unseen values are appended, so two tables
 * coded with the same levels share code numbers.
 */
export function categoricalCodes(frame: Frame, name: string, levels?: readonly string[]): CategoricalCodes {
  const col = column(frame, name);
  const out = new Int32Array(col.length);
  let lv: string[];
  if (levels) lv = [...levels];
  else {
    const set = new Set<string>();
    for (const v of col) if (v !== null) set.add(String(v));
    lv = [...set].sort();
  }
  const index = new Map<string, number>();
  lv.forEach((l, i) => index.set(l, i));
  for (let i = 0; i < col.length; i++) {
    const v = col[i] ?? null;
    if (v === null) { out[i] = -1; continue; }
    const s = String(v);
    let code = index.get(s);
    if (code === undefined) {
      code = lv.length;
      lv.push(s);
      index.set(s, code);
    }
    out[i] = code;
  }
  return { codes: out, levels: lv };
}
