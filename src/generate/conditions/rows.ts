/**
 * Conditions and constraints for the LLM modes, which work on records: the schema one cell's
 * rows must follow (its conditioned values as one-value enums, so structured output enforces them),
 * the prompt lines saying the same, and the filter their replies pass through (determined columns
 * recomputed, rows breaking a rule or not in the cell rejected with one message each, which the
 * engine quotes in its correction turn).
 */
import { frameFromRecords, frameToRecords, type Row } from "../../data/frame.js";
import type { CellValue, Schema } from "../../data/types.js";
import type { ConstraintSet } from "../constraints/index.js";
import { rowKey, type Cell, type ConditionPlan } from "./plan.js";

const numericKind = (schema: Schema, c: string): boolean => {
  const k = schema.columns.find((s) => s.name === c)?.kind;
  return k === "numeric" || k === "integer";
};

/** The schema with a cell's columns held at their values (an enum of one, or min = max). */
export function cellSchema(schema: Schema, cell: Cell | undefined): Schema {
  if (!cell || Object.keys(cell.fixed).length === 0) return schema;
  return {
    ...schema,
    columns: schema.columns.map((c) => {
      if (!Object.prototype.hasOwnProperty.call(cell.fixed, c.name)) return c;
      const v = cell.fixed[c.name]!;
      const { weights: _w, nullable: _n, ...rest } = c;
      if (typeof v === "number") return { ...rest, min: v, max: v };
      return { ...rest, values: [v as string | boolean] };
    }),
  };
}

/** Prompt lines: the cell's values and the rules. */
export function conditionPrompt(cell: Cell | undefined, constraints: ConstraintSet | undefined): string[] {
  const out: string[] = [];
  if (cell && Object.keys(cell.fixed).length) {
    out.push(`Every row must have ${Object.entries(cell.fixed).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(" and ")}.`);
  }
  const rules = constraints?.texts() ?? [];
  if (rules.length) out.push(`Every row must satisfy these rules:\n${rules.map((t) => `- ${t}`).join("\n")}`);
  return out;
}

/** For a program that writes all rows at once: the shares each conditioned value must have. */
export function planPrompt(plan: ConditionPlan | undefined, rows: number): string[] {
  if (!plan) return [];
  if (plan.cells.length === 1) return conditionPrompt(plan.cells[0], undefined);
  return [`Values wanted: ${plan.cells.map((c) => `${c.label} in ${((c.count / rows) * 100).toFixed(1)}% of rows`).join("; ")}.`];
}

/**
 * Keeps the rows that break no rule and belong to `cell` (any cell of the plan when `cell` is
 * undefined); determined columns come back recomputed. One error line per rejected row.
 */
export function filterRows(
  rows: readonly Row[], schema: Schema, plan: ConditionPlan | undefined, cell: Cell | undefined, constraints: ConstraintSet | undefined, offset = 0,
): { rows: Row[]; errors: string[] } {
  if (rows.length === 0 || (!plan && !constraints)) return { rows: [...rows], errors: [] };
  const names = schema.columns.map((c) => c.name);
  let frame = frameFromRecords(rows.map((r) => Object.fromEntries(names.map((n) => [n, r[n] ?? null]))));
  let ok = new Uint8Array(frame.rowCount).fill(1);
  const errors: string[] = [];
  const why: string[] = new Array<string>(frame.rowCount).fill("");
  if (constraints) {
    const e = constraints.enforce(frame);
    frame = e.frame;
    ok = e.ok;
    if (e.broken.size) {
      // Name the broken rule per row: re-check one rule at a time on the rejected rows only.
      const label = [...e.broken.keys()].join("; ");
      for (let i = 0; i < ok.length; i++) if (!ok[i]) why[i] = `breaks ${label}`;
    }
  }
  const keys = plan ? new Set((cell ? [cell] : plan.cells).map((c) => c.key)) : undefined;
  const numeric = plan ? plan.columns.map((c) => numericKind(schema, c)) : [];
  const records = frameToRecords(frame);
  const out: Row[] = [];
  records.forEach((r, i) => {
    if (ok[i] && plan && keys) {
      const k = rowKey(plan.columns, numeric, (c) => r[c] ?? null);
      if (k === null || !keys.has(k)) {
        ok[i] = 0;
        const want = cell ? Object.entries(cell.fixed).map(([c, v]) => `${c} must be ${JSON.stringify(v)}, got ${JSON.stringify(r[c] ?? null)}`).join(", ") : `its ${plan.columns.join(", ")} is not one asked for`;
        why[i] = want;
      }
    }
    if (ok[i]) out.push(r);
    else errors.push(`row ${offset + i + 1}: ${why[i] || "breaks a rule"}`);
  });
  return { rows: out, errors };
}

/** Picks each cell's rows (first come, first kept) from rows already filtered; reports the cells still short. */
export function fillCells(rows: readonly Row[], schema: Schema, plan: ConditionPlan | undefined, total: number): { rows: Row[]; short: { cell: Cell | undefined; have: number; want: number }[] } {
  if (!plan) return { rows: rows.slice(0, total), short: rows.length < total ? [{ cell: undefined, have: rows.length, want: total }] : [] };
  const numeric = plan.columns.map((c) => numericKind(schema, c));
  const have = new Map<string, number>();
  const want = new Map(plan.cells.map((c) => [c.key, c.count]));
  const out: Row[] = [];
  for (const r of rows) {
    const k = rowKey(plan.columns, numeric, (c) => (r[c] ?? null) as CellValue);
    if (k === null || !want.has(k)) continue;
    const n = have.get(k) ?? 0;
    if (n >= want.get(k)!) continue;
    have.set(k, n + 1);
    out.push(r);
  }
  const short = plan.cells.filter((c) => (have.get(c.key) ?? 0) < c.count).map((c) => ({ cell: c, have: have.get(c.key) ?? 0, want: c.count }));
  return { rows: out, short };
}
