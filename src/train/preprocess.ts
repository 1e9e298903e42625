/**
 * Feature preprocessing: fitted once on the training table, then applied unchanged to test and
 * new tables (no refitting, so test data never leaks into scaling or category lists).
 *
 * Column kinds and date formats come from a schema: the real table's when one is given (so a
 * synthetic table is read the way the real one was), else the training table's (inferSchema).
 * - numeric / integer: standard scaling; missing → training mean + a `col:missing` indicator
 * - boolean: 0/1; missing → indicator
 * - categorical: one-hot over the most frequent training categories (at most `maxLevels`, default
 *   50) + `(other)` for the rest and unseen ones (+ `col:missing`); capped columns are listed
 * - datetime (any format the schema names): hour (when the column has times), weekday, month, day
 *   index since the training start
 * - time of day ("10:15:50.52", "3:05 PM"): hours since midnight
 * - constant, all-missing, free-text and identifier columns are dropped, with the reason recorded
 * A value that does not fit its column's kind (text in a numeric column, a date in another format)
 * is read as missing and counted in `invalid`, never a reason to change the column's kind.
 * The whole pipeline is plain JSON (`toJSON` / `Preprocessor.fromJSON`) so a saved model carries it.
 */
import type { CellValue, ColumnSchema, Frame, Schema } from "../data/types.js";
import { inferSchema } from "../data/schema.js";
import { dateCellMs, formatShape, type DateFormat } from "../data/datetime.js";
import { InputError } from "../errors.js";

export type FeatureKind = "numeric" | "boolean" | "categorical" | "datetime" | "time";

interface Scale {
  mean: number;
  std: number;
}

export type FeatureStep =
  | { column: string; kind: "numeric"; scale: Scale; missingIndicator: boolean }
  | { column: string; kind: "boolean"; missingIndicator: boolean }
  | { column: string; kind: "categorical"; categories: string[]; missingIndicator: boolean }
  | { column: string; kind: "time"; scale: Scale; missingIndicator: boolean; format?: DateFormat }
  | {
      column: string;
      kind: "datetime";
      /** How the column writes dates (absent: ISO). */
      format?: DateFormat;
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
  /** Categorical columns whose one-hot width was capped: levels kept of levels seen. */
  capped?: { column: string; kept: number; levels: number }[];
  /** Training values that did not fit their column's kind (read as missing), per column. */
  invalid?: Record<string, number>;
  /** What schema inference noticed (an ambiguous day/month order), one line each. */
  schemaNotes?: string[];
}

export interface PreprocessOptions {
  target: string;
  /** Feature columns (default: every column but the target). */
  features?: readonly string[];
  /** Force a column's treatment instead of inferring it. */
  kinds?: Readonly<Record<string, FeatureKind>>;
  /**
   * The real table's schema (kinds, date formats): columns are read the way the real table was,
   * even when fitting on synthetic rows. Default: inferred from the training table.
   */
  schema?: Schema;
  /** Date formats for columns the data cannot settle, e.g. { Date: "dd/mm/yyyy" } (when no schema is given). */
  dates?: Readonly<Record<string, DateFormat>>;
  /** One-hot width cap: the most frequent levels kept per categorical column, the rest go to `(other)` (default 50). */
  maxLevels?: number;
  /** @deprecated Same as maxLevels. */
  maxCategories?: number;
  /** Bins of the piecewise-linear day encoding for datetime columns (default min(64, rows / 25); 0 turns it off). */
  dateBins?: number;
}

export class PreprocessError extends InputError {
  override name = "PreprocessError";
}

export interface Matrix {
  /** Row-major, rows × cols. */
  values: Float32Array;
  rows: number;
  cols: number;
}

const DAY_MS = 86_400_000;
const OTHER = "(other)";

interface DateParts { day: number; hour: number; weekday: number; month: number }

/** Calendar parts of a date cell in the column's format (wall clock as written: the local hour is what predicts sales). */
function parseDate(v: CellValue, format: DateFormat | undefined): DateParts | null {
  const ms = dateCellMs(v, format);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms);
  const day = Math.floor(ms / DAY_MS);
  return { day, hour: (ms - day * DAY_MS) / 3_600_000, weekday: d.getUTCDay(), month: d.getUTCMonth() + 1 };
}

/** Hours since midnight of a time-of-day cell. */
function parseTime(v: CellValue, format: DateFormat | undefined): number | null {
  const ms = dateCellMs(v, format ?? "time");
  return Number.isNaN(ms) ? null : ms / 3_600_000;
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

/** The treatment of a column of the schema: a feature kind, or why it is dropped. */
function kindFromSchema(col: ColumnSchema): FeatureKind | { drop: string } {
  switch (col.kind) {
    case "numeric": case "integer": return "numeric";
    case "boolean": return "boolean";
    case "categorical": return "categorical";
    case "datetime": return col.format !== undefined && formatShape(col.format) === "time" ? "time" : "datetime";
    case "id": return { drop: "identifier (nearly every value is distinct)" };
    case "text": return { drop: "free text" };
  }
}

export class Preprocessor {
  readonly target: string;
  readonly targetScale: Scale;
  readonly steps: readonly FeatureStep[];
  readonly dropped: readonly { column: string; reason: string }[];
  readonly capped: readonly { column: string; kept: number; levels: number }[];
  readonly invalid: Readonly<Record<string, number>>;
  readonly schemaNotes: readonly string[];
  readonly featureNames: readonly string[];

  private constructor(json: PreprocessorJSON) {
    this.target = json.target;
    this.targetScale = json.targetScale;
    this.steps = json.steps;
    this.dropped = json.dropped;
    this.capped = json.capped ?? [];
    this.invalid = json.invalid ?? {};
    this.schemaNotes = json.schemaNotes ?? [];
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
    const capped: { column: string; kept: number; levels: number }[] = [];
    const invalid: Record<string, number> = {};
    const maxLevels = options.maxLevels ?? options.maxCategories ?? 50;
    if (!Number.isInteger(maxLevels) || maxLevels < 1) throw new PreprocessError(`maxLevels must be a whole number ≥ 1 (got ${maxLevels}).`);
    // One schema for every table this pipeline reads: the real one's when given.
    const schema = options.schema ?? inferSchema(frame, options.dates ? { dates: options.dates } : {});
    const schemaCol = new Map(schema.columns.map((c) => [c.name, c]));
    for (const column of features) {
      const all = frame.columns[column]!;
      const values = keep.map((i) => all[i] ?? null);
      const col = schemaCol.get(column) ?? inferSchema({ columnNames: [column], columns: { [column]: values }, rowCount: values.length }).columns[0]!;
      const present = values.filter((v): v is string | number | boolean => v !== null);
      const distinct = new Set(present.map((v) => String(v)));
      const forced = options.kinds?.[column];
      const kind: FeatureKind | { drop: string } =
        present.length === 0 ? { drop: "all values missing" }
        : distinct.size === 1 ? { drop: `constant (${describe(present[0]!)})` }
        : forced ?? kindFromSchema(col);
      if (typeof kind === "object") { dropped.push({ column, reason: kind.drop }); continue; }
      const format = col.kind === "datetime" ? col.format : undefined;
      // Values that do not fit the column's kind are missing (and counted), never a new kind.
      let bad = 0;
      const fit = <T>(read: (v: string | number | boolean) => T | null | undefined): T[] => {
        const out: T[] = [];
        for (const v of present) { const x = read(v); if (x === null || x === undefined) bad++; else out.push(x); }
        return out;
      };
      const missingIndicator = values.some((v) => v === null);
      switch (kind) {
        case "numeric": {
          const nums = fit(asNumber);
          steps.push({ column, kind, scale: fitScale(nums), missingIndicator: missingIndicator || bad > 0 });
          break;
        }
        case "boolean":
          steps.push({ column, kind, missingIndicator });
          break;
        case "categorical": {
          const counts = new Map<string, number>();
          for (const v of present) { const k = String(v); counts.set(k, (counts.get(k) ?? 0) + 1); }
          const byCount = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
          if (byCount.length > maxLevels) capped.push({ column, kept: maxLevels, levels: byCount.length });
          const categories = byCount.slice(0, maxLevels).map(([k]) => k).sort();
          steps.push({ column, kind, categories, missingIndicator });
          break;
        }
        case "time": {
          const hours = fit((v) => parseTime(v, format));
          steps.push({ column, kind, scale: fitScale(hours), missingIndicator: missingIndicator || bad > 0, ...(format !== undefined ? { format } : {}) });
          break;
        }
        case "datetime": {
          const parsed = fit((v) => parseDate(v, format));
          if (parsed.length === 0) { dropped.push({ column, reason: `no value reads as a date${format ? ` written ${format}` : ""}` }); invalid[column] = bad; continue; }
          const originDay = parsed.reduce((m, d) => Math.min(m, d.day), Number.POSITIVE_INFINITY);
          const hasTime = format !== undefined ? formatShape(format) !== "date" : parsed.some((d) => d.hour !== 0);
          const names: DatetimePart[] = hasTime ? ["hour", "weekday", "month", "dayIndex"] : ["weekday", "month", "dayIndex"];
          const parts = names.map((name) => ({
            name,
            scale: fitScale(parsed.map((d) => (name === "dayIndex" ? d.day - originDay : d[name]))),
          }));
          const days = parsed.map((d) => d.day - originDay);
          steps.push({
            column, kind, ...(format !== undefined ? { format } : {}), originDay, parts,
            dayEdges: quantileEdges(days, options.dateBins ?? defaultDateBins(days.length)), missingIndicator: missingIndicator || bad > 0,
          });
          break;
        }
      }
      if (bad > 0) invalid[column] = bad;
    }
    if (steps.length === 0) {
      throw new PreprocessError(
        `No usable feature columns (${dropped.map((d) => `${d.column}: ${d.reason}`).join("; ") || "none given"}): the model needs at least one.`,
      );
    }
    return new Preprocessor({
      version: 1, target, targetScale, steps, dropped,
      ...(capped.length ? { capped } : {}), ...(Object.keys(invalid).length ? { invalid } : {}),
      ...(schema.notes?.length ? { schemaNotes: schema.notes.filter((n) => features.some((f) => n.startsWith(`Column "${f}"`))) } : {}),
    });
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
      ...(this.capped.length ? { capped: [...this.capped] } : {}),
      ...(Object.keys(this.invalid).length ? { invalid: { ...this.invalid } } : {}),
      ...(this.schemaNotes.length ? { schemaNotes: [...this.schemaNotes] } : {}),
    });
  }

  /**
   * What a user should know about the features, one line each: columns left out (identifiers,
   * free text, constants), one-hot columns capped, values that did not fit their column.
   */
  notes(): string[] {
    const out: string[] = [...this.schemaNotes];
    if (this.dropped.length) out.push(`Columns not used: ${this.dropped.map((d) => `${d.column} (${d.reason})`).join(", ")}.`);
    for (const c of this.capped) out.push(`Column "${c.column}": one-hot over its ${c.kept} most frequent of ${c.levels} levels; the rest share "${OTHER}".`);
    for (const [c, n] of Object.entries(this.invalid)) out.push(`Column "${c}": ${n} training value(s) do not fit the column's kind and are read as missing.`);
    return out;
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
      names.push(`${step.column}=${OTHER}`);
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

/** Writes one cell's features at `at`; missing values (and ones that do not fit) impute to the training mean (scaled 0). */
function writeStep(step: FeatureStep, v: CellValue, out: Float32Array, at: number): void {
  const width = stepWidth(step);
  if (v !== null && !fits(step, v)) v = null;
  if (v === null) {
    // Scaled features impute to 0 (= the training mean); one-hot and boolean stay all-zero.
    if (step.missingIndicator) out[at + width - 1] = 1;
    return;
  }
  switch (step.kind) {
    case "numeric":
      out[at] = (asNumber(v)! - step.scale.mean) / step.scale.std;
      return;
    case "boolean":
      out[at] = v === true || v === "true" || v === 1 ? 1 : 0;
      return;
    case "categorical": {
      const idx = binaryIndex(step.categories, String(v));
      out[at + (idx >= 0 ? idx : step.categories.length)] = 1; // rare or unseen category → the other bucket
      return;
    }
    case "time":
      out[at] = (parseTime(v, step.format)! - step.scale.mean) / step.scale.std;
      return;
    case "datetime": {
      const d = parseDate(v, step.format)!;
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

/** Whether a present cell reads as its step's kind (numbers for numeric, dates in the step's format, …). */
function fits(step: FeatureStep, v: Exclude<CellValue, null>): boolean {
  switch (step.kind) {
    case "numeric": return asNumber(v) !== undefined;
    case "time": return parseTime(v, step.format) !== null;
    case "datetime": return parseDate(v, step.format) !== null;
    default: return true;
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
