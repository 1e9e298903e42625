/**
 * Schema-driven offline generator: seeded, deterministic per seed, column at a time into
 * plain arrays (no per-row objects), so it makes hundreds of thousands of rows per second.
 * Order: linked groups → independent columns → missing values → derived columns (by
 * dependency) → row checks (counted, reported as warnings).
 */
import type { CellValue, Frame } from "../../data/types.js";
import { compileExpression, evaluateColumns, evaluateVector, ExpressionError, type CompiledExpression } from "../expression.js";
import { dateWriter } from "../datetime.js";
import { streamFor, deriveSeed, type Rng } from "../random.js";
import { compilePattern } from "./pattern.js";
import { checkOfflineSchema, SchemaError, type OfflineColumn, type OfflineSchema } from "./schema.js";

export interface OfflineOptions {
  rows: number;
  seed: number;
  /** Called after each column with the share done (columns, not rows: generation is column-wise). */
  onColumn?: (done: number, total: number, column: string) => void;
  signal?: AbortSignal;
}

export interface OfflineOutput {
  frame: Frame;
  schema: OfflineSchema;
  warnings: string[];
}

/** Cumulative weights for binary-search sampling. */
function cumulative(weights: readonly number[] | undefined, n: number): Float64Array {
  const cum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) { total += weights ? weights[i]! : 1; cum[i] = total; }
  for (let i = 0; i < n; i++) cum[i] = cum[i]! / total;
  cum[n - 1] = 1; // guard against rounding leaving the last bucket short
  return cum;
}

function pick(cum: Float64Array, u: number): number {
  let lo = 0, hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < cum[mid]!) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/** Record indices for a weighted draw of `rows` items (shared by categorical and linked columns). */
function drawIndices(rng: Rng, rows: number, n: number, weights?: readonly number[]): Int32Array {
  const out = new Int32Array(rows);
  if (!weights && n > 0) {
    for (let i = 0; i < rows; i++) out[i] = Math.floor(rng.next() * n);
    return out;
  }
  const cum = cumulative(weights, n);
  for (let i = 0; i < rows; i++) out[i] = pick(cum, rng.next());
  return out;
}

function numberBound(c: OfflineColumn, key: "min" | "max"): number | undefined {
  const v = c[key];
  if (v === undefined) return undefined;
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n)) throw new SchemaError(`Column "${c.name}": ${key} must be a number, got ${JSON.stringify(v)}.`);
  return n;
}

function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/** A sampler of one numeric value per call, honouring distribution and range. */
function numericSampler(c: OfflineColumn, rng: Rng): () => number {
  const lo = numberBound(c, "min"), hi = numberBound(c, "max");
  if (lo !== undefined && hi !== undefined && lo > hi) {
    throw new SchemaError(`Column "${c.name}": min ${lo} is above max ${hi}; swap them.`);
  }
  const dist = c.distribution ?? "uniform";
  if (dist === "uniform") {
    if (lo === undefined || hi === undefined) {
      throw new SchemaError(`Column "${c.name}": a ${c.kind} column needs min and max (or distribution "normal" with mean and std).`);
    }
    const span = hi - lo;
    return () => lo + rng.next() * span;
  }
  let draw: () => number;
  if (dist === "normal") {
    const mean = c.mean ?? (lo !== undefined && hi !== undefined ? (lo + hi) / 2 : undefined);
    const std = c.std ?? (lo !== undefined && hi !== undefined ? (hi - lo) / 6 : undefined);
    if (mean === undefined || std === undefined || !(std >= 0)) {
      throw new SchemaError(`Column "${c.name}": distribution "normal" needs mean and std (std ≥ 0), or min and max to derive them.`);
    }
    draw = () => mean + std * rng.normal();
  } else if (dist === "lognormal") {
    const ok = lo !== undefined && hi !== undefined && lo > 0;
    const mu = c.mean ?? (ok ? (Math.log(lo) + Math.log(hi)) / 2 : undefined);
    const sigma = c.std ?? (ok ? (Math.log(hi) - Math.log(lo)) / 6 : undefined);
    if (mu === undefined || sigma === undefined || !(sigma >= 0)) {
      throw new SchemaError(`Column "${c.name}": distribution "lognormal" needs mean and std of log(value), or min > 0 and max to derive them.`);
    }
    draw = () => Math.exp(mu + sigma * rng.normal());
  } else {
    throw new SchemaError(`Column "${c.name}": unknown distribution "${String(dist)}"; use uniform, normal or lognormal.`);
  }
  if (lo === undefined && hi === undefined) return draw;
  const min = lo ?? -Infinity, max = hi ?? Infinity;
  // Redraw out-of-range values a few times (a truncated distribution), then clamp.
  return () => {
    for (let k = 0; k < 8; k++) { const v = draw(); if (v >= min && v <= max) return v; }
    return Math.min(max, Math.max(min, draw()));
  };
}

function genNumeric(c: OfflineColumn, rng: Rng, rows: number): CellValue[] {
  const out = new Array<CellValue>(rows);
  if (c.kind === "integer") {
    const lo = numberBound(c, "min"), hi = numberBound(c, "max");
    if ((c.distribution ?? "uniform") === "uniform") {
      if (lo === undefined || hi === undefined) throw new SchemaError(`Column "${c.name}": an integer column needs min and max.`);
      const a = Math.ceil(lo), b = Math.floor(hi);
      if (a > b) throw new SchemaError(`Column "${c.name}": no integer lies in [${lo}, ${hi}]; widen the range.`);
      const size = b - a + 1;
      if (c.unique) {
        if (size < rows) throw new SchemaError(`Column "${c.name}": ${rows} unique integers do not fit in [${a}, ${b}] (${size} values); widen the range or drop unique.`);
        if (size <= rows * 4) {
          // Partial Fisher–Yates over the whole range: exact, no retries.
          const pool = new Array<number>(size);
          for (let i = 0; i < size; i++) pool[i] = a + i;
          for (let i = 0; i < rows; i++) {
            const j = i + rng.int(size - i);
            const t = pool[i]!; pool[i] = pool[j]!; pool[j] = t;
            out[i] = pool[i]!;
          }
          return out;
        }
        const seen = new Set<number>();
        for (let i = 0; i < rows; i++) {
          let v: number;
          do v = a + rng.int(size); while (seen.has(v));
          seen.add(v);
          out[i] = v;
        }
        return out;
      }
      for (let i = 0; i < rows; i++) out[i] = a + Math.floor(rng.next() * size);
      return out;
    }
    const sample = numericSampler(c, rng);
    return fillUnique(c, rows, () => Math.round(sample()));
  }
  const sample = numericSampler(c, rng);
  const d = c.decimals;
  return fillUnique(c, rows, d === undefined ? sample : () => roundTo(sample(), d));
}

/** Fills an array from a draw function; for unique columns redraws repeats (bounded, then a clear error). */
function fillUnique(c: OfflineColumn, rows: number, draw: () => CellValue): CellValue[] {
  const out = new Array<CellValue>(rows);
  if (!c.unique) {
    for (let i = 0; i < rows; i++) out[i] = draw();
    return out;
  }
  const seen = new Set<CellValue>();
  let attempts = 0;
  const limit = rows * 20 + 100;
  for (let i = 0; i < rows; i++) {
    let v = draw();
    while (seen.has(v)) {
      if (++attempts > limit) {
        throw new SchemaError(`Column "${c.name}": could only make ${seen.size} distinct values for ${rows} rows; widen its range or pattern, or drop unique.`);
      }
      v = draw();
    }
    seen.add(v);
    out[i] = v;
  }
  return out;
}

function genCategorical(c: OfflineColumn, rng: Rng, rows: number): CellValue[] {
  const values: readonly (string | boolean)[] | undefined =
    c.kind === "boolean" ? (c.values ?? [true, false]) : c.values;
  if (!values || values.length === 0) {
    throw new SchemaError(`Column "${c.name}": a categorical column needs "values" (and optional "weights").`);
  }
  if (c.unique) {
    if (values.length < rows) throw new SchemaError(`Column "${c.name}": unique with ${values.length} values cannot fill ${rows} rows; drop unique.`);
    return rng.shuffle([...values]).slice(0, rows);
  }
  const idx = drawIndices(rng, rows, values.length, c.weights);
  const out = new Array<CellValue>(rows);
  for (let i = 0; i < rows; i++) out[i] = values[idx[i]!]!;
  return out;
}

function genDatetime(c: OfflineColumn, rng: Rng, rows: number): CellValue[] {
  const unix = c.format === "unix-s" || c.format === "unix-ms";
  if (unix ? typeof c.min !== "number" || typeof c.max !== "number" : typeof c.min !== "string" || typeof c.max !== "string") {
    throw new SchemaError(`Column "${c.name}": a datetime column needs min and max as ${unix ? "numbers" : "strings"}, e.g. "2022-01-01" and "2022-12-31", or "06:00" and "21:00".`);
  }
  const writer = dateWriter(c.format, [c.min, c.max]);
  if (!writer) throw new SchemaError(`Column "${c.name}": min "${c.min}" is not a date (YYYY-MM-DD), ISO datetime or time (HH:MM[:SS])${c.format ? ` in the format ${c.format}` : ""}.`);
  const lo = writer.read(c.min!), hi = writer.read(c.max!);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new SchemaError(`Column "${c.name}": cannot read min "${c.min}" / max "${c.max}" in the format ${writer.format}.`);
  }
  if (lo > hi) throw new SchemaError(`Column "${c.name}": min ${c.min} is after max ${c.max}; swap them.`);
  // Draw whole units of what the format shows (days, minutes, seconds, ms); each distinct text is made
  // once when there are fewer of them than rows (06:00:00–21:00:00 is 54,001 seconds).
  const unit = writer.unitMs;
  const steps = Math.floor((hi - lo) / unit) + 1;
  if (steps <= 200_000 && steps <= rows) {
    const table = new Array<CellValue>(steps);
    for (let k = 0; k < steps; k++) table[k] = writer.write(lo + k * unit);
    return fillUnique(c, rows, () => table[Math.floor(rng.next() * steps)]!);
  }
  return fillUnique(c, rows, () => writer.write(lo + Math.floor(rng.next() * steps) * unit));
}

type FakerLike = Record<string, unknown> & { seed(seed: number): unknown };

/**
 * A private, seeded faker instance (the user's global faker keeps its own seed). Loaded from the
 * English-only entry point: about 6× faster to import than the all-locales main entry.
 */
async function fakerFor(seed: number): Promise<FakerLike> {
  const { faker } = await import("@faker-js/faker/locale/en");
  const FakerClass = faker.constructor as new (options: { locale: unknown }) => unknown;
  const f = new FakerClass({ locale: faker.rawDefinitions }) as FakerLike;
  f.seed(seed);
  return f;
}

function fakerMethod(c: OfflineColumn, faker: FakerLike, path: string): () => string {
  let target: unknown = faker;
  let owner: unknown = faker;
  for (const part of path.split(".")) {
    owner = target;
    target = typeof target === "object" && target !== null ? (target as Record<string, unknown>)[part] : undefined;
  }
  if (typeof target !== "function") {
    throw new SchemaError(`Column "${c.name}": faker method "${path}" does not exist; try e.g. person.fullName, location.city, internet.email, lorem.sentence.`);
  }
  const fn = target as (this: unknown) => unknown;
  return () => String(fn.call(owner));
}

async function genText(c: OfflineColumn, seed: number, rng: Rng, rows: number): Promise<CellValue[]> {
  if (c.faker !== undefined) {
    const faker = await fakerFor(deriveSeed(seed, `${c.name}#faker`));
    return fillUnique(c, rows, fakerMethod(c, faker, c.faker));
  }
  if (c.pattern !== undefined) {
    let gen: (next: () => number) => string;
    try { gen = compilePattern(c.pattern); } catch (e) {
      throw new SchemaError(`Column "${c.name}": ${(e as Error).message}`);
    }
    const next = rng.next;
    return fillUnique(c, rows, () => gen(next));
  }
  if (c.kind === "id") {
    // Sequential ids: unique by construction and cheap.
    const out = new Array<CellValue>(rows);
    const prefix = c.prefix;
    const pad = c.padding ?? 0;
    if (prefix === undefined && pad === 0) { for (let i = 0; i < rows; i++) out[i] = i + 1; return out; }
    const p = prefix ?? "";
    const zeros = "0".repeat(pad);
    for (let i = 0; i < rows; i++) {
      const digits = String(i + 1);
      out[i] = digits.length >= pad ? p + digits : p + zeros.slice(digits.length) + digits;
    }
    return out;
  }
  const faker = await fakerFor(deriveSeed(seed, `${c.name}#faker`));
  return fillUnique(c, rows, fakerMethod(c, faker, "lorem.sentence"));
}

/** Orders derived columns so each comes after the columns its expression reads. */
function orderDerived(derived: OfflineColumn[], compiled: Map<string, CompiledExpression>, known: Set<string>): OfflineColumn[] {
  const byName = new Map(derived.map((c) => [c.name, c]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: OfflineColumn[] = [];
  const visit = (c: OfflineColumn, path: string[]): void => {
    if (done.has(c.name)) return;
    if (visiting.has(c.name)) {
      throw new SchemaError(`Derived columns depend on each other in a cycle: ${[...path, c.name].join(" → ")}; break the cycle.`);
    }
    visiting.add(c.name);
    for (const dep of compiled.get(c.name)!.names) {
      const d = byName.get(dep);
      if (d) visit(d, [...path, c.name]);
      else if (!known.has(dep)) {
        throw new SchemaError(`Column "${c.name}": expression "${c.expression}" uses "${dep}", which is not a column of the schema.`);
      }
    }
    visiting.delete(c.name);
    done.add(c.name);
    order.push(c);
  };
  for (const c of derived) visit(c, []);
  return order;
}

function applyNulls(col: CellValue[], share: number, rng: Rng): void {
  if (!(share > 0)) return;
  for (let i = 0; i < col.length; i++) if (rng.next() < share) col[i] = null;
}

export async function generateOffline(schemaInput: unknown, options: OfflineOptions): Promise<OfflineOutput> {
  const { rows, seed } = options;
  if (!Number.isInteger(rows) || rows < 0) throw new SchemaError(`rows must be a whole number ≥ 0, got ${String(rows)}.`);
  if (!Number.isFinite(seed)) throw new SchemaError(`seed must be a number, got ${String(seed)}.`);
  const schema = checkOfflineSchema(schemaInput);
  // No prototype: a column may be called "constructor" or "toString".
  const columns = Object.create(null) as Record<string, CellValue[]>;
  const total = schema.columns.length;
  let done = 0;
  const step = (name: string): void => {
    done++;
    options.onColumn?.(done, total, name);
    if (options.signal?.aborted) {
      const err = new Error("Generation was interrupted.");
      err.name = "AbortError";
      throw err;
    }
  };

  for (const group of schema.linked ?? []) {
    const cols = group.columns ?? Object.keys(group.records[0]!);
    const idx = drawIndices(streamFor(seed, `linked:${group.name}`), rows, group.records.length, group.weights);
    for (const col of cols) {
      const out = new Array<CellValue>(rows);
      const vals = group.records.map((r) => r[col] ?? null);
      for (let i = 0; i < rows; i++) out[i] = vals[idx[i]!]!;
      columns[col] = out;
      step(col);
    }
  }

  const derived: OfflineColumn[] = [];
  for (const c of schema.columns) {
    if (Object.hasOwn(columns, c.name)) continue; // linked
    if (c.expression !== undefined) { derived.push(c); continue; }
    const rng = streamFor(seed, c.name);
    switch (c.kind) {
      case "numeric": case "integer": columns[c.name] = genNumeric(c, rng, rows); break;
      case "categorical": case "boolean": columns[c.name] = genCategorical(c, rng, rows); break;
      case "datetime": columns[c.name] = genDatetime(c, rng, rows); break;
      default: columns[c.name] = await genText(c, seed, rng, rows);
    }
    step(c.name);
  }

  for (const c of schema.columns) {
    if (c.expression === undefined) applyNulls(columns[c.name]!, c.nullable ?? 0, streamFor(seed, `${c.name}#null`));
  }

  const compiled = new Map<string, CompiledExpression>();
  for (const c of derived) {
    try { compiled.set(c.name, compileExpression(c.expression!)); } catch (e) {
      throw new SchemaError(`Column "${c.name}": ${(e as Error).message}`);
    }
  }
  for (const c of orderDerived(derived, compiled, new Set(Object.keys(columns)))) {
    let values: (number | boolean | null)[];
    try { values = evaluateColumns(compiled.get(c.name)!, columns, rows); } catch (e) {
      if (e instanceof ExpressionError) throw new SchemaError(`Column "${c.name}": ${e.message}`);
      throw e;
    }
    const d = c.decimals ?? (c.kind === "integer" ? 0 : undefined);
    if (d !== undefined) for (let i = 0; i < rows; i++) { const v = values[i]; if (typeof v === "number") values[i] = roundTo(v, d); }
    columns[c.name] = values;
    applyNulls(values, c.nullable ?? 0, streamFor(seed, `${c.name}#null`));
    step(c.name);
  }

  const names = schema.columns.map((c) => c.name);
  const frame: Frame = { columnNames: names, columns, rowCount: rows };
  return { frame, schema, warnings: runChecks(schema.checks ?? [], frame) };
}

/** Row checks: counted, not enforced (a generator that breaks its own checks is a schema bug worth seeing). */
export function runChecks(checks: readonly string[], frame: Frame): string[] {
  const warnings: string[] = [];
  for (const check of checks) {
    let expr: CompiledExpression;
    try { expr = compileExpression(check); } catch (e) {
      warnings.push(`Check "${check}" was skipped: ${(e as Error).message}`);
      continue;
    }
    const missing = expr.names.filter((n) => !Object.hasOwn(frame.columns, n));
    if (missing.length) { warnings.push(`Check "${check}" was skipped: unknown column(s) ${missing.join(", ")}.`); continue; }
    let failed = 0;
    try {
      // A check fails where it is false (0); missing inputs (NaN) do not count as failures.
      const { values } = evaluateVector(expr, frame.columns, frame.rowCount);
      for (let i = 0; i < values.length; i++) if (values[i] === 0) failed++;
    } catch (e) {
      warnings.push(`Check "${check}" was skipped: ${(e as Error).message}`);
      continue;
    }
    if (failed) warnings.push(`Check "${check}" fails on ${failed} of ${frame.rowCount} rows.`);
  }
  return warnings;
}
