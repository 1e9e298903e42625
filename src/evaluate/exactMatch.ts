/**
 * Exact matches: synthetic rows identical to a real training row (numbers compared after
 * rounding to 6 significant digits, so float noise from CSV round-trips does not hide a copy).
 * Rate = matches / synthetic rows; the holdout's rate against the same training rows is the
 * reference (real data repeats itself too); `score = 1 − rate`.
 */
import type { Frame } from "../data/types.js";
import type { EvalKind, MetricResult } from "./types.js";
import { isNumericKind, toNumeric } from "./internal/columns.js";

import { roundSignificant } from "../data/numbers.js";

/**
 * Canonical row codes for exact comparison: one float per cell — numbers rounded to 6
 * significant digits, datetimes as epoch ms, categories as an index into a dictionary shared
 * by every table encoded with the same `RowCoder`, missing as NaN (equal to itself here).
 */
class RowCoder {
  private readonly dict = new Map<string, number>();
  constructor(private readonly columns: readonly string[], private readonly kinds: Readonly<Record<string, EvalKind>>) {}

  encode(frame: Frame): Float64Array {
    const C = this.columns.length;
    const out = new Float64Array(frame.rowCount * C);
    this.columns.forEach((c, j) => {
      const col = frame.columns[c] ?? [];
      const kind = this.kinds[c] ?? "categorical";
      const nums = isNumericKind(kind) ? toNumeric(col, kind).values : null;
      for (let i = 0; i < frame.rowCount; i++) {
        const v = col[i] ?? null;
        let code: number;
        if (v === null) code = Number.NaN;
        else if (nums && !Number.isNaN(nums[i]!)) code = kind === "numeric" ? roundSignificant(nums[i]!) : nums[i]!;
        else {
          // Categories, and values a numeric column could not read: compared as text.
          const key = String(v);
          let k = this.dict.get(key);
          if (k === undefined) { k = this.dict.size; this.dict.set(key, k); }
          // Text in a numeric column sits at 2^60 + 256·k (exact in float64), far above real data.
          code = nums ? 2 ** 60 + 256 * k : k;
        }
        out[i * C + j] = code;
      }
    });
    return out;
  }
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** 32-bit hash of one encoded row (NaN normalized so every missing hashes alike). */
function rowHash(codes: Float64Array, offset: number, C: number): number {
  let h = 0x811c9dc5;
  for (let j = 0; j < C; j++) {
    const v = codes[offset + j]!;
    f64[0] = Number.isNaN(v) ? Number.NaN : v === 0 ? 0 : v;
    h = Math.imul(h ^ u32[0]!, 0x01000193);
    h = Math.imul(h ^ u32[1]!, 0x01000193);
  }
  return h >>> 0;
}

function rowsEqual(a: Float64Array, ao: number, b: Float64Array, bo: number, C: number): boolean {
  for (let j = 0; j < C; j++) {
    const x = a[ao + j]!;
    const y = b[bo + j]!;
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
  }
  return true;
}

/** Index of the training rows by hash, with exact comparison on lookup (no false matches). */
function rowIndex(codes: Float64Array, rows: number, C: number): (q: Float64Array, qo: number) => boolean {
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < rows; i++) {
    const h = rowHash(codes, i * C, C);
    const b = buckets.get(h);
    if (b) b.push(i);
    else buckets.set(h, [i]);
  }
  return (q, qo) => {
    const b = buckets.get(rowHash(q, qo, C));
    return b !== undefined && b.some((i) => rowsEqual(codes, i * C, q, qo, C));
  };
}

/** One string per row over `columns`, equal exactly when the rows match (for callers that want keys). */
export function rowKeys(frame: Frame, columns: readonly string[], kinds: Readonly<Record<string, EvalKind>>): string[] {
  const C = columns.length;
  const codes = new RowCoder(columns, kinds).encode(frame);
  return Array.from({ length: frame.rowCount }, (_, i) => Array.from(codes.subarray(i * C, (i + 1) * C), (v) => String(v)).join("\u0001"));
}

export interface ExactMatchResult {
  count: number;
  rate: number;
  holdoutRate: number | null;
  score: number;
}

export function exactMatch(
  real: Frame,
  synthetic: Frame,
  opts: { kinds: Readonly<Record<string, EvalKind>>; holdout?: Frame | null; columns?: readonly string[] },
): MetricResult<number, ExactMatchResult> {
  const columns = opts.columns ?? real.columnNames;
  const C = columns.length;
  const coder = new RowCoder(columns, opts.kinds);
  const inTrain = rowIndex(coder.encode(real), real.rowCount, C);
  const countIn = (f: Frame): number => {
    const codes = coder.encode(f);
    let n = 0;
    for (let i = 0; i < f.rowCount; i++) if (inTrain(codes, i * C)) n++;
    return n;
  };
  const count = countIn(synthetic);
  const rate = synthetic.rowCount ? count / synthetic.rowCount : 0;
  let holdoutRate: number | null = null;
  if (opts.holdout && opts.holdout.rowCount) holdoutRate = countIn(opts.holdout) / opts.holdout.rowCount;
  return { score: 1 - rate, raw: rate, details: { count, rate, holdoutRate, score: 1 - rate } };
}
