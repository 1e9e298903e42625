/**
 * Gaussian copula, the statistical baseline. Fit: each column's empirical marginal
 * (numeric/datetime: sorted values, inverse ECDF; categorical: CDF intervals over category
 * shares), its missing share, and the correlation of normal scores Φ⁻¹(u). Sample: z = L·ε with
 * L the Cholesky factor, u = Φ(z), each column's inverse marginal. Inverse ECDFs read only real
 * values (or interpolate between neighbours), so values stay within the real range and
 * integer columns stay integers. Text columns are resampled from the real values independently
 * (a copula has nothing to say about free text); id columns become new sequential ids.
 */
import type { CellValue, ColumnKind, Frame, Schema } from "../../data/types.js";
import { dateWriter, type DateWriter } from "../datetime.js";
import { inferDateFormat } from "../../data/datetime.js";
import { streamFor } from "../random.js";
import { compilePattern } from "../offline/pattern.js";
import { cholesky, normalCdf, normalQuantile, repairCorrelation, type Matrix } from "./normal.js";
import { InputError } from "../../errors.js";

/** Numeric columns with at most this many distinct values keep exactly the real values (no interpolation). */
const DISCRETE_LIMIT = 32;

type ColumnModel =
  | {
    type: "numeric"; name: string; missing: number; sorted: Float64Array; integer: boolean;
    /** Decimal places of the real values (at most 6): interpolated values are rounded to them. */
    decimals: number;
    discrete: boolean; date: DateWriter | null;
  }
  | { type: "categorical"; name: string; missing: number; categories: CellValue[]; cum: Float64Array }
  | { type: "resample"; name: string; values: CellValue[] }
  | { type: "id"; name: string; numeric: boolean; pattern?: string };

export interface CopulaModel {
  columns: ColumnModel[];
  /** Indices (into columns) of the modelled ones, in correlation-matrix order. */
  modelled: number[];
  correlation: Matrix;
  cholesky: Matrix;
  warnings: string[];
  rows: number;
}

export class CopulaError extends InputError {
  override name = "CopulaError";
}

/** A column's kind: from the schema if given, else a light look at the values (the cart mode reads kinds the same way). */
export function kindOf(frame: Frame, name: string, schema?: Schema): ColumnKind {
  const s = schema?.columns.find((c) => c.name === name);
  if (s) return s.kind;
  const vals = frame.columns[name]!.filter((v) => v !== null);
  if (vals.length === 0) return "categorical";
  if (vals.every((v) => typeof v === "number")) return vals.every((v) => Number.isInteger(v)) ? "integer" : "numeric";
  if (vals.every((v) => typeof v === "boolean")) return "boolean";
  if (vals.every((v) => typeof v === "string") && inferDateFormat(vals.slice(0, 200) as string[])) return "datetime";
  const distinct = new Set(vals).size;
  if (distinct === vals.length && vals.length > 20) return "id";
  if (distinct > 50 && distinct > vals.length * 0.5) return "text";
  return "categorical";
}

/** Normal scores for the numeric part: ties spread uniformly over their CDF interval (randomised PIT). */
function numericScores(values: readonly CellValue[], toNumber: (v: CellValue) => number, next: () => number): { scores: Float64Array; sorted: Float64Array } {
  const n = values.length;
  const nums = new Float64Array(n);
  const present: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = values[i] === null ? Number.NaN : toNumber(values[i]!);
    nums[i] = x;
    if (!Number.isNaN(x)) present.push(i);
  }
  const sorted = Float64Array.from(present, (i) => nums[i]!).sort();
  const m = sorted.length;
  const scores = new Float64Array(n).fill(Number.NaN);
  // For each distinct value: the index of its first and one-past-last occurrence in `sorted`.
  const lower = (x: number): number => { let lo = 0, hi = m; while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid]! < x) lo = mid + 1; else hi = mid; } return lo; };
  const upper = (x: number): number => { let lo = 0, hi = m; while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid]! <= x) lo = mid + 1; else hi = mid; } return lo; };
  for (const i of present) {
    const x = nums[i]!;
    const a = lower(x), b = upper(x);
    scores[i] = normalQuantile((a + next() * (b - a)) / m);
  }
  return { scores, sorted };
}

/**
 * The order of a categorical column's CDF intervals decides which dependences a Gaussian copula
 * can express. Categories are sorted by their mean score on the numeric column they explain best
 * (largest correlation ratio η²), so "low < mid < high" and Weekday ↔ Weekdaysort survive; with
 * no numeric column explaining at least 1% of variance, the most frequent come first.
 */
function orderCategories(values: readonly CellValue[], counts: Map<CellValue, number>, numeric: readonly Float64Array[]): CellValue[] {
  const byFrequency = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  let best: Map<CellValue, number> | null = null;
  let bestEta = 0.01;
  for (const scores of numeric) {
    const sum = new Map<CellValue, number>(), cnt = new Map<CellValue, number>();
    let all = 0, allSq = 0, n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!, x = scores[i]!;
      if (v === null || Number.isNaN(x)) continue;
      sum.set(v, (sum.get(v) ?? 0) + x);
      cnt.set(v, (cnt.get(v) ?? 0) + 1);
      all += x; allSq += x * x; n++;
    }
    if (n < 3) continue;
    const mean = all / n;
    const totalVar = allSq - n * mean * mean;
    if (!(totalVar > 0)) continue;
    let between = 0;
    const means = new Map<CellValue, number>();
    for (const [k, s] of sum) { const c = cnt.get(k)!; const m = s / c; means.set(k, m); between += c * (m - mean) ** 2; }
    const eta = between / totalVar;
    if (eta > bestEta) { bestEta = eta; best = means; }
  }
  if (!best) return byFrequency;
  const m = best;
  // Categories unseen alongside the chosen column sort to the middle (score 0).
  return byFrequency.sort((a, b) => (m.get(a) ?? 0) - (m.get(b) ?? 0));
}

export function fitCopula(frame: Frame, options: { schema?: Schema; seed?: number } = {}): CopulaModel {
  if (frame.rowCount < 2) throw new CopulaError(`The copula needs at least 2 real rows to fit, got ${frame.rowCount}; pass a larger --like table.`);
  const seed = options.seed ?? 0;
  const warnings: string[] = [];
  const columns: ColumnModel[] = [];
  const scoreColumns: Float64Array[] = [];
  const modelled: number[] = [];
  const textCols: string[] = [];
  const deferred: { index: number; name: string; values: readonly CellValue[]; missing: number; next: () => number }[] = [];
  for (const name of frame.columnNames) {
    const values = frame.columns[name]!;
    const kind = kindOf(frame, name, options.schema);
    const missing = values.reduce<number>((s, v) => s + (v === null ? 1 : 0), 0) / values.length;
    const next = streamFor(seed, `fit:${name}`).next;
    if (kind === "id") {
      const pattern = options.schema?.columns.find((c) => c.name === name)?.pattern;
      columns.push({ type: "id", name, numeric: values.some((v) => typeof v === "number"), ...(pattern ? { pattern } : {}) });
      continue;
    }
    if (kind === "text") { textCols.push(name); columns.push({ type: "resample", name, values: values.filter((v) => v !== null) }); continue; }
    if (missing === 1) { columns.push({ type: "categorical", name, missing: 1, categories: [null], cum: Float64Array.of(1) }); continue; }
    if (kind === "numeric" || kind === "integer" || kind === "datetime") {
      // A datetime column is a numeric time axis, read and written in its own format (the schema's).
      const format = options.schema?.columns.find((c) => c.name === name)?.format;
      const date = kind === "datetime" ? dateWriter(format, values.filter((v) => v !== null).slice(0, 2000)) : null;
      if (kind === "datetime" && !date) {
        throw new CopulaError(`Column "${name}" is marked datetime but its values follow no date format; give one (dates: { "${name}": "dd/mm/yyyy" }) or fix the schema kind.`);
      }
      const toNumber = date
        ? (v: CellValue): number => date.read(v)
        : (v: CellValue): number => (typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : Number(v));
      const { scores, sorted } = numericScores(values, toNumber, next);
      if (sorted.length === 0) throw new CopulaError(`Column "${name}" has no readable ${kind} values; fix its kind in the schema.`);
      let distinct = 1;
      for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
      const integer = kind === "integer" || (!date && sorted.every((x) => Number.isInteger(x)));
      let decimals = 0;
      if (!date && !integer) for (let i = 0; i < sorted.length && decimals < 6; i++) decimals = Math.max(decimals, decimalPlaces(sorted[i]!));
      columns.push({ type: "numeric", name, missing, sorted, integer, decimals, discrete: distinct <= DISCRETE_LIMIT, date });
      modelled.push(columns.length - 1);
      scoreColumns.push(scores);
      continue;
    }
    // categorical / boolean: handled after the numeric columns (their order uses the numeric scores).
    deferred.push({ index: columns.length, name, values, missing, next });
    columns.push({ type: "categorical", name, missing, categories: [], cum: new Float64Array(0) });
  }
  const numericScoreColumns = [...scoreColumns];
  for (const d of deferred) {
    const counts = new Map<CellValue, number>();
    for (const v of d.values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
    const categories = orderCategories(d.values, counts, numericScoreColumns);
    let total = 0;
    for (const c of counts.values()) total += c;
    const start = new Map<CellValue, number>();
    const cum = new Float64Array(categories.length);
    let acc = 0;
    categories.forEach((c, i) => { start.set(c, acc); acc += counts.get(c)! / total; cum[i] = acc; });
    cum[categories.length - 1] = 1;
    const scores = new Float64Array(d.values.length).fill(Number.NaN);
    d.values.forEach((v, i) => {
      if (v === null) return;
      const a = start.get(v)!, w = counts.get(v)! / total;
      scores[i] = normalQuantile(a + d.next() * w);
    });
    columns[d.index] = { type: "categorical", name: d.name, missing: d.missing, categories, cum };
    modelled.push(d.index);
    scoreColumns.push(scores);
  }
  if (textCols.length) {
    warnings.push(`Text column(s) ${textCols.join(", ")} are resampled from real values independently (not new text); use --mode text or llm-rows for new text.`);
  }

  // Pairwise-complete Pearson correlation of the normal scores.
  const p = scoreColumns.length;
  const corr: Matrix = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 1 : 0)));
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const a = scoreColumns[i]!, b = scoreColumns[j]!;
      let n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (let k = 0; k < a.length; k++) {
        const x = a[k]!, y = b[k]!;
        if (Number.isNaN(x) || Number.isNaN(y)) continue;
        n++; sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y;
      }
      const cov = sab - (sa * sb) / n, va = saa - (sa * sa) / n, vb = sbb - (sb * sb) / n;
      const r = n > 2 && va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
      corr[i]![j] = corr[j]![i] = Math.max(-0.999999, Math.min(0.999999, r));
    }
  }
  const { matrix, repaired } = repairCorrelation(corr);
  if (repaired) warnings.push("The normal-score correlation matrix was not positive definite; it was repaired to the nearest valid one.");
  let chol: Matrix;
  try { chol = cholesky(matrix); } catch {
    // Perfectly collinear columns: shrink a little towards the identity.
    chol = cholesky(matrix.map((r, i) => r.map((x, j) => (i === j ? 1 : x * 0.999))));
  }
  return { columns, modelled, correlation: matrix, cholesky: chol, warnings, rows: frame.rowCount };
}

/** Decimal places of a number as written (0.25 → 2), capped at 6. */
export function decimalPlaces(x: number): number {
  for (let d = 0; d < 6; d++) if (Math.abs(Math.round(x * 10 ** d) / 10 ** d - x) < 1e-9 * Math.max(1, Math.abs(x))) return d;
  return 6;
}

function inverseNumeric(model: Extract<ColumnModel, { type: "numeric" }>, u: number): CellValue {
  const s = model.sorted;
  const m = s.length;
  let x: number;
  if (model.discrete) x = s[Math.min(m - 1, Math.floor(u * m))]!;
  else {
    // Interpolated inverse ECDF between order statistics.
    const pos = u * (m - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(m - 1, lo + 1);
    x = s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
  }
  if (model.integer) x = Math.round(x);
  else if (!model.date && !model.discrete) {
    // Same precision as the real values (prices stay at cents); rounding cannot leave the real range
    // because the range ends are themselves values with at most this many decimals.
    const f = 10 ** model.decimals;
    x = Math.round(x * f) / f;
  }
  if (model.date) return model.date.write(Math.floor(x / model.date.unitMs) * model.date.unitMs);
  return x;
}

function pickCategory(cum: Float64Array, u: number): number {
  let lo = 0, hi = cum.length - 1;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (u < cum[mid]!) hi = mid; else lo = mid + 1; }
  return lo;
}

/** New ids in the real ids' shape (the schema's pattern), unique; falls back to "synth-N" if the pattern is too narrow. */
function fillPatternIds(out: CellValue[], pattern: string, next: () => number): void {
  let gen: (next: () => number) => string;
  try { gen = compilePattern(pattern); } catch {
    for (let r = 0; r < out.length; r++) out[r] = `synth-${r + 1}`;
    return;
  }
  const seen = new Set<string>();
  for (let r = 0; r < out.length; r++) {
    let v = gen(next);
    for (let k = 0; seen.has(v) && k < 50; k++) v = gen(next);
    if (seen.has(v)) v = `synth-${r + 1}`;
    seen.add(v);
    out[r] = v;
  }
}

/** New ids for an id column: 1..n for numeric ids, the real ids' pattern when the schema has one, else "synth-N". */
export function fillIds(out: CellValue[], col: { name: string; numeric: boolean; pattern?: string }, seed: number): void {
  if (col.pattern !== undefined && !col.numeric) fillPatternIds(out, col.pattern, streamFor(seed, `id:${col.name}`).next);
  else for (let r = 0; r < out.length; r++) out[r] = col.numeric ? r + 1 : `synth-${r + 1}`;
}

export function sampleCopula(model: CopulaModel, rows: number, seed: number): Frame {
  if (!Number.isInteger(rows) || rows < 0) throw new CopulaError(`rows must be a whole number ≥ 0, got ${String(rows)}.`);
  const p = model.modelled.length;
  const L = model.cholesky;
  const rng = streamFor(seed, "copula:z");
  const us = Array.from({ length: p }, () => new Float64Array(rows));
  const eps = new Float64Array(p);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < p; k++) eps[k] = rng.normal();
    for (let i = 0; i < p; i++) {
      let z = 0;
      const li = L[i]!;
      for (let k = 0; k <= i; k++) z += li[k]! * eps[k]!;
      us[i]![r] = normalCdf(z);
    }
  }
  const out = Object.create(null) as Record<string, CellValue[]>; // any column name, "constructor" included
  const slot = new Map(model.modelled.map((ci, k) => [ci, k]));
  model.columns.forEach((col, ci) => {
    const values = new Array<CellValue>(rows);
    if (col.type === "id") fillIds(values, col, seed);
    else if (col.type === "resample") {
      const rr = streamFor(seed, `resample:${col.name}`);
      for (let r = 0; r < rows; r++) values[r] = col.values.length ? col.values[rr.int(col.values.length)]! : null;
    } else {
      const u = slot.has(ci) ? us[slot.get(ci)!]! : null;
      const miss = streamFor(seed, `missing:${col.name}`);
      for (let r = 0; r < rows; r++) {
        if (col.missing > 0 && miss.next() < col.missing) { values[r] = null; continue; }
        const ur = u ? u[r]! : 0.5;
        values[r] = col.type === "numeric" ? inverseNumeric(col, ur) : col.categories[pickCategory(col.cum, ur)]!;
      }
    }
    out[col.name] = values;
  });
  return { columnNames: model.columns.map((c) => c.name), columns: out, rowCount: rows };
}
