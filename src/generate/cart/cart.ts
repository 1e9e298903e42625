/**
 * Sequential CART synthesis, as R's synthpop does it ("cart" method). Columns are visited in an
 * order (the table's, or the user's); the first is drawn from its marginal, each later one from a
 * tree grown on the columns before it: a synthetic row falls into a leaf, and the value is that of
 * a random real row ("donor") in the leaf. Values are therefore observed ones, copied as written
 * (dates keep their format), unless smoothing adds a Gaussian kernel around numeric donors.
 *
 * Per kind: numeric, integer and datetime columns are numeric targets (squared error) and ordered
 * predictors; categorical, boolean and text columns are class targets (Gini; text does not predict,
 * since a free-text value splits nothing usefully). Missing values are modelled as synthpop does:
 * a numeric column with gaps first draws "missing or not" from its own tree, then the value from a
 * tree on the present rows; for a categorical column missing is one more class; as a predictor,
 * missing is a bin of its own. Id columns get new ids (as the copula writes them), never copies.
 *
 * Privacy knobs: `minLeaf` (synthpop's minbucket, default 5) is the smallest number of real rows a
 * leaf may hold, so a donor is always one of at least that many candidates; `smoothing: "density"`
 * moves continuous numeric values off the real ones (synthpop's smoothing = "density").
 */
import type { CellValue, Frame, Schema } from "../../data/types.js";
import { InputError } from "../../errors.js";
import { dateWriter, type DateWriter } from "../datetime.js";
import { streamFor } from "../random.js";
import { decimalPlaces, fillIds, kindOf } from "../copula/copula.js";
import { growTree, leafOfRow, MAX_BINS, type Predictor, type Tree } from "./tree.js";

/** Class targets keep this many most frequent levels apart for the split criterion; donors are still the real values. */
const MAX_CLASSES = 32;
/** Numeric columns with at most this many distinct values (prices, counts, codes) are never smoothed. */
const DISCRETE_LIMIT = 32;

export type Smoothing = "none" | "density";
export const SMOOTHINGS: readonly Smoothing[] = ["none", "density"];

export interface CartOptions {
  /** Kinds, formats and id patterns; inferred from the values when absent. */
  schema?: Schema;
  /** Smallest number of real rows per leaf (synthpop's minbucket). Default 5. */
  minLeaf?: number;
  /** "density": Gaussian noise around continuous numeric donors, bandwidth per leaf (Silverman's rule). Default "none". */
  smoothing?: Smoothing;
  /** Visit sequence: these columns first, in this order; the others follow in table order, or stand where "*" is. */
  order?: readonly string[];
}

export class CartError extends InputError {
  override name = "CartError";
}

type CartColumn =
  | { type: "id"; name: string; numeric: boolean; pattern?: string }
  | { type: "empty"; name: string }
  | {
    type: "numeric"; name: string; raw: readonly CellValue[]; values: Float64Array; bins: Uint8Array; edges: Float64Array;
    missing: number; min: number; max: number; integer: boolean; decimals: number; smooth: boolean; date: DateWriter | null;
  }
  | { type: "categorical"; name: string; raw: readonly CellValue[]; bins: Uint8Array; nBins: number; classes: Uint16Array; nClasses: number; predicts: boolean };

/** One column's draw: its trees and the columns they split on (indices into CartModel.columns). */
interface Step {
  column: number;
  predictors: number[];
  /** Numeric columns with gaps: "missing or not" first. */
  missingTree: Tree | null;
  tree: Tree;
  /** Smoothing bandwidth per node of `tree` (leaves only), or null without smoothing. */
  bandwidth: Float64Array | null;
}

export interface CartModel {
  columns: CartColumn[];
  /** Visit sequence of the modelled columns. */
  steps: Step[];
  rows: number;
  minLeaf: number;
  smoothing: Smoothing;
  warnings: string[];
}

/** Index of the first edge ≥ x (edges ascending). */
function lowerBound(edges: Float64Array, x: number): number {
  let lo = 0, hi = edges.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (edges[mid]! < x) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Bin of a number: 0 for missing, else 1 + the bin its value range falls in. */
function numericBin(edges: Float64Array, x: number): number {
  if (Number.isNaN(x)) return 0;
  return 1 + Math.min(edges.length - 1, lowerBound(edges, x));
}

/** Bin upper edges: every distinct value when they fit, else quantiles of the present values. */
function binEdges(sorted: Float64Array): Float64Array {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  if (distinct.length <= MAX_BINS - 1) return Float64Array.from(distinct);
  const edges: number[] = [];
  const k = MAX_BINS - 1, m = sorted.length;
  for (let q = 1; q <= k; q++) {
    const e = sorted[Math.min(m - 1, Math.ceil((q * m) / k) - 1)]!;
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return Float64Array.from(edges);
}

function numericColumn(name: string, raw: readonly CellValue[], integerKind: boolean, date: DateWriter | null, smoothing: Smoothing): CartColumn {
  const n = raw.length;
  const values = new Float64Array(n);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = raw[i]!;
    const x = v === null ? Number.NaN : date ? date.read(v) : typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : Number(v);
    values[i] = x;
    if (Number.isNaN(x)) missing++;
  }
  const sorted = values.filter((x) => !Number.isNaN(x)).sort();
  const edges = binEdges(sorted);
  const bins = new Uint8Array(n);
  for (let i = 0; i < n; i++) bins[i] = numericBin(edges, values[i]!);
  const integer = integerKind || (!date && sorted.every((x) => Number.isInteger(x)));
  let decimals = 0;
  if (!date && !integer) for (let i = 0; i < sorted.length && decimals < 6; i++) decimals = Math.max(decimals, decimalPlaces(sorted[i]!));
  return {
    type: "numeric", name, raw, values, bins, edges, missing, min: sorted[0]!, max: sorted[sorted.length - 1]!, integer, decimals,
    smooth: smoothing === "density" && edges.length > DISCRETE_LIMIT, date,
  };
}

/** Levels by frequency (ties: first seen): predictor bins 1..255 (the rarest share the last), class codes capped at MAX_CLASSES + "other" + missing. */
function categoricalColumn(name: string, raw: readonly CellValue[], predicts: boolean): CartColumn {
  const counts = new Map<CellValue, number>();
  for (const v of raw) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  const levels = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const rank = new Map(levels.map((l, i) => [l, i]));
  const n = raw.length;
  const bins = new Uint8Array(n);
  const classes = new Uint16Array(n);
  const other = Math.min(levels.length, MAX_CLASSES);
  const missingClass = levels.length > MAX_CLASSES ? other + 1 : other;
  let anyMissing = false;
  for (let i = 0; i < n; i++) {
    const v = raw[i]!;
    if (v === null) { bins[i] = 0; classes[i] = missingClass; anyMissing = true; continue; }
    const k = rank.get(v)!;
    bins[i] = 1 + Math.min(k, MAX_BINS - 2);
    classes[i] = Math.min(k, other);
  }
  return {
    type: "categorical", name, raw, bins, nBins: 1 + Math.min(levels.length, MAX_BINS - 1), classes,
    nClasses: anyMissing ? missingClass + 1 : missingClass, predicts,
  };
}

/** Silverman's rule of thumb, 0.9·min(sd, IQR/1.34)·n^(-1/5); 0 (no smoothing) when one value holds over 70% of the leaf, as synthpop does. */
function bandwidthOf(xs: number[]): number {
  const m = xs.length;
  if (m < 2) return 0;
  xs.sort((a, b) => a - b);
  let run = 1, maxRun = 1;
  for (let i = 1; i < m; i++) { run = xs[i] === xs[i - 1] ? run + 1 : 1; if (run > maxRun) maxRun = run; }
  if (maxRun / m > 0.7) return 0;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= m;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  const sd = Math.sqrt(ss / (m - 1));
  const iqr = xs[Math.floor(0.75 * (m - 1))]! - xs[Math.floor(0.25 * (m - 1))]!;
  const spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
  return 0.9 * spread * m ** -0.2;
}

/**
 * Checks the visit order and returns the columns' indices in it. "*" stands for every column not
 * named, in table order (["*", "money"] draws money last); without it they follow the named ones.
 */
function visitSequence(names: readonly string[], order: readonly string[] | undefined): number[] {
  if (order === undefined) return names.map((_, i) => i);
  if (!Array.isArray(order) || order.some((o) => typeof o !== "string")) throw new CartError("order must be a list of column names, e.g. [\"coffee_name\", \"money\"] or [\"*\", \"money\"] (\"*\": the other columns).");
  const seen = new Set<string>();
  for (const o of order) {
    if (o !== "*" && !names.includes(o)) throw new CartError(`order names "${o}", which is not a column of the real table; its columns are ${names.join(", ")}.`);
    if (seen.has(o)) throw new CartError(`order names "${o}" twice; list each column (and "*", the others) at most once.`);
    seen.add(o);
  }
  const rest = names.map((_, i) => i).filter((i) => !seen.has(names[i]!));
  const list = order.includes("*") ? order : [...order, "*"];
  return list.flatMap((o) => (o === "*" ? rest : [names.indexOf(o)]));
}

/** Fits one tree per modelled column on the real rows, in the visit sequence. */
export function fitCart(frame: Frame, options: CartOptions = {}): CartModel {
  const minLeaf = options.minLeaf ?? 5;
  if (!Number.isInteger(minLeaf) || minLeaf < 1) throw new CartError(`minLeaf must be a whole number ≥ 1 (real rows per leaf), got ${String(minLeaf)}.`);
  const smoothing = options.smoothing ?? "none";
  if (!SMOOTHINGS.includes(smoothing)) throw new CartError(`smoothing must be one of ${SMOOTHINGS.join(", ")}, got "${String(smoothing)}".`);
  const names = frame.columnNames;
  if (frame.rowCount === 0 || names.length === 0) {
    throw new CartError(`The cart mode fits real rows, but the --like table is empty (${frame.rowCount} rows, ${names.length} columns); pass a table with data.`);
  }
  const sequence = visitSequence(names, options.order);
  const warnings: string[] = [];
  const columns: CartColumn[] = names.map((name) => {
    const raw = frame.columns[name]!;
    const kind = kindOf(frame, name, options.schema);
    const spec = options.schema?.columns.find((c) => c.name === name);
    if (kind === "id") return { type: "id", name, numeric: raw.some((v) => typeof v === "number"), ...(spec?.pattern ? { pattern: spec.pattern } : {}) };
    if (raw.every((v) => v === null)) return { type: "empty", name };
    if (kind === "numeric" || kind === "integer") return numericColumn(name, raw, kind === "integer", null, smoothing);
    if (kind === "datetime") {
      const date = dateWriter(spec?.format, raw.filter((v) => v !== null).slice(0, 2000));
      // Values no date format reads are still copied from donors as written: a categorical column then.
      if (date) return numericColumn(name, raw, false, date, smoothing);
    }
    return categoricalColumn(name, raw, kind !== "text");
  });
  const modelled = columns.filter((c) => c.type === "numeric" || c.type === "categorical");
  if (modelled.length < 2) {
    throw new CartError(
      `The cart mode draws each column from a tree on the columns before it, so it needs at least 2 columns with values; ` +
      `the --like table has ${modelled.length} (${names.join(", ")}). Use --mode copula for a single column.`,
    );
  }
  const empty = columns.filter((c) => c.type === "empty").map((c) => c.name);
  if (empty.length) warnings.push(`Column(s) ${empty.join(", ")} have no values in the real table; they stay empty.`);
  const text = columns.filter((c) => c.type === "categorical" && !c.predicts).map((c) => c.name);
  if (text.length) warnings.push(`Text column(s) ${text.join(", ")} are real texts drawn from similar rows, not new text; use --mode text or llm-rows for new text.`);

  const all = Int32Array.from({ length: frame.rowCount }, (_, i) => i);
  const steps: Step[] = [];
  const before: number[] = [];
  for (const ci of sequence) {
    const col = columns[ci]!;
    if (col.type !== "numeric" && col.type !== "categorical") continue;
    const predictors = [...before];
    const preds: Predictor[] = predictors.map((pi) => {
      const p = columns[pi] as Extract<CartColumn, { type: "numeric" | "categorical" }>;
      return p.type === "numeric" ? { bins: p.bins, nBins: p.edges.length + 1, ordered: true } : { bins: p.bins, nBins: p.nBins, ordered: false };
    });
    let step: Step;
    if (col.type === "categorical") {
      step = { column: ci, predictors, missingTree: null, tree: growTree(preds, { type: "class", codes: col.classes, nClasses: col.nClasses }, all, { minLeaf }), bandwidth: null };
    } else {
      let missingTree: Tree | null = null;
      let present = all;
      if (col.missing > 0) {
        const codes = Uint16Array.from(col.values, (x) => (Number.isNaN(x) ? 1 : 0));
        missingTree = growTree(preds, { type: "class", codes, nClasses: 2 }, all, { minLeaf });
        present = all.filter((r) => !Number.isNaN(col.values[r]!));
      }
      const tree = growTree(preds, { type: "numeric", values: col.values }, present, { minLeaf });
      let bandwidth: Float64Array | null = null;
      if (col.smooth) {
        bandwidth = new Float64Array(tree.nodes);
        for (let k = 0; k < tree.nodes; k++) {
          if (tree.feature[k]! >= 0) continue;
          const xs: number[] = [];
          for (let i = tree.start[k]!; i < tree.end[k]!; i++) xs.push(col.values[tree.donors[i]!]!);
          bandwidth[k] = bandwidthOf(xs);
        }
      }
      step = { column: ci, predictors, missingTree, tree, bandwidth };
    }
    steps.push(step);
    if (col.type === "numeric" || col.predicts) before.push(ci);
  }
  return { columns, steps, rows: frame.rowCount, minLeaf, smoothing, warnings };
}

/** A random donor (real row index) of a leaf. */
function donorOf(tree: Tree, leaf: number, next: () => number): number {
  const s = tree.start[leaf]!, size = tree.end[leaf]! - s;
  return tree.donors[s + Math.floor(next() * size)]!;
}

/** Draws `rows` synthetic rows, column by column in the visit sequence; same model and seed → same rows. */
export function sampleCart(model: CartModel, rows: number, seed: number): Frame {
  if (!Number.isInteger(rows) || rows < 0) throw new CartError(`rows must be a whole number ≥ 0, got ${String(rows)}.`);
  const out = Object.create(null) as Record<string, CellValue[]>; // any column name, "constructor" included
  // The sampled rows' bins per column, which later columns' trees read.
  const synthBins: Uint8Array[] = model.columns.map(() => new Uint8Array(0));
  for (const step of model.steps) {
    const col = model.columns[step.column]!;
    const rng = streamFor(seed, `cart:${col.name}`);
    const next = rng.next;
    const predBins = step.predictors.map((pi) => synthBins[pi]!);
    const values = new Array<CellValue>(rows);
    const bins = new Uint8Array(rows);
    if (col.type === "categorical") {
      for (let r = 0; r < rows; r++) {
        const d = donorOf(step.tree, leafOfRow(step.tree, predBins, r), next);
        values[r] = col.raw[d]!;
        bins[r] = col.bins[d]!;
      }
    } else if (col.type === "numeric") {
      const { tree, missingTree, bandwidth } = step;
      for (let r = 0; r < rows; r++) {
        if (missingTree) {
          const d0 = donorOf(missingTree, leafOfRow(missingTree, predBins, r), next);
          if (Number.isNaN(col.values[d0]!)) { values[r] = col.raw[d0]!; bins[r] = 0; continue; }
        }
        const leaf = leafOfRow(tree, predBins, r);
        const d = donorOf(tree, leaf, next);
        const bw = bandwidth ? bandwidth[leaf]! : 0;
        if (bw > 0) {
          let x = Math.min(col.max, Math.max(col.min, col.values[d]! + bw * rng.normal()));
          if (col.date) x = Math.floor(x / col.date.unitMs) * col.date.unitMs;
          else if (col.integer) x = Math.round(x);
          else { const f = 10 ** col.decimals; x = Math.round(x * f) / f; }
          values[r] = col.date ? col.date.write(x) : x;
          bins[r] = numericBin(col.edges, x);
        } else {
          values[r] = col.raw[d]!;
          bins[r] = col.bins[d]!;
        }
      }
    }
    out[col.name] = values;
    synthBins[step.column] = bins;
  }
  for (const col of model.columns) {
    if (col.type === "id") { const v = new Array<CellValue>(rows); fillIds(v, col, seed); out[col.name] = v; }
    else if (col.type === "empty") out[col.name] = new Array<CellValue>(rows).fill(null);
  }
  return { columnNames: model.columns.map((c) => c.name), columns: out, rowCount: rows };
}
