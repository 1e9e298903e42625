/**
 * Duplicate filter for LLM output, over the stage's shared dedup (../dedup.ts): drops rows equal
 * to an earlier row or to a real row, exactly or after normalisation (and, for long text, by
 * word-bigram similarity).
 *
 * The engine feeds it one batch at a time, in batch order, as batches finish: the work happens
 * while requests are in flight, not in one pass at the end of the run.
 */
import type { Row } from "../../data/frame.js";
import type { CellValue, Frame } from "../../data/types.js";
import { Deduplicator, defaultTextColumns } from "../dedup.js";

export type DedupMode = "exact" | "near" | "off";

export interface DedupOutcome {
  keep: number[];
  removed: number;
  /** Of the removed: copies of a real (example) row. */
  copiesOfReal: number;
}

/** Rows judged in the order they are pushed; `outcome()` covers everything pushed so far. */
export interface RowDeduper {
  push(rows: readonly Row[]): void;
  outcome(): DedupOutcome;
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

/**
 * Which columns are compared as text is decided on the first rows (as `dedupRows` decides on a
 * table's first 200 values), so rows are held back until 200 have come, or until `outcome()`.
 */
const DECIDE_AFTER = 200;

export function createRowDeduper(columns: readonly string[], opts: { mode: DedupMode; real?: readonly Row[] }): RowDeduper {
  let count = 0;
  if (opts.mode === "off") {
    return { push: (rows) => { count += rows.length; }, outcome: () => ({ keep: Array.from({ length: count }, (_, i) => i), removed: 0, copiesOfReal: 0 }) };
  }
  const mode = opts.mode;
  // Compare on the given columns; real rows only count when they carry all of them.
  const real = (opts.real ?? []).filter((r) => columns.every((c) => c in r));
  let d: Deduplicator | undefined;
  let held: Row[] = [];
  const start = (): Deduplicator => {
    const first = project(held, columns);
    d = new Deduplicator(columns, mode === "near" ? defaultTextColumns(first, columns) : [], {
      mode,
      ...(real.length ? { against: project(real, columns) } : {}),
    });
    d.push(first);
    held = [];
    return d;
  };
  return {
    push(rows) {
      if (d) d.push(project(rows, columns));
      else {
        for (const r of rows) held.push(r); // not push(...rows): a spread of 250,000 rows overflows the call stack
        if (held.length >= DECIDE_AFTER) start();
      }
    },
    outcome() {
      if (!d && held.length === 0) return { keep: [], removed: 0, copiesOfReal: 0 }; // decide on real rows, not on none
      const dd = d ?? start();
      return { keep: [...dd.kept], removed: dd.removed.length, copiesOfReal: dd.removed.filter((r) => r.duplicateOf.source === "real").length };
    },
  };
}

/** One-shot form: the rows to keep of a whole list. */
export function dedupeRows(rows: readonly Row[], columns: readonly string[], opts: { mode: DedupMode; real?: readonly Row[] }): DedupOutcome {
  const d = createRowDeduper(columns, opts);
  d.push(rows);
  return d.outcome();
}
