/**
 * One review of one table: which page is shown, which row the keyboard acts on, each row's
 * decision (kept in a DecisionStore), the running counts and the rows that pass. Pure of any
 * display: the widget view (./widget.ts) and the text fallback (./view.ts) both read it.
 */
import type { Row } from "../data/frame.js";
import type { CellValue, Frame } from "../data/types.js";
import { COMMAND_HELP, parseReviewCommand, type ReviewCommand, type RowsSpec } from "./commands.js";
import { DecisionStore, ReviewError, keyColumns, keyRow, reviewKeys, type Decision, type RowState } from "./decisions.js";

export const DEFAULT_PAGE_SIZE = 10;

export interface ReviewCounts {
  accepted: number;
  edited: number;
  rejected: number;
  pending: number;
  total: number;
}

/** The running count, e.g. "accepted 3 · edited 1 · rejected 2 · pending 14 (of 20)". */
export function countsLine(c: ReviewCounts): string {
  return `accepted ${c.accepted} · edited ${c.edited} · rejected ${c.rejected} · pending ${c.pending} (of ${c.total})`;
}

/** A typed value for a column from what was typed: numbers stay numbers, booleans booleans. */
export function coerceEdit(old: CellValue, typed: string | number | boolean | null): CellValue {
  if (typed === null || typeof typed !== "string") return typed;
  if (typeof old === "number") {
    const n = Number(typed);
    if (typed.trim() !== "" && Number.isFinite(n)) return n;
    throw new ReviewError(`"${typed}" is not a number; this column holds numbers.`);
  }
  if (typeof old === "boolean") {
    const t = typed.trim().toLowerCase();
    if (t === "true" || t === "false") return t === "true";
    throw new ReviewError(`"${typed}" is not true or false; this column holds booleans.`);
  }
  return typed;
}

export class ReviewSession {
  readonly keys: string[];
  readonly pageSize: number;
  private pageIndex = 0;
  /** 0-based row the keyboard acts on when a command names no row. */
  cursor = 0;

  constructor(readonly frame: Frame, readonly store: DecisionStore, pageSize = DEFAULT_PAGE_SIZE) {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) {
      throw new ReviewError(`pageSize ${pageSize} is out of range; use a whole number from 1 to 200.`);
    }
    if (keyColumns(frame).length === 0) throw new ReviewError("the table has no columns to review (only provenance columns starting with _).");
    this.keys = reviewKeys(frame);
    this.pageSize = pageSize;
    // Re-opening continues where the reviewer stopped: at the first row still pending.
    const firstPending = this.keys.findIndex((k) => store.state(k) === "pending");
    this.moveCursor(firstPending < 0 ? 0 : firstPending);
  }

  get rowCount(): number {
    return this.frame.rowCount;
  }

  get page(): number {
    return this.pageIndex;
  }

  get pageCount(): number {
    return Math.max(1, Math.ceil(this.frame.rowCount / this.pageSize));
  }

  /** 0-based indices of the rows on the current page. */
  pageRows(): number[] {
    const start = this.pageIndex * this.pageSize;
    const end = Math.min(this.frame.rowCount, start + this.pageSize);
    return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
  }

  goToPage(page: number): void {
    if (!Number.isInteger(page) || page < 0 || page >= this.pageCount) {
      throw new ReviewError(`there is no page ${page + 1}; pages run from 1 to ${this.pageCount}.`);
    }
    this.pageIndex = page;
    this.cursor = page * this.pageSize;
  }

  private moveCursor(i: number): void {
    this.cursor = Math.min(Math.max(0, i), Math.max(0, this.frame.rowCount - 1));
    this.pageIndex = Math.floor(this.cursor / this.pageSize);
  }

  state(i: number): RowState {
    return this.store.state(this.keys[i]!);
  }

  /** The row as it will be used: the edit if there is one, else as generated (all columns). */
  row(i: number): Row {
    const out: Row = {};
    for (const c of this.frame.columnNames) out[c] = this.frame.columns[c]![i] ?? null;
    const rec = this.store.get(this.keys[i]!);
    if (rec?.decision === "edited" && rec.edited) Object.assign(out, rec.edited);
    return out;
  }

  counts(): ReviewCounts {
    const c: ReviewCounts = { accepted: 0, edited: 0, rejected: 0, pending: 0, total: this.frame.rowCount };
    for (const k of this.keys) c[this.store.state(k)] += 1;
    return c;
  }

  private checkRow(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.frame.rowCount) {
      throw new ReviewError(`there is no row ${i + 1}; rows run from 1 to ${this.frame.rowCount}.`);
    }
  }

  /** Sets row i's decision (0-based). "edited" needs the new values of the changed columns. */
  decide(i: number, decision: RowState, values?: Readonly<Record<string, string | number | boolean | null>>): void {
    this.checkRow(i);
    const original = keyRow(this.frame, i);
    let edited: Row | undefined;
    if (decision === "edited") {
      if (!values || Object.keys(values).length === 0) throw new ReviewError("an edit needs new values, e.g. e 3 label=spam.");
      const base = { ...(this.store.get(this.keys[i]!)?.edited ?? original) };
      for (const [col, v] of Object.entries(values)) {
        if (!(col in original)) {
          throw new ReviewError(`row ${i + 1} has no column "${col}"; columns: ${Object.keys(original).join(", ")}.`);
        }
        base[col] = coerceEdit(original[col] ?? null, v);
      }
      edited = base;
    }
    this.store.record(this.keys[i]!, decision, original, edited);
  }

  private targets(spec: RowsSpec): number[] {
    if (spec.kind === "cursor") return [this.cursor];
    if (spec.kind === "page") return this.pageRows();
    const rows = spec.rows.map((n) => n - 1);
    for (const i of rows) this.checkRow(i);
    return rows;
  }

  /** Applies a parsed command; returns a short line saying what it did. */
  apply(cmd: ReviewCommand): string {
    switch (cmd.op) {
      case "next":
        if (this.pageIndex + 1 >= this.pageCount) return `already on the last page (${this.pageCount})`;
        this.goToPage(this.pageIndex + 1);
        return `page ${this.pageIndex + 1} of ${this.pageCount}`;
      case "prev":
        if (this.pageIndex === 0) return "already on the first page";
        this.goToPage(this.pageIndex - 1);
        return `page ${this.pageIndex + 1} of ${this.pageCount}`;
      case "page":
        this.goToPage(cmd.page - 1);
        return `page ${this.pageIndex + 1} of ${this.pageCount}`;
      case "edit": {
        const i = cmd.row === "cursor" ? this.cursor : cmd.row - 1;
        this.decide(i, "edited", cmd.values);
        if (cmd.row === "cursor" || i === this.cursor) this.moveCursor(i + 1);
        return `row ${i + 1} edited`;
      }
      default: {
        if (this.frame.rowCount === 0) throw new ReviewError("the table has no rows to review.");
        const decision: RowState = cmd.op === "accept" ? "accepted" : cmd.op === "reject" ? "rejected" : "pending";
        const rows = this.targets(cmd.rows);
        for (const i of rows) this.decide(i, decision);
        // Keyboard flow: a, a, r, a … walks down the table, turning the page at its end.
        if (cmd.rows.kind === "cursor") this.moveCursor(this.cursor + 1);
        const word = decision === "pending" ? "back to pending" : decision;
        return rows.length === 1 ? `row ${rows[0]! + 1} ${word}` : `${rows.length} rows ${word}`;
      }
    }
  }

  /** Parses and applies one typed command (see ./commands.ts). */
  command(text: string): string {
    return this.apply(parseReviewCommand(text));
  }

  /** Indices of the rows with one of these decisions, in table order. */
  indicesWith(decisions: readonly Decision[]): number[] {
    const out: number[] = [];
    this.keys.forEach((k, i) => { if ((decisions as readonly string[]).includes(this.store.state(k))) out.push(i); });
    return out;
  }

  /**
   * The rows with these decisions (edits applied), each with the decision in `_meta`: the row's
   * provenance JSON (when the table had a `_meta` column) plus `review`.
   */
  framed(decisions: readonly Decision[]): Frame {
    const idx = this.indicesWith(decisions);
    const names = this.frame.columnNames.includes("_meta") ? [...this.frame.columnNames] : [...this.frame.columnNames, "_meta"];
    const columns: Record<string, CellValue[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (const i of idx) {
      const r = this.row(i);
      for (const n of names) if (n !== "_meta") columns[n]!.push(r[n] ?? null);
      columns["_meta"]!.push(JSON.stringify({ ...parseMeta(r["_meta"] ?? null), review: this.state(i) }));
    }
    return { columnNames: names, columns, rowCount: idx.length };
  }
}

/** A row's provenance object from its `_meta` text; {} when absent or not JSON. */
export function parseMeta(v: CellValue): Record<string, unknown> {
  if (typeof v !== "string") return {};
  try {
    const o = JSON.parse(v) as unknown;
    return typeof o === "object" && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export { COMMAND_HELP };
