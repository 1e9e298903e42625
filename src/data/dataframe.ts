/**
 * danfo.js interop. danfojs-node pulls in TF.js and takes a while to load (see
 * docs/benchmarks/data.md), so it is required lazily on first use: importing this module is cheap.
 */
import { createRequire } from "node:module";
import type { DataFrame } from "danfojs-node";
import { toFrame } from "./frame.js";
import type { Frame } from "./types.js";

export type { DataFrame };

type DanfoModule = typeof import("danfojs-node");
let danfo: DanfoModule | undefined;

/** The danfojs-node module, loaded on first call. */
export function loadDanfo(): DanfoModule {
  danfo ??= createRequire(import.meta.url)("danfojs-node") as DanfoModule;
  return danfo;
}

/**
 * A danfo DataFrame with the Frame's columns (in order). Missing values become null, which danfo
 * shows as NaN for numeric columns. An empty Frame gives an empty DataFrame with the same columns.
 */
export function toDataFrame(frame: Frame): DataFrame {
  const { DataFrame: DF } = loadDanfo();
  const data: Record<string, unknown[]> = {};
  for (const n of frame.columnNames) data[n] = [...frame.columns[n]!];
  if (frame.rowCount === 0) return new DF([], { columns: [...frame.columnNames] });
  return new DF(data, { columns: [...frame.columnNames] });
}

/** Back to a Frame (values normalised: NaN → null). */
export function fromDataFrame(df: DataFrame): Frame {
  return toFrame(df);
}

/** Structural test: a danfo DataFrame from any copy of danfo (constructor name + shape + values). */
export function isDataFrame(value: unknown): value is DataFrame {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { constructor?: { name?: string }; columns?: unknown; shape?: unknown; values?: unknown };
  return v.constructor?.name === "DataFrame" && Array.isArray(v.columns) && Array.isArray(v.shape) && Array.isArray(v.values);
}
