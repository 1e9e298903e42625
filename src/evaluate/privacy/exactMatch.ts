/**
 * Exact matches: synthetic rows that are a copy of a real training row, by the project's one
 * definition of a copy (`rowKeyer` in src/data/rowKey.ts: every column, text included; numbers
 * to 6 significant digits, datetimes as instants, text NFC-normalized and trimmed). The
 * generator's `--dedup exact` uses the same key, so it removes exactly what this counts.
 * Rate = matches / synthetic rows; the holdout's rate against the same training rows is the
 * reference (real data repeats itself too); `score = 1 − rate`.
 */
import type { Frame } from "../../data/types.js";
import type { EvalKind, MetricResult } from "../types.js";
import { rowKeyer } from "../../data/rowKey.js";

export { rowKeys } from "../../data/rowKey.js";

export interface ExactMatchResult {
  count: number;
  rate: number;
  holdoutRate: number | null;
  score: number;
}

export function exactMatch(
  real: Frame,
  synthetic: Frame,
  opts: { kinds?: Readonly<Record<string, EvalKind>>; holdout?: Frame | null; columns?: readonly string[] } = {},
): MetricResult<number, ExactMatchResult> {
  const columns = opts.columns ?? real.columnNames;
  const key = rowKeyer(columns);
  const train = new Set<string>();
  for (let i = 0; i < real.rowCount; i++) train.add(key(real, i));
  const countIn = (f: Frame): number => {
    let n = 0;
    for (let i = 0; i < f.rowCount; i++) if (train.has(key(f, i))) n++;
    return n;
  };
  const count = countIn(synthetic);
  const rate = synthetic.rowCount ? count / synthetic.rowCount : 0;
  let holdoutRate: number | null = null;
  if (opts.holdout && opts.holdout.rowCount) holdoutRate = countIn(opts.holdout) / opts.holdout.rowCount;
  return { score: 1 - rate, raw: rate, details: { count, rate, holdoutRate, score: 1 - rate } };
}
