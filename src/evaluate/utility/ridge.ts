/**
 * A small closed-form ridge regression: the evaluator's default model for TRTR/TSTR. It is
 * deterministic, needs no TF.js and trains in milliseconds, so utility can be measured on
 * every report; pass `model: "linear" | "mlp"` to use the train stage's TF.js models instead.
 * Features: numeric/datetime standardized (missing → training mean), categorical one-hot over
 * the 30 most frequent training categories (others and missing → no column set).
 */
import type { Frame } from "../../data/types.js";
import type { EvalKind } from "../types.js";
import { categoryOf, isNumericKind, toNumeric } from "../internal/columns.js";

interface FeaturePlan {
  name: string;
  numeric: boolean;
  kind: EvalKind;
  mean: number;
  std: number;
  levels: Map<string, number>;
}

export interface RidgeModel {
  predict(frame: Frame): Float64Array;
}

function design(frame: Frame, plans: FeaturePlan[], width: number): Float64Array {
  const n = frame.rowCount;
  const X = new Float64Array(n * width);
  let off = 0;
  for (const p of plans) {
    const col = frame.columns[p.name] ?? [];
    if (p.numeric) {
      const v = toNumeric(col, p.kind).values;
      for (let i = 0; i < n; i++) X[i * width + off] = Number.isNaN(v[i]!) ? 0 : (v[i]! - p.mean) / p.std;
      off++;
    } else {
      for (let i = 0; i < n; i++) {
        const k = p.levels.get(categoryOf(col[i] ?? null) ?? "\u0000");
        if (k !== undefined) X[i * width + off + k] = 1;
      }
      off += p.levels.size;
    }
  }
  return X;
}

/** Solves A x = b (A symmetric positive definite after the ridge term) by Gaussian elimination with pivoting. */
function solve(A: Float64Array, b: Float64Array, p: number): Float64Array {
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let k = 0; k < p; k++) {
    let piv = k;
    for (let i = k + 1; i < p; i++) if (Math.abs(M[i * p + k]!) > Math.abs(M[piv * p + k]!)) piv = i;
    if (piv !== k) {
      for (let j = 0; j < p; j++) { const t = M[k * p + j]!; M[k * p + j] = M[piv * p + j]!; M[piv * p + j] = t; }
      const t = x[k]!; x[k] = x[piv]!; x[piv] = t;
    }
    const d = M[k * p + k]!;
    if (Math.abs(d) < 1e-12) continue;
    for (let i = k + 1; i < p; i++) {
      const f = M[i * p + k]! / d;
      if (f === 0) continue;
      for (let j = k; j < p; j++) M[i * p + j]! -= f * M[k * p + j]!;
      x[i]! -= f * x[k]!;
    }
  }
  for (let k = p - 1; k >= 0; k--) {
    let s = x[k]!;
    for (let j = k + 1; j < p; j++) s -= M[k * p + j]! * x[j]!;
    const d = M[k * p + k]!;
    x[k] = Math.abs(d) < 1e-12 ? 0 : s / d;
  }
  return x;
}

export function fitRidge(
  train: Frame, target: string, features: readonly string[], kinds: Readonly<Record<string, EvalKind>>, lambda = 1,
): RidgeModel {
  const plans: FeaturePlan[] = features.map((name) => {
    const kind = kinds[name] ?? "categorical";
    const col = train.columns[name] ?? [];
    if (isNumericKind(kind)) {
      const v = toNumeric(col, kind).values;
      let s = 0, ss = 0, n = 0;
      for (const x of v) if (!Number.isNaN(x)) { s += x; ss += x * x; n++; }
      const mean = n ? s / n : 0;
      const std = n ? Math.sqrt(Math.max(ss / n - mean * mean, 0)) || 1 : 1;
      return { name, numeric: true, kind, mean, std, levels: new Map() };
    }
    const counts = new Map<string, number>();
    for (const v of col) { const c = categoryOf(v); if (c !== null) counts.set(c, (counts.get(c) ?? 0) + 1); }
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
    return { name, numeric: false, kind, mean: 0, std: 1, levels: new Map(top.map(([c], i) => [c, i])) };
  });
  const p = plans.reduce((s, f) => s + (f.numeric ? 1 : f.levels.size), 0);
  const y = toNumeric(train.columns[target] ?? [], "numeric").values;
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i]!)) rows.push(i);
  const X = design(train, plans, p);
  let ym = 0;
  for (const i of rows) ym += y[i]!;
  ym = rows.length ? ym / rows.length : 0;
  // Centre the features so the intercept (the target mean) stays unpenalized.
  const xm = new Float64Array(p);
  for (const i of rows) for (let j = 0; j < p; j++) xm[j]! += X[i * p + j]!;
  for (let j = 0; j < p; j++) xm[j]! /= Math.max(rows.length, 1);
  // X'X and X'y from the sparse rows (one-hot columns are mostly zero), then centred:
  // A = X'X − n·x̄x̄', b = X'y − n·x̄·ȳ.
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  const nz: number[] = [];
  for (const i of rows) {
    nz.length = 0;
    for (let j = 0; j < p; j++) if (X[i * p + j] !== 0) nz.push(j);
    const yi = y[i]!;
    for (const j of nz) {
      const v = X[i * p + j]!;
      b[j]! += v * yi;
      for (const k of nz) A[j * p + k]! += v * X[i * p + k]!;
    }
  }
  const n = rows.length;
  for (let j = 0; j < p; j++) {
    b[j]! -= n * xm[j]! * ym;
    for (let k = 0; k < p; k++) A[j * p + k]! -= n * xm[j]! * xm[k]!;
  }
  for (let j = 0; j < p; j++) A[j * p + j]! += lambda;
  const beta = solve(A, b, p);
  return {
    predict(frame: Frame): Float64Array {
      const Z = design(frame, plans, p);
      const out = new Float64Array(frame.rowCount);
      for (let i = 0; i < frame.rowCount; i++) {
        let s = ym;
        for (let j = 0; j < p; j++) s += beta[j]! * (Z[i * p + j]! - xm[j]!);
        out[i] = s;
      }
      return out;
    },
  };
}
