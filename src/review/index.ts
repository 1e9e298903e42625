/**
 * Human review of generated rows: `review(frame, { name })` shows one page at a time (a table, or
 * text cards for text datasets) as standard widgets with a text fallback; each row is accepted,
 * rejected or edited — by clicks, by typed commands (./commands.ts) or in code — with a running
 * count. Decisions go to `.synthlab/review/<name>.jsonl` under the working folder (./decisions.ts),
 * so they survive a kernel restart and re-opening the review shows them. `accepted()` gives the
 * rows that pass, as a DataFrame with the decision in `_meta`; `rejected()` the rows to show the
 * next generation as counter-examples (`generate({ avoid })`).
 */
import { toDataFrame, type DataFrame } from "../data/dataframe.js";
import { isFrame, toFrame, FrameError, type TableInput } from "../data/frame.js";
import type { Frame } from "../data/types.js";
import { displaySymbol, type MimeBundle } from "../display/protocol.js";
import { escapeHtml } from "../data/display.js";
import { DecisionStore, ReviewError, rowsWithDecision, type Decision } from "./decisions.js";
import { ReviewSession, DEFAULT_PAGE_SIZE, type ReviewCounts } from "./session.js";
import { autoLayout, headerLine, pageHtml, pageText, type ReviewLayout } from "./view.js";
import { reviewView, type ReviewView } from "./widget.js";

export { DecisionStore, ReviewError, reviewFile, reviewKeys, rowsWithDecision } from "./decisions.js";
export type { Decision, RowState, DecisionRecord } from "./decisions.js";
export { parseReviewCommand, COMMAND_HELP } from "./commands.js";
export type { ReviewCommand } from "./commands.js";
export { ReviewSession, countsLine } from "./session.js";
export type { ReviewCounts } from "./session.js";
export type { ReviewLayout } from "./view.js";

export interface ReviewOptions {
  /** Names the decision file `.synthlab/review/<name>.jsonl`: the same name re-opens the same decisions. */
  name: string;
  /** Rows per page (default 10). */
  pageSize?: number;
  /** "cards" for text, "table" otherwise; "auto" (default) picks cards when a column is prose. */
  layout?: ReviewLayout | "auto";
  /** The folder the decisions live under (default: the working folder, the notebook's in a kernel). */
  dir?: string;
}

/** A review in progress. Displays as widgets (with a text fallback); read its outcome any time. */
export class Review {
  readonly name: string;
  readonly session: ReviewSession;
  readonly layout: ReviewLayout;
  private view: ReviewView | undefined;
  private readonly listeners: (() => void)[] = [];

  constructor(frame: Frame, options: ReviewOptions) {
    if (typeof options?.name !== "string") throw new ReviewError('review(frame, { name }) needs a name for its decision file, e.g. { name: "sales" }.');
    this.name = options.name;
    this.session = new ReviewSession(frame, DecisionStore.open(options.name, options.dir), options.pageSize ?? DEFAULT_PAGE_SIZE);
    const layout = options.layout ?? "auto";
    if (!["auto", "table", "cards"].includes(layout)) throw new ReviewError(`layout "${String(layout)}" is not one of auto, table, cards.`);
    this.layout = layout === "auto" ? autoLayout(this.session) : layout;
  }

  /** The file the decisions are saved in. */
  get file(): string {
    return this.session.store.file;
  }

  counts(): ReviewCounts {
    return this.session.counts();
  }

  /** Runs a typed command ("a 1-3", "r 4", "e 5 label=spam", "n"); returns what it did. */
  command(text: string): string {
    const message = this.session.command(text);
    this.changed(message);
    return message;
  }

  /** Accept rows by their numbers as shown (from 1). */
  accept(...rows: number[]): this {
    return this.decideAll(rows, "accepted");
  }

  reject(...rows: number[]): this {
    return this.decideAll(rows, "rejected");
  }

  /** Replace some values of row `row` (numbered from 1) and mark it edited. */
  edit(row: number, values: Readonly<Record<string, string | number | boolean | null>>): this {
    this.session.decide(row - 1, "edited", values);
    this.changed(`row ${row} edited`);
    return this;
  }

  private decideAll(rows: number[], decision: Decision): this {
    for (const r of rows) this.session.decide(r - 1, decision);
    this.changed(`${rows.length} rows ${decision}`);
    return this;
  }

  /** Accepted and edited rows (edits applied), `_meta` holding `review: accepted|edited`. */
  accepted(): DataFrame {
    return toDataFrame(this.session.framed(["accepted", "edited"]));
  }

  /** Rejected rows, `_meta` holding `review: rejected`: counter-examples for `generate({ avoid })`. */
  rejected(): DataFrame {
    return toDataFrame(this.session.framed(["rejected"]));
  }

  /** Runs `listener` after every decision (from the view or from code). */
  onChange(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => { const i = this.listeners.indexOf(listener); if (i >= 0) this.listeners.splice(i, 1); };
  }

  private changed(message = ""): void {
    this.view?.refresh(message);
    for (const l of [...this.listeners]) l();
  }

  /** Closes the widgets (the decisions stay in the file). */
  close(): void {
    this.view?.close();
    this.view = undefined;
  }

  toString(): string {
    return pageText(this.name, this.session, this.layout);
  }

  /** The widget view, plus the page as text and HTML for front ends without widgets (nbconvert, plain Notebook). */
  [displaySymbol](): MimeBundle {
    this.view ??= reviewView(this.name, this.session, this.layout, () => { for (const l of [...this.listeners]) l(); });
    const widget = this.view.root[displaySymbol]();
    return {
      ...widget,
      "text/plain": this.toString(),
      "text/html": `<div class="synthlab-review"><p><b>${escapeHtml(headerLine(this.name, this.session))}</b></p>${pageHtml(this.session, this.layout)}</div>`,
    };
  }
}

/** Opens (or re-opens, by name) a review of `table`. */
export function review(table: TableInput | { frame: Frame }, options: ReviewOptions): Review {
  let frame: Frame;
  // A GenerationRun carries its rows as .frame.
  const rows = typeof table === "object" && table !== null && "frame" in table && isFrame(table.frame) ? table.frame : table;
  try { frame = toFrame(rows); } catch (e) {
    if (e instanceof FrameError) throw new ReviewError(`review(table, options): ${e.message}`);
    throw e;
  }
  return new Review(frame, options);
}

/** The rejected rows recorded in review `name`'s file under `dir` (no table needed). */
export function rejectedRows(name: string, dir?: string): Frame {
  const store = DecisionStore.open(name, dir);
  const rows = rowsWithDecision(store, "rejected");
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return { columnNames: names, columns: Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n] ?? null)])), rowCount: rows.length };
}
