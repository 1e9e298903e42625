/**
 * The review's keyboard commands, typed into its command box and submitted with Enter:
 *   a [ROWS]           accept            r [ROWS]   reject          u [ROWS]   undo (back to pending)
 *   e ROW col=value; col2=value   edit    e ROW {"col": value}     (JSON)
 *   n / p              next / previous page                         g PAGE     go to page
 * ROWS are row numbers as shown (1-based over the whole table): "3", "3,5", "3-7", or "page" for
 * every row on the page; with no ROWS the command applies to the current row (marked ▶), and the
 * cursor then moves to the next row. Parsing is pure; src/review/session.ts applies a command.
 */
import { ReviewError } from "./decisions.js";

export type RowsSpec = { kind: "cursor" } | { kind: "page" } | { kind: "list"; rows: number[] };

export type ReviewCommand =
  | { op: "accept" | "reject" | "undo"; rows: RowsSpec }
  | { op: "edit"; row: number | "cursor"; values: Record<string, string | number | boolean | null> }
  | { op: "next" | "prev" }
  | { op: "page"; page: number };

export const COMMAND_HELP = "a [ROWS] accept · r [ROWS] reject · u [ROWS] undo · e ROW col=value edit · n/p next/previous page · g PAGE go to page · ROWS: 3, 3,5, 3-7 or page";

const VERBS: Record<string, "accept" | "reject" | "undo" | "edit" | "next" | "prev" | "page"> = {
  a: "accept", accept: "accept", r: "reject", reject: "reject", u: "undo", undo: "undo",
  e: "edit", edit: "edit", n: "next", next: "next", p: "prev", prev: "prev", g: "page", page: "page",
};

function usage(text: string, problem: string): ReviewError {
  return new ReviewError(`review command "${text}": ${problem}. Commands: ${COMMAND_HELP}.`);
}

/** "3", "3,5", "3-7", "page" → which rows (1-based numbers as shown). */
export function parseRows(spec: string, text: string): RowsSpec {
  const s = spec.trim();
  if (!s) return { kind: "cursor" };
  if (s === "page" || s === "*") return { kind: "page" };
  const rows: number[] = [];
  for (const part of s.split(/\s*,\s*|\s+/)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw usage(text, `"${part}" is not a row number or range`);
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : from;
    if (from < 1 || to < from) throw usage(text, `"${part}" is not a range of row numbers from 1`);
    if (to - from > 10_000) throw usage(text, `"${part}" is too long a range (at most 10,000 rows at once)`);
    for (let i = from; i <= to; i++) rows.push(i);
  }
  return { kind: "list", rows };
}

function parseValue(raw: string): string | number | boolean | null {
  const v = raw.trim();
  if (v === "") return null;
  // Quoted text stays text ("007" keeps its zeros); the session coerces bare values to the column's type.
  if (/^".*"$/s.test(v)) {
    try { return JSON.parse(v) as string; } catch { return v.slice(1, -1); }
  }
  return v;
}

/** `col=value; col2=value` or a JSON object → the new values. */
function parseAssignments(rest: string, text: string): Record<string, string | number | boolean | null> {
  const s = rest.trim();
  if (!s) throw usage(text, "say what to change, e.g. e 3 label=spam");
  if (s.startsWith("{")) {
    let obj: unknown;
    try { obj = JSON.parse(s); } catch (e) { throw usage(text, `the JSON does not parse (${(e as Error).message})`); }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw usage(text, "the JSON must be an object of column: value");
    const out: Record<string, string | number | boolean | null> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (v !== null && !["string", "number", "boolean"].includes(typeof v)) throw usage(text, `${k} must be a single value`);
      out[k] = v as string | number | boolean | null;
    }
    return out;
  }
  const out: Record<string, string | number | boolean | null> = {};
  for (const part of s.split(";")) {
    if (!part.trim()) continue;
    const eq = part.indexOf("=");
    if (eq <= 0) throw usage(text, `"${part.trim()}" is not column=value`);
    out[part.slice(0, eq).trim()] = parseValue(part.slice(eq + 1));
  }
  return out;
}

/** Parses one command line; throws ReviewError with the list of commands when it is not one. */
export function parseReviewCommand(text: string): ReviewCommand {
  const trimmed = text.trim();
  const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!m) throw usage(text, "empty command");
  const verb = VERBS[m[1]!.toLowerCase()];
  const rest = m[2] ?? "";
  if (!verb) throw usage(text, `unknown command "${m[1]}"`);
  switch (verb) {
    case "accept": case "reject": case "undo":
      return { op: verb, rows: parseRows(rest, text) };
    case "next": case "prev":
      if (rest.trim()) throw usage(text, `"${m[1]}" takes nothing after it`);
      return { op: verb };
    case "page": {
      if (!/^\d+$/.test(rest.trim()) || Number(rest) < 1) throw usage(text, "give a page number from 1, e.g. g 2");
      return { op: "page", page: Number(rest) };
    }
    case "edit": {
      const em = /^(\d+)\s*([\s\S]*)$/.exec(rest.trim());
      if (em) return { op: "edit", row: Number(em[1]), values: parseAssignments(em[2] ?? "", text) };
      return { op: "edit", row: "cursor", values: parseAssignments(rest, text) };
    }
  }
}
