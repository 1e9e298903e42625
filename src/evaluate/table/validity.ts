/**
 * Validity diagnostic (as SDMetrics' DiagnosticReport, plus row rules): can the synthetic rows
 * exist at all? Per column: the share of synthetic values outside the real range (numeric,
 * datetime), in categories the real data never has (categorical), or not readable in the
 * column's kind (wrong type). Row rules are mined from the real table and kept only when they
 * hold in EVERY real row; the report gives the share of synthetic rows breaking each:
 * - order: `a ≤ b` between two numeric or two datetime columns (pickup ≤ dropoff);
 * - sum: `t = a + b [+ c]` or `t ≥ a + b [+ c]` over non-negative parts (total ≥ fare + tip);
 * - determines: each value of `a` comes with one value of `b` (class → pclass), `↔` both ways.
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
  | { type: "order"; a: string; b: string }
  | { type: "sum"; total: string; parts: string[]; relation: "=" | "≥" }
  | { type: "determines"; a: string; b: string; both: boolean };

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
  if (rule.type === "order") return `${rule.a} ≤ ${rule.b}`;
  if (rule.type === "sum") return `${rule.total} ${rule.relation} ${rule.parts.join(" + ")}`;
  // "a → b": each value of a comes with one value of b; "↔": both ways.
  return `${rule.a} ${rule.both ? "↔" : "→"} ${rule.b}`;
}

/** Share of the synthetic rows that break a rule mined on the real rows. */
export function checkRule(rule: RowRule, real: Frame, synth: Frame, kinds: Readonly<Record<string, EvalKind>>): RuleCheck {
  const text = ruleText(rule);
  const num = (f: Frame, c: string) => toNumeric(f.columns[c]!, kinds[c]!).values;
  let support = 0, checked = 0, broken = 0;
  if (rule.type === "order") {
    const [ra, rb, sa, sb] = [num(real, rule.a), num(real, rule.b), num(synth, rule.a), num(synth, rule.b)];
    for (let i = 0; i < real.rowCount; i++) if (!Number.isNaN(ra[i]!) && !Number.isNaN(rb[i]!)) support++;
    for (let i = 0; i < synth.rowCount; i++) {
      if (Number.isNaN(sa[i]!) || Number.isNaN(sb[i]!)) continue;
      checked++;
      if (sa[i]! > sb[i]!) broken++;
    }
  } else if (rule.type === "sum") {
    const count = (f: Frame, onRow: (t: number, s: number) => void) => {
      const t = num(f, rule.total);
      const parts = rule.parts.map((p) => num(f, p));
      for (let i = 0; i < f.rowCount; i++) {
        let s = 0;
        for (const p of parts) s += p[i]!;
        if (Number.isNaN(t[i]!) || Number.isNaN(s)) continue;
        onRow(t[i]!, s);
      }
    };
    count(real, () => { support++; });
    count(synth, (t, s) => {
      checked++;
      const tol = SUM_TOLERANCE * Math.max(Math.abs(t), Math.abs(s), 1);
      if (rule.relation === "=" ? Math.abs(t - s) > tol : t < s - tol) broken++;
    });
  } else {
    const maps: Map<string, string>[] = [];
    const lv = (f: Frame, c: string) => levels(f.columns[c]!, kinds[c]!);
    const [ra, rb, sa, sb] = [lv(real, rule.a), lv(real, rule.b), lv(synth, rule.a), lv(synth, rule.b)];
    for (const [ca, cb] of rule.both ? [[ra, rb], [rb, ra]] : [[ra, rb]]) {
      const m = new Map<string, string>();
      for (let i = 0; i < real.rowCount; i++) {
        const x = ca![i] ?? null, y = cb![i] ?? null;
        if (x !== null && y !== null) m.set(x, y);
      }
      maps.push(m);
    }
    for (let i = 0; i < real.rowCount; i++) if (ra[i] !== null && rb[i] !== null) support++;
    for (let i = 0; i < synth.rowCount; i++) {
      const x = sa[i] ?? null, y = sb[i] ?? null;
      if (x === null || y === null) continue;
      // Rows with a value the real data never has are the unseen-category check's business.
      const fx = maps[0]!.get(x);
      const fy = maps[1]?.get(y);
      if (fx === undefined && (fy === undefined || !rule.both)) continue;
      checked++;
      if ((fx !== undefined && fx !== y) || (rule.both && fy !== undefined && fy !== x)) broken++;
    }
  }
  return { rule, text, support, checked, broken, brokenShare: checked ? broken / checked : null };
}

/** The whole diagnostic: column validity for every evaluated column, and every mined rule checked. */
export function validityDiagnostic(
  real: Frame, synth: Frame, opts: { columns: readonly string[]; kinds: Readonly<Record<string, EvalKind>> },
): Diagnostic {
  const columns = opts.columns.map((c) => columnValidity(real, synth, c, opts.kinds[c]!));
  const rules = mineRowRules(real, opts.columns, opts.kinds).map((r) => checkRule(r, real, synth, opts.kinds));
  const score = meanOrNull([...columns.map((c) => c.score), ...rules.map((r) => (r.brokenShare === null ? null : 1 - r.brokenShare))]);
  return { columns, rules, score };
}
