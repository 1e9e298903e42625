/**
 * Constraints every generated row must satisfy: declared by the user and/or mined from the real
 * table by the validity diagnostic (the same RowRule objects, broken per `ruleStatus`, so the report
 * counts exactly what the generator enforces). Enforcement per batch of rows:
 * 1. determined columns are recomputed from their inputs: a sum or product total, the looked-up
 *    value of a `b <- a` rule (in dependency order), so these never cost a rejected row;
 * 2. every row that still breaks a rule (an order, a range, a combination, a "≥" sum) is rejected,
 *    and the caller tops up with fresh rows. Swapping or clamping would change the marginals.
 */
import type { CellValue, Frame, Schema } from "../../data/types.js";
import {
  ConstraintError, evalKindOf, lookupTable, mineRowRules, parseConstraint as parseRule, ruleColumns, ruleStatus, ruleText, toNumeric, withCanonicalDates,
  type EvalKind, type RowRule,
} from "../../evaluate/index.js";
import { GenerateError, type ConstraintSet } from "../types.js";

/** Reads one constraint's text (syntax: src/evaluate/table/ruleSyntax.ts); a bad one is a GenerateError. */
export function parseConstraint(text: string, kinds: Readonly<Record<string, EvalKind>>): RowRule {
  try { return parseRule(text, kinds); } catch (e) {
    if (e instanceof ConstraintError) throw new GenerateError((e as Error).message);
    throw e;
  }
}

/** A constraint as the library takes it: a rule object or its text ("pickup<=dropoff"). */
export type ConstraintInput = RowRule | string;

/** A column recomputed from others. */
interface Derivation { target: string; sources: string[]; rule: RowRule }

export type { ConstraintSet } from "../types.js";

/** How the evaluator (and so the rules) read each schema column. */
export function ruleKinds(schema: Schema, real: Frame | undefined): Record<string, EvalKind> {
  const kinds: Record<string, EvalKind> = {};
  for (const c of schema.columns) kinds[c.name] = evalKindOf(c, real?.columns[c.name] ?? []);
  return kinds;
}

/** Decimal places written by a real numeric column (at most 6): recomputed totals are rounded to them. */
function decimalsOf(values: readonly CellValue[] | undefined): number {
  let d = 0;
  for (const v of values ?? []) {
    if (typeof v !== "number") continue;
    while (d < 6 && Math.abs(Math.round(v * 10 ** d) / 10 ** d - v) > 1e-9 * Math.max(1, Math.abs(v))) d++;
  }
  return d;
}

function typeError(rule: RowRule, why: string): GenerateError {
  return new GenerateError(`Constraint "${ruleText(rule)}": ${why}`);
}

/** Checks a declared rule against the table's columns: one clear error per problem. */
function checkDeclared(rule: RowRule, kinds: Readonly<Record<string, EvalKind>>, real: Frame | undefined): void {
  for (const c of ruleColumns(rule)) {
    if (!(c in kinds)) throw typeError(rule, `"${c}" is not a column; columns are ${Object.keys(kinds).slice(0, 20).join(", ")}.`);
    if (kinds[c] === "text") throw typeError(rule, `"${c}" is free text or an identifier, which rules do not compare.`);
  }
  if (rule.type === "order" && kinds[rule.a] !== kinds[rule.b]) {
    throw typeError(rule, `${rule.a} is ${kinds[rule.a]} and ${rule.b} is ${kinds[rule.b]}; an order compares two numeric or two datetime columns.`);
  }
  if (rule.type === "order" && kinds[rule.a] === "categorical") throw typeError(rule, `an order compares numeric or datetime columns, and ${rule.a} is categorical.`);
  if ((rule.type === "sum" || rule.type === "product")) {
    const bad = [rule.total, ...rule.parts].find((c) => kinds[c] !== "numeric");
    if (bad) throw typeError(rule, `${bad} is ${kinds[bad]}; sums and products are over numeric columns.`);
  }
  if ((rule.type === "determines" || rule.type === "combination") && !real) {
    throw typeError(rule, "a lookup or combination is read off real rows: pass a real table (--like).");
  }
  if (rule.type === "range" && real) {
    // A range no real value reaches can only be met by values the real data never has.
    const x = toNumeric(real.columns[rule.column]!, kinds[rule.column]!).values;
    let any = false, seen = false;
    for (const v of x) {
      if (Number.isNaN(v)) continue;
      seen = true;
      if ((rule.min === undefined || v >= rule.min) && (rule.max === undefined || v <= rule.max)) { any = true; break; }
    }
    if (seen && !any) throw typeError(rule, `no real value of ${rule.column} lies in it, so no faithful row can; widen the range.`);
  }
}

/** Contradictions among the declared rules: one error naming the pair (or cycle). */
function checkContradictions(rules: readonly RowRule[]): void {
  const ranges = new Map<string, { min: number; max: number; text: string[] }>();
  for (const r of rules) {
    if (r.type !== "range") continue;
    const cur = ranges.get(r.column) ?? { min: -Infinity, max: Infinity, text: [] };
    cur.min = Math.max(cur.min, r.min ?? -Infinity);
    cur.max = Math.min(cur.max, r.max ?? Infinity);
    cur.text.push(ruleText(r));
    if (cur.min > cur.max) throw new GenerateError(`Constraints ${cur.text.map((t) => `"${t}"`).join(" and ")} contradict each other: no value of ${r.column} meets both; drop one.`);
    ranges.set(r.column, cur);
  }
  // Orders: a cycle with a strict step (a < b ≤ a) is impossible.
  const orders = rules.filter((r): r is Extract<RowRule, { type: "order" }> => r.type === "order");
  for (const start of orders) {
    // Depth-first search from start.b back to start.a.
    const stack: { node: string; strict: boolean; path: string[] }[] = [{ node: start.b, strict: !!start.strict, path: [ruleText(start)] }];
    const seen = new Set<string>();
    while (stack.length) {
      const { node, strict, path } = stack.pop()!;
      if (node === start.a) {
        if (strict) throw new GenerateError(`Constraints ${path.map((t) => `"${t}"`).join(", ")} contradict each other (a column would be below itself); drop one.`);
        continue;
      }
      if (seen.has(`${node}|${strict}`)) continue;
      seen.add(`${node}|${strict}`);
      for (const o of orders) if (o.a === node) stack.push({ node: o.b, strict: strict || !!o.strict, path: [...path, ruleText(o)] });
    }
  }
  const targets = new Map<string, string>();
  for (const d of derivations(rules)) {
    const prev = targets.get(d.target);
    if (prev) throw new GenerateError(`Constraints "${prev}" and "${ruleText(d.rule)}" both compute ${d.target}; keep one.`);
    targets.set(d.target, ruleText(d.rule));
  }
  if (orderDerivations(derivations(rules)).cyclic.length) {
    throw new GenerateError(`Constraints ${[...targets.values()].map((t) => `"${t}"`).join(", ")} compute columns from each other in a circle; drop one.`);
  }
}

/** The columns each rule recomputes (sum "=", product, lookup); others are only checked. */
function derivations(rules: readonly RowRule[]): Derivation[] {
  const out: Derivation[] = [];
  for (const r of rules) {
    if ((r.type === "sum" && r.relation === "=") || r.type === "product") out.push({ target: r.total, sources: r.parts, rule: r });
    else if (r.type === "determines") out.push({ target: r.b, sources: [r.a], rule: r });
  }
  return out;
}

/** Derivations in dependency order (inputs first); the ones in a cycle are returned apart. */
function orderDerivations(ds: readonly Derivation[]): { ordered: Derivation[]; cyclic: Derivation[] } {
  const ordered: Derivation[] = [];
  let left = [...ds];
  for (let changed = true; changed && left.length;) {
    changed = false;
    for (const d of [...left]) {
      if (d.sources.some((s) => left.some((o) => o !== d && o.target === s))) continue;
      ordered.push(d);
      left = left.filter((o) => o !== d);
      changed = true;
    }
  }
  return { ordered, cyclic: left };
}

export interface ResolveConstraintsOptions {
  declared?: readonly ConstraintInput[];
  /** Mine the real table's rules (default true when a real table is given). */
  mine?: boolean;
  schema: Schema;
  /** The real rows, if any (mined rules, lookups and combinations read them). */
  like?: Frame;
  /** Conditioned columns: never recomputed (a `both` lookup turns round to read from them instead). */
  conditioned?: readonly string[];
}

/** Parses, checks and completes the constraints of a run; `undefined` when there are none. */
export function resolveConstraints(opts: ResolveConstraintsOptions): ConstraintSet | undefined {
  const { schema } = opts;
  const columns = schema.columns.map((c) => c.name);
  const real = opts.like ? withCanonicalDates(opts.like, schema, columns) : undefined;
  const kinds = ruleKinds(schema, real);
  if (opts.declared !== undefined && !Array.isArray(opts.declared)) throw new GenerateError('constraints must be a list, e.g. ["pickup<=dropoff", "total=fare+tip"].');
  const declared = (opts.declared ?? []).map((c) => {
    if (typeof c === "string") return parseConstraint(c, kinds);
    if (typeof c !== "object" || c === null || typeof (c as { type?: unknown }).type !== "string") {
      throw new GenerateError(`A constraint must be text such as "pickup<=dropoff" or a rule object ({ type: "order", a, b }), got ${JSON.stringify(c)}.`);
    }
    return c;
  });
  for (const r of declared) checkDeclared(r, kinds, real);
  checkContradictions(declared);
  let mined: RowRule[] = [];
  if ((opts.mine ?? true) && real && real.rowCount > 0) {
    const usable = columns.filter((c) => kinds[c] !== "text" && real.columns[c]);
    const texts = new Set(declared.map(ruleText));
    const computed = new Set(derivations(declared).map((d) => d.target));
    // A declared rule wins over a mined one computing the same column.
    mined = mineRowRules(real, usable, kinds).filter((r) => !texts.has(ruleText(r)) && !derivations([r]).some((d) => computed.has(d.target)));
  }
  if (declared.length === 0 && mined.length === 0) return undefined;
  return makeSet(declared, mined, kinds, schema, real, opts.conditioned ?? []);
}

function makeSet(
  declared: RowRule[], mined: RowRule[], kinds: Readonly<Record<string, EvalKind>>, schema: Schema, real: Frame | undefined, conditioned: readonly string[],
): ConstraintSet {
  const rules = [...declared, ...mined];
  const cond = new Set(conditioned);
  // A two-way lookup onto a conditioned column is read the other way round; a rule that would
  // overwrite a conditioned column is only checked.
  const turned = rules.map((r) => (r.type === "determines" && r.both && cond.has(r.b) ? { ...r, a: r.b, b: r.a } : r));
  const all = derivations(turned).filter((d) => !cond.has(d.target));
  // Two mined rules may compute one column: the first wins, the other is checked.
  const byTarget = new Map<string, Derivation>();
  for (const d of all) if (!byTarget.has(d.target)) byTarget.set(d.target, d);
  const { ordered } = orderDerivations([...byTarget.values()]);
  // Totals are rounded to what their inputs can produce (cents + cents stay cents), without real rows to 6 places.
  const decimals = new Map(ordered.map((d) => {
    if (!real) return [d.target, 6];
    const parts = d.sources.map((c) => decimalsOf(real.columns[c]));
    const own = decimalsOf(real.columns[d.target]);
    return [d.target, Math.min(6, Math.max(own, d.rule.type === "product" ? parts.reduce((a, b) => a + b, 0) : Math.max(0, ...parts)))];
  }));
  const lookups = new Map<RowRule, Map<string, CellValue>>();
  for (const d of ordered) if (d.rule.type === "determines" && real) lookups.set(d.rule, lookupTable(real, d.sources[0]!, d.target, kinds));
  // Only the columns rules read are re-read as canonical dates (parsing every date column is the costly part).
  const ruleCols = [...new Set(rules.flatMap(ruleColumns))];

  function recompute(frame: Frame): Frame {
    if (ordered.length === 0) return frame;
    const cols: Record<string, readonly CellValue[]> = { ...frame.columns };
    for (const d of ordered) {
      if (!cols[d.target] || d.sources.some((s) => !cols[s])) continue;
      const out = [...cols[d.target]!];
      if (d.rule.type === "determines") {
        const table = lookups.get(d.rule)!;
        const src = cols[d.sources[0]!]!;
        const kind = kinds[d.sources[0]!]!;
        for (let i = 0; i < out.length; i++) {
          const v = src[i]!;
          if (v === null) continue;
          const key = kind === "numeric" ? String(typeof v === "number" ? v : Number(v)) : String(v);
          const hit = table.get(key);
          if (hit !== undefined) out[i] = hit;
        }
      } else {
        const f = 10 ** decimals.get(d.target)!;
        const product = d.rule.type === "product";
        const parts = d.sources.map((s) => cols[s]!);
        for (let i = 0; i < out.length; i++) {
          let acc = product ? 1 : 0, ok = true;
          for (const p of parts) {
            const v = p[i];
            const x = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
            if (!Number.isFinite(x)) { ok = false; break; }
            acc = product ? acc * x : acc + x;
          }
          if (ok) out[i] = Math.round(acc * f) / f;
        }
      }
      cols[d.target] = out;
    }
    return { columnNames: frame.columnNames, columns: cols, rowCount: frame.rowCount };
  }

  return {
    declared, mined, kinds,
    texts: () => rules.map(ruleText),
    enforce(frame) {
      const out = recompute(frame);
      const canonical = withCanonicalDates(out, schema, ruleCols);
      const ok = new Uint8Array(out.rowCount).fill(1);
      const broken = new Map<string, number>();
      const ref = real ?? canonical;
      for (const r of rules) {
        if (ruleColumns(r).some((c) => !canonical.columns[c])) continue;
        const status = ruleStatus(r, ref, canonical, kinds);
        let n = 0;
        for (let i = 0; i < status.length; i++) if (status[i] === 1) { if (ok[i]) n++; ok[i] = 0; }
        if (n) broken.set(ruleText(r), n);
      }
      return { frame: out, ok, broken };
    },
  };
}
