/**
 * Conditions resolved against the table: each value text matched to a value the real rows (or the
 * schema) have, counts and shares turned into exact per-value row counts ("cells"). Every problem
 * is one error naming it and the fix: an unknown column, a value the data never has, a number out
 * of the real range, counts that do not add up to the rows asked for.
 */
import type { CellValue, Frame, Schema } from "../../data/types.js";
import { GenerateError, type Cell, type ConditionPlan } from "../types.js";
import { parseCondition, parseRebalance, type ConditionInput, type ParsedCondition, type RebalanceInput } from "./parse.js";

export type { Cell, ConditionPlan } from "../types.js";

/** A cell value's identity for matching: numbers by value (3 and "3.0" agree), others as text. */
export function valueKey(v: CellValue, numeric: boolean): string | null {
  if (v === null) return null;
  if (numeric) {
    const x = typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : Number(String(v).trim());
    return Number.isFinite(x) ? `n:${x}` : `s:${String(v)}`;
  }
  return `s:${String(v)}`;
}

/** The key of a row's conditioned values (as Cell.key), or null when one is missing. */
export function rowKey(columns: readonly string[], numeric: readonly boolean[], get: (column: string) => CellValue): string | null {
  const parts: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const k = valueKey(get(columns[i]!), numeric[i]!);
    if (k === null) return null;
    parts.push(k);
  }
  return parts.join("\u0000");
}

export interface PlanOptions {
  conditions?: readonly ConditionInput[] | ConditionInput;
  rebalance?: RebalanceInput;
  rows: number;
  schema: Schema;
  /** Rows to match values against and measure shares on: the real table, or a pilot sample. */
  reference?: Frame;
  /** What the reference is, for messages ("the real rows"). */
  referenceName?: string;
  /** The reference is real rows (else a pilot sample: the schema's listed values count as possible too). */
  referenceIsReal?: boolean;
}

const isNumericKind = (kind: string): boolean => kind === "numeric" || kind === "integer";

interface ColumnInfo { numeric: boolean; seen: Map<string, { value: CellValue; n: number }>; min: number; max: number; present: number }

function describeColumn(schema: Schema, reference: Frame | undefined, column: string, real: boolean): ColumnInfo {
  const sc = schema.columns.find((c) => c.name === column)!;
  const numeric = isNumericKind(sc.kind);
  const seen = new Map<string, { value: CellValue; n: number }>();
  let min = Infinity, max = -Infinity, present = 0;
  for (const v of reference?.columns[column] ?? []) {
    const k = valueKey(v, numeric);
    if (k === null) continue;
    present++;
    const e = seen.get(k);
    if (e) e.n++; else seen.set(k, { value: v, n: 1 });
    if (numeric) { const x = Number(v); if (Number.isFinite(x)) { if (x < min) min = x; if (x > max) max = x; } }
  }
  if (!real) {
    // No real rows: the schema's own list of values (and range) says what is possible too.
    for (const v of sc.values ?? (sc.kind === "boolean" ? [true, false] : [])) if (!seen.has(valueKey(v, numeric)!)) seen.set(valueKey(v, numeric)!, { value: v, n: 0 });
  }
  if (!reference) {
    if (typeof sc.min === "number") min = sc.min;
    if (typeof sc.max === "number") max = sc.max;
  }
  return { numeric, seen, min, max, present };
}

/** Matches a value text to the column's own value (a real cell), or fails with one clear line. */
function matchValue(text: string | number | boolean, column: string, info: ColumnInfo, kind: string, where: string, refName: string): CellValue {
  if (info.numeric) {
    const x = typeof text === "number" ? text : Number(String(text).trim());
    if (!Number.isFinite(x) || String(text).trim() === "") throw new GenerateError(`${where}: ${column} is numeric and "${String(text)}" is not a number.`);
    if (Number.isFinite(info.min) && (x < info.min || x > info.max)) {
      throw new GenerateError(`${where}: ${x} is outside the range of ${column} in ${refName} (${info.min} to ${info.max}); pick a value inside it.`);
    }
    return x;
  }
  let key = valueKey(text, false)!;
  if (kind === "boolean" && typeof text === "string" && /^(true|false)$/i.test(text.trim())) key = valueKey(text.trim().toLowerCase() === "true", false)!;
  const hit = info.seen.get(key);
  if (hit) return hit.value;
  if (info.seen.size === 0) return kind === "boolean" && typeof text === "string" ? text.trim().toLowerCase() === "true" : text;
  const known = [...info.seen.values()].sort((a, b) => b.n - a.n).map((e) => String(e.value));
  const shown = known.slice(0, 12).join(", ") + (known.length > 12 ? `, … (${known.length} values)` : "");
  throw new GenerateError(`${where}: ${column} has no value "${String(text)}" in ${refName}; use one of ${shown}.`);
}

/** Largest-remainder rounding: counts adding up to exactly `rows`, each within 1 of rows × share. */
export function countsForShares(shares: readonly number[], rows: number): number[] {
  const raw = shares.map((s) => s * rows);
  const counts = raw.map(Math.floor);
  let left = rows - counts.reduce((a, b) => a + b, 0);
  const order = raw.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0 && k < order.length; k++, left--) counts[order[k]![1]]! += 1;
  return counts;
}

/** Resolves conditions and a rebalance target into cells; undefined when there are none. */
export function planConditions(opts: PlanOptions): ConditionPlan | undefined {
  const list = opts.conditions === undefined ? [] : Array.isArray(opts.conditions) ? opts.conditions : [opts.conditions as ConditionInput];
  const parsed: ParsedCondition[] = list.map((c) => parseCondition(c));
  if (opts.rebalance !== undefined) parsed.push(parseRebalance(opts.rebalance));
  if (parsed.length === 0) return undefined;
  const refName = opts.referenceName ?? "the real rows";
  const byColumn = new Map<string, ParsedCondition>();
  let quota: ParsedCondition | undefined;
  for (const p of parsed) {
    const sc = opts.schema.columns.find((c) => c.name === p.column);
    if (!sc) throw new GenerateError(`Condition on "${p.column}": no such column; columns are ${opts.schema.columns.map((c) => c.name).slice(0, 20).join(", ")}.`);
    if (sc.kind === "text" || sc.kind === "id") throw new GenerateError(`Condition on ${p.column}: it is ${sc.kind === "id" ? "an identifier" : "free text"}; condition on a categorical or numeric column.`);
    if (sc.kind === "datetime") throw new GenerateError(`Condition on ${p.column}: datetimes are kept in a window with a range constraint instead, e.g. --constraint "${p.column}>=2024-01-01".`);
    if (byColumn.has(p.column)) throw new GenerateError(`Two conditions on ${p.column}: give one (counts go in one list: ${p.column}=A:10,B:20).`);
    byColumn.set(p.column, p);
    if (p.kind !== "fixed") {
      if (quota) throw new GenerateError(`Counts or a rebalance target on both ${quota.column} and ${p.column}: only one column can have them; fix the others with single values.`);
      quota = p;
    }
  }
  const columns = [...byColumn.keys()];
  const infos = new Map(columns.map((c) => [c, describeColumn(opts.schema, opts.reference, c, opts.referenceIsReal ?? false)]));
  const kindOf = (c: string): string => opts.schema.columns.find((s) => s.name === c)!.kind;
  const fixed: Record<string, CellValue> = {};
  for (const p of parsed) if (p.kind === "fixed") fixed[p.column] = matchValue(p.value, p.column, infos.get(p.column)!, kindOf(p.column), `Condition ${p.column}=${String(p.value)}`, refName);

  let values: { value: CellValue; count: number }[] = [];
  if (quota?.kind === "counts") {
    values = quota.counts.map(([text, count]) => ({ value: matchValue(text, quota!.column, infos.get(quota!.column)!, kindOf(quota!.column), `Condition ${quota!.column}=${text}`, refName), count }));
    const total = values.reduce((s, v) => s + v.count, 0);
    if (total !== opts.rows) throw new GenerateError(`Condition on ${quota.column}: the counts add up to ${total} but ${opts.rows} rows were asked for; make them equal (--rows ${total}).`);
  } else if (quota?.kind === "shares") {
    const info = infos.get(quota.column)!;
    let pairs: [CellValue, number][];
    if (quota.shares === "uniform") {
      if (info.seen.size === 0) throw new GenerateError(`Rebalance ${quota.column}: its values are unknown; pass a real table (--like), a schema listing its values, or explicit shares (${quota.column}=A:0.5,B:0.5).`);
      if (info.numeric && info.seen.size > 50) throw new GenerateError(`Rebalance ${quota.column}: it has ${info.seen.size} distinct numbers; rebalance a categorical column (or one with at most 50 values).`);
      const vals = [...info.seen.values()].map((e) => e.value);
      pairs = vals.map((v) => [v, 1 / vals.length]);
    } else {
      pairs = quota.shares.map(([text, s]) => [matchValue(text, quota!.column, info, kindOf(quota!.column), `Rebalance ${quota!.column}=${text}`, refName), s]);
    }
    const counts = countsForShares(pairs.map((p) => p[1]), opts.rows);
    values = pairs.map(([value], i) => ({ value, count: counts[i]! }));
  }
  if (quota) {
    const keys = new Set<string>();
    for (const v of values) {
      const k = valueKey(v.value, infos.get(quota.column)!.numeric)!;
      if (keys.has(k)) throw new GenerateError(`Condition on ${quota.column}: ${String(v.value)} is listed twice; give each value once.`);
      keys.add(k);
    }
  }
  const numeric = columns.map((c) => infos.get(c)!.numeric);
  const cells: Cell[] = (quota ? values.filter((v) => v.count > 0) : [{ value: null, count: opts.rows }]).map((v) => {
    const f: Record<string, CellValue> = { ...fixed };
    if (quota) f[quota.column] = v.value;
    const key = rowKey(columns, numeric, (c) => f[c] ?? null)!;
    return { key, fixed: f, count: v.count, label: columns.map((c) => `${c}=${String(f[c])}`).join(", "), share: null };
  });
  // Measured shares: the reference rows with each cell's values (all conditioned columns at once).
  if (opts.reference && opts.reference.rowCount > 0) {
    const ref = opts.reference;
    const tally = new Map<string, number>();
    for (let i = 0; i < ref.rowCount; i++) {
      const k = rowKey(columns, numeric, (c) => ref.columns[c]?.[i] ?? null);
      if (k !== null) tally.set(k, (tally.get(k) ?? 0) + 1);
    }
    for (const c of cells) c.share = (tally.get(c.key) ?? 0) / ref.rowCount;
  }
  return { columns, cells };
}
