/**
 * Duplicate filter for LLM output, over the stage's shared dedup (../dedup.ts): drops rows equal
 * to an earlier row or to a real row, exactly or after normalisation (and, for long text, by
 * word-bigram similarity). Returns the indices to keep, in order.
 */
import { frameFromRecords, type Row } from "../../data/frame.js";
import type { Frame } from "../../data/types.js";
import { dedupRows } from "../dedup.js";

export type DedupMode = "exact" | "near" | "off";

export interface DedupOutcome {
  keep: number[];
  removed: number;
  /** Of the removed: copies of a real (example) row. */
  copiesOfReal: number;
}

function project(rows: readonly Row[], columns: readonly string[]): Frame {
  return frameFromRecords(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))));
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
