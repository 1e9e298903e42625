/**
 * The review's decision log: one JSONL file per review, "beside the run" — under the folder the
 * notebook (or CLI) runs in, at `.synthlab/review/<name>.jsonl`. Each line is one decision about
 * one row, keyed by the row's copy key (src/data/rowKey.ts), so the same row is recognised after a
 * kernel restart or a re-run that makes the same rows. The file is append-only; the last line for
 * a key wins. Each line carries the row itself, so rejected rows can be read back without the
 * frame (counter-examples for the next generation, `--avoid NAME`).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Row } from "../data/frame.js";
import { rowKeyOf } from "../data/rowKey.js";
import type { CellValue, Frame } from "../data/types.js";
import { InputError } from "../errors.js";

/** What a reviewer decided about a row; "pending" means no decision (an undo writes it). */
export type Decision = "accepted" | "edited" | "rejected";
export type RowState = Decision | "pending";

/** One line of the log. */
export interface DecisionRecord {
  key: string;
  decision: RowState;
  /** The row as generated (columns not starting with "_"). */
  row: Row;
  /** For "edited": the row as the reviewer corrected it. */
  edited?: Row;
  /** ISO time of the decision. */
  at: string;
}

/** A bad review request (name, command, row number): one line naming the problem and the fix. */
export class ReviewError extends InputError {
  override name = "ReviewError";
}

const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/** The log file of review `name` under `dir`; refuses names that would leave the folder. */
export function reviewFile(dir: string, name: string): string {
  if (!NAME_RE.test(name) || name.includes("..")) {
    throw new ReviewError(`review name "${name}" is not usable as a file name; use letters, digits, _, . or - (e.g. sales_review).`);
  }
  return path.join(dir, ".synthlab", "review", `${name}.jsonl`);
}

/** Columns that identify a row: all but provenance columns ("_meta" and any other "_" name). */
export function keyColumns(frame: Frame): string[] {
  return frame.columnNames.filter((c) => !c.startsWith("_"));
}

/** The stable key of every row (the copy key over the key columns). */
export function reviewKeys(frame: Frame): string[] {
  const cols = keyColumns(frame);
  return Array.from({ length: frame.rowCount }, (_, i) => rowKeyOf(cols.map((c) => frame.columns[c]![i] ?? null)));
}

function isRow(v: unknown): v is Row {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    && Object.values(v).every((x) => x === null || ["string", "number", "boolean"].includes(typeof x));
}

function parseRecord(line: string): DecisionRecord | undefined {
  try {
    const r = JSON.parse(line) as Partial<DecisionRecord>;
    if (typeof r.key !== "string" || !isRow(r.row) || typeof r.at !== "string") return undefined;
    if (!["accepted", "edited", "rejected", "pending"].includes(String(r.decision))) return undefined;
    if (r.decision === "edited" && !isRow(r.edited)) return undefined;
    return r as DecisionRecord;
  } catch {
    return undefined;
  }
}

/** Decisions of one review, loaded from and appended to its JSONL file. */
export class DecisionStore {
  private readonly latest = new Map<string, DecisionRecord>();
  /** Lines that could not be read (a torn last line after a crash); they are skipped, never rewritten. */
  readonly unreadableLines: number = 0;

  constructor(readonly file: string) {
    if (!existsSync(file)) return;
    let bad = 0;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const r = parseRecord(line);
      if (r) this.latest.set(r.key, r);
      else bad += 1;
    }
    this.unreadableLines = bad;
  }

  /** The log of review `name` in `dir` (default: the current folder). */
  static open(name: string, dir: string = process.cwd()): DecisionStore {
    return new DecisionStore(reviewFile(dir, name));
  }

  /** The current state of the row with this key. */
  state(key: string): RowState {
    return this.latest.get(key)?.decision ?? "pending";
  }

  get(key: string): DecisionRecord | undefined {
    return this.latest.get(key);
  }

  /** Every key's latest record. */
  records(): DecisionRecord[] {
    return [...this.latest.values()];
  }

  /**
   * Records a decision. Writing what is already recorded writes nothing, so re-opening and
   * re-applying a review leaves the file as it was. Returns whether a line was written.
   */
  record(key: string, decision: RowState, row: Row, edited?: Row): boolean {
    const prev = this.latest.get(key);
    const same = prev ? prev.decision === decision && JSON.stringify(prev.edited ?? null) === JSON.stringify(edited ?? null) : decision === "pending";
    if (same) return false;
    const rec: DecisionRecord = { key, decision, row, ...(decision === "edited" && edited ? { edited } : {}), at: new Date().toISOString() };
    mkdirSync(path.dirname(this.file), { recursive: true });
    appendFileSync(this.file, JSON.stringify(rec) + "\n");
    this.latest.set(key, rec);
    return true;
  }
}

/** Rows with a given decision, read from a review's file alone (e.g. the rejected ones, for --avoid). */
export function rowsWithDecision(store: DecisionStore, decision: Decision): Row[] {
  return store.records().filter((r) => r.decision === decision).map((r) => (decision === "edited" ? r.edited! : r.row));
}

/** The values of one row's key columns. */
export function keyRow(frame: Frame, i: number): Row {
  const out: Row = {};
  for (const c of keyColumns(frame)) out[c] = (frame.columns[c]![i] ?? null) as CellValue;
  return out;
}
