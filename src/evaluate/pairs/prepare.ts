/**
 * Reads each column once for all pair metrics: shared bins for real and synthetic, and
 * numeric arrays (NaN = missing) for numeric and datetime columns.
 */
import type { Frame } from "../../data/types.js";
import type { EvalKind } from "../types.js";
import { binPair, type BinnedPair } from "../columns/binning.js";
import { isNumericKind, toNumeric } from "../internal/columns.js";

export interface PreparedColumn {
  name: string;
  kind: EvalKind;
  bins: BinnedPair;
  realValues: Float64Array | null;
  syntheticValues: Float64Array | null;
}

export function prepareColumns(
  real: Frame,
  synthetic: Frame,
  kinds: Readonly<Record<string, EvalKind>>,
  columns: readonly string[],
): PreparedColumn[] {
  return columns.map((name) => {
    const kind = kinds[name] ?? "categorical";
    const r = real.columns[name] ?? [];
    const s = synthetic.columns[name] ?? [];
    const numeric = isNumericKind(kind);
    return {
      name,
      kind,
      bins: binPair(r, s, kind),
      realValues: numeric ? toNumeric(r, kind).values : null,
      syntheticValues: numeric ? toNumeric(s, kind).values : null,
    };
  });
}

/** Joint counts of two binned columns (row-major a × b). */
export function contingency(a: Int32Array, sizeA: number, b: Int32Array, sizeB: number): Float64Array {
  const t = new Float64Array(sizeA * sizeB);
  for (let i = 0; i < a.length; i++) t[a[i]! * sizeB + b[i]!]! += 1;
  return t;
}
