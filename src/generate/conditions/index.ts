/**
 * Conditional generation for the sampling modes (offline, copula, and any mode with a Sampler):
 * one mode-agnostic loop that draws rows, recomputes determined columns and rejects rows breaking a
 * constraint (src/generate/constraints/), sorts the rest into the plan's cells (one per conditioned
 * value) and tops up until every cell has its exact count. A sampler that can hold a column at a
 * value exactly (the copula's conditional normal; a sequential mode drawing that column first) says
 * so in `exact`, and is then asked per cell with the values fixed; other cells share plain draws and
 * keep the rows that happen to match. Draws are capped: a cell still short at the cap is an error
 * naming it (never silently fewer rows), and a value rare enough to need many draws is warned about.
 * The LLM modes use their engine's own top-up rounds instead (src/generate/llm/).
 */
import type { CellValue, Frame, Schema } from "../../data/types.js";
import { concatFrames, takeRows } from "../../data/frame.js";
import { dedupRows } from "../dedup.js";
import { streamFor } from "../random.js";
import { GenerateError, type GenerateHooks, type Sampler } from "../types.js";
import type { ConstraintSet } from "../constraints/index.js";
import { rowKey } from "./plan.js";
import type { Cell, ConditionPlan } from "../types.js";

export { planConditions, countsForShares, valueKey, rowKey } from "./plan.js";
export type { Cell, ConditionPlan, PlanOptions } from "./plan.js";
export { parseCondition, parseRebalance } from "./parse.js";
export type { ConditionInput, RebalanceInput, ParsedCondition } from "./parse.js";

/** At most this many rows drawn per row wanted (plus MIN_DRAW_BUDGET) before a short cell is an error. */
export const MAX_DRAW_FACTOR = 200;
const MIN_DRAW_BUDGET = 20_000;
/** Rounds of top-up draws. */
export const MAX_ROUNDS = 40;
/** A cell whose values come with fewer reference rows than this share is rare: a warning. */
export const RARE_SHARE = 0.01;

export type { Sampler } from "../types.js";

export interface DrawOptions {
  rows: number;
  seed: number;
  plan?: ConditionPlan;
  constraints?: ConstraintSet;
  dedup?: boolean | "exact" | "near";
  like?: Frame;
  /** True when the plan's shares were measured on real rows (a share of 0 is then impossible). */
  sharesFromReal?: boolean;
  mode: string;
  hooks: GenerateHooks;
}

export interface DrawResult {
  frame: Frame;
  warnings: string[];
  /** Rows drawn, and rejected per reason (a rule's text, "condition", "duplicate"). */
  drawn: number;
  rejected: Record<string, number>;
  duplicatesRemoved: number;
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

function schemaNumeric(schema: Schema, column: string): boolean {
  const k = schema.columns.find((c) => c.name === column)?.kind;
  return k === "numeric" || k === "integer";
}

/** Draws until each cell of the plan (or the whole run) has its rows, honouring the constraints. */
export async function drawRows(sampler: Sampler, opts: DrawOptions): Promise<DrawResult> {
  const { rows, seed, plan, constraints, hooks } = opts;
  const started = performance.now();
  const warnings: string[] = [];
  const cells: Cell[] = plan?.cells.map((c) => ({ ...c })) ?? [{ key: "", fixed: {}, count: rows, label: "", share: 1 }];
  const columns = plan?.columns ?? [];
  const numeric = columns.map((c) => schemaNumeric(sampler.schema, c));
  const isExact = (c: Cell): boolean => Object.keys(c.fixed).every((k) => sampler.exact.has(k));
  for (const c of cells) {
    if (isExact(c) || c.share === null) continue;
    if (c.share === 0 && opts.sharesFromReal) {
      throw new GenerateError(`${opts.mode}: no real row has ${c.label}, and this mode only keeps rows it happens to draw; use --mode copula (it conditions exactly) or another value.`);
    }
    if (c.share < RARE_SHARE) {
      const per = c.share > 0 ? Math.ceil(1 / c.share) : Infinity;
      warnings.push(
        `${c.label} is rare (${(c.share * 100).toFixed(2)}% of the ${opts.sharesFromReal ? "real" : "pilot"} rows): the ${opts.mode} mode keeps about 1 draw in ` +
          `${Number.isFinite(per) ? fmt(per) : "many"}, so ${fmt(c.count)} rows take many draws; the copula mode conditions exactly.`,
      );
    }
  }
  const byKey = new Map(cells.map((c) => [c.key, c]));
  const got = new Map<string, Frame[]>(cells.map((c) => [c.key, []]));
  const have = new Map<string, number>(cells.map((c) => [c.key, 0]));
  const tried = new Map<string, number>(cells.map((c) => [c.key, 0])); // rows drawn towards each cell
  const kept = new Map<string, number>(cells.map((c) => [c.key, 0]));
  const rejected: Record<string, number> = {};
  const budget = rows * MAX_DRAW_FACTOR + MIN_DRAW_BUDGET;
  let drawn = 0, duplicatesRemoved = 0;

  /** Keeps the rows of `frame` that break no rule and fill one of `open` cells. */
  function take(frame: Frame, open: readonly Cell[]): void {
    drawn += frame.rowCount;
    for (const c of open) tried.set(c.key, tried.get(c.key)! + frame.rowCount);
    let f = frame;
    let ok: Uint8Array = new Uint8Array(f.rowCount).fill(1);
    if (constraints) {
      const e = constraints.enforce(f);
      f = e.frame;
      ok = e.ok;
      for (const [t, n] of e.broken) rejected[t] = (rejected[t] ?? 0) + n;
    }
    const openKeys = new Set(open.map((c) => c.key));
    const picks = new Map<string, number[]>();
    let off = 0;
    for (let i = 0; i < f.rowCount; i++) {
      if (!ok[i]) continue;
      const k = columns.length ? rowKey(columns, numeric, (c) => f.columns[c]![i]!) : "";
      const cell = k === null ? undefined : byKey.get(k);
      if (!cell || !openKeys.has(cell.key)) { off++; continue; }
      const list = picks.get(cell.key) ?? [];
      if (have.get(cell.key)! + list.length >= cell.count) continue;
      list.push(i);
      picks.set(cell.key, list);
    }
    if (off) rejected["condition"] = (rejected["condition"] ?? 0) + off;
    for (const [k, idx] of picks) {
      got.get(k)!.push(takeRows(f, idx));
      have.set(k, have.get(k)! + idx.length);
      kept.set(k, kept.get(k)! + idx.length);
    }
  }

  /** Rows to ask for so that `deficit` survive at the observed (or expected) keep rate. */
  function ask(c: Cell, exact: boolean): number {
    const t = tried.get(c.key)!, k = kept.get(c.key)!;
    const prior = exact ? 1 : c.share ?? 1;
    const rate = t > 0 ? Math.max(k / t, 1 / MAX_DRAW_FACTOR) : Math.max(prior, 0.05);
    const deficit = c.count - have.get(c.key)!;
    return Math.ceil((deficit / rate) * 1.15) + 8;
  }

  for (let round = 0; round < MAX_ROUNDS && drawn < budget; round++) {
    if (hooks.signal?.aborted) break;
    const open = cells.filter((c) => have.get(c.key)! < c.count);
    if (open.length === 0) break;
    const exactOpen = open.filter(isExact);
    const shared = open.filter((c) => !isExact(c));
    for (const [i, c] of exactOpen.entries()) {
      const n = Math.min(ask(c, true), Math.max(1, budget - drawn), 200_000);
      take(await sampler.sample(n, seed + (round + 1) * 7919 + i * 104_729, c.fixed), [c]);
    }
    if (shared.length) {
      const n = Math.min(Math.max(...shared.map((c) => ask(c, false))), Math.max(1, budget - drawn), 500_000);
      take(await sampler.sample(n, seed + (round + 1) * 7919 + 999_983), shared);
    }
    if (opts.dedup && cells.some((c) => have.get(c.key)! > 0)) {
      // Duplicates of real rows (or of each other) out, then the next round tops the cells up.
      const all = concatFrames(cells.flatMap((c) => got.get(c.key)!).filter((f) => f.rowCount > 0));
      const res = dedupRows(all, { mode: opts.dedup === "exact" ? "exact" : "near", ...(opts.like ? { against: opts.like } : {}) });
      duplicatesRemoved += res.counts.removed;
      if (res.counts.removed) rejected["duplicate"] = (rejected["duplicate"] ?? 0) + res.counts.removed;
      for (const c of cells) { got.set(c.key, []); have.set(c.key, 0); }
      const f = res.frame;
      const idx = new Map<string, number[]>();
      for (let i = 0; i < f.rowCount; i++) {
        const k = columns.length ? rowKey(columns, numeric, (c) => f.columns[c]![i]!) : "";
        if (k === null || !byKey.has(k)) continue;
        (idx.get(k) ?? idx.set(k, []).get(k)!).push(i);
      }
      for (const [k, list] of idx) { got.set(k, [takeRows(f, list)]); have.set(k, list.length); }
    }
    const done = cells.reduce((s, c) => s + have.get(c.key)!, 0);
    const secs = (performance.now() - started) / 1000;
    hooks.onProgress({ rows: done, target: rows, rowsPerSecond: secs > 0 ? done / secs : 0, phase: `round ${round + 1}: ${fmt(drawn)} rows drawn` });
  }
  if (hooks.signal?.aborted) throw new GenerateError(`${opts.mode}: stopped before every condition was met.`);
  const short = cells.filter((c) => have.get(c.key)! < c.count);
  if (short.length) {
    const why = Object.entries(rejected).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([t, n]) => `${fmt(n)} by ${t === "condition" ? "the condition" : t === "duplicate" ? "duplicates" : `"${t}"`}`).join(", ");
    const what = short.map((c) => `${fmt(have.get(c.key)!)} of ${fmt(c.count)} rows${c.label ? ` with ${c.label}` : ""}`).join("; ");
    throw new GenerateError(
      `${opts.mode}: only ${what} after drawing ${fmt(drawn)} rows (rejected ${why || "none"}); ` +
        `lower the count, loosen or drop a constraint${short.some((c) => !isExact(c)) ? ", or use --mode copula, which conditions exactly" : ""}.`,
    );
  }
  const parts = cells.flatMap((c) => got.get(c.key)!).filter((f) => f.rowCount > 0);
  let frame = parts.length ? concatFrames(parts) : await sampler.sample(0, seed);
  if (cells.length > 1) {
    // Cells were filled one after another: shuffle so row order says nothing about the value.
    const order = streamFor(seed, "conditions:order").shuffle(Array.from({ length: frame.rowCount }, (_, i) => i));
    frame = takeRows(frame, order);
  }
  if (sampler.finish) frame = await sampler.finish(frame, seed);
  return { frame, warnings, drawn, rejected, duplicatesRemoved };
}
