/**
 * The text syntax of conditions and rebalance targets:
 *
 *   --condition "coffee_name=Latte"                 every row has this value (repeatable, one per column)
 *   --condition "coffee_name=Latte:300,Cocoa:300"   exactly these counts (they must add up to --rows)
 *   --rebalance coffee_name                         every real value equally often (= "coffee_name=uniform")
 *   --rebalance "coffee_name=Latte:0.5,Cocoa:0.5"   these shares (or 50%), adding up to 1; values not listed get none
 *
 * A value holding "," or ":" (or starting with a quote) is written in double quotes: `city="Washington, DC":10`.
 */
import { GenerateError } from "../types.js";

/** A condition as the library takes it. */
export type ConditionInput =
  | string
  | { column: string; value: string | number | boolean }
  | { column: string; counts: Readonly<Record<string, number>> };

/** A rebalance target as the library takes it: a column (uniform) or its text, or an object. */
export type RebalanceInput = string | { column: string; shares?: "uniform" | Readonly<Record<string, number>> };

/** A parsed condition: the value texts are matched to real values later (plan.ts). */
export type ParsedCondition =
  | { kind: "fixed"; column: string; value: string | number | boolean }
  | { kind: "counts"; column: string; counts: [string, number][] }
  | { kind: "shares"; column: string; shares: [string, number][] | "uniform" };

/** Splits "a:1,b:2" on top-level commas, honouring double quotes. */
function splitList(text: string, what: string): string[] {
  const out: string[] = [];
  let cur = "", quoted = false;
  for (const ch of text) {
    if (ch === '"') { quoted = !quoted; cur += ch; continue; }
    if (ch === "," && !quoted) { out.push(cur); cur = ""; continue; }
    cur += ch;
  }
  if (quoted) throw new GenerateError(`${what}: a double quote is not closed.`);
  out.push(cur);
  return out;
}

const unquote = (s: string): string => {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
};

/** "Latte:300" → ["Latte", "300"]: the last colon outside quotes. */
function splitPair(item: string): [string, string] | undefined {
  let quoted = false, at = -1;
  for (let i = 0; i < item.length; i++) {
    if (item[i] === '"') quoted = !quoted;
    else if (item[i] === ":" && !quoted) at = i;
  }
  return at < 0 ? undefined : [unquote(item.slice(0, at)), item.slice(at + 1).trim()];
}

function columnAndRest(text: string, what: string, example: string): [string, string | undefined] {
  const at = text.indexOf("=");
  if (at < 0) return [text.trim(), undefined];
  const column = text.slice(0, at).trim();
  if (!column) throw new GenerateError(`${what} "${text}" names no column; write e.g. ${example}.`);
  return [column, text.slice(at + 1)];
}

export function parseCondition(input: ConditionInput): ParsedCondition {
  const what = "Condition";
  const example = '"coffee_name=Latte" or "coffee_name=Latte:300,Cocoa:300"';
  if (typeof input === "object" && input !== null) {
    if (typeof input.column !== "string" || !input.column) throw new GenerateError(`A condition object needs a column, e.g. { column: "coffee_name", value: "Latte" }.`);
    if ("counts" in input) return { kind: "counts", column: input.column, counts: Object.entries(input.counts).map(([k, v]) => [k, checkCount(v, `${input.column}=${k}`)]) };
    if ("value" in input && ["string", "number", "boolean"].includes(typeof input.value)) return { kind: "fixed", column: input.column, value: input.value };
    throw new GenerateError(`Condition on ${input.column}: give a value ({ column, value: "Latte" }) or counts ({ column, counts: { Latte: 300 } }).`);
  }
  if (typeof input !== "string") throw new GenerateError(`A condition is text such as ${example}, got ${JSON.stringify(input)}.`);
  const [column, rest] = columnAndRest(input, what, example);
  if (rest === undefined || rest.trim() === "") throw new GenerateError(`${what} "${input}" has no value; write e.g. ${example}.`);
  const items = splitList(rest, `${what} "${input}"`);
  const pairs = items.map(splitPair);
  if (items.length === 1 && !pairs[0]) return { kind: "fixed", column, value: unquote(rest) };
  if (pairs.some((p) => !p)) throw new GenerateError(`${what} "${input}": every value needs a count (Latte:300,Cocoa:300), or give one value without a count.`);
  return { kind: "counts", column, counts: pairs.map((p) => [p![0], checkCount(Number(p![1]), `${column}=${p![0]}:${p![1]}`, p![1])]) };
}

function checkCount(n: number, where: string, raw?: string): number {
  if (!Number.isInteger(n) || n < 0) throw new GenerateError(`Condition ${where}: the count must be a whole number ≥ 0, got ${raw ?? String(n)}.`);
  return n;
}

export function parseRebalance(input: RebalanceInput): ParsedCondition {
  const example = '"coffee_name", "coffee_name=uniform" or "coffee_name=Latte:0.5,Cocoa:0.5"';
  if (typeof input === "object" && input !== null) {
    if (typeof input.column !== "string" || !input.column) throw new GenerateError(`A rebalance object needs a column, e.g. { column: "coffee_name", shares: "uniform" }.`);
    const s = input.shares ?? "uniform";
    if (s === "uniform") return { kind: "shares", column: input.column, shares: "uniform" };
    return { kind: "shares", column: input.column, shares: checkShares(Object.entries(s).map(([k, v]) => [k, v, String(v)]), input.column) };
  }
  if (typeof input !== "string") throw new GenerateError(`rebalance is a column name or text such as ${example}.`);
  const [column, rest] = columnAndRest(input, "Rebalance", example);
  if (!column) throw new GenerateError(`Rebalance names no column; write e.g. ${example}.`);
  if (rest === undefined || rest.trim() === "" || rest.trim() === "uniform") return { kind: "shares", column, shares: "uniform" };
  const items = splitList(rest, `Rebalance "${input}"`).map(splitPair);
  if (items.some((p) => !p)) throw new GenerateError(`Rebalance "${input}": give each value a share (Latte:0.5,Cocoa:0.5 or Latte:50%), or "uniform".`);
  return {
    kind: "shares", column,
    shares: checkShares(items.map((p) => {
      const raw = p![1];
      const pct = raw.endsWith("%");
      const x = Number(pct ? raw.slice(0, -1) : raw);
      return [p![0], pct ? x / 100 : x, raw];
    }), column),
  };
}

function checkShares(items: [string, number, string][], column: string): [string, number][] {
  for (const [k, x, raw] of items) {
    if (!Number.isFinite(x) || x < 0 || x > 1) throw new GenerateError(`Rebalance ${column}: the share of ${k} must be between 0 and 1 (or 0% and 100%), got ${raw}.`);
  }
  const total = items.reduce((s, [, x]) => s + x, 0);
  if (Math.abs(total - 1) > 1e-3) {
    throw new GenerateError(`Rebalance ${column}: the shares add up to ${+total.toFixed(4)}, not 1; list every value wanted with shares adding up to 1 (values left out get none).`);
  }
  return items.map(([k, x]) => [k, x]);
}
