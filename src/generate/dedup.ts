/**
 * Exact and near-duplicate removal, within generated rows and against real rows.
 * - exact: a copy by the project's one definition (src/data/rowKey.ts, shared with the report's
 *   exact-match count): every compared value equal after rounding numbers to 6 significant
 *   digits, reading dates as instants and NFC-normalizing and trimming text.
 * - near: values normalised first — strings lowercased, trimmed, whitespace collapsed; numbers
 *   rounded to 6 significant digits (the rounding DESIGN.md's exact-match privacy metric uses).
 * - similar text (near mode, text columns): word-bigram Jaccard similarity of the text columns
 *   ≥ `jaccard` (default 0.8), found with MinHash + LSH banding and confirmed exactly.
 * Columns whose names start with "_" (provenance such as `_meta`) are never compared.
 * Rows are scanned in order; the first of a group is kept.
 *
 * Two forms over one `Deduplicator`: `dedupRows` for a whole Frame (copula mode, the library), and
 * `createRowDeduper` / `dedupRecords` for row records arriving batch by batch (the LLM engine feeds
 * it batches in order as they finish, so the work happens while requests are in flight).
 */
import { roundSignificant } from "../data/numbers.js";
import { rowKeyOf } from "../data/rowKey.js";
import type { CellValue, Frame } from "../data/types.js";
import { concatFrames, takeRows, type Row } from "../data/frame.js";
import { GenerateError, type GenerateRequest } from "./types.js";
import { normalizeText, tokenize } from "./text/quality.js";

export type DedupReason = "exact" | "near" | "similar-text";

/** How duplicates are removed; "none" keeps every row. */
export type DedupMode = "exact" | "near" | "none";

/**
 * The `dedup` option (library, `%%generate --dedup`, `synthlab generate --dedup`) as a mode.
 * "none" is the one spelling of "keep duplicates"; `false` and "off" are accepted as aliases
 * (older code), `true` means "near". Unset gives `fallback` (LLM modes "near", copula "none").
 */
export function dedupMode(value: GenerateRequest["dedup"] | "off" | undefined, fallback: DedupMode = "near"): DedupMode {
  if (value === undefined) return fallback;
  if (value === true) return "near";
  if (value === false || value === "off") return "none";
  if (value === "exact" || value === "near" || value === "none") return value;
  throw new GenerateError(`dedup must be "exact", "near" or "none", got ${JSON.stringify(value)}.`);
}

export interface DedupOptions {
  /** "exact" compares raw values; "near" (default) also normalises and checks text similarity. */
  mode?: "exact" | "near";
  /** Real rows: generated rows that duplicate one of them are removed too. */
  against?: Frame;
  /** Columns to compare (default: every column shared with `against`, minus "_"-prefixed ones). */
  columns?: readonly string[];
  /** Columns compared by text similarity in near mode (default: string columns averaging ≥ 5 words). */
  textColumns?: readonly string[];
  /** Jaccard threshold for similar text, in (0, 1]. */
  jaccard?: number;
}

export interface RemovedRow {
  index: number;
  reason: DedupReason;
  /** The row it duplicates: an earlier generated row or a real row. */
  duplicateOf: { source: "output" | "real"; index: number };
}

export interface DedupResult {
  frame: Frame;
  /** Indices (into the input) of the rows kept, in order. */
  kept: number[];
  removed: RemovedRow[];
  counts: { input: number; kept: number; removed: number; exact: number; near: number; similarText: number; matchesReal: number };
}

function exactKey(values: readonly CellValue[]): string {
  return JSON.stringify(values);
}

function nearValue(v: CellValue): CellValue {
  if (typeof v === "string") return normalizeText(v);
  if (typeof v === "number") return roundSignificant(v);
  return v;
}

function shingles(text: string): Set<string> {
  const tok = tokenize(text);
  const out = new Set<string>();
  if (tok.length < 2) { for (const t of tok) out.add(t); return out; }
  for (let i = 0; i + 1 < tok.length; i++) out.add(`${tok[i]} ${tok[i + 1]}`);
  return out;
}

function jaccardOf(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

const HASHES = 64;
const BANDS = 16; // 16 bands × 4 rows: pairs above ≈ 0.5 Jaccard become candidates, then checked exactly.
const ROWS_PER_BAND = HASHES / BANDS;

function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

function mix(x: number, salt: number): number {
  let h = (x ^ salt) >>> 0;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SALTS = Array.from({ length: HASHES }, (_, i) => mix(i + 1, 0x9e3779b9));

function bandKeys(set: Set<string>): string[] {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const s of set) {
    const x = hash32(s);
    for (let i = 0; i < HASHES; i++) { const h = mix(x, SALTS[i]!); if (h < sig[i]!) sig[i] = h; }
  }
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) keys.push(`${b}:${Array.from(sig.subarray(b * ROWS_PER_BAND, (b + 1) * ROWS_PER_BAND)).join(",")}`);
  return keys;
}

/** Text columns compared by similarity by default: string columns averaging ≥ 5 words (first 200 values). */
export function defaultTextColumns(frame: Frame, columns: readonly string[]): string[] {
  return columns.filter((c) => {
    let words = 0, n = 0;
    for (const v of frame.columns[c]!) {
      if (v === null) continue;
      if (typeof v !== "string") return false;
      words += tokenize(v).length; n++;
      if (n >= 200) break;
    }
    return n > 0 && words / n >= 5;
  });
}

type Ref = { source: "output" | "real"; index: number };

/**
 * Incremental duplicate finder: rows are pushed in output order (in as many pieces as they come,
 * e.g. one LLM batch at a time) and each is judged against the real rows and the rows kept before
 * it. Pushing a table in pieces gives the same verdicts as pushing it whole, which lets the LLM
 * engine dedup while it waits on the network instead of in one pass at the end.
 */
export class Deduplicator {
  private readonly exact = new Map<string, Ref>();
  private readonly near = new Map<string, Ref>();
  private readonly buckets = new Map<string, number[]>();
  private readonly sets: { set: Set<string>; ref: Ref }[] = [];
  private readonly near_: boolean;
  private readonly threshold: number;
  /** Indices (over everything pushed) of the rows kept, in order. */
  readonly kept: number[] = [];
  readonly removed: RemovedRow[] = [];
  private pushed = 0;

  /** `columns` are compared; `textColumns` (near mode) also by word-bigram similarity. */
  constructor(
    readonly columns: readonly string[],
    readonly textColumns: readonly string[],
    options: { mode?: "exact" | "near"; jaccard?: number; against?: Frame } = {},
  ) {
    const mode = options.mode ?? "near";
    if (mode !== "exact" && mode !== "near") throw new RangeError(`dedup mode must be "exact" or "near", got "${String(mode)}".`);
    this.threshold = options.jaccard ?? 0.8;
    if (!(this.threshold > 0 && this.threshold <= 1)) throw new RangeError(`jaccard threshold must be in (0, 1], got ${this.threshold}.`);
    this.near_ = mode === "near";
    const against = options.against;
    if (against) for (let i = 0; i < against.rowCount; i++) this.remember(this.keysOf(against, i), { source: "real", index: i });
  }

  /** Rows pushed so far. */
  get size(): number {
    return this.pushed;
  }

  /** Judges the rows of `frame` (which must have every compared column) as the next rows of the output. */
  push(frame: Frame): void {
    for (let i = 0; i < frame.rowCount; i++) {
      const index = this.pushed++;
      const keys = this.keysOf(frame, i);
      const dup = this.find(keys);
      if (dup) { this.removed.push({ index, reason: dup.reason, duplicateOf: dup.ref }); continue; }
      this.kept.push(index);
      this.remember(keys, { source: "output", index });
    }
  }

  private keysOf(f: Frame, i: number): { exact: string; near: string; shingles: Set<string> | undefined } {
    const vals = this.columns.map((c) => f.columns[c]![i] ?? null);
    // Exact: the project's one definition of a copy, shared with the report's exact-match count.
    const exact = rowKeyOf(vals);
    if (!this.near_) return { exact, near: "", shingles: undefined };
    const text = this.textColumns.length ? this.textColumns.map((c) => String(f.columns[c]![i] ?? "")).join(" ") : undefined;
    return { exact, near: exactKey(vals.map(nearValue)), shingles: text === undefined ? undefined : shingles(text) };
  }

  private find(keys: { exact: string; near: string; shingles: Set<string> | undefined }): { reason: DedupReason; ref: Ref } | null {
    const e = this.exact.get(keys.exact);
    if (e) return { reason: "exact", ref: e };
    if (!this.near_) return null;
    const nr = this.near.get(keys.near);
    if (nr) return { reason: "near", ref: nr };
    if (keys.shingles) {
      const seen = new Set<number>();
      for (const key of bandKeys(keys.shingles)) {
        for (const cand of this.buckets.get(key) ?? []) {
          if (seen.has(cand)) continue;
          seen.add(cand);
          if (jaccardOf(keys.shingles, this.sets[cand]!.set) >= this.threshold) return { reason: "similar-text", ref: this.sets[cand]!.ref };
        }
      }
    }
    return null;
  }

  private remember(keys: { exact: string; near: string; shingles: Set<string> | undefined }, ref: Ref): void {
    if (!this.exact.has(keys.exact)) this.exact.set(keys.exact, ref);
    if (!this.near_) return;
    if (!this.near.has(keys.near)) this.near.set(keys.near, ref);
    if (keys.shingles) {
      const slot = this.sets.length;
      this.sets.push({ set: keys.shingles, ref });
      for (const key of bandKeys(keys.shingles)) {
        const b = this.buckets.get(key);
        if (b) b.push(slot); else this.buckets.set(key, [slot]);
      }
    }
  }
}

/** The columns `dedupRows` compares by default: every column shared with `against`, minus "_"-prefixed ones. */
export function dedupColumns(frame: Frame, options: Pick<DedupOptions, "columns" | "against"> = {}): string[] {
  const against = options.against;
  const columns = options.columns ?? frame.columnNames.filter((c) => !c.startsWith("_") && (!against || Object.hasOwn(against.columns, c)));
  const missing = columns.filter((c) => !Object.hasOwn(frame.columns, c) || (against !== undefined && !Object.hasOwn(against.columns, c)));
  if (missing.length) {
    throw new RangeError(`dedup: column(s) ${missing.join(", ")} are not in ${against ? "both tables" : "the table"}; compare on shared columns.`);
  }
  return [...columns];
}

export function dedupRows(frame: Frame, options: DedupOptions = {}): DedupResult {
  const mode = options.mode ?? "near";
  const columns = dedupColumns(frame, options);
  const textCols = mode === "near" ? [...(options.textColumns ?? defaultTextColumns(frame, columns))] : [];
  const d = new Deduplicator(columns, textCols, {
    mode,
    ...(options.jaccard !== undefined ? { jaccard: options.jaccard } : {}),
    ...(options.against ? { against: options.against } : {}),
  });
  d.push(frame);
  const { kept, removed } = d;
  const count = (r: DedupReason): number => removed.filter((x) => x.reason === r).length;
  return {
    frame: removed.length ? takeRows(frame, kept) : frame,
    kept: [...kept],
    removed: [...removed],
    counts: {
      input: frame.rowCount,
      kept: kept.length,
      removed: removed.length,
      exact: count("exact"),
      near: count("near"),
      similarText: count("similar-text"),
      matchesReal: removed.filter((x) => x.duplicateOf.source === "real").length,
    },
  };
}

/**
 * The dedup step the statistical modes (copula, cart) share: drops generated rows that copy a real
 * row or each other, then tops up with fresh draws (`draw(n, round)`, twice the shortfall) for up to
 * 5 rounds. Returns at most `wanted` rows and how many were removed in all.
 */
export function dedupTopUp(
  frame: Frame, against: Frame, mode: "exact" | "near", wanted: number,
  draw: (rows: number, round: number) => Frame, signal?: AbortSignal,
): { frame: Frame; removed: number } {
  let result = dedupRows(frame, { mode, against });
  let removed = result.counts.removed;
  let out = result.frame;
  for (let round = 1; round <= 5 && out.rowCount < wanted; round++) {
    if (signal?.aborted) break;
    result = dedupRows(concatFrames([out, draw((wanted - out.rowCount) * 2, round)]), { mode, against });
    removed += result.counts.removed;
    out = takeRows(result.frame, Array.from({ length: Math.min(wanted, result.frame.rowCount) }, (_, i) => i));
  }
  return { frame: out, removed };
}

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
  if (opts.mode === "none") {
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

/** One-shot form of `createRowDeduper`: the rows to keep of a whole list of records. */
export function dedupRecords(rows: readonly Row[], columns: readonly string[], opts: { mode: DedupMode; real?: readonly Row[] }): DedupOutcome {
  const d = createRowDeduper(columns, opts);
  d.push(rows);
  return d.outcome();
}
