/**
 * %%generate NAME [--mode ...] [--rows N] [--like VAR|PATH] [--schema PATH|VAR|example] [--seed N] ...
 * with the description in the cell body. Shows live progress in place (one display_id, updated
 * at most ~4 times a second), binds a danfo DataFrame to NAME and ends with a summary.
 * Heavy modules are imported inside `run` so kernel start stays fast.
 */
import type { CellIO } from "../../kernel/types.js";
import type { MagicArgs, MagicContext, MagicDefinition } from "../types.js";
import { MagicUsageError, NOTEBOOK_TYPES } from "../types.js";
import { displaySymbol } from "../../display/protocol.js";
import type { Frame, Schema } from "../../data/types.js";
import type { Progress } from "../../generate/types.js";
import type { MimeBundle } from "../../display/protocol.js";
import { progressBundle, throttle } from "../../display/progress.js";
import { LINE_CHARS, printableLine, printableText } from "../../display/untrusted.js";
import { MAX_ROWS } from "../../limits.js";
import { tableNameHint } from "../hints.js";

export { throttle };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MODES = ["offline", "copula", "llm-rows", "llm-program", "text"] as const;
/** Library errors that mean "bad input": shown as one usage line, never a stack. */
const INPUT_ERRORS = new Set([
  "GenerateError", "DateFormatError", "SchemaError", "ExpressionError", "PatternError", "CopulaError", "FrameError", "CsvError",
  "CoercionError", "LlmConfigError", "BudgetExceededError",
]);

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

export function progressText(name: string, mode: string, p: Progress, done = false): string {
  const parts = [`${done ? "Generated" : "Generating"} ${name} (${mode}): ${fmt(p.rows)} / ${fmt(p.target)} rows`];
  if (p.rowsPerSecond > 0) parts.push(`${fmt(p.rowsPerSecond)} rows/s`);
  if (p.tokens !== undefined) parts.push(`${fmt(p.tokens)} tokens`);
  if (p.costUsd !== undefined) parts.push(`$${p.costUsd.toFixed(4)}`);
  if (p.requests !== undefined) parts.push(`${fmt(p.requests)} requests`);
  if (p.cacheHits) parts.push(`${fmt(p.cacheHits)} cache hits`);
  if (p.retries !== undefined) parts.push(`${fmt(p.retries)} retries`);
  if (p.invalidRows !== undefined) parts.push(`${fmt(p.invalidRows)} invalid`);
  if (p.phase && !done) parts.push(p.phase);
  return parts.join(" · ");
}

/** The %%generate progress bar: rows done of the target. */
function rowsBundle(text: string, p: Progress): MimeBundle {
  return progressBundle(text, p.rows, p.target);
}

async function resolveLike(value: string, ctx: MagicContext): Promise<Frame> {
  const { toFrame } = await import("../../data/frame.js");
  if (ctx.scope.has(value)) {
    try { return toFrame(ctx.scope.get(value)); } catch (e) {
      throw new MagicUsageError(`--like ${value}: the variable is not a table (${(e as Error).message})`);
    }
  }
  const { resolve } = await import("node:path");
  const { existsSync } = await import("node:fs");
  const path = resolve(ctx.cwd, value);
  if (!existsSync(path)) {
    const hint = await tableNameHint(value, ctx.scope, false);
    throw new MagicUsageError(
      hint
        ? `--like ${value}: no notebook variable or file of that name${hint}`
        : `--like ${value}: no notebook variable or file of that name; load the real data first (e.g. %dataset coffee-sales --as real).`,
    );
  }
  const { readCsv, readJsonl } = await import("../../data/csv.js");
  return /\.jsonl$/i.test(path) ? readJsonl(path) : readCsv(path, { log: (line) => ctx.io.stdout(line + "\n") });
}

/** A Schema, a zod z.object or a JSON Schema object; generate() converts the latter two. */
async function resolveSchema(value: string, ctx: MagicContext): Promise<Schema | object> {
  if (ctx.scope.has(value)) {
    const v = ctx.scope.get(value);
    const { isZodSchema, isJsonSchema } = await import("../../generate/schema-input.js");
    if (typeof v === "object" && v !== null && (Array.isArray((v as Schema).columns) || isZodSchema(v) || isJsonSchema(v))) return v;
    throw new MagicUsageError(`--schema ${value}: the variable is not a schema ({ columns: [...] }, a zod z.object or a JSON Schema object).`);
  }
  const { EXAMPLE_SCHEMAS } = await import("../../generate/offline/coffee-shop.js");
  const example = EXAMPLE_SCHEMAS[value];
  if (example) return example;
  const { resolve } = await import("node:path");
  const { existsSync, readFileSync } = await import("node:fs");
  const path = resolve(ctx.cwd, value);
  if (!existsSync(path)) {
    throw new MagicUsageError(`--schema ${value}: no notebook variable, example (${Object.keys(EXAMPLE_SCHEMAS).join(", ")}) or JSON file of that name.`);
  }
  try { return JSON.parse(readFileSync(path, "utf8")) as object; } catch (e) {
    throw new MagicUsageError(`--schema ${value}: not valid JSON (${(e as Error).message}).`);
  }
}

/** `--dates Date=dd/mm/yyyy` (repeatable) as { Date: "dd/mm/yyyy" }; undefined when not given. */
export async function datesOption(args: MagicArgs): Promise<Record<string, string> | undefined> {
  const raw = args.dates;
  const specs = Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? [raw] : [];
  if (specs.length === 0) return undefined;
  const { parseDatesOption } = await import("../../data/datetime.js");
  try { return parseDatesOption(specs); } catch (e) { throw new MagicUsageError((e as Error).message); }
}

/** A repeatable string option as a list. */
function listOption(args: MagicArgs, key: string): string[] {
  const raw = args[key];
  return Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? [raw] : [];
}

function optionalNumber(args: MagicArgs, key: string): number | undefined {
  const v = args[key];
  return typeof v === "number" ? v : undefined;
}

export async function runGenerate(args: MagicArgs, body: string | undefined, ctx: MagicContext): Promise<void> {
  const name = String(args.name ?? "");
  if (!IDENTIFIER.test(name)) throw new MagicUsageError(`%%generate: NAME "${name}" is not a valid variable name; use letters, digits, _ or $.`);
  // Ranges are declared on the options below and checked by the parser (src/magics/args.ts).
  const rows = optionalNumber(args, "rows") ?? 100;
  const budget = optionalNumber(args, "budget");
  const concurrency = optionalNumber(args, "concurrency");

  const like = typeof args.like === "string" ? await resolveLike(args.like, ctx) : undefined;
  const dates = await datesOption(args);
  const schema = typeof args.schema === "string" ? await resolveSchema(args.schema, ctx) : undefined;
  const description = body?.trim() ? body.trim() : undefined;
  const labels = typeof args.labels === "string" ? args.labels.split(",").map((s) => s.trim()).filter(Boolean) : undefined;
  const dedup = args.dedup === "none" ? false : (args.dedup as "exact" | "near" | undefined);

  const gen = await import("../../generate/index.js");
  let mode: string;
  try {
    mode = gen.pickMode({ mode: args.mode as never, schema, like, description });
  } catch (e) {
    throw new MagicUsageError(`%%generate: ${(e as Error).message}`);
  }

  // No key and no base URL: say so before a progress bar is drawn (it would only show "0 / N · stopped").
  try {
    await gen.checkLlmProvider(mode as never);
  } catch (e) {
    throw new MagicUsageError(`%%generate: ${printableText((e as Error).message, LINE_CHARS)}`);
  }

  const io: CellIO = ctx.io;
  const displayId = `synthlab-generate-${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let latest: Progress = { rows: 0, target: rows, rowsPerSecond: 0 };
  io.display(rowsBundle(progressText(name, mode, latest), latest), { displayId });
  const updates = throttle<Progress>((p) => io.display(rowsBundle(progressText(name, mode, p), p), { displayId, update: true }));

  let run;
  try {
    run = await gen.generate({
      mode: mode as never,
      rows,
      seed: optionalNumber(args, "seed") ?? 0,
      ...(schema ? { schema } : {}),
      ...(like ? { like } : {}),
      ...(dates ? { dates } : {}),
      ...(description ? { description } : {}),
      ...(typeof args.model === "string" ? { model: args.model } : {}),
      ...(budget !== undefined ? { budgetUsd: budget } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(optionalNumber(args, "batch-size") !== undefined ? { batchSize: optionalNumber(args, "batch-size") } : {}),
      ...(optionalNumber(args, "examples") !== undefined ? { examples: optionalNumber(args, "examples") } : {}),
      ...(optionalNumber(args, "temperature") !== undefined ? { temperature: optionalNumber(args, "temperature") } : {}),
      ...(args.meta === true ? { meta: true } : {}),
      ...(dedup !== undefined ? { dedup } : {}),
      ...(typeof args["run-id"] === "string" ? { runId: args["run-id"] } : {}),
      ...(args["batch-api"] === true ? { batchApi: true } : {}),
      ...(typeof args.task === "string" ? { textTask: args.task as never } : {}),
      ...(labels ? { labels } : {}),
      ...(args.balanced === true ? { balanced: true } : {}),
      ...(listOption(args, "condition").length ? { conditions: listOption(args, "condition") } : {}),
      ...(typeof args.rebalance === "string" ? { rebalance: args.rebalance } : {}),
      ...(listOption(args, "constraint").length ? { constraints: listOption(args, "constraint") } : {}),
      ...(args["mine-constraints"] === false ? { mineConstraints: false } : {}),
      signal: ctx.signal,
      onProgress: (p) => { latest = p; updates.push(p); },
    });
  } catch (e) {
    updates.cancel();
    const err = e as Error;
    io.display(rowsBundle(`${progressText(name, mode, latest)} · stopped`, latest), { displayId, update: true });
    if (INPUT_ERRORS.has(err.name)) throw new MagicUsageError(`%%generate: ${printableText(err.message, LINE_CHARS)}`);
    throw e;
  }
  updates.cancel();
  const final: Progress = { ...latest, rows: run.frame.rowCount, target: rows, rowsPerSecond: run.stats.rowsPerSecond };
  io.display(rowsBundle(progressText(name, mode, final, true), final), { displayId, update: true });
  if (rows > 0 && run.frame.rowCount === 0) {
    // Nothing usable came back (e.g. every model reply was invalid): an empty table would pass unnoticed.
    const invalid = run.stats.invalidRows ? `${run.stats.invalidRows} invalid rows` : "no rows";
    const why = run.warnings.length ? ` (${printableLine(run.warnings[0]!.replace(/\s+/g, " "), 200)})` : "";
    throw new MagicUsageError(`%%generate: no valid rows: the ${mode} run produced ${invalid}${why}; ${name} is not set.`);
  }
  ctx.scope.set(name, run.toDataFrame(), NOTEBOOK_TYPES.DataFrame);
  const bundle = run[displaySymbol]();
  io.display(bundle);
}

const generate: MagicDefinition = {
  name: "generate",
  kind: "cell",
  description:
    "Generate synthetic rows into a DataFrame NAME. The cell body describes the data (used by the LLM modes). " +
    "Modes: offline (schema-driven, seeded), copula (fitted on --like), llm-rows, llm-program, text.",
  positionals: [{ name: "name", help: "variable to bind the generated DataFrame to", required: true }],
  options: [
    { name: "mode", type: "string", choices: MODES, help: "generation mode (default: copula with --like, offline with --schema, else llm-rows)" },
    { name: "rows", short: "n", type: "integer", min: 0, max: MAX_ROWS, help: "rows to generate", default: 100 },
    { name: "like", type: "string", help: "real table to imitate: a notebook variable (DataFrame) or a CSV/JSONL path" },
    { name: "schema", type: "string", help: "schema: a notebook variable, a JSON file, or an example name (coffee-shop)" },
    { name: "seed", type: "integer", min: 0, max: Number.MAX_SAFE_INTEGER, help: "random seed (same seed, same rows for offline/copula)", default: 0 },
    { name: "dates", type: "string", repeatable: true, help: "date format of a column the data cannot settle, COLUMN=FORMAT (e.g. Date=dd/mm/yyyy); repeatable" },
    { name: "model", type: "string", help: "LLM model name (LLM modes)" },
    { name: "budget", type: "number", min: 0, minExclusive: true, help: "stop cleanly after spending this many US dollars (LLM modes)" },
    { name: "concurrency", type: "integer", min: 1, max: 256, help: "parallel requests (LLM modes)" },
    { name: "batch-size", type: "integer", min: 1, max: 1000, help: "rows per request (llm-rows)" },
    { name: "examples", type: "integer", min: 0, max: 100, help: "few-shot real rows per request (llm-rows)" },
    { name: "temperature", type: "number", min: 0, max: 2, help: "sampling temperature (LLM modes)" },
    { name: "dedup", type: "string", choices: ["exact", "near", "none"], help: "remove duplicates (also of real rows)" },
    { name: "meta", type: "boolean", help: "add a _meta provenance column", default: false },
    { name: "run-id", type: "string", help: "checkpoint id: an interrupted run with the same id resumes (LLM modes)" },
    { name: "batch-api", type: "boolean", help: "use the OpenAI Batch API (LLM modes)", default: false },
    { name: "task", type: "string", choices: ["classification", "ner", "dialogue", "summary"], help: "text mode task" },
    { name: "labels", type: "string", help: "text mode labels, comma-separated (e.g. spam,ham)" },
    { name: "balanced", type: "boolean", help: "text mode: equal rows per label", default: false },
    { name: "condition", type: "string", repeatable: true, help: 'fixed values or exact counts, e.g. "coffee_name=Latte" or "coffee_name=Latte:300,Cocoa:300"; repeatable' },
    { name: "rebalance", type: "string", help: 'target shares of one column: "coffee_name" (uniform) or "coffee_name=Latte:0.5,Cocoa:0.5"' },
    { name: "constraint", type: "string", repeatable: true, help: 'a rule every row keeps: "pickup<=dropoff", "fare>=0", "total=fare+tip", "borough<-zone", "combo(city,zone)"; repeatable' },
    { name: "mine-constraints", type: "boolean", help: "enforce the rules mined from --like (--no-mine-constraints to turn off)", default: true },
  ],
  examples: [
    "%%generate sales --schema coffee-shop --rows 10000 --seed 7",
    "%%generate synth --like real --rows 2000 --mode copula",
    "%%generate synth --like trips.csv --dates pickup=dd/mm/yyyy HH:MM --rows 1000",
    '%%generate balanced --like real --rows 800 --rebalance coffee_name --constraint "money>=20"',
    "%%generate sales --like real --rows 2000 --mode llm-rows --model gpt-4o-mini\nCoffee vending-machine sales in Ukraine: one row per cup sold.",
  ],
  async run(args, body, ctx) {
    await runGenerate(args, body, ctx);
    return undefined;
  },
};

export default generate;
