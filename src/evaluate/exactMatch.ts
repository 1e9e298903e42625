/**
 * Exact matches: synthetic rows identical to a real training row (numbers compared after
 * rounding to 6 significant digits, so float noise from CSV round-trips does not hide a copy).
 * Rate = matches / synthetic rows; the holdout's rate against the same training rows is the
 * reference (real data repeats itself too); `score = 1 − rate`.
 */
import type { CellValue, Frame } from "../data/types.js";
import type { EvalKind, MetricResult } from "./types.js";
import { cellToNumber, isNumericKind } from "./internal/columns.js";

/** x rounded to 6 significant digits (the comparison key of a number). */
export function roundSignificant(x: number, digits = 6): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}

function cellKey(v: CellValue, kind: EvalKind): string {
  if (v === null) return "∅";
  if (kind === "numeric") {
    const x = cellToNumber(v, kind);
    return Number.isNaN(x) ? `s:${String(v)}` : `n:${roundSignificant(x)}`;
  }
  if (kind === "datetime") {
    const x = cellToNumber(v, kind);
    return Number.isNaN(x) ? `s:${String(v)}` : `d:${x}`;
  }
  return `s:${String(v)}`;
}

/** One string per row over `columns`, equal exactly when the rows match. */
export function rowKeys(frame: Frame, columns: readonly string[], kinds: Readonly<Record<string, EvalKind>>): string[] {
  const keys = new Array<string>(frame.rowCount).fill("");
  for (const c of columns) {
    const col = frame.columns[c] ?? [];
    const kind = kinds[c] ?? "categorical";
    for (let i = 0; i < frame.rowCount; i++) keys[i] += `${cellKey(col[i] ?? null, isNumericKind(kind) ? kind : "categorical")}\u0001`;
  }
  return keys;
}

export interface ExactMatchResult {
  count: number;
  rate: number;
  holdoutRate: number | null;
  score: number;
}

export function exactMatch(
  real: Frame,
  synthetic: Frame,
  opts: { kinds: Readonly<Record<string, EvalKind>>; holdout?: Frame | null; columns?: readonly string[] },
): MetricResult<number, ExactMatchResult> {
  const columns = opts.columns ?? real.columnNames;
  const train = new Set(rowKeys(real, columns, opts.kinds));
  const count = rowKeys(synthetic, columns, opts.kinds).filter((k) => train.has(k)).length;
  const rate = synthetic.rowCount ? count / synthetic.rowCount : 0;
  let holdoutRate: number | null = null;
  if (opts.holdout && opts.holdout.rowCount) {
    holdoutRate = rowKeys(opts.holdout, columns, opts.kinds).filter((k) => train.has(k)).length / opts.holdout.rowCount;
  }
  return { score: 1 - rate, raw: rate, details: { count, rate, holdoutRate, score: 1 - rate } };
}
