/**
 * Feature preprocessing: fitted once on the training table, then applied unchanged to test and
 * new tables (no refitting, so test data never leaks into scaling or category lists).
 *
 * - numeric / integer: standard scaling; missing → training mean + a `col:missing` indicator
 * - boolean: 0/1; missing → indicator
 * - categorical: one-hot over the training categories + `(unknown)` for unseen ones (+ `(missing)`)
 * - datetime: hour (when the column has times), weekday, month, day index since the training start
 * - time of day ("10:15:50.52"): hours since midnight
 * - constant, all-missing and free-text/id columns are dropped, with the reason recorded
 * The whole pipeline is plain JSON (`toJSON` / `Preprocessor.fromJSON`) so a saved model carries it.
 */
import type { CellValue, Frame } from "../data/types.js";

export type FeatureKind = "numeric" | "boolean" | "categorical" | "datetime" | "time";

interface Scale {
  mean: number;
  std: number;
}

export type FeatureStep =
  | { column: string; kind: "numeric"; scale: Scale; missingIndicator: boolean }
  | { column: string; kind: "boolean"; missingIndicator: boolean }
  | { column: string; kind: "categorical"; categories: string[]; missingIndicator: boolean }
  | { column: string; kind: "time"; scale: Scale; missingIndicator: boolean }
  | {
      column: string;
      kind: "datetime";
      /** Day number (days since 1970-01-01) of the earliest training value. */
      originDay: number;
      parts: { name: DatetimePart; scale: Scale }[];
      /**
       * Quantile edges of the day index for a piecewise-linear encoding (one feature per bin, 0 → 1
       * across the bin). Lets an MLP represent step changes over time (price changes) that a single
       * scaled day number makes hard; see Gorishniy et al. 2022, "On embeddings for numerical features".
       */
      dayEdges: number[];
      missingIndicator: boolean;
    };

export type DatetimePart = "hour" | "weekday" | "month" | "dayIndex";

export interface PreprocessorJSON {
  version: 1;
  target: string;
  targetScale: Scale;
  steps: FeatureStep[];
  dropped: { column: string; reason: string }[];
}

export interface PreprocessOptions {
  target: string;
  /** Feature columns (default: every column but the target). */
  features?: readonly string[];
  /** Force a column's treatment instead of inferring it. */
  kinds?: Readonly<Record<string, FeatureKind>>;
  /** A string column with more distinct values than this (and than half the rows) is free text: dropped. */
  maxCategories?: number;
  /** Bins of the piecewise-linear day encoding for datetime columns (default min(64, rows / 25); 0 turns it off). */
  dateBins?: number;
}

export class PreprocessError extends Error {
  override name = "PreprocessError";
}

export interface Matrix {
  /** Row-major, rows × cols. */
  values: Float32Array;
  rows: number;
  cols: number;
}

const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const DAY_MS = 86_400_000;

/** Wall-clock parts of an ISO date/datetime (time zone suffix ignored: the local hour is what predicts sales). */
function parseDate(s: string): { day: number; hour: number; weekday: number; month: number; hasTime: boolean } | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms);
  const hour = m[4] === undefined ? 0 : Number(m[4]) + Number(m[5]) / 60 + Number(m[6] ?? 0) / 3600;
  return { day: Math.floor(ms / DAY_MS), hour, weekday: d.getUTCDay(), month: d.getUTCMonth() + 1, hasTime: m[4] !== undefined };
}

function parseTime(s: string): number | null {
  const m = TIME_RE.exec(s);
  if (!m) return null;
  const frac = m[4] ? Number(`0.${m[4]}`) : 0;
  return Number(m[1]) + Number(m[2]) / 60 + (Number(m[3] ?? 0) + frac) / 3600;
}

/** A cell as a number, or undefined when it is not numeric (numeric strings count: CSVs read untyped). */
function asNumber(v: CellValue): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "boolean") return undefined;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function fitScale(values: readonly number[]): Scale {
  const n = values.length;
  if (n === 0) return { mean: 0, std: 1 };
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const std = Math.sqrt(ss / n);
  return { mean, std: std > 0 ? std : 1 }; // constant parts stay finite (they scale to 0)
}

function describe(v: CellValue): string {
  return typeof v === "string" ? `"${v.length > 40 ? v.slice(0, 40) + "…" : v}"` : String(v);
}

function inferKind(values: readonly CellValue[], rows: number, maxCategories: number): FeatureKind | { drop: string } {
  const present = values.filter((v): v is string | number | boolean => v !== null);
  if (present.length === 0) return { drop: "all values missing" };
  const distinct = new Set(present.map((v) => String(v)));
  if (distinct.size === 1) return { drop: `constant (${describe(present[0]!)})` };
  if (present.every((v) => typeof v === "boolean")) return "boolean";
  if (present.every((v) => asNumber(v) !== undefined)) return "numeric";
  if (present.every((v) => typeof v === "string" && parseTime(v) !== null)) return "time";
  if (present.every((v) => typeof v === "string" && parseDate(v) !== null)) return "datetime";
  if (distinct.size > maxCategories && distinct.size > rows / 2) {
    return { drop: `free text or identifier (${distinct.size} distinct values)` };
  }
  return "categorical";
}

export class Preprocessor {
  readonly target: string;
  readonly targetScale: Scale;
  readonly steps: readonly FeatureStep[];
  readonly dropped: readonly { column: string; reason: string }[];
  readonly featureNames: readonly string[];

  private constructor(json: PreprocessorJSON) {
    this.target = json.target;
    this.targetScale = json.targetScale;
    this.steps = json.steps;
    this.dropped = json.dropped;
    this.featureNames = json.steps.flatMap(stepFeatureNames);
  }

  /** The original columns the model reads. */
  get inputColumns(): string[] {
    return this.steps.map((s) => s.column);
  }

  static fit(frame: Frame, options: PreprocessOptions): Preprocessor {
    const { target } = options;
    if (frame.rowCount === 0) throw new PreprocessError("The training table is empty: pass a table with at least a few rows.");
    if (!frame.columnNames.includes(target)) {
      throw new PreprocessError(`Target column "${target}" is not in the table. Columns: ${frame.columnNames.join(", ")}.`);
    }
    const y = targetValues(frame, target);
    const known = y.filter((v) => !Number.isNaN(v));
    if (known.length === 0) throw new PreprocessError(`Target column "${target}" has no values: every row is missing.`);
    const targetScale = fitScale(known);
    if (known.every((v) => v === known[0])) {
      throw new PreprocessError(`Target column "${target}" is constant (${known[0]}): there is nothing to learn; pick a column that varies.`);
    }
    const features = options.features ?? frame.columnNames.filter((c) => c !== target);
    const absent = features.filter((c) => !frame.columnNames.includes(c));
    if (absent.length) throw new PreprocessError(`Feature column(s) ${absent.map((c) => `"${c}"`).join(", ")} not in the table.`);
    if (features.includes(target)) throw new PreprocessError(`The target "${target}" cannot also be a feature.`);
    // Rows with a missing target are not used for fitting either (same rows as training).
    const keep: number[] = [];
    y.forEach((v, i) => { if (!Number.isNaN(v)) keep.push(i); });

    const steps: FeatureStep[] = [];
    const dropped: { column: string; reason: string }[] = [];
    for (const column of features) {
      const all = frame.columns[column]!;
      const values = keep.map((i) => all[i] ?? null);
      const missingIndicator = values.some((v) => v === null);
      const forced = options.kinds?.[column];
      const kind = forced ?? inferKind(values, values.length, options.maxCategories ?? 50);
      if (typeof kind === "object") { dropped.push({ column, reason: kind.drop }); continue; }
      const present = values.filter((v): v is string | number | boolean => v !== null);
      switch (kind) {
        case "numeric": {
          const nums = present.map((v) => {
            const n = asNumber(v);
            if (n === undefined) throw new PreprocessError(`Column "${column}" is treated as numeric but holds ${describe(v)}.`);
            return n;
          });
          steps.push({ column, kind, scale: fitScale(nums), missingIndicator });
          break;
        }
        case "boolean":
          steps.push({ column, kind, missingIndicator });
          break;
        case "categorical": {
          const categories = [...new Set(present.map(String))].sort();
          steps.push({ column, kind, categories, missingIndicator });
          break;
        }
        case "time": {
          const hours = present.map((v) => {
            const h = typeof v === "string" ? parseTime(v) : null;
            if (h === null) throw new PreprocessError(`Column "${column}" is treated as a time of day but holds ${describe(v)}.`);
            return h;
          });
          steps.push({ column, kind, scale: fitScale(hours), missingIndicator });
          break;
        }
        case "datetime": {
          const parsed = present.map((v) => {
            const d = typeof v === "string" ? parseDate(v) : null;
            if (d === null) throw new PreprocessError(`Column "${column}" is treated as a date but holds ${describe(v)} (expected ISO, e.g. 2024-03-01).`);
            return d;
          });
          const originDay = parsed.reduce((m, d) => Math.min(m, d.day), Number.POSITIVE_INFINITY);
          const names: DatetimePart[] = parsed.some((d) => d.hasTime) ? ["hour", "weekday", "month", "dayIndex"] : ["weekday", "month", "dayIndex"];
          const parts = names.map((name) => ({
            name,
            scale: fitScale(parsed.map((d) => (name === "dayIndex" ? d.day - originDay : d[name]))),
          }));
          const days = parsed.map((d) => d.day - originDay);
          steps.push({ column, kind, originDay, parts, dayEdges: quantileEdges(days, options.dateBins ?? defaultDateBins(days.length)), missingIndicator });
          break;
        }
      }
    }
    if (steps.length === 0) {
      throw new PreprocessError(
        `No usable feature columns (${dropped.map((d) => `${d.column}: ${d.reason}`).join("; ") || "none given"}): the model needs at least one.`,
      );
    }
    return new Preprocessor({ version: 1, target, targetScale, steps, dropped });
  }

  static fromJSON(json: PreprocessorJSON): Preprocessor {
    if (json?.version !== 1 || !Array.isArray(json.steps)) {
      throw new PreprocessError("Not a synthlab preprocessing pipeline (expected version 1 JSON from Preprocessor.toJSON()).");
    }
    return new Preprocessor(json);
  }

  toJSON(): PreprocessorJSON {
    return structuredClone({
      version: 1 as const,
      target: this.target,
      targetScale: this.targetScale,
      steps: [...this.steps],
      dropped: [...this.dropped],
    });
  }

  /** Throws one error naming every feature column the table lacks. */
  checkColumns(frame: Frame): void {
    const missing = this.inputColumns.filter((c) => !frame.columnNames.includes(c));
    if (missing.length) {
      throw new PreprocessError(
        `The table lacks feature column(s) the model was trained on: ${missing.map((c) => `"${c}"`).join(", ")}. Add them (missing values may be null).`,
      );
    }
  }

  /** Feature matrix for `rows` (default: all rows) of a table with the training columns. */
  transform(frame: Frame, rows?: readonly number[]): Matrix {
    this.checkColumns(frame);
    const n = rows ? rows.length : frame.rowCount;
    const cols = this.featureNames.length;
    const out = new Float32Array(n * cols);
    let offset = 0;
    for (const step of this.steps) {
      const src = frame.columns[step.column]!;
      const width = stepWidth(step);
      for (let r = 0; r < n; r++) {
        const v = src[rows ? rows[r]! : r] ?? null;
        writeStep(step, v, out, r * cols + offset);
      }
      offset += width;
    }
    return { values: out, rows: n, cols };
  }

  /** Target scaled as the model sees it. */
  scaleTarget(y: number): number {
    return (y - this.targetScale.mean) / this.targetScale.std;
  }

  unscaleTarget(z: number): number {
    return z * this.targetScale.std + this.targetScale.mean;
  }
}

/** Target values of a table as numbers (NaN where missing); throws when the column is not numeric. */
export function targetValues(frame: Frame, target: string): number[] {
  const col = frame.columns[target];
  if (!col) throw new PreprocessError(`Target column "${target}" is not in the table. Columns: ${frame.columnNames.join(", ")}.`);
  return col.map((v, i) => {
    if (v === null) return Number.NaN;
    const n = asNumber(v);
    if (n === undefined) {
      throw new PreprocessError(
        `Target column "${target}" is not numeric (row ${i} holds ${describe(v)}): regression needs a numeric target column.`,
      );
    }
    return n;
  });
}

function stepFeatureNames(step: FeatureStep): string[] {
  const names: string[] = [];
  switch (step.kind) {
    case "numeric":
    case "boolean":
    case "time":
      names.push(step.column);
      break;
    case "categorical":
      for (const c of step.categories) names.push(`${step.column}=${c}`);
      names.push(`${step.column}=(unknown)`);
      break;
    case "datetime":
      for (const p of step.parts) names.push(`${step.column}:${p.name}`);
      for (let k = 1; k < step.dayEdges.length; k++) names.push(`${step.column}:day≥${step.dayEdges[k - 1]}`);
      break;
  }
  if (step.missingIndicator) names.push(`${step.column}:missing`);
  return names;
}

function stepWidth(step: FeatureStep): number {
  const base =
    step.kind === "categorical"
      ? step.categories.length + 1
      : step.kind === "datetime"
        ? step.parts.length + Math.max(0, step.dayEdges.length - 1)
        : 1;
  return base + (step.missingIndicator ? 1 : 0);
}

/** Writes one cell's features at `at`; missing values impute to the training mean (scaled 0). */
function writeStep(step: FeatureStep, v: CellValue, out: Float32Array, at: number): void {
  const width = stepWidth(step);
  if (v === null) {
    // Scaled features impute to 0 (= the training mean); one-hot and boolean stay all-zero.
    if (step.missingIndicator) out[at + width - 1] = 1;
    return;
  }
  switch (step.kind) {
    case "numeric": {
      const n = asNumber(v);
      if (n === undefined) throw new PreprocessError(`Column "${step.column}" must be numeric but holds ${describe(v)}.`);
      out[at] = (n - step.scale.mean) / step.scale.std;
      return;
    }
    case "boolean":
      out[at] = v === true || v === "true" || v === 1 ? 1 : 0;
      return;
    case "categorical": {
      const idx = binaryIndex(step.categories, String(v));
      out[at + (idx >= 0 ? idx : step.categories.length)] = 1; // unseen category → the unknown bucket
      return;
    }
    case "time": {
      const h = typeof v === "string" ? parseTime(v) : null;
      if (h === null) throw new PreprocessError(`Column "${step.column}" must be a time of day (HH:MM[:SS]) but holds ${describe(v)}.`);
      out[at] = (h - step.scale.mean) / step.scale.std;
      return;
    }
    case "datetime": {
      const d = typeof v === "string" ? parseDate(v) : null;
      if (d === null) throw new PreprocessError(`Column "${step.column}" must be an ISO date but holds ${describe(v)}.`);
      step.parts.forEach((p, k) => {
        const raw = p.name === "dayIndex" ? d.day - step.originDay : d[p.name];
        out[at + k] = (raw - p.scale.mean) / p.scale.std;
      });
      const day = d.day - step.originDay;
      const e = step.dayEdges;
      for (let k = 1; k < e.length; k++) {
        const lo = e[k - 1]!;
        const hi = e[k]!;
        out[at + step.parts.length + k - 1] = day <= lo ? 0 : day >= hi ? 1 : (day - lo) / (hi - lo);
      }
      return;
    }
  }
}

/** About 25 rows per bin, at most 64 bins: enough resolution for step changes without one-row bins. */
function defaultDateBins(rows: number): number {
  const bins = Math.min(64, Math.floor(rows / 25));
  return bins >= 2 ? bins : 0;
}

/** Up to `bins` + 1 distinct quantile edges of `values` (fewer when values repeat); [] for bins = 0. */
function quantileEdges(values: readonly number[], bins: number): number[] {
  if (bins <= 0 || values.length === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let k = 0; k <= bins; k++) {
    const q = sorted[Math.min(sorted.length - 1, Math.round((k / bins) * (sorted.length - 1)))]!;
    if (edges.length === 0 || q > edges[edges.length - 1]!) edges.push(q);
  }
  return edges.length >= 2 ? edges : [];
}

/** Categories are sorted at fit time (default string order), so lookup is a binary search. */
function binaryIndex(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = sorted[mid]!;
    if (m === key) return mid;
    if (m < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
