/**
 * QScore: how well the synthetic table answers random aggregate queries the way the real one
 * does. Seeded random queries: COUNT, SUM or AVG; GROUP BY one or two columns (categorical, or
 * numeric/datetime in their 20 shared bins); zero to two equality filters on binned values
 * taken from a random real row. Counts and sums are compared as shares of the table total
 * (count / rows, sum / Σ|x|), averages as values. Each group scores
 * `1 − min(1, |r − s| / max(|r|, ε))`; a query scores the mean over the union of groups
 * (a group missing on one side has r or s = 0, or scores 0 for AVG); QScore = mean over
 * queries with a normal 95% interval.
 */
import type { Frame } from "../../data/types.js";
import type { EvalKind, MetricResult } from "../types.js";
import { prepareColumns, type PreparedColumn } from "../pairs/prepare.js";
import { createRng } from "../../data/random.js";

/** ε for shares: differences on groups under 1% of the table are scaled as if the group held 1%. */
export const SHARE_EPSILON = 0.01;
/** Columns with more bins than this are not used to group or filter (too sparse to compare). */
const MAX_GROUP_BINS = 100;

export type Aggregate = "COUNT" | "SUM" | "AVG";

export interface Query {
  aggregate: Aggregate;
  measure: string | null;
  groupBy: string[];
  filters: { column: string; value: string }[];
}

export interface QueryResult {
  query: string;
  score: number;
  groups: number;
}

interface TableView {
  codes: Map<string, Int32Array>;
  values: Map<string, Float64Array>;
  rows: number;
}

export function describeQuery(q: Query): string {
  const sel = q.aggregate === "COUNT" ? "COUNT(*)" : `${q.aggregate}(${q.measure})`;
  const where = q.filters.length ? ` WHERE ${q.filters.map((f) => `${f.column} = '${f.value}'`).join(" AND ")}` : "";
  return `SELECT ${q.groupBy.join(", ")}, ${sel}${where} GROUP BY ${q.groupBy.join(", ")}`;
}

function runQuery(
  t: TableView, q: Query, groupCols: PreparedColumn[], filterCodes: { col: string; code: number }[],
): Map<number, number> {
  const g0 = t.codes.get(groupCols[0]!.name)!;
  const g1 = groupCols[1] ? t.codes.get(groupCols[1].name)! : null;
  const size1 = groupCols[1]?.bins.size ?? 1;
  const keys = groupCols[0]!.bins.size * size1;
  const fc = filterCodes.map((f) => ({ codes: t.codes.get(f.col)!, code: f.code }));
  const f0 = fc[0];
  const f1 = fc[1];
  const m = q.measure ? t.values.get(q.measure)! : null;
  // Dense accumulators: at most 100 × 100 groups (MAX_GROUP_BINS), so typed arrays beat a Map.
  const count = new Float64Array(keys);
  const sum = new Float64Array(keys);
  let total = 0;
  for (let i = 0; i < t.rows; i++) {
    let v = 0;
    if (m) {
      v = m[i]!;
      if (Number.isNaN(v)) continue;
      total += Math.abs(v);
    }
    if (f0 && f0.codes[i] !== f0.code) continue;
    if (f1 && f1.codes[i] !== f1.code) continue;
    const key = g0[i]! * size1 + (g1 ? g1[i]! : 0);
    count[key]! += 1;
    sum[key]! += v;
  }
  const out = new Map<number, number>();
  for (let key = 0; key < keys; key++) {
    const c = count[key]!;
    if (c === 0) continue;
    if (q.aggregate === "COUNT") out.set(key, c / Math.max(t.rows, 1));
    else if (q.aggregate === "SUM") out.set(key, total > 0 ? sum[key]! / total : 0);
    else out.set(key, sum[key]! / c);
  }
  return out;
}

function scoreGroups(r: Map<number, number>, s: Map<number, number>, aggregate: Aggregate, epsilon: number): { score: number; groups: number } {
  const keys = new Set<number>([...r.keys(), ...s.keys()]);
  if (keys.size === 0) return { score: 1, groups: 0 };
  let total = 0;
  for (const k of keys) {
    const rv = r.get(k);
    const sv = s.get(k);
    if (aggregate === "AVG" && (rv === undefined || sv === undefined)) continue; // scores 0
    const a = rv ?? 0;
    const b = sv ?? 0;
    total += 1 - Math.min(1, Math.abs(a - b) / Math.max(Math.abs(a), epsilon));
  }
  return { score: total / keys.size, groups: keys.size };
}

export interface QScoreDetails {
  queries: QueryResult[];
  ci95: [number, number] | null;
}

export function qscoreFromPrepared(
  cols: readonly PreparedColumn[],
  realRows: number,
  syntheticRows: number,
  opts: { queries?: number; seed?: number } = {},
): MetricResult<number | null, QScoreDetails> {
  const nQueries = Math.max(1, opts.queries ?? 200);
  const rng = createRng(opts.seed ?? 0);
  const groupable = cols.filter((c) => c.kind !== "text" && c.bins.size <= MAX_GROUP_BINS && c.bins.size > 1);
  const measures = cols.filter((c) => c.kind === "numeric");
  if (groupable.length === 0 || realRows === 0 || syntheticRows === 0) {
    return { score: null, raw: null, details: { queries: [], ci95: null }, warnings: ["QScore needs at least one column with 2–100 distinct bins and rows on both sides"] };
  }
  const real: TableView = { codes: new Map(), values: new Map(), rows: realRows };
  const synth: TableView = { codes: new Map(), values: new Map(), rows: syntheticRows };
  for (const c of cols) {
    real.codes.set(c.name, c.bins.real);
    synth.codes.set(c.name, c.bins.synthetic);
    if (c.realValues && c.syntheticValues) { real.values.set(c.name, c.realValues); synth.values.set(c.name, c.syntheticValues); }
  }
  const avgScale = new Map<string, number>();
  for (const m of measures) {
    let s = 0;
    let n = 0;
    for (const v of m.realValues!) if (!Number.isNaN(v)) { s += Math.abs(v); n++; }
    avgScale.set(m.name, n ? (SHARE_EPSILON * s) / n : SHARE_EPSILON);
  }
  const results: QueryResult[] = [];
  for (let qi = 0; qi < nQueries; qi++) {
    const aggregates: Aggregate[] = measures.length ? ["COUNT", "SUM", "AVG"] : ["COUNT"];
    const aggregate = aggregates[rng.int(aggregates.length)]!;
    const measure = aggregate === "COUNT" ? null : measures[rng.int(measures.length)]!.name;
    const pool = [...groupable];
    const pick = (): PreparedColumn => pool.splice(rng.int(pool.length), 1)[0]!;
    const groupCols = [pick()];
    if (pool.length > 0 && rng.next() < 0.5) groupCols.push(pick());
    const nFilters = Math.min(pool.length, rng.int(3));
    const filterCodes: { col: string; code: number }[] = [];
    const filters: { column: string; value: string }[] = [];
    const row = rng.int(realRows);
    for (let f = 0; f < nFilters; f++) {
      const c = pick();
      const code = c.bins.real[row]!;
      filterCodes.push({ col: c.name, code });
      filters.push({ column: c.name, value: c.bins.labels[code]! });
    }
    const q: Query = { aggregate, measure, groupBy: groupCols.map((c) => c.name), filters };
    const eps = aggregate === "AVG" ? avgScale.get(measure!)! : SHARE_EPSILON;
    const r = runQuery(real, q, groupCols, filterCodes);
    const s = runQuery(synth, q, groupCols, filterCodes);
    const { score, groups } = scoreGroups(r, s, aggregate, eps);
    results.push({ query: describeQuery(q), score, groups });
  }
  const scores = results.map((r) => r.score);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = scores.length > 1 ? Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (scores.length - 1)) : 0;
  const half = (1.96 * sd) / Math.sqrt(scores.length);
  const ci95: [number, number] = [Math.max(0, mean - half), Math.min(1, mean + half)];
  return { score: mean, raw: mean, details: { queries: results, ci95 } };
}

export function qscore(
  real: Frame,
  synthetic: Frame,
  opts: { kinds: Readonly<Record<string, EvalKind>>; columns?: readonly string[]; queries?: number; seed?: number },
): MetricResult<number | null, QScoreDetails> {
  const columns = opts.columns ?? real.columnNames.filter((c) => opts.kinds[c] !== "text");
  return qscoreFromPrepared(prepareColumns(real, synthetic, opts.kinds, columns), real.rowCount, synthetic.rowCount, opts);
}
