/**
 * Validity diagnostic (as SDMetrics' DiagnosticReport, plus row rules): can the synthetic rows
 * exist at all? Per column: the share of synthetic values outside the real range (numeric,
 * datetime), in categories the real data never has (categorical), or not readable in the
 * column's kind (wrong type). Row rules are mined from the real table and kept only when they
 * hold in EVERY real row; the report gives the share of synthetic rows breaking each:
 * - order: `a ≤ b` between two numeric or two datetime columns (pickup ≤ dropoff);
 * - sum: `t = a + b [+ c]` or `t ≥ a + b [+ c]` over non-negative parts (total ≥ fare + tip);
 * - determines: each value of `a` comes with one value of `b` (class → pclass), `↔` both ways.
 * Users may also declare rules (src/generate/constraints/): the same kinds, plus a range of one
 * column, a product `t = a × b`, a strict order `a < b` and fixed combinations (only combinations
 * of a few columns seen in the real rows). `ruleStatus` is the one definition of "a row breaks a
 * rule": the report counts with it and the generator rejects with it.
 * Mining is bounded: at most MAX_ORDER_COLUMNS numeric columns for order rules,
 * MAX_SUM_COLUMNS for sums (pairs and triples), MAX_CATEGORY_COLUMNS for dependencies.
 * Spurious rules are left out: id-like columns (distinct integers), near-constant columns,
 * fewer than MIN_SUPPORT real rows, and rules the columns' ranges alone would satisfy (a rule
 * must fail for at least MIN_INFORMATIVE of the rows when the columns are paired at random).
 */
import type { CellValue, Frame } from "../../data/types.js";
import type { EvalKind } from "../types.js";
import { meanOrNull } from "../types.js";
import { categoryOf, isNumericKind, toNumeric } from "../internal/columns.js";
import { createRng } from "../../data/random.js";

export const MIN_SUPPORT = 20;
/** A rule must fail for at least this share of rows when its columns are paired at random. */
export const MIN_INFORMATIVE = 0.05;
export const MAX_ORDER_COLUMNS = 30;
export const MAX_SUM_COLUMNS = 10;
export const MAX_CATEGORY_COLUMNS = 30;
/** A column with more levels than this does not take part in "determines" rules. */
const MAX_LEVELS = 50;
/** Relative tolerance of sums (rounding in CSV amounts). */
const SUM_TOLERANCE = 1e-6;

export type RowRule =
  | { type: "order"; a: string; b: string; strict?: boolean }
  | { type: "sum"; total: string; parts: string[]; relation: "=" | "≥" }
  | { type: "product"; total: string; parts: string[] }
  | { type: "determines"; a: string; b: string; both: boolean }
  /** Inclusive bounds; datetimes in epoch milliseconds (the evaluator's numeric view of them). */
  | { type: "range"; column: string; min?: number; max?: number }
  /** Only combinations of these columns' values that some real row has. */
  | { type: "combination"; columns: string[] };

/** The columns a rule reads. */
export function ruleColumns(rule: RowRule): string[] {
  switch (rule.type) {
    case "order": case "determines": return [rule.a, rule.b];
    case "sum": case "product": return [rule.total, ...rule.parts];
    case "range": return [rule.column];
    case "combination": return [...rule.columns];
  }
}

export interface RuleCheck {
  rule: RowRule;
  /** The rule in words, e.g. `pickup ≤ dropoff`. */
  text: string;
  /** Real rows the rule was mined on (every involved column present). */
  support: number;
  /** Synthetic rows the rule applies to, and the share of them that break it. */
  checked: number;
  broken: number;
  brokenShare: number | null;
}

export interface ColumnValidity {
  name: string;
  kind: EvalKind;
  /** Share of non-missing synthetic values outside [min, max] of the real column (numeric, datetime). */
  outOfRange: number | null;
  /** Share of non-missing synthetic values in a category the real column never has (categorical). */
  unseenCategory: number | null;
  /** Share of non-missing synthetic values that cannot be read in the column's kind. */
  wrongType: number | null;
  /** 1 − the shares above. */
  score: number | null;
}

export interface Diagnostic {
  columns: ColumnValidity[];
  rules: RuleCheck[];
  /** Mean of the column scores and the rules' 1 − brokenShare. */
  score: number | null;
}

interface NumCol { name: string; kind: EvalKind; values: Float64Array }

/** Per-column validity of the synthetic values against the real column. */
export function columnValidity(real: Frame, synth: Frame, name: string, kind: EvalKind): ColumnValidity {
  const r = real.columns[name]!;
  const s = synth.columns[name]!;
  if (isNumericKind(kind)) {
    const rv = toNumeric(r, kind).values;
    const sv = toNumeric(s, kind);
    let min = Infinity, max = -Infinity;
    for (const x of rv) if (!Number.isNaN(x)) { if (x < min) min = x; if (x > max) max = x; }
    let present = 0, outside = 0;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === null) continue;
      present++;
      const x = sv.values[i]!;
      if (!Number.isNaN(x) && (x < min || x > max)) outside++;
    }
    const outOfRange = present && Number.isFinite(min) ? outside / present : null;
    const wrongType = present ? sv.unparsed / present : null;
    return { name, kind, outOfRange, unseenCategory: null, wrongType, score: present ? 1 - (outside + sv.unparsed) / present : null };
  }
  const seen = new Set<string>();
  for (const v of r) { const c = categoryOf(v); if (c !== null) seen.add(c); }
  let present = 0, unseen = 0;
  for (const v of s) {
    const c = categoryOf(v);
    if (c === null) continue;
    present++;
    if (!seen.has(c)) unseen++;
  }
  const share = present ? unseen / present : null;
  return { name, kind, outOfRange: null, unseenCategory: share, wrongType: null, score: share === null ? null : 1 - share };
}

/** Id-like (distinct integers, not datetimes) or near-constant (one value in ≥ 95% of rows) columns make spurious rules. */
function usableNumeric(values: Float64Array, kind: EvalKind): boolean {
  const counts = new Map<number, number>();
  let n = 0, integers = 0, top = 0;
  for (const x of values) {
    if (Number.isNaN(x)) continue;
    n++;
    if (Number.isInteger(x)) integers++;
    const c = (counts.get(x) ?? 0) + 1;
    counts.set(x, c);
    if (c > top) top = c;
  }
  if (n < MIN_SUPPORT || counts.size < 2 || top >= 0.95 * n) return false;
  // Datetimes are whole milliseconds and mostly distinct by nature: never id-like.
  return kind === "datetime" || !(integers === n && counts.size >= 0.95 * n);
}

/** Share of rows at which `holds(i, j)` fails when row i of one column meets row j = a fixed random pairing. */
function randomPairingFailure(n: number, holds: (i: number, j: number) => boolean | null): number {
  const rng = createRng(17);
  let tested = 0, failed = 0;
  for (let i = 0; i < n; i++) {
    const j = rng.int(n);
    const h = holds(i, j);
    if (h === null) continue;
    tested++;
    if (!h) failed++;
  }
  return tested ? failed / tested : 0;
}

function mineOrderRules(cols: NumCol[], n: number): RowRule[] {
  const out: RowRule[] = [];
  for (const A of cols) for (const B of cols) {
    if (A === B || (A.kind === "datetime") !== (B.kind === "datetime")) continue;
    const a = A.values, b = B.values;
    let support = 0, strict = 0, ok = true;
    for (let i = 0; i < n; i++) {
      const x = a[i]!, y = b[i]!;
      if (Number.isNaN(x) || Number.isNaN(y)) continue;
      support++;
      if (x > y) { ok = false; break; }
      if (x < y) strict++;
    }
    // Equal columns (never strictly ordered) would give the rule both ways: not informative.
    if (!ok || support < MIN_SUPPORT || strict === 0) continue;
    const chance = randomPairingFailure(n, (i, j) => (Number.isNaN(a[i]!) || Number.isNaN(b[j]!) ? null : a[i]! <= b[j]!));
    if (chance >= MIN_INFORMATIVE) out.push({ type: "order", a: A.name, b: B.name });
  }
  return out;
}

function combinations<T>(xs: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  const out: T[][] = [];
  xs.forEach((x, i) => { for (const rest of combinations(xs.slice(i + 1), k - 1)) out.push([x, ...rest]); });
  return out;
}

function mineSumRules(cols: NumCol[], n: number): RowRule[] {
  const nonNegative = cols.filter((c) => c.kind === "numeric" && c.values.every((x) => Number.isNaN(x) || x >= 0)).slice(0, MAX_SUM_COLUMNS);
  const found: { total: string; parts: string[]; relation: "=" | "≥" }[] = [];
  for (const T of nonNegative) {
    const others = nonNegative.filter((c) => c !== T);
    for (const k of [3, 2]) for (const parts of combinations(others, k)) {
      // A rule over a triple already covers its pairs (parts are non-negative).
      if (k === 2 && found.some((f) => f.total === T.name && parts.every((p) => f.parts.includes(p.name)))) continue;
      const sumAt = (row: number): number => {
        let s = 0;
        for (const p of parts) s += p.values[row]!;
        return s;
      };
      let support = 0, equal = true, atLeast = true;
      for (let i = 0; i < n && atLeast; i++) {
        const t = T.values[i]!;
        const s = sumAt(i);
        if (Number.isNaN(t) || Number.isNaN(s)) continue;
        support++;
        const tol = SUM_TOLERANCE * Math.max(Math.abs(t), Math.abs(s), 1);
        if (Math.abs(t - s) > tol) equal = false;
        if (t < s - tol) atLeast = false;
      }
      if (!atLeast || support < MIN_SUPPORT) continue;
      const relation = equal ? "=" : "≥";
      const chance = randomPairingFailure(n, (i, j) => {
        const t = T.values[i]!;
        const s = sumAt(j);
        if (Number.isNaN(t) || Number.isNaN(s)) return null;
        const tol = SUM_TOLERANCE * Math.max(Math.abs(t), Math.abs(s), 1);
        return relation === "=" ? Math.abs(t - s) <= tol : t >= s - tol;
      });
      if (chance >= MIN_INFORMATIVE) found.push({ total: T.name, parts: parts.map((p) => p.name), relation });
    }
  }
  return found.map((f) => ({ type: "sum", ...f }));
}

interface CatCol { name: string; codes: (string | null)[]; levels: number }

/** Category labels of a column for "determines" rules: numbers by value (1 and "1.0" are one level). */
function levels(col: readonly CellValue[], kind: EvalKind): (string | null)[] {
  if (kind !== "numeric") return col.map((v) => categoryOf(v));
  return Array.from(toNumeric(col, kind).values, (x) => (Number.isNaN(x) ? null : String(x)));
}

function mineDeterminesRules(cols: CatCol[], n: number): RowRule[] {
  const holds = (A: CatCol, B: CatCol): boolean => {
    const map = new Map<string, string>();
    let support = 0;
    for (let i = 0; i < n; i++) {
      const a = A.codes[i], b = B.codes[i];
      if (a === null || b === null || a === undefined || b === undefined) continue;
      support++;
      const m = map.get(a);
      if (m === undefined) map.set(a, b);
      else if (m !== b) return false;
    }
    // Each level of A should be seen a few times, or uniqueness alone makes the map a function.
    return support >= MIN_SUPPORT && map.size * 3 <= support;
  };
  const out: RowRule[] = [];
  const done = new Set<string>();
  for (const A of cols) for (const B of cols) {
    if (A === B || done.has(`${A.name}\u0000${B.name}`)) continue;
    if (!holds(A, B)) continue;
    const both = holds(B, A);
    if (both) done.add(`${B.name}\u0000${A.name}`);
    out.push({ type: "determines", a: A.name, b: B.name, both });
  }
  return out;
}

/** Order rules implied by a sum rule (a part ≤ its total) add nothing: dropped. */
function withoutImplied(order: RowRule[], sums: RowRule[]): RowRule[] {
  return order.filter((r) => r.type !== "order" || !sums.some((s) => s.type === "sum" && s.total === r.b && s.parts.includes(r.a)));
}

/** Mines the row rules that hold in every row of the real table (bounded cost, see the file comment). */
export function mineRowRules(real: Frame, columns: readonly string[], kinds: Readonly<Record<string, EvalKind>>): RowRule[] {
  const n = real.rowCount;
  const numeric: NumCol[] = [];
  const categorical: CatCol[] = [];
  for (const name of columns) {
    const kind = kinds[name]!;
    const col = real.columns[name]!;
    if (isNumericKind(kind)) {
      const values = toNumeric(col, kind).values;
      if (usableNumeric(values, kind)) numeric.push({ name, kind, values });
    }
    if (kind === "categorical" || kind === "numeric") {
      const codes = levels(col, kind);
      const freq = new Map<string, number>();
      let present = 0;
      let top = 0;
      for (const c of codes) {
        if (c === null) continue;
        present++;
        const k = (freq.get(c) ?? 0) + 1;
        freq.set(c, k);
        if (k > top) top = k;
        if (freq.size > MAX_LEVELS) break; // too many levels: not a category for these rules
      }
      if (freq.size >= 2 && freq.size <= MAX_LEVELS && top < 0.95 * present) categorical.push({ name, codes, levels: freq.size });
    }
  }
  const order = mineOrderRules(numeric.slice(0, MAX_ORDER_COLUMNS), n);
  const sums = mineSumRules(numeric, n);
  const determines = mineDeterminesRules(categorical.slice(0, MAX_CATEGORY_COLUMNS), n);
  return [...withoutImplied(order, sums), ...sums, ...determines];
}

export function ruleText(rule: RowRule): string {
  if (rule.type === "order") return `${rule.a} ${rule.strict ? "<" : "≤"} ${rule.b}`;
  if (rule.type === "sum") return `${rule.total} ${rule.relation} ${rule.parts.join(" + ")}`;
  if (rule.type === "product") return `${rule.total} = ${rule.parts.join(" × ")}`;
  if (rule.type === "combination") return `(${rule.columns.join(", ")}) as in the real rows`;
  if (rule.type === "range") {
    const b = (x: number): string => (Math.abs(x) > 1e11 ? new Date(x).toISOString().replace(/T00:00:00\.000Z$/, "").replace(/\.000Z$/, "Z") : String(x));
    if (rule.min !== undefined && rule.max !== undefined) return `${b(rule.min)} ≤ ${rule.column} ≤ ${b(rule.max)}`;
    return rule.min !== undefined ? `${rule.column} ≥ ${b(rule.min)}` : `${rule.column} ≤ ${b(rule.max!)}`;
  }
  // "a → b": each value of a comes with one value of b; "↔": both ways.
  return `${rule.a} ${rule.both ? "↔" : "→"} ${rule.b}`;
}

/** Whether two sums agree within the CSV rounding tolerance (the one tolerance of sum and product rules). */
export function sumHolds(t: number, s: number, relation: "=" | "≥"): boolean {
  const tol = SUM_TOLERANCE * Math.max(Math.abs(t), Math.abs(s), 1);
  return relation === "=" ? Math.abs(t - s) <= tol : t >= s - tol;
}

/**
 * For a "determines" rule: each real level of `from` → the real cell of `to` it comes with (the
 * first seen), keyed by the level label the rule compares. The generator writes these cells.
 */
export function lookupTable(real: Frame, from: string, to: string, kinds: Readonly<Record<string, EvalKind>>): Map<string, CellValue> {
  const a = levels(real.columns[from]!, kinds[from]!);
  const b = real.columns[to]!;
  const bl = levels(b, kinds[to]!);
  const m = new Map<string, CellValue>();
  for (let i = 0; i < real.rowCount; i++) {
    const x = a[i] ?? null;
    if (x !== null && bl[i] !== null && !m.has(x)) m.set(x, b[i]!);
  }
  return m;
}

/** Level labels of a row over some columns (null when any is missing): the key of combination rules. */
function comboKeys(f: Frame, columns: readonly string[], kinds: Readonly<Record<string, EvalKind>>): (string | null)[] {
  const cols = columns.map((c) => levels(f.columns[c]!, kinds[c]!));
  return Array.from({ length: f.rowCount }, (_, i) => {
    const parts: string[] = [];
    for (const c of cols) { const v = c[i] ?? null; if (v === null) return null; parts.push(v); }
    return parts.join("\u0000");
  });
}

/**
 * The one definition of breaking a rule, per row of `frame`: 1 broken, 0 holds, -1 the rule does not
 * apply (a value is missing, or a "determines" row whose value the real data never has: that is the
 * unseen-category check's business). Real-derived parts (lookups, seen combinations) come from `real`.
 */
export function ruleStatus(rule: RowRule, real: Frame, frame: Frame, kinds: Readonly<Record<string, EvalKind>>): Int8Array {
  const n = frame.rowCount;
  const out = new Int8Array(n).fill(-1);
  const num = (f: Frame, c: string) => toNumeric(f.columns[c]!, kinds[c]!).values;
  if (rule.type === "order") {
    const [a, b] = [num(frame, rule.a), num(frame, rule.b)];
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(a[i]!) || Number.isNaN(b[i]!)) continue;
      out[i] = (rule.strict ? a[i]! >= b[i]! : a[i]! > b[i]!) ? 1 : 0;
    }
  } else if (rule.type === "sum" || rule.type === "product") {
    const t = num(frame, rule.total);
    const parts = rule.parts.map((p) => num(frame, p));
    const relation = rule.type === "sum" ? rule.relation : "=";
    for (let i = 0; i < n; i++) {
      let s = rule.type === "sum" ? 0 : 1;
      for (const p of parts) s = rule.type === "sum" ? s + p[i]! : s * p[i]!;
      if (Number.isNaN(t[i]!) || Number.isNaN(s)) continue;
      out[i] = sumHolds(t[i]!, s, relation) ? 0 : 1;
    }
  } else if (rule.type === "range") {
    const x = num(frame, rule.column);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(x[i]!)) continue;
      out[i] = (rule.min !== undefined && x[i]! < rule.min) || (rule.max !== undefined && x[i]! > rule.max) ? 1 : 0;
    }
  } else if (rule.type === "combination") {
    const seen = new Set(comboKeys(real, rule.columns, kinds).filter((k): k is string => k !== null));
    comboKeys(frame, rule.columns, kinds).forEach((k, i) => { if (k !== null) out[i] = seen.has(k) ? 0 : 1; });
  } else {
    const maps: Map<string, string>[] = [];
    const lv = (f: Frame, c: string) => levels(f.columns[c]!, kinds[c]!);
    const [ra, rb, sa, sb] = [lv(real, rule.a), lv(real, rule.b), lv(frame, rule.a), lv(frame, rule.b)];
    for (const [ca, cb] of rule.both ? [[ra, rb], [rb, ra]] : [[ra, rb]]) {
      const m = new Map<string, string>();
      for (let i = 0; i < real.rowCount; i++) {
        const x = ca![i] ?? null, y = cb![i] ?? null;
        if (x !== null && y !== null) m.set(x, y);
      }
      maps.push(m);
    }
    for (let i = 0; i < n; i++) {
      const x = sa[i] ?? null, y = sb[i] ?? null;
      if (x === null || y === null) continue;
      const fx = maps[0]!.get(x);
      const fy = maps[1]?.get(y);
      if (fx === undefined && (fy === undefined || !rule.both)) continue;
      out[i] = (fx !== undefined && fx !== y) || (rule.both && fy !== undefined && fy !== x) ? 1 : 0;
    }
  }
  return out;
}

/** Share of the synthetic rows that break a rule (mined on the real rows, or declared). */
export function checkRule(rule: RowRule, real: Frame, synth: Frame, kinds: Readonly<Record<string, EvalKind>>): RuleCheck {
  let support = 0, checked = 0, broken = 0;
  for (const s of ruleStatus(rule, real, real, kinds)) if (s !== -1) support++;
  for (const s of ruleStatus(rule, real, synth, kinds)) {
    if (s === -1) continue;
    checked++;
    if (s === 1) broken++;
  }
  return { rule, text: ruleText(rule), support, checked, broken, brokenShare: checked ? broken / checked : null };
}

/** The whole diagnostic: column validity for every evaluated column, and every mined rule checked. */
export function validityDiagnostic(
  real: Frame, synth: Frame,
  opts: { columns: readonly string[]; kinds: Readonly<Record<string, EvalKind>>; declared?: readonly RowRule[] },
): Diagnostic {
  const columns = opts.columns.map((c) => columnValidity(real, synth, c, opts.kinds[c]!));
  // Declared rules first; a mined rule the user also declared is checked once.
  const declared = (opts.declared ?? []).filter((r) => ruleColumns(r).every((c) => opts.columns.includes(c) && opts.kinds[c] !== "text"));
  const texts = new Set(declared.map(ruleText));
  const mined = mineRowRules(real, opts.columns, opts.kinds).filter((r) => !texts.has(ruleText(r)));
  const rules = [...declared, ...mined].map((r) => checkRule(r, real, synth, opts.kinds));
  const score = meanOrNull([...columns.map((c) => c.score), ...rules.map((r) => (r.brokenShare === null ? null : 1 - r.brokenShare))]);
  return { columns, rules, score };
}
