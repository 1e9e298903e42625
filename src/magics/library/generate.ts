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
import { LINE_CHARS, printableText } from "../../display/untrusted.js";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MODES = ["offline", "copula", "llm-rows", "llm-program", "text"] as const;
/** Library errors that mean "bad input": shown as one usage line, never a stack. */
const INPUT_ERRORS = new Set([
  "GenerateError", "SchemaError", "ExpressionError", "PatternError", "CopulaError", "FrameError", "CsvError",
  "CoercionError", "LlmConfigError", "BudgetExceededError",
]);
/** Progress updates at most this often (ms): ~4/s keeps the front end responsive. */
const THROTTLE_MS = 250;

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

function progressBundle(text: string, p: Progress): Record<string, string> {
  const esc = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const max = Math.max(p.target, 1);
  return {
    "text/plain": text,
    "text/html": `<div><progress value="${Math.min(p.rows, max)}" max="${max}" style="width:16em"></progress> <span>${esc}</span></div>`,
  };
}

/**
 * Calls `send` at most once per THROTTLE_MS. A value held back is sent when its window ends
 * (a trailing timer), so the display never lags behind a generator that went quiet; `flush`
 * sends it now, `cancel` drops it (before the final update).
 */
export function throttle<T>(send: (v: T) => void, ms = THROTTLE_MS, now: () => number = Date.now): { push(v: T): void; flush(): void; cancel(): void } {
  let last = -Infinity;
  let pending: T | undefined;
  let has = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const clear = (): void => { if (timer !== undefined) { clearTimeout(timer); timer = undefined; } };
  const flush = (): void => {
    clear();
    if (has) { has = false; last = now(); send(pending as T); }
  };
  return {
    push(v) {
      const t = now();
      if (t - last >= ms) { clear(); last = t; has = false; send(v); return; }
      pending = v;
      has = true;
      if (timer === undefined) {
        timer = setTimeout(flush, Math.max(0, ms - (t - last)));
        timer.unref?.();
      }
    },
    flush,
    cancel() { clear(); has = false; },
  };
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
    throw new MagicUsageError(`--like ${value}: no notebook variable or file of that name; load the real data first (e.g. %dataset coffee-sales --as real).`);
  }
  const { readCsv, readJsonl } = await import("../../data/csv.js");
  return /\.jsonl$/i.test(path) ? readJsonl(path) : readCsv(path);
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

function optionalNumber(args: MagicArgs, key: string): number | undefined {
  const v = args[key];
  return typeof v === "number" ? v : undefined;
}

export async function runGenerate(args: MagicArgs, body: string | undefined, ctx: MagicContext): Promise<void> {
  const name = String(args.name ?? "");
  if (!IDENTIFIER.test(name)) throw new MagicUsageError(`%%generate: NAME "${name}" is not a valid variable name; use letters, digits, _ or $.`);
  const rows = optionalNumber(args, "rows") ?? 100;
  if (rows < 0) throw new MagicUsageError(`%%generate: --rows must be ≥ 0, got ${rows}.`);
  const budget = optionalNumber(args, "budget");
  if (budget !== undefined && !(budget > 0)) throw new MagicUsageError(`%%generate: --budget is a positive amount of US dollars, got ${budget}.`);
  const concurrency = optionalNumber(args, "concurrency");
  if (concurrency !== undefined && concurrency < 1) throw new MagicUsageError(`%%generate: --concurrency must be ≥ 1, got ${concurrency}.`);

  const like = typeof args.like === "string" ? await resolveLike(args.like, ctx) : undefined;
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
  io.display(progressBundle(progressText(name, mode, latest), latest), { displayId });
  const updates = throttle<Progress>((p) => io.display(progressBundle(progressText(name, mode, p), p), { displayId, update: true }));

  let run;
  try {
    run = await gen.generate({
      mode: mode as never,
      rows,
      seed: optionalNumber(args, "seed") ?? 0,
      ...(schema ? { schema } : {}),
      ...(like ? { like } : {}),
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
      signal: ctx.signal,
      onProgress: (p) => { latest = p; updates.push(p); },
    });
  } catch (e) {
    updates.cancel();
    const err = e as Error;
    io.display(progressBundle(`${progressText(name, mode, latest)} · stopped`, latest), { displayId, update: true });
    if (INPUT_ERRORS.has(err.name)) throw new MagicUsageError(`%%generate: ${printableText(err.message, LINE_CHARS)}`);
    throw e;
  }
  updates.cancel();
  const final: Progress = { ...latest, rows: run.frame.rowCount, target: rows, rowsPerSecond: run.stats.rowsPerSecond };
  io.display(progressBundle(progressText(name, mode, final, true), final), { displayId, update: true });
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
    { name: "rows", short: "n", type: "integer", help: "rows to generate", default: 100 },
    { name: "like", type: "string", help: "real table to imitate: a notebook variable (DataFrame) or a CSV/JSONL path" },
    { name: "schema", type: "string", help: "schema: a notebook variable, a JSON file, or an example name (coffee-shop)" },
    { name: "seed", type: "integer", help: "random seed (same seed, same rows for offline/copula)", default: 0 },
    { name: "model", type: "string", help: "LLM model name (LLM modes)" },
    { name: "budget", type: "number", help: "stop cleanly after spending this many US dollars (LLM modes)" },
    { name: "concurrency", type: "integer", help: "parallel requests (LLM modes)" },
    { name: "batch-size", type: "integer", help: "rows per request (llm-rows)" },
    { name: "examples", type: "integer", help: "few-shot real rows per request (llm-rows)" },
    { name: "temperature", type: "number", help: "sampling temperature (LLM modes)" },
    { name: "dedup", type: "string", choices: ["exact", "near", "none"], help: "remove duplicates (also of real rows)" },
    { name: "meta", type: "boolean", help: "add a _meta provenance column", default: false },
    { name: "run-id", type: "string", help: "checkpoint id: an interrupted run with the same id resumes (LLM modes)" },
    { name: "batch-api", type: "boolean", help: "use the OpenAI Batch API (LLM modes)", default: false },
    { name: "task", type: "string", choices: ["classification", "ner", "dialogue", "summary"], help: "text mode task" },
    { name: "labels", type: "string", help: "text mode labels, comma-separated (e.g. spam,ham)" },
    { name: "balanced", type: "boolean", help: "text mode: equal rows per label", default: false },
  ],
  examples: [
    "%%generate sales --schema coffee-shop --rows 10000 --seed 7",
    "%%generate synth --like real --rows 2000 --mode copula",
    "%%generate sales --like real --rows 2000 --mode llm-rows --model gpt-4o-mini\nCoffee vending-machine sales in Ukraine: one row per cup sold.",
  ],
  async run(args, body, ctx) {
    await runGenerate(args, body, ctx);
    return undefined;
  },
};

export default generate;
