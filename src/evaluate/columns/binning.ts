/**
 * Shared binning for every binned metric (histogram similarity, contingency similarity,
 * mutual information, QScore). Numeric and datetime columns: 20 equal-width bins over the
 * REAL column's [min, max] (edges `min + i·width`, as numpy's linspace); a value on an edge
 * belongs to the bin above it (the maximum to the last bin), as `np.digitize` and SDMetrics'
 * discretization; synthetic values outside that range fall into the edge bins.
 * Whole-number columns: bins of ⌈(max − min + 1) / 20⌉ whole values (at most 20 bins).
 * Categorical columns: the union of categories (real first, in first-seen order). Missing
 * values always get their own "(null)" bin, the last one, so they are never dropped silently.
 */
import type { Column, EvalKind } from "../types.js";
import { categoryOf, isNumericKind, toNumeric } from "../internal/columns.js";
import { dateTimeShape } from "../../data/datetime.js";
import { NULL_LABEL } from "../../data/columns.js";

export { NULL_LABEL };
export const NUMERIC_BINS = 20;

export interface Binner {
  kind: EvalKind;
  /** Bin labels; the last one is always "(null)". Grows when `codes` meets unseen categories. */
  labels: string[];
  /** Numeric: bin edges (length bins + 1); empty for categorical. */
  edges: number[];
  /** Bin index of every cell of a column (missing → the (null) bin). */
  codes(col: Column): Int32Array;
}

/** How bin edges read: numbers, whole numbers, calendar dates, or clock times (a time-of-day column). */
type EdgeFormat = "number" | "date" | "time";

/** A time-of-day column ("HH:MM[:SS]" strings, read as ms since midnight): its bins read as clock times. */
function isTimeOfDay(real: Column): boolean {
  let seen = false;
  for (const v of real) {
    if (v === null) continue;
    if (typeof v !== "string" || dateTimeShape(v) !== "time") return false;
    seen = true;
  }
  return seen;
}

function numericBinner(real: Column, kind: EvalKind, bins: number): Binner {
  let min = Infinity;
  let max = -Infinity;
  let whole = true;
  for (const x of toNumeric(real, kind).values) {
    if (Number.isNaN(x)) continue;
    if (x < min) min = x;
    if (x > max) max = x;
    if (!Number.isInteger(x)) whole = false;
  }
  const hasRange = Number.isFinite(min) && max > min;
  const format: EdgeFormat = kind !== "datetime" ? "number" : isTimeOfDay(real) ? "time" : "date";
  // Whole-number columns (counts, hours, ratings) get bins of a whole number of values, so no
  // bin falls between two integers (no empty [1.3, 1.6) bins) and each label names its values.
  const integer = hasRange && whole && kind !== "datetime";
  const width = !hasRange ? 0 : integer ? Math.ceil((max - min + 1) / bins) : (max - min) / bins;
  // A constant (or empty) real column: one bin for the value, plus one edge bin on each side
  // for synthetic values below or above it.
  const n = !hasRange ? 3 : integer ? Math.ceil((max - min + 1) / width) : bins;
  const edges: number[] = [];
  const labels: string[] = [];
  if (integer) {
    for (let i = 0; i <= n; i++) edges.push(min + i * width);
    for (let i = 0; i < n; i++) {
      const last = Math.min(edges[i + 1]! - 1, max);
      labels.push(last === edges[i] ? String(last) : `${edges[i]}–${last}`);
    }
  } else if (hasRange) {
    for (let i = 0; i <= n; i++) edges.push(i === n ? max : min + i * width);
    for (let i = 0; i < n; i++) labels.push(`[${fmt(edges[i]!, format)}, ${fmt(edges[i + 1]!, format)}${i === n - 1 ? "]" : ")"}`);
  } else {
    const v = Number.isFinite(min) ? min : 0;
    edges.push(v, v, v, v);
    labels.push(`< ${fmt(v, format)}`, fmt(v, format), `> ${fmt(v, format)}`);
  }
  labels.push(NULL_LABEL);
  return {
    kind,
    labels,
    edges,
    codes(col: Column): Int32Array {
      const out = new Int32Array(col.length);
      const xs = toNumeric(col, kind).values;
      for (let i = 0; i < col.length; i++) {
        const x = xs[i]!;
        let b: number;
        if (Number.isNaN(x)) b = n;
        else if (hasRange) {
          b = Math.floor((x - min) / width);
          if (b < 0) b = 0;
          else if (b >= n) b = n - 1;
          // The division can land a hair below an edge (3·0.3 / 0.3 = 2.9999…): settle on the
          // edges themselves, x ≥ edge i ⇒ bin ≥ i, as numpy's digitize on linspace edges.
          while (b + 1 < n && x >= edges[b + 1]!) b++;
          while (b > 0 && x < edges[b]!) b--;
        } else b = x < min ? 0 : x > min ? 2 : 1;
        out[i] = b;
      }
      return out;
    },
  };
}

function fmt(x: number, format: EdgeFormat): string {
  if (format === "date") return new Date(x).toISOString().slice(0, 10);
  if (format === "time") return new Date(x).toISOString().slice(11, 16);
  return Number(x.toPrecision(4)).toString();
}

function categoricalBinner(real: Column): Binner {
  const index = new Map<string, number>();
  const labels: string[] = [];
  for (const v of real) {
    const c = categoryOf(v);
    if (c !== null && !index.has(c)) { index.set(c, labels.length); labels.push(c); }
  }
  // The (null) bin stays last: new categories met later are inserted before it, and codes
  // already handed out are not renumbered (only the null code moves, resolved at the end).
  const binner: Binner = {
    kind: "categorical",
    labels: [...labels, NULL_LABEL],
    edges: [],
    codes(col: Column): Int32Array {
      const raw = new Int32Array(col.length);
      for (let i = 0; i < col.length; i++) {
        const c = categoryOf(col[i]!);
        if (c === null) { raw[i] = -1; continue; }
        let k = index.get(c);
        if (k === undefined) { k = labels.length; index.set(c, k); labels.push(c); }
        raw[i] = k;
      }
      binner.labels = [...labels, NULL_LABEL];
      const nullCode = labels.length;
      for (let i = 0; i < raw.length; i++) if (raw[i] === -1) raw[i] = nullCode;
      return raw;
    },
  };
  return binner;
}

/** A binner fitted on the real column (numeric edges, or the real categories to start the union). */
export function createBinner(real: Column, kind: EvalKind, bins = NUMERIC_BINS): Binner {
  return isNumericKind(kind) ? numericBinner(real, kind, bins) : categoricalBinner(real);
}

export interface BinnedPair {
  labels: string[];
  real: Int32Array;
  synthetic: Int32Array;
  /** Number of bins (labels.length). */
  size: number;
}

/**
 * Bins a real and a synthetic column on the same bins. For categorical columns the codes are
 * re-read after both columns are seen, so both use the final union (null bin last).
 */
const pairCache = new WeakMap<Column, WeakMap<Column, Map<string, BinnedPair>>>();

export function binPair(real: Column, synthetic: Column, kind: EvalKind, bins = NUMERIC_BINS): BinnedPair {
  // Cached per (real, synthetic) column arrays: histograms, pairs and QScore share the bins.
  let inner = pairCache.get(real);
  if (!inner) { inner = new WeakMap(); pairCache.set(real, inner); }
  let byKey = inner.get(synthetic);
  if (!byKey) { byKey = new Map(); inner.set(synthetic, byKey); }
  const key = `${kind}:${bins}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const out = computeBinPair(real, synthetic, kind, bins);
  byKey.set(key, out);
  return out;
}

function computeBinPair(real: Column, synthetic: Column, kind: EvalKind, bins: number): BinnedPair {
  const binner = createBinner(real, kind, bins);
  let r = binner.codes(real);
  const s = binner.codes(synthetic);
  if (!isNumericKind(kind)) r = binner.codes(real); // null code may have moved after unseen synthetic categories
  return { labels: binner.labels, real: r, synthetic: s, size: binner.labels.length };
}

/** Share of rows per bin. */
export function binShares(codes: Int32Array, size: number): Float64Array {
  const p = new Float64Array(size);
  for (let i = 0; i < codes.length; i++) p[codes[i]!]! += 1;
  const n = codes.length;
  if (n > 0) for (let i = 0; i < size; i++) p[i]! /= n;
  return p;
}
