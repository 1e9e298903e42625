/**
 * Table display: Frame or danfo DataFrame → MIME bundle with an HTML table (shape line, dtypes
 * row, first and last rows around an ellipsis row, escaped) and an aligned text/plain table.
 */
import type { MimeBundle } from "../display/protocol.js";
import { registerFormatter } from "../display/formatters.js";
import { stripControls } from "../display/untrusted.js";
import { escapeHtml } from "../display/format.js";
import { isFrame } from "./frame.js";
import type { CellValue, Frame } from "./types.js";

export interface TableDisplayOptions {
  /** Rows shown from the start and the end (default 5 each). */
  head?: number;
  tail?: number;
  /** Above this many columns, the first and last half are shown around a "…" column (default 20). */
  maxColumns?: number;
  /** Longer cell texts are cut with "…" (default 80 characters). */
  maxCellChars?: number;
}

/** What the display needs, from either a Frame or a danfo DataFrame. */
interface TableView {
  rows: number;
  names: string[];
  dtypes: string[];
  /** Cell getter by (row, column index); only called for shown rows. */
  cell(row: number, col: number): unknown;
}

function frameDtype(values: readonly CellValue[]): string {
  let num = 0, int = 0, str = 0, bool = 0;
  for (const v of values) {
    if (v === null) continue;
    if (typeof v === "number") { num++; if (Number.isInteger(v)) int++; }
    else if (typeof v === "string") str++;
    else bool++;
  }
  const kinds = (num ? 1 : 0) + (str ? 1 : 0) + (bool ? 1 : 0);
  if (kinds === 0) return "empty";
  if (kinds > 1) return "mixed";
  if (num) return int === num ? "int" : "float";
  return str ? "string" : "bool";
}

function frameView(frame: Frame): TableView {
  const names = [...frame.columnNames];
  const cols = names.map((n) => frame.columns[n]!);
  return { rows: frame.rowCount, names, dtypes: cols.map(frameDtype), cell: (r, c) => cols[c]![r] };
}

/** Structural view of a danfo DataFrame (any copy of danfo; its own types vary between versions). */
export interface DanfoLike {
  columns: string[];
  shape: number[];
  values: unknown;
  dtypes?: unknown;
}

/** danfo's dtype names in the words a Frame's display uses, so a table shows one name wherever it is shown. */
const DANFO_DTYPES: Record<string, string> = { int32: "int", float32: "float", boolean: "bool", string: "string" };

function dataFrameView(df: DanfoLike): TableView {
  const values = df.values as unknown[][];
  const names = df.columns.map(String);
  const dtypes = Array.isArray(df.dtypes) && df.dtypes.length === names.length
    ? df.dtypes.map((d) => DANFO_DTYPES[String(d)] ?? String(d))
    : names.map(() => "");
  // A one-column DataFrame still has 2-D values; guard anyway against a 1-D shape.
  const cell = (r: number, c: number): unknown => { const row = values[r]; return Array.isArray(row) ? row[c] : row; };
  return { rows: df.shape[0] ?? values.length, names, dtypes, cell };
}

/** A danfo DataFrame from any copy of danfo, recognised by shape (no danfo import needed). */
export function looksLikeDataFrame(value: unknown): value is DanfoLike {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<DanfoLike> & { constructor?: { name?: string } };
  return v.constructor?.name === "DataFrame" && Array.isArray(v.columns) && Array.isArray(v.shape) && Array.isArray(v.values);
}

function formatCell(v: unknown, maxChars: number): { text: string; missing: boolean } {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return { text: v === undefined ? "undefined" : typeof v === "number" ? "NaN" : "null", missing: true };
  let s: string;
  if (typeof v === "number") s = Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(7)));
  else if (typeof v === "string") s = v;
  else if (v instanceof Date) s = v.toISOString();
  else s = typeof v === "object" ? JSON.stringify(v) ?? String(v) : String(v);
  // Line breaks would wreck both layouts; show them as the visible "↵". Cut before cleaning, so a
  // megabyte cell costs no more than a short one; escape sequences (model-written cells) never reach a terminal.
  const cut = s.length > maxChars * 4;
  if (cut) s = s.slice(0, maxChars * 4);
  s = stripControls(s.replace(/\r?\n/g, "↵"));
  if (s.length > maxChars || cut) s = s.slice(0, maxChars - 1) + "…";
  return { text: s, missing: false };
}

// The one HTML escaping (src/display/format.ts); re-exported: it has been public from here.
export { escapeHtml };

/** Shown row indices with -1 marking the ellipsis row. */
function shownRows(n: number, head: number, tail: number): number[] {
  if (n <= head + tail) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: head }, (_, i) => i), -1, ...Array.from({ length: tail }, (_, i) => n - tail + i)];
}

function shownCols(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const left = Math.ceil(max / 2), right = Math.floor(max / 2);
  return [...Array.from({ length: left }, (_, i) => i), -1, ...Array.from({ length: right }, (_, i) => n - right + i)];
}

function shapeLine(view: TableView): string {
  const r = view.rows, c = view.names.length;
  return `${r} row${r === 1 ? "" : "s"} × ${c} column${c === 1 ? "" : "s"}`;
}

const CSS =
  ".synthlab-table{font-family:system-ui,sans-serif;font-size:12px}" +
  ".synthlab-table table{border-collapse:collapse}" +
  ".synthlab-table th,.synthlab-table td{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}" +
  ".synthlab-table thead th{border-bottom:2px solid #888}" +
  ".synthlab-table .dtype td,.synthlab-table .dtype th{color:#888;font-weight:normal;font-style:italic}" +
  ".synthlab-table .na{color:#aaa}.synthlab-table .idx{color:#666}.synthlab-table .shape{color:#555;margin:4px 0}";

function renderHtml(view: TableView, o: Required<TableDisplayOptions>): string {
  const rows = shownRows(view.rows, o.head, o.tail);
  const cols = shownCols(view.names.length, o.maxColumns);
  const th = (c: number): string => (c < 0 ? "<th>…</th>" : `<th>${escapeHtml(view.names[c]!)}</th>`);
  const dt = (c: number): string => (c < 0 ? "<td></td>" : `<td>${escapeHtml(view.dtypes[c]!)}</td>`);
  const out: string[] = [`<div class="synthlab-table"><style>${CSS}</style>`, `<table><thead><tr><th></th>${cols.map(th).join("")}</tr>`];
  out.push(`<tr class="dtype"><th></th>${cols.map(dt).join("")}</tr></thead><tbody>`);
  for (const r of rows) {
    if (r < 0) {
      out.push(`<tr class="ellipsis"><th class="idx">…</th>${cols.map(() => "<td>…</td>").join("")}</tr>`);
      continue;
    }
    const tds = cols.map((c) => {
      if (c < 0) return "<td>…</td>";
      const { text, missing } = formatCell(view.cell(r, c), o.maxCellChars);
      return missing ? `<td class="na">${escapeHtml(text)}</td>` : `<td>${escapeHtml(text)}</td>`;
    });
    out.push(`<tr><th class="idx">${r}</th>${tds.join("")}</tr>`);
  }
  out.push(`</tbody></table><p class="shape">${escapeHtml(shapeLine(view))}</p></div>`);
  return out.join("");
}

function renderText(view: TableView, o: Required<TableDisplayOptions>): string {
  const rows = shownRows(view.rows, o.head, o.tail);
  const cols = shownCols(view.names.length, o.maxColumns);
  const grid: string[][] = [];
  grid.push(["", ...cols.map((c) => (c < 0 ? "…" : view.names[c]!))]);
  grid.push(["", ...cols.map((c) => (c < 0 ? "" : view.dtypes[c]!))]);
  for (const r of rows) {
    if (r < 0) grid.push(["…", ...cols.map(() => "…")]);
    else grid.push([String(r), ...cols.map((c) => (c < 0 ? "…" : formatCell(view.cell(r, c), Math.min(o.maxCellChars, 40)).text))]);
  }
  const widths = grid[0]!.map((_, j) => Math.max(...grid.map((row) => row[j]!.length)));
  const lines = grid.map((row) => row.map((s, j) => s.padStart(widths[j]!)).join("  ").trimEnd());
  return [...lines, "", shapeLine(view)].join("\n");
}

function withDefaults(o: TableDisplayOptions): Required<TableDisplayOptions> {
  return { head: o.head ?? 5, tail: o.tail ?? 5, maxColumns: o.maxColumns ?? 20, maxCellChars: o.maxCellChars ?? 80 };
}

function viewOf(table: Frame | DanfoLike): TableView {
  if (isFrame(table)) return frameView(table);
  if (looksLikeDataFrame(table)) return dataFrameView(table);
  throw new TypeError("frameBundle expects a Frame or a danfo DataFrame.");
}

export function frameHtml(table: Frame | DanfoLike, opts: TableDisplayOptions = {}): string {
  return renderHtml(viewOf(table), withDefaults(opts));
}

export function frameText(table: Frame | DanfoLike, opts: TableDisplayOptions = {}): string {
  return renderText(viewOf(table), withDefaults(opts));
}

/** The MIME bundle for a table: text/html + text/plain. Library objects use it for the display symbol. */
export function frameBundle(table: Frame | DanfoLike, opts: TableDisplayOptions = {}): MimeBundle {
  const view = viewOf(table);
  const o = withDefaults(opts);
  return { "text/html": renderHtml(view, o), "text/plain": renderText(view, o) };
}

/** A table formatter: the Formatter shape of src/display/formatters.ts, formatting synchronously. */
export interface TableFormatter {
  name: string;
  test(value: unknown): boolean;
  format(value: unknown): MimeBundle;
}

/** Formatters for danfo DataFrames and Frames (a Frame must have a columnNames array, columns and rowCount). */
export function tableFormatters(): TableFormatter[] {
  return [
    { name: "danfo-dataframe", test: looksLikeDataFrame, format: (v) => frameBundle(v as DanfoLike) },
    { name: "synthlab-frame", test: isFrame, format: (v) => frameBundle(v as Frame) },
  ];
}

/**
 * Registers the table formatters with the display registry (src/display/formatters.ts), or with
 * the `register` function given. Always true (kept a promise for callers that await it).
 */
export async function registerTableFormatters(register: (f: TableFormatter) => void = registerFormatter): Promise<boolean> {
  for (const f of tableFormatters()) register(f);
  return true;
}
