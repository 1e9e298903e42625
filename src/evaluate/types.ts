/**
 * Shared shapes of the evaluate stage. Every metric returns a `MetricResult`: a score in
 * [0, 1] (higher is better; null when the data cannot support the metric), the raw
 * statistic it was derived from, and details for charts and the report.
 */
import type { CellValue } from "../data/types.js";
import { InputError } from "../errors.js";

export type Column = readonly CellValue[];

/** How the evaluator treats a column: numbers (and datetimes as epoch ms) or categories. "text" is skipped. */
export type EvalKind = "numeric" | "datetime" | "categorical" | "text";

export interface MetricResult<Raw = number | null, Details = Record<string, unknown>> {
  /** In [0, 1], higher is better; null when the metric is undefined for this data (see warnings). */
  score: number | null;
  raw: Raw;
  details: Details;
  /** Plain-language reasons a score is null or approximate. */
  warnings?: string[];
}

export class EvaluateError extends InputError {
  override name = "EvaluateError";
}

/** Mean of the non-null numbers, null when there are none. */
export function meanOrNull(values: readonly (number | null | undefined)[]): number | null {
  let s = 0;
  let n = 0;
  for (const v of values) if (typeof v === "number" && Number.isFinite(v)) { s += v; n++; }
  return n === 0 ? null : s / n;
}
