/**
 * The grounding check of the grounded mode (docs/grounded.md, "The grounding check"): does a
 * row's every checkable value appear in, or follow from, the passages it cites — and were those
 * passages in its prompt? Pure functions, one per concept; the thresholds are named constants.
 *
 * - Citations: a row must cite at least one passage, and only passages its prompt gave it.
 * - Strings: compared as word tokens (lowercased, punctuation dropped). A value shorter than
 *   LONG_TEXT_TOKENS tokens must occur as a whole phrase in a cited passage; a longer one must
 *   share at least PHRASE_OVERLAP of its word bigrams with the cited passages.
 * - Numbers: the value must equal a number written in a cited passage, read with its formatting
 *   (1,200 = 1200; 1.2k = 1.2 thousand = 1200; 12% = 0.12), or be such a number rounded to the
 *   value's own decimals (3.14 from 3.14159). Sign is not read ("-5" and "fell by 5" both give 5).
 * - Not checked (neither support nor contradict a row): null, booleans, and categorical columns
 *   with a fixed set of values — a label is the model's judgement of a passage, not a span of it.
 */
import { decimalsOf } from "../../data/numbers.js";
import type { CellValue, ColumnSchema, Schema } from "../../data/types.js";
import { tokenize } from "../text/quality.js";

/** Values with at least this many word tokens are "long text", checked by phrase overlap. */
export const LONG_TEXT_TOKENS = 8;
/** Share of a long value's word bigrams that must occur in the cited passages. */
export const PHRASE_OVERLAP = 0.75;

/** Why a row is unsupported. */
export type GroundingProblem = "no-citation" | "citation-not-given" | "text-not-found" | "number-not-found";

export interface GroundingVerdict {
  supported: boolean;
  /** One entry per problem found, e.g. { problem: "number-not-found", column: "price", detail: "…" }. */
  problems: { problem: GroundingProblem; column?: string; detail: string }[];
  /** Values checked against the passages, and values not checkable (null, boolean, label). */
  checked: number;
  unchecked: number;
}

/** Text as the check compares it: word tokens, lowercased, joined by single spaces. */
export function matchForm(text: string): string {
  return tokenize(text.normalize("NFKC")).join(" ");
}

const MULTIPLIERS: Readonly<Record<string, number>> = { k: 1e3, thousand: 1e3, m: 1e6, mn: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9 };
const NUMBER = /(?<![\p{L}\p{N}])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(k|thousand|mn|million|bn|billion|m|b)(?![\p{L}\p{N}]))?(\s?%)?/giu;

/**
 * Every number a text writes, with the readings its formatting allows: "1,200" → 1200;
 * "1.2k" → 1.2 and 1200; "12%" → 12 and 0.12. Dates and versions give their parts (2024-01-05 → 2024, 1, 5).
 */
export function numbersIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.normalize("NFKC").matchAll(NUMBER)) {
    const base = Number(m[1]!.replace(/,/g, "") + (m[2] ?? ""));
    if (!Number.isFinite(base)) continue;
    out.push(base);
    const unit = m[3]?.toLowerCase();
    if (unit && MULTIPLIERS[unit]) out.push(base * MULTIPLIERS[unit]!);
    if (m[4]) out.push(base / 100);
  }
  return out;
}

/** Equal up to floating-point noise. */
function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * A number follows from a passage's numbers when it equals one of them, or one of them rounded
 * to the value's own decimal places (and the passage's number has more).
 */
export function numberSupported(value: number, passageNumbers: readonly number[]): boolean {
  const v = Math.abs(value);
  const d = decimalsOf(v);
  for (const p of passageNumbers) {
    if (same(v, p)) return true;
    if (decimalsOf(p) > d && same(Math.round(p * 10 ** d) / 10 ** d, v)) return true;
  }
  return false;
}

/** Word bigrams of a token list ("a b c" → "a b", "b c"). */
function bigrams(tokens: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < tokens.length; i++) out.add(`${tokens[i]} ${tokens[i + 1]}`);
  return out;
}

/**
 * Whether a string value appears in the passages: a short value as a whole phrase of one passage;
 * a long one (≥ LONG_TEXT_TOKENS tokens) by the share of its word bigrams found in them (≥ PHRASE_OVERLAP).
 * `overlap` is that share for long values, 1 or 0 for short ones; undefined when the value has no word.
 */
export function textSupported(value: string, passages: readonly string[]): { supported: boolean; overlap?: number } {
  const tokens = matchForm(value).split(" ").filter(Boolean);
  if (tokens.length === 0) return { supported: true };
  const forms = passages.map((p) => ` ${matchForm(p)} `);
  if (tokens.length < LONG_TEXT_TOKENS) {
    const phrase = ` ${tokens.join(" ")} `;
    const hit = forms.some((f) => f.includes(phrase));
    return { supported: hit, overlap: hit ? 1 : 0 };
  }
  const mine = bigrams(tokens);
  const theirs = new Set<string>();
  for (const f of forms) for (const b of bigrams(f.trim().split(" "))) theirs.add(b);
  let found = 0;
  for (const b of mine) if (theirs.has(b)) found += 1;
  const overlap = found / mine.size;
  return { supported: overlap >= PHRASE_OVERLAP, overlap };
}

/** Whether a column's values are checked against passages (labels from a fixed set and booleans are not). */
export function isCheckable(column: ColumnSchema): boolean {
  if (column.kind === "boolean") return false;
  if (column.kind === "categorical" && (column.values?.length ?? 0) > 0) return false;
  return true;
}

/**
 * The verdict on one row: its citations (`cites`) against the passage ids its prompt gave
 * (`given`), then each checkable value against the text of the cited, given passages.
 */
export function checkRow(
  row: Readonly<Record<string, CellValue>>,
  cites: readonly string[],
  given: ReadonlySet<string>,
  passageText: (id: string) => string | undefined,
  schema: Schema,
): GroundingVerdict {
  const problems: GroundingVerdict["problems"] = [];
  if (cites.length === 0) problems.push({ problem: "no-citation", detail: "cites no passage" });
  const bad = cites.filter((c) => !given.has(c));
  if (bad.length) problems.push({ problem: "citation-not-given", detail: `cites ${bad.join(", ")}, not among the passages of its prompt` });
  const texts = cites.filter((c) => given.has(c)).map(passageText).filter((t): t is string => t !== undefined);
  let numbers: number[] | undefined;
  let checked = 0;
  let unchecked = 0;
  for (const col of schema.columns) {
    const v = row[col.name] ?? null;
    if (v === null || typeof v === "boolean" || col.expression || !isCheckable(col)) { unchecked += 1; continue; }
    checked += 1;
    if (typeof v === "number") {
      numbers ??= texts.flatMap(numbersIn);
      if (!numberSupported(v, numbers)) problems.push({ problem: "number-not-found", column: col.name, detail: `${col.name} = ${v} is not a number of the cited passages` });
    } else if (!textSupported(v, texts).supported) {
      problems.push({ problem: "text-not-found", column: col.name, detail: `${col.name} does not appear in the cited passages` });
    }
  }
  return { supported: problems.length === 0, problems, checked, unchecked };
}
