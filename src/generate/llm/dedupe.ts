/**
 * Duplicate filter for LLM output, over the stage's shared dedup (../dedup.ts): drops rows equal
 * to an earlier row or to a real row, exactly or after normalisation (and, for long text, by
 * word-bigram similarity). Returns the indices to keep, in order.
 */
import type { Row } from "../../data/frame.js";
import type { CellValue, Frame } from "../../data/types.js";
import { dedupRows } from "../dedup.js";

export type DedupMode = "exact" | "near" | "off";

export interface DedupOutcome {
  keep: number[];
  removed: number;
  /** Of the removed: copies of a real (example) row. */
  copiesOfReal: number;
}

/** Column arrays straight from the rows (values are already validated cells). */
function project(rows: readonly Row[], columns: readonly string[]): Frame {
  const cols: Record<string, CellValue[]> = {};
  for (const c of columns) {
    const arr = new Array<CellValue>(rows.length);
    for (let i = 0; i < rows.length; i++) arr[i] = rows[i]![c] ?? null;
    cols[c] = arr;
  }
  return { columnNames: [...columns], columns: cols, rowCount: rows.length };
}

export function dedupeRows(
  rows: readonly Row[],
  columns: readonly string[],
  opts: { mode: DedupMode; real?: readonly Row[] },
): DedupOutcome {
  if (opts.mode === "off" || rows.length === 0) return { keep: rows.map((_, i) => i), removed: 0, copiesOfReal: 0 };
  // Compare on the given columns; real rows only count when they carry all of them.
  const real = (opts.real ?? []).filter((r) => columns.every((c) => c in r));
  const frame = project(rows, columns);
  const result = dedupRows(frame, {
    mode: opts.mode,
    columns,
    ...(real.length ? { against: project(real, columns) } : {}),
  });
  return { keep: result.kept, removed: result.counts.removed, copiesOfReal: result.counts.matchesReal };
}
