/**
 * What a "copy" is. Two rows are the same row when every compared column has the same cell key;
 * the report's exact-match count (src/evaluate/privacy/exactMatch.ts) and the generator's
 * `--dedup exact` (src/generate/dedup.ts) both use this one definition, so what one calls a
 * copy the other removes. Normalization of one cell (docs/metrics.md, "What a copy is"):
 * - missing (null) equals only missing;
 * - numbers, and strings that are plain numbers (" 3.50" = 3.5), are rounded to 6 significant
 *   digits (`roundSignificant`), so float noise from CSV round trips does not hide a copy;
 * - booleans, and the strings "true"/"false" in any case, are booleans;
 * - date/time strings are compared as instants ("2024-03-01 10:00" = "2024-03-01T10:00:00");
 * - any other text is compared exactly after Unicode NFC normalization and trimming (case and
 *   inner spaces count: "Ann" and "ann" are different values).
 * Every column takes part, free text and identifiers included.
 */
import { roundSignificant } from "./numbers.js";
import { parseDateTimeMs } from "./datetime.js";
import type { CellValue, Frame } from "./types.js";

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SEPARATOR = "\u0001";

/** The comparison key of one cell (tagged by type, so the number 1 and the text "x1" never meet). */
export function cellKey(v: CellValue): string {
  if (v === null) return "∅";
  if (typeof v === "number") return numberKey(v);
  if (typeof v === "boolean") return v ? "btrue" : "bfalse";
  const s = v.normalize("NFC").trim();
  if (NUMBER_RE.test(s)) return numberKey(Number(s));
  const lower = s.toLowerCase();
  if (lower === "true" || lower === "false") return `b${lower}`;
  const ms = parseDateTimeMs(s);
  if (!Number.isNaN(ms)) return `d${ms}`;
  return `s${s}`;
}

/** The key of one row given as its values in column order (what `rowKeyer` computes from a frame). */
export function rowKeyOf(values: readonly CellValue[]): string {
  return values.map(cellKey).join(SEPARATOR);
}

function numberKey(x: number): string {
  const r = roundSignificant(x);
  return `n${r === 0 ? 0 : r}`; // -0 and 0 are one value
}

/**
 * A function giving each row's key over `columns`: equal keys exactly when the rows are copies.
 * Cell keys are cached per distinct value, so long tables of repeated categories stay cheap.
 */
export function rowKeyer(columns: readonly string[]): (frame: Frame, row: number) => string {
  const cache = new Map<CellValue, string>();
  const key = (v: CellValue): string => {
    let k = cache.get(v);
    if (k === undefined) {
      k = cellKey(v);
      if (cache.size < 1_000_000) cache.set(v, k);
    }
    return k;
  };
  return (frame, row) => {
    let out = "";
    for (let j = 0; j < columns.length; j++) {
      if (j) out += SEPARATOR;
      out += key(frame.columns[columns[j]!]?.[row] ?? null);
    }
    return out;
  };
}

/** The key of every row of `frame` over `columns` (default: all of them). */
export function rowKeys(frame: Frame, columns: readonly string[] = frame.columnNames): string[] {
  const key = rowKeyer(columns);
  return Array.from({ length: frame.rowCount }, (_, i) => key(frame, i));
}
