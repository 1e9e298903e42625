/**
 * `synthlab generate --mode M --rows N [--like real.csv|DATASET] [--schema schema.json|coffee-shop] [--seed N]
 *  --out out.csv|out.jsonl|-` — the library's generate() from the shell; progress on stderr.
 */
import { parseArgs } from "node:util";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Frame, Schema } from "../../data/types.js";
import type { Progress } from "../../generate/types.js";
import { LINE_CHARS, printableLine, printableText } from "../../display/untrusted.js";

const USAGE = `Usage: synthlab generate [--mode MODE] --rows N [--like real.csv|DATASET] [--schema schema.json|EXAMPLE]
                         [--seed N] --out out.csv|out.jsonl|- [options]

  --mode M           offline | copula | llm-rows | llm-program | text
                     (default: copula with --like, offline with --schema, else llm-rows)
  --rows N           rows to generate (default 100)
  --like X           real rows to imitate: a CSV/JSONL file or a dataset name (synthlab datasets list)
  --schema X         a schema JSON file or an example name (coffee-shop)
  --seed N           random seed (default 0); offline and copula give the same rows for the same seed
  --out PATH         .csv or .jsonl file, or - for CSV on stdout
  --description TEXT what the data is (LLM modes)
  --model M, --budget USD, --concurrency N, --batch-size N, --examples N, --temperature T,
  --run-id ID, --batch-api, --task classification|ner|dialogue|summary, --labels a,b, --balanced
                     LLM mode options (see docs/llm.md)
  --dedup exact|near remove duplicates (also of the real rows)
  --meta             add a _meta provenance column
  --quiet            no progress on stderr`;

const OPTIONS = {
  mode: { type: "string" },
  rows: { type: "string", short: "n" },
  like: { type: "string" },
  schema: { type: "string" },
  seed: { type: "string" },
  out: { type: "string", short: "o" },
  description: { type: "string", short: "d" },
  model: { type: "string" },
  budget: { type: "string" },
  concurrency: { type: "string" },
  "batch-size": { type: "string" },
  examples: { type: "string" },
  temperature: { type: "string" },
  "run-id": { type: "string" },
  "batch-api": { type: "boolean" },
  task: { type: "string" },
  labels: { type: "string" },
  balanced: { type: "boolean" },
  dedup: { type: "string" },
  meta: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const;

class UsageError extends Error {}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} expects a whole number ≥ ${min}, got "${v}".`);
  return Number(v);
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got "${v}".`);
  return n;
}

async function readLike(value: string): Promise<Frame> {
  const path = resolve(value);
  if (existsSync(path)) {
    const { readCsv, readJsonl } = await import("../../data/csv.js");
    return /\.jsonl$/i.test(path) ? readJsonl(path) : readCsv(path);
  }
  const ds = await import("../../datasets/index.js");
  if (ds.listDatasets().some((d) => d.name === value)) return ds.loadDataset(value);
  throw new UsageError(`--like ${value}: no such file, and no dataset of that name (see synthlab datasets list).`);
}

async function readSchema(value: string): Promise<Schema> {
  const { EXAMPLE_SCHEMAS } = await import("../../generate/offline/coffee-shop.js");
  const path = resolve(value);
  if (existsSync(path)) {
    try { return JSON.parse(readFileSync(path, "utf8")) as Schema; } catch (e) {
      throw new UsageError(`--schema ${value}: not valid JSON (${(e as Error).message}).`);
    }
  }
  const example = EXAMPLE_SCHEMAS[value];
  if (example) return example;
  throw new UsageError(`--schema ${value}: no such file and no example of that name (examples: ${Object.keys(EXAMPLE_SCHEMAS).join(", ")}).`);
}

export async function run(argv: string[]): Promise<number> {
  let values: { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string };
  try {
    const parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
    values = parsed.values;
  } catch (e) {
    process.stderr.write(`synthlab generate: ${(e as Error).message.split("\n")[0]}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) { process.stdout.write(USAGE + "\n"); return 0; }
  const gen = await import("../../generate/index.js");
  const quiet = values.quiet === true;
  try {
    const rows = int("rows", values.rows, 0) ?? 100;
    const seed = int("seed", values.seed, 0) ?? 0;
    const out = values.out;
    if (!out) throw new UsageError("--out is required: a .csv or .jsonl path, or - for CSV on stdout.");
    if (out !== "-" && !/\.(csv|jsonl)$/i.test(out)) throw new UsageError(`--out ${out}: the file name must end in .csv or .jsonl (or use - for stdout).`);
    if (values.dedup !== undefined && values.dedup !== "exact" && values.dedup !== "near") throw new UsageError(`--dedup expects exact or near, got "${values.dedup}".`);
    const like = values.like !== undefined ? await readLike(values.like) : undefined;
    const schema = values.schema !== undefined ? await readSchema(values.schema) : undefined;
    const mode = gen.pickMode({ mode: values.mode as never, schema, like, description: values.description });

    const started = Date.now();
    let lastLine = 0;
    const tty = process.stderr.isTTY === true;
    const report = (p: Progress, final = false): void => {
      if (quiet) return;
      const now = Date.now();
      if (!final && now - lastLine < (tty ? 250 : 1000)) return;
      lastLine = now;
      const parts = [`${p.rows.toLocaleString("en-US")}/${p.target.toLocaleString("en-US")} rows`, `${Math.round(p.rowsPerSecond).toLocaleString("en-US")} rows/s`];
      if (p.tokens !== undefined) parts.push(`${p.tokens} tokens`);
      if (p.costUsd !== undefined) parts.push(`$${p.costUsd.toFixed(4)}`);
      if (p.retries !== undefined) parts.push(`${p.retries} retries`);
      if (p.invalidRows !== undefined) parts.push(`${p.invalidRows} invalid`);
      process.stderr.write(`${tty ? "\r" : ""}generate ${mode}: ${parts.join(", ")}${tty && !final ? "" : "\n"}`);
    };
    const labels = values.labels?.split(",").map((s) => s.trim()).filter(Boolean);
    const result = await gen.generate({
      mode, rows, seed,
      ...(schema ? { schema } : {}),
      ...(like ? { like } : {}),
      ...(values.description ? { description: values.description } : {}),
      ...(values.model ? { model: values.model } : {}),
      ...(values.budget !== undefined ? { budgetUsd: num("budget", values.budget) } : {}),
      ...(values.concurrency !== undefined ? { concurrency: int("concurrency", values.concurrency, 1) } : {}),
      ...(values["batch-size"] !== undefined ? { batchSize: int("batch-size", values["batch-size"], 1) } : {}),
      ...(values.examples !== undefined ? { examples: int("examples", values.examples, 0) } : {}),
      ...(values.temperature !== undefined ? { temperature: num("temperature", values.temperature) } : {}),
      ...(values["run-id"] ? { runId: values["run-id"] } : {}),
      ...(values["batch-api"] ? { batchApi: true } : {}),
      ...(values.task ? { textTask: values.task as never } : {}),
      ...(labels ? { labels } : {}),
      ...(values.balanced ? { balanced: true } : {}),
      ...(values.dedup ? { dedup: values.dedup as "exact" | "near" } : {}),
      ...(values.meta ? { meta: true } : {}),
      onProgress: (p) => report(p),
    });
    report({ rows: result.frame.rowCount, target: rows, rowsPerSecond: result.stats.rowsPerSecond }, true);

    const { writeFrameFile, writeFrameTo } = await import("../../generate/output.js");
    if (out === "-") await writeFrameTo(result.frame, process.stdout, "csv");
    else await writeFrameFile(result.frame, resolve(out));
    if (!quiet) {
      for (const w of result.warnings) process.stderr.write(`warning: ${printableLine(w)}\n`);
      process.stderr.write(`wrote ${result.frame.rowCount} rows to ${out === "-" ? "stdout" : out} in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
    }
    return 0;
  } catch (e) {
    const err = e as Error;
    const known = e instanceof UsageError || ["GenerateError", "SchemaError", "CopulaError", "ExpressionError", "PatternError", "CsvError", "FrameError", "LlmConfigError", "DatasetError"].includes(err.name);
    // Messages may quote model or server text: bounded and without control characters.
    process.stderr.write(`synthlab generate: ${printableText(err.message, LINE_CHARS)}\n`);
    if (!known && process.env.SYNTHLAB_DEBUG) process.stderr.write(`${err.stack ?? ""}\n`);
    return known ? 2 : 1;
  }
}
