/**
 * What one page of a review looks like, as plain data → text (the fallback every frontend shows,
 * nbconvert included) and as HTML (inside the widget view). Two layouts: a table, or text cards
 * for text datasets where a row is mostly prose. Builders are pure: they read a ReviewSession.
 */
import { escapeHtml } from "../data/display.js";
import type { CellValue } from "../data/types.js";
import { printableLine, printableText } from "../display/untrusted.js";
import { COMMAND_HELP, countsLine, type ReviewSession } from "./session.js";
import { keyColumns, type RowState } from "./decisions.js";

export type ReviewLayout = "table" | "cards";

/** Characters of a long text shown per card (the rest is summarised). */
const CARD_CHARS = 1_200;
const CELL_CHARS = 80;
/** A string column averaging more than this many characters makes a text dataset (cards). */
const PROSE_CHARS = 40;

const BADGE: Record<RowState, string> = { accepted: "✔ accepted", edited: "✎ edited", rejected: "✘ rejected", pending: "· pending" };
const COLOUR: Record<RowState, string> = { accepted: "#1a7f37", edited: "#0550ae", rejected: "#cf222e", pending: "#6e7781" };

/** Cards when some column is prose (mean length over the first 200 rows above 40 characters), else a table. */
export function autoLayout(session: ReviewSession): ReviewLayout {
  const f = session.frame;
  const n = Math.min(f.rowCount, 200);
  for (const c of keyColumns(f)) {
    let chars = 0, strings = 0;
    for (let i = 0; i < n; i++) {
      const v = f.columns[c]![i];
      if (typeof v === "string") { chars += v.length; strings += 1; }
    }
    if (strings > 0 && chars / strings > PROSE_CHARS) return "cards";
  }
  return "table";
}

/** The column shown as a card's body: the longest string column on average. */
export function proseColumn(session: ReviewSession): string | undefined {
  const f = session.frame;
  let best: string | undefined, bestLen = -1;
  for (const c of keyColumns(f)) {
    const vals = f.columns[c]!.slice(0, 200).filter((v): v is string => typeof v === "string");
    const mean = vals.length ? vals.reduce((s, v) => s + v.length, 0) / vals.length : -1;
    if (mean > bestLen) { best = c; bestLen = mean; }
  }
  return bestLen >= 0 ? best : undefined;
}

function cell(v: CellValue, max = CELL_CHARS): string {
  return v === null ? "—" : printableLine(String(v), max);
}

/** Title line: name, page, counts. */
export function headerLine(name: string, s: ReviewSession): string {
  return `Review ${name}: page ${s.page + 1} of ${s.pageCount} · ${countsLine(s.counts())}`;
}

/** The page as text: one line per row (table) or one block per row (cards), then the commands. */
export function pageText(name: string, s: ReviewSession, layout: ReviewLayout): string {
  const cols = keyColumns(s.frame);
  const prose = layout === "cards" ? proseColumn(s) : undefined;
  const lines = [headerLine(name, s)];
  for (const i of s.pageRows()) {
    const r = s.row(i);
    const mark = i === s.cursor ? "▶" : " ";
    const head = `${mark} #${i + 1} [${s.state(i)}]`;
    if (prose) {
      const meta = cols.filter((c) => c !== prose).map((c) => `${c}=${cell(r[c] ?? null)}`).join(" · ");
      lines.push(`${head}${meta ? ` ${meta}` : ""}`);
      lines.push(...printableText(String(r[prose] ?? "—"), CARD_CHARS).split("\n").map((l) => `    ${l}`));
    } else {
      lines.push(`${head} ${cols.map((c) => `${c}=${cell(r[c] ?? null)}`).join(" · ")}`);
    }
  }
  lines.push(`commands: ${COMMAND_HELP}`);
  return lines.join("\n");
}

function badge(state: RowState): string {
  return `<span style="color:${COLOUR[state]};font-weight:600;white-space:nowrap">${BADGE[state]}</span>`;
}

/** The page as HTML: a table with a decision column, or one card per row. All text escaped. */
export function pageHtml(s: ReviewSession, layout: ReviewLayout): string {
  const cols = keyColumns(s.frame);
  const prose = layout === "cards" ? proseColumn(s) : undefined;
  const rowStyle = (i: number): string => (i === s.cursor ? "outline:2px solid #0969da;" : "");
  if (prose) {
    const cards = s.pageRows().map((i) => {
      const r = s.row(i);
      const meta = cols.filter((c) => c !== prose).map((c) => `<code>${escapeHtml(c)}</code> ${escapeHtml(cell(r[c] ?? null))}`).join(" · ");
      return `<div class="synthlab-review-card" data-row="${i + 1}" data-state="${s.state(i)}" style="border:1px solid #d0d7de;border-radius:6px;padding:6px 10px;margin:4px 0;${rowStyle(i)}">` +
        `<div><b>#${i + 1}</b> ${badge(s.state(i))} ${meta}</div>` +
        `<div style="white-space:pre-wrap;margin-top:4px">${escapeHtml(printableText(String(r[prose] ?? "—"), CARD_CHARS))}</div></div>`;
    });
    return `<div class="synthlab-review-page">${cards.join("")}</div>`;
  }
  const head = `<tr><th>#</th><th>decision</th>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr>`;
  const body = s.pageRows().map((i) => {
    const r = s.row(i);
    return `<tr data-row="${i + 1}" data-state="${s.state(i)}" style="${rowStyle(i)}"><td>${i + 1}</td><td>${badge(s.state(i))}</td>` +
      cols.map((c) => `<td>${escapeHtml(cell(r[c] ?? null))}</td>`).join("") + "</tr>";
  });
  return `<table class="synthlab-review-page" style="border-collapse:collapse">${head}${body.join("")}</table>`;
}
