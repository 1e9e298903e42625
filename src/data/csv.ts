/**
 * CSV and JSONL reading and writing. Parsing is papaparse's (quotes, CRLF, embedded newlines);
 * this module adds the checks papaparse leaves to the caller (ragged rows, empty input,
 * duplicate headers) with errors that name the line and the fix, and strict per-column typing.
 */
import { readFile, writeFile } from "node:fs/promises";
import Papa from "papaparse";
import { FrameError, frameFromRecords } from "./frame.js";
import type { CellValue, Frame } from "./types.js";
import { InputError } from "../errors.js";

export interface CsvOptions {
  /** The first non-blank line holds the column names (default true). */
  header?: boolean;
  /** Column names; required meaning when `header` is false, and they replace the header when it is true. */
  names?: readonly string[];
  /** Skip lines that are empty or only whitespace (default true). When false a blank line is a row of nulls. */
  skipBlankLines?: boolean;
  /**
   * Field delimiter. Default "auto": comma, semicolon, tab or pipe, whichever splits every one of the
   * first lines into the same number of fields (outside quotes); a line says which when it is not a comma.
   */
  delimiter?: string;
  /**
   * Convert columns whose every non-missing value is a strict number ("38.7", "-1e3"; not "1,5" and
   * not "007") or a boolean (true/false, any case) (default true). A column with one non-conforming
   * value stays all strings, so a column never mixes types.
   */
  coerce?: boolean;
  /** Columns never converted (kept as strings), e.g. ZIP codes. */
  keepStrings?: readonly string[];
  /** Cell texts read as missing (default [""]). */
  nullValues?: readonly string[];
  /** Shown in errors instead of "CSV" (readCsv passes the file path). */
  source?: string;
  /**
   * Where one-line notes go: the delimiter when it is not a comma, numbers too large for a float
   * (read as missing). Default: parseCsv stays quiet, readCsv writes to stderr.
   */
  log?: (line: string) => void;
}

export class CsvError extends InputError {
  override name = "CsvError";
}

/**
 * Header names made distinct: a repeat becomes `name_2`, `name_3`, ... (skipping names the header
 * already has), with one note. Exported spreadsheets often repeat a header (two "Notes" columns);
 * refusing the file would leave a CLI user no way in, and renaming loses nothing (pandas does the same
 * with `name.1`; we keep the name an identifier so cells can still refer to it).
 */
function distinctHeader(names: readonly string[], source: string, log: ((line: string) => void) | undefined): string[] {
  const taken = new Set(names);
  const seen = new Set<string>();
  const renamed: string[] = [];
  const out = names.map((n) => {
    if (!seen.has(n)) {
      seen.add(n);
      return n;
    }
    let k = 2;
    while (taken.has(`${n}_${k}`)) k++;
    const fresh = `${n}_${k}`;
    taken.add(fresh);
    seen.add(fresh);
    renamed.push(`"${n}" → "${fresh}"`);
    return fresh;
  });
  if (renamed.length) log?.(`${source}: repeated column names were renamed: ${renamed.join(", ")}.`);
  return out;
}

const STRICT_NUMBER = /^[+-]?(?:0|[1-9]\d*)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NUMBER_WITH_DIGITS = /\d/;
/** Money as written in many exports: "$140", "-$1.5", "€ 20". The symbol is dropped. */
const CURRENCY = /^([+-]?)[$€£¥]\s?/;

/**
 * A strict number's value: NaN when it is written as a number but overflows a float ("1e400"), so
 * the column stays numeric and the cell is missing; undefined when it is no number.
 */
function parseStrictNumber(text: string): number | undefined {
  let t = text.trim();
  const money = CURRENCY.exec(t);
  if (money) t = money[1]! + t.slice(money[0].length);
  if (!NUMBER_WITH_DIGITS.test(t) || !STRICT_NUMBER.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  return t === "true" ? true : t === "false" ? false : undefined;
}

/**
 * Converts one column of raw strings: all-numbers → numbers, all-booleans → booleans, else strings.
 * A number that overflows a float is missing, with a note naming it.
 */
function typeColumn(raw: (string | null)[], coerce: boolean, name: string, log: (line: string) => void): CellValue[] {
  if (!coerce) return raw;
  let allNum = true;
  let allBool = true;
  let any = false;
  for (const v of raw) {
    if (v === null) continue;
    any = true;
    if (allNum && parseStrictNumber(v) === undefined) allNum = false;
    if (allBool && parseBoolean(v) === undefined) allBool = false;
    if (!allNum && !allBool) break;
  }
  if (!any) return raw;
  if (allNum) {
    let overflow = 0;
    let example = "";
    const out = raw.map((v) => {
      if (v === null) return null;
      const n = parseStrictNumber(v)!;
      if (Number.isNaN(n)) { overflow++; example ||= v; return null; }
      return n;
    });
    if (overflow) log(`Column "${name}": ${overflow} value(s) too large for a number (e.g. ${example}) are read as missing.`);
    return out;
  }
  if (allBool) return raw.map((v) => (v === null ? null : parseBoolean(v)!));
  return raw;
}

/** How often `d` occurs in `line` outside double quotes. */
function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === d && !quoted) n++;
  }
  return n;
}

/**
 * Delimiter guess: among , tab ; | the one that appears the same (non-zero) number of times outside
 * quotes on each of the first 20 non-blank lines, preferring more fields; "," when none is
 * consistent. (papaparse's own guess misses tab-separated files with few rows.)
 */
export function guessDelimiter(text: string): string {
  // Lines inside a quoted field spanning lines would miscount: judge whole records only where simple.
  const lines = text.slice(0, 65536).split(/\r?\n/).filter((l) => l.trim() !== "").slice(0, 20);
  let best = ",";
  let bestCount = 0;
  for (const d of [",", "\t", ";", "|"]) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const c = counts[0] ?? 0;
    if (c > 0 && counts.every((x) => x === c) && c > bestCount) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}

const DELIMITER_NAMES: Record<string, string> = { ";": "semicolon (;)", "\t": "tab", "|": "pipe (|)" };

/** 1-based line number of the character at `offset`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function isBlankRow(row: string[]): boolean {
  return row.length === 1 && row[0]!.trim() === "";
}

/** Parses CSV text into a Frame. Throws CsvError naming the line and the fix on malformed input. */
export function parseCsv(text: string, opts: CsvOptions = {}): Frame {
  const source = opts.source ?? "CSV";
  const header = opts.header ?? true;
  const skipBlank = opts.skipBlankLines ?? true;
  const nullValues = new Set(opts.nullValues ?? [""]);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") {
    throw new CsvError(`${source} is empty: there is no header line and no data. Check the file path, or that the download completed.`);
  }
  // Rows plus the offset where each one starts, so errors can name file lines even when quoted
  // fields span several lines.
  const rows: string[][] = [];
  const starts: number[] = [];
  let prevCursor = 0;
  let quoteError: { row: number; code: string } | null = null;
  const log = opts.log ?? (() => {});
  const auto = opts.delimiter === undefined || opts.delimiter === "auto";
  const delimiter = auto ? guessDelimiter(body) : opts.delimiter!;
  if (auto && delimiter !== ",") log(`Read ${source} as ${DELIMITER_NAMES[delimiter] ?? delimiter}-separated.`);
  Papa.parse<string[]>(body, {
    delimiter,
    header: false,
    skipEmptyLines: false,
    dynamicTyping: false,
    step(result) {
      for (const e of result.errors) if (e.type === "Quotes" && !quoteError) quoteError = { row: rows.length, code: e.code };
      rows.push(result.data);
      starts.push(prevCursor);
      prevCursor = result.meta.cursor;
    },
  });
  const lineOf = (rowIndex: number): number => {
    let start = starts[rowIndex] ?? 0;
    // The cursor points at the previous row's end; step past its newline.
    while (start < body.length && (body[start] === "\r" || body[start] === "\n")) start++;
    return lineAt(body, start);
  };
  if (quoteError) {
    const q = quoteError as { row: number; code: string };
    const line = lineOf(q.row);
    throw new CsvError(
      q.code === "InvalidQuotes"
        ? `${source} line ${line}: a quoted field has text right after its closing quote (like "ab"c). Put the whole field in quotes and write quotes inside it as two quotes ("").`
        : `${source} line ${line}: a quoted field is never closed. Close the quote, or write a quote inside a quoted field as two quotes ("").`,
    );
  }
  // papaparse yields a final [""] row for a trailing newline.
  while (rows.length > 0 && isBlankRow(rows[rows.length - 1]!)) {
    rows.pop();
    starts.pop();
  }

  let r = 0;
  let names: string[];
  if (header) {
    while (r < rows.length && isBlankRow(rows[r]!)) r++;
    const headerRow = rows[r++];
    if (!headerRow) throw new CsvError(`${source} is empty: there is no header line and no data.`);
    names = headerRow.map((n, j) => n.trim() || `column_${j + 1}`);
    if (opts.names) {
      if (opts.names.length !== names.length) {
        throw new CsvError(
          `${source}: ${opts.names.length} names were given but the header line has ${names.length} fields. Pass one name per column.`,
        );
      }
      names = [...opts.names];
    }
  } else {
    const width = rows.find((row) => !isBlankRow(row))?.length ?? 0;
    names = opts.names ? [...opts.names] : Array.from({ length: width }, (_, j) => `column_${j + 1}`);
  }
  if (opts.names) {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) throw new CsvError(`${source}: the column name "${n}" appears twice in the names given. Pass distinct names.`);
      seen.add(n);
    }
  } else {
    names = distinctHeader(names, source, opts.log);
  }

  const width = names.length;
  const cols: (string | null)[][] = names.map(() => []);
  for (; r < rows.length; r++) {
    const row = rows[r]!;
    if (isBlankRow(row)) {
      if (skipBlank) continue;
      for (const c of cols) c.push(null);
      continue;
    }
    if (row.length !== width) {
      const what = header && !opts.names ? "the header has" : "there are";
      throw new CsvError(
        `${source} line ${lineOf(r)} has ${row.length} fields but ${what} ${width} columns. ` +
          `Fix that line (quote fields that contain "${delimiter === "\t" ? "\\t" : delimiter}"), or check the delimiter option.`,
      );
    }
    for (let j = 0; j < width; j++) {
      const v = row[j]!;
      cols[j]!.push(nullValues.has(v) ? null : v);
    }
  }
  const keep = new Set(opts.keepStrings ?? []);
  const coerce = opts.coerce ?? true;
  const columns: Record<string, CellValue[]> = {};
  names.forEach((n, j) => {
    columns[n] = typeColumn(cols[j]!, coerce && !keep.has(n), n, log);
  });
  return { columnNames: names, columns, rowCount: cols[0]?.length ?? 0 };
}

export async function readCsv(path: string, opts: CsvOptions = {}): Promise<Frame> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new CsvError(`Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}. Check the path.`);
  }
  return parseCsv(text, { source: path, log: (line) => process.stderr.write(`[synthlab] ${line}\n`), ...opts });
}

function cellText(v: CellValue): string {
  return v === null ? "" : typeof v === "string" ? v : String(v);
}

/** CSV text (header + rows, "\n" line ends, quotes only where needed). Missing → empty field. */
export function frameToCsv(frame: Frame): string {
  const data: string[][] = new Array(frame.rowCount);
  const cols = frame.columnNames.map((n) => frame.columns[n]!);
  for (let i = 0; i < frame.rowCount; i++) data[i] = cols.map((c) => cellText(c[i] ?? null));
  const out = Papa.unparse({ fields: [...frame.columnNames], data }, { newline: "\n" });
  return out + "\n";
}

export async function writeCsv(frame: Frame, path: string): Promise<void> {
  await writeFile(path, frameToCsv(frame), "utf8");
}

/** JSON Lines: one object per line; blank lines skipped. Errors name the line. */
export function parseJsonl(text: string, opts: { source?: string } = {}): Frame {
  const source = opts.source ?? "JSONL";
  const records: Record<string, unknown>[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new CsvError(`${source} line ${i + 1} is not valid JSON (${(err as Error).message}). Each line must be one JSON object.`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new CsvError(`${source} line ${i + 1} is ${Array.isArray(value) ? "an array" : JSON.stringify(value)}: each line must be one JSON object ({"column": value}).`);
    }
    records.push(value as Record<string, unknown>);
  }
  try {
    return frameFromRecords(records);
  } catch (err) {
    throw new FrameError(`${source}: ${(err as Error).message}`);
  }
}

export async function readJsonl(path: string): Promise<Frame> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new CsvError(`Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}. Check the path.`);
  }
  return parseJsonl(text, { source: path });
}

/**
 * A `.json` table: one JSON array of records (`[{"column": value}, …]`). A file that is not one
 * JSON value but parses as JSON Lines is read as such (some tools write JSONL under .json);
 * anything else is one error naming the shape expected.
 */
export function parseJson(text: string, opts: { source?: string } = {}): Frame {
  const source = opts.source ?? "JSON";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    try {
      return parseJsonl(text, { source });
    } catch {
      throw new CsvError(`${source} is not valid JSON (${(err as Error).message}); a .json table is an array of records, e.g. [{"a": 1}, {"a": 2}].`);
    }
  }
  const isRecord = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!Array.isArray(value) || !value.every(isRecord)) {
    throw new CsvError(`${source} holds ${Array.isArray(value) ? "an array of non-records" : `a JSON ${value === null ? "null" : typeof value}`}; a .json table is an array of records, e.g. [{"a": 1}, {"a": 2}] (or write one record per line as .jsonl).`);
  }
  try {
    return frameFromRecords(value as Record<string, unknown>[]);
  } catch (err) {
    throw new FrameError(`${source}: ${(err as Error).message}`);
  }
}

export async function readJson(path: string): Promise<Frame> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new CsvError(`Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}. Check the path.`);
  }
  return parseJson(text, { source: path });
}

/** One JSON object per row, keys in column order, missing as null. */
export function frameToJsonl(frame: Frame): string {
  const cols = frame.columnNames.map((n) => [n, frame.columns[n]!] as const);
  let out = "";
  for (let i = 0; i < frame.rowCount; i++) {
    const rec: Record<string, CellValue> = {};
    for (const [n, c] of cols) rec[n] = c[i] ?? null;
    out += JSON.stringify(rec) + "\n";
  }
  return out;
}

export async function writeJsonl(frame: Frame, path: string): Promise<void> {
  await writeFile(path, frameToJsonl(frame), "utf8");
}
