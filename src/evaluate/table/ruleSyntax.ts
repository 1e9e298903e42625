/**
 * The text syntax of row rules (`--constraint`, `constraints: ["..."]` of generate() and evaluate()),
 * read into the RowRule objects the validity diagnostic defines (./validity.ts), so a declared rule
 * and a mined one are the same object, checked by the same code:
 *
 *   pickup <= dropoff        order (also <, >=, >), between two numeric or two datetime columns
 *   fare >= 0, 0 <= age <= 120, pickup >= 2024-01-01   range (inclusive; datetimes as ISO text)
 *   total = fare + tip [+ …] sum (`>=` for "at least")      total = price * quantity  product
 *   borough <- zone          lookup: borough is the one value real rows pair with that zone
 *   combo(city, zone, …)     fixed combinations: only combinations some real row has
 *
 * A column whose name holds spaces or operator characters is written in backticks: `` `pick up` ``.
 */
import type { RowRule } from "./validity.js";
import type { EvalKind } from "../types.js";
import { parseDateTimeMs } from "../../data/datetime.js";
import { InputError } from "../../errors.js";

/** A constraint that cannot be read or checked: one line naming the problem and the syntax. */
export class ConstraintError extends InputError {
  override name = "ConstraintError";
}

const SYNTAX =
  'write e.g. "pickup<=dropoff", "fare>=0", "0<=age<=120", "total=fare+tip", "total=price*quantity", "borough<-zone" or "combo(city,zone)"';

/** A column name (backticks removed) or undefined when the text is not a column. */
function columnOf(token: string, kinds: Readonly<Record<string, EvalKind>>): string | undefined {
  const t = token.trim();
  const name = /^`.*`$/.test(t) ? t.slice(1, -1) : t;
  return Object.prototype.hasOwnProperty.call(kinds, name) ? name : undefined;
}

function needColumn(token: string, kinds: Readonly<Record<string, EvalKind>>, text: string): string {
  if (token.trim() === "") throw new ConstraintError(`Constraint "${text}" is malformed: ${SYNTAX}.`);
  const c = columnOf(token, kinds);
  if (c !== undefined) return c;
  const shown = Object.keys(kinds).slice(0, 20).join(", ");
  throw new ConstraintError(`Constraint "${text}": "${token.trim()}" is not a column; columns are ${shown}.`);
}

/** A literal bound for a range on `column`: a number, or ISO date/time text for a datetime column. */
function literal(token: string, column: string, kinds: Readonly<Record<string, EvalKind>>, text: string): number {
  const t = token.trim().replace(/^["']|["']$/g, "");
  const kind = kinds[column];
  const x = kind === "datetime" ? parseDateTimeMs(t) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : Number.NaN;
  if (!Number.isFinite(x)) {
    // A word is most likely a misspelt column.
    if (/^[A-Za-z_`]/.test(t) && !/^\d/.test(t)) needColumn(token, kinds, text);
    const what = kind === "datetime" ? "an ISO date or time such as 2024-01-31 or 08:00" : "a number";
    throw new ConstraintError(`Constraint "${text}": "${token.trim()}" is neither a column nor ${what}; columns are ${Object.keys(kinds).slice(0, 20).join(", ")}.`);
  }
  return x;
}

/** Splits on a top-level operator outside backticks; returns [left, op, right] or undefined. */
function splitOn(text: string, ops: readonly string[]): [string, string, string] | undefined {
  let tick = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "`") { tick = !tick; continue; }
    if (tick) continue;
    for (const op of ops) if (text.startsWith(op, i)) return [text.slice(0, i), op, text.slice(i + op.length)];
  }
  return undefined;
}

function splitTerms(text: string, op: "+" | "*"): string[] {
  const out: string[] = [];
  let rest = text;
  for (let part = splitOn(rest, [op]); part; part = splitOn(rest, [op])) { out.push(part[0]); rest = part[2]; }
  out.push(rest);
  return out;
}

/** Reads one constraint; `kinds` are the table's columns as the evaluator reads them. */
export function parseConstraint(input: string, kinds: Readonly<Record<string, EvalKind>>): RowRule {
  const text = input.trim();
  if (!text) throw new ConstraintError(`An empty constraint: ${SYNTAX}.`);
  const combo = /^combo\s*\((.*)\)$/i.exec(text);
  if (combo) {
    const columns = combo[1]!.split(",").map((t) => needColumn(t, kinds, text));
    if (columns.length < 2 || new Set(columns).size !== columns.length) {
      throw new ConstraintError(`Constraint "${text}": combo() takes two or more different columns, e.g. combo(city,zone).`);
    }
    return { type: "combination", columns };
  }
  const lookup = splitOn(text, ["<-"]);
  if (lookup) return { type: "determines", a: needColumn(lookup[2], kinds, text), b: needColumn(lookup[0], kinds, text), both: false };
  // A chained range: LIT <= col <= LIT.
  const first = splitOn(text, ["<=", ">=", "<", ">", "="]);
  if (!first) throw new ConstraintError(`Constraint "${text}" has no comparison: ${SYNTAX}.`);
  const [left, op, right] = first;
  const second = splitOn(right, ["<=", ">=", "<", ">", "="]);
  if (second) {
    const col = needColumn(second[0], kinds, text);
    if (op !== "<=" || second[1] !== "<=") throw new ConstraintError(`Constraint "${text}": a range reads LOW<=${col}<=HIGH (bounds are inclusive).`);
    return rangeRule(col, literal(left, col, kinds, text), literal(second[2], col, kinds, text), kinds, text);
  }
  const plus = splitTerms(right, "+"), times = splitTerms(right, "*");
  if (plus.length > 1 || times.length > 1) {
    const total = needColumn(left, kinds, text);
    const product = times.length > 1;
    if (product && plus.length > 1) throw new ConstraintError(`Constraint "${text}": mix of + and *; a column is either a sum or a product of others.`);
    const parts = (product ? times : plus).map((t) => needColumn(t, kinds, text));
    if (parts.includes(total)) throw new ConstraintError(`Constraint "${text}": ${total} cannot be part of its own ${product ? "product" : "sum"}.`);
    if (op === "=") return product ? { type: "product", total, parts } : { type: "sum", total, parts, relation: "=" };
    if (op === ">=" && !product) return { type: "sum", total, parts, relation: "≥" };
    throw new ConstraintError(`Constraint "${text}": a ${product ? "product is written total=a*b" : "sum is written total=a+b (or total>=a+b)"}.`);
  }
  const lc = columnOf(left, kinds), rc = columnOf(right, kinds);
  if (lc !== undefined && rc !== undefined) {
    if (op === "=") throw new ConstraintError(`Constraint "${text}": two equal columns are one column; ${SYNTAX}.`);
    const strict = op === "<" || op === ">";
    return op.startsWith("<") ? { type: "order", a: lc, b: rc, strict } : { type: "order", a: rc, b: lc, strict };
  }
  if (lc === undefined && rc === undefined) needColumn(left, kinds, text);
  const col = (lc ?? rc)!;
  if (op === "=" ) throw new ConstraintError(`Constraint "${text}": to fix a value use a condition (--condition "${col}=…"); constraints compare.`);
  if (op === "<" || op === ">") throw new ConstraintError(`Constraint "${text}": range bounds are inclusive; write ${op}= instead of ${op}.`);
  const bound = literal((lc !== undefined ? right : left), col, kinds, text);
  // "col >= x" and "x <= col" are lower bounds.
  const lower = (lc !== undefined) === (op === ">=");
  return rangeRule(col, lower ? bound : undefined, lower ? undefined : bound, kinds, text);
}

function rangeRule(column: string, min: number | undefined, max: number | undefined, kinds: Readonly<Record<string, EvalKind>>, text: string): RowRule {
  if (kinds[column] !== "numeric" && kinds[column] !== "datetime") {
    throw new ConstraintError(`Constraint "${text}": ${column} is ${kinds[column]}, and a range needs a numeric or datetime column; use a condition for a category.`);
  }
  if (min !== undefined && max !== undefined && min > max) throw new ConstraintError(`Constraint "${text}": the range is empty (low bound above the high one).`);
  return { type: "range", column, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}
