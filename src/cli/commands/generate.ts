/**
 * `synthlab generate --mode M --rows N [--like real.csv|DATASET] [--schema schema.json|coffee-shop] [--seed N]
 *  --out out.csv|out.jsonl|-` — the library's generate() from the shell; progress on stderr.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Frame, Schema } from "../../data/types.js";
import { GENERATE_MODES, type Progress } from "../../generate/types.js";
import { LINE_CHARS, printableLine, printableText } from "../../display/untrusted.js";
import { MAX_ROWS } from "../../limits.js";
import type { MagicArgs } from "../../magics/types.js";
import { parseCommandArgs, prepareOutputPath, tableHint, UsageError, type CommandOption } from "../options.js";

const USAGE = `Usage: synthlab generate [--mode MODE] --rows N [--like real.csv|DATASET] [--schema schema.json|EXAMPLE]
                         [--seed N] --out out.csv|out.jsonl|- [options]

  --mode M           offline | copula | llm-rows | llm-program | text
                     (default: copula with --like, offline with --schema, else llm-rows)
  --rows N           rows to generate (default 100)
  --like X           real rows to imitate: a CSV/JSONL file or a dataset name (synthlab datasets list)
  --schema X         a schema JSON file or an example name (coffee-shop)
  --seed N           random seed (default 0); offline and copula give the same rows for the same seed
  --dates COL=FORMAT date format of a --like column the data cannot settle, e.g. "Date=dd/mm/yyyy" (repeatable)
  --out PATH         .csv or .jsonl file, or - for CSV on stdout
  --description TEXT what the data is (LLM modes)
  --model M, --budget USD, --concurrency N, --batch-size N, --examples N, --temperature T,
  --run-id ID, --batch-api, --task classification|ner|dialogue|summary, --labels a,b, --balanced
                     LLM mode options (see docs/llm.md)
  --condition C      fixed values or exact counts: "coffee_name=Latte", "coffee_name=Latte:300,Cocoa:300" (repeatable)
  --rebalance R      target shares of one column: "coffee_name" (uniform), "coffee_name=Latte:0.5,Cocoa:0.5"
  --constraint R     a rule every row keeps: "pickup<=dropoff", "fare>=0", "total=fare+tip", "borough<-zone",
                     "combo(city,zone)" (repeatable); see docs/generation.md
  --no-mine-constraints  do not enforce the rules mined from --like (on by default)
  --dedup exact|near remove duplicates (also of the real rows)
  --meta             add a _meta provenance column
  --quiet            no progress on stderr`;

const OPTIONS: readonly CommandOption[] = [
  { name: "mode", type: "string", choices: GENERATE_MODES, help: "generation mode" },
  { name: "rows", short: "n", type: "integer", min: 0, max: MAX_ROWS, help: "rows to generate" },
  { name: "like", type: "string", help: "real rows to imitate" },
  { name: "schema", type: "string", help: "schema file or example" },
  { name: "seed", type: "integer", min: 0, max: Number.MAX_SAFE_INTEGER, help: "random seed" },
  { name: "dates", type: "string", repeatable: true, help: "date format of a --like column, COLUMN=FORMAT" },
  { name: "out", short: "o", type: "string", help: "output file or -" },
  { name: "description", short: "d", type: "string", help: "what the data is" },
  { name: "model", type: "string", help: "LLM model" },
  { name: "budget", type: "number", min: 0, minExclusive: true, help: "US dollars" },
  { name: "concurrency", type: "integer", min: 1, max: 256, help: "parallel requests" },
  { name: "batch-size", type: "integer", min: 1, max: 1000, help: "rows per request" },
  { name: "examples", type: "integer", min: 0, max: 100, help: "few-shot rows per request" },
  { name: "temperature", type: "number", min: 0, max: 2, help: "sampling temperature" },
  { name: "run-id", type: "string", help: "checkpoint id" },
  { name: "batch-api", type: "boolean", help: "OpenAI Batch API" },
  { name: "task", type: "string", choices: ["classification", "ner", "dialogue", "summary"], help: "text task" },
  { name: "labels", type: "string", help: "text labels" },
  { name: "balanced", type: "boolean", help: "equal rows per label" },
  { name: "condition", type: "string", repeatable: true, help: "fixed values or counts per value" },
  { name: "rebalance", type: "string", help: "target shares of one column" },
  { name: "constraint", type: "string", repeatable: true, help: "a rule every row keeps" },
  { name: "mine-constraints", type: "boolean", default: true, help: "enforce the rules mined from --like" },
  { name: "dedup", type: "string", choices: ["exact", "near"], help: "remove duplicates" },
  { name: "meta", type: "boolean", help: "_meta column" },
  { name: "quiet", short: "q", type: "boolean", help: "no progress" },
  { name: "help", short: "h", type: "boolean", help: "this help" },
];

/** A run that produced no usable rows: exit 1, one line. */
class NoRowsError extends Error {
  override name = "NoRowsError";
}

async function readLike(value: string): Promise<Frame> {
  const path = resolve(value);
  if (existsSync(path)) {
    const { readCsv, readJsonl } = await import("../../data/csv.js");
    return /\.jsonl$/i.test(path) ? readJsonl(path) : readCsv(path);
  }
  const ds = await import("../../datasets/index.js");
  if (ds.listDatasets().some((d) => d.name === value)) return ds.loadDataset(value);
  const hint = await tableHint(value);
  throw new UsageError(`--like ${value}: no such file, and no dataset of that name${hint || " (see synthlab datasets list)."}`);
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
  let values: MagicArgs;
  try {
    values = parseCommandArgs("generate", OPTIONS, argv);
  } catch (e) {
    process.stderr.write(`synthlab generate: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) { process.stdout.write(USAGE + "\n"); return 0; }
  const gen = await import("../../generate/index.js");
  const quiet = values.quiet === true;
  const str = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const num = (name: string) => (typeof values[name] === "number" ? (values[name] as number) : undefined);
  try {
    const rows = num("rows") ?? 100;
    const seed = num("seed") ?? 0;
    const out = str("out");
    if (!out) throw new UsageError("--out is required: a .csv or .jsonl path, or - for CSV on stdout.");
    if (out !== "-" && !/\.(csv|jsonl)$/i.test(out)) throw new UsageError(`--out ${out}: the file name must end in .csv or .jsonl (or use - for stdout).`);
    // The output folder is created (or found impossible) before any row is generated.
    if (out !== "-") prepareOutputPath("out", out);
    const { parseDatesOption } = await import("../../data/datetime.js");
    const dateSpecs = values.dates as string[];
    const dates = dateSpecs.length ? parseDatesOption(dateSpecs) : undefined;
    const like = str("like") !== undefined ? await readLike(str("like")!) : undefined;
    const schema = str("schema") !== undefined ? await readSchema(str("schema")!) : undefined;
    const mode = gen.pickMode({ mode: values.mode as never, schema, like, description: str("description") });

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
    const labels = str("labels")?.split(",").map((s) => s.trim()).filter(Boolean);
    const result = await gen.generate({
      mode, rows, seed,
      ...(schema ? { schema } : {}),
      ...(like ? { like } : {}),
      ...(dates ? { dates } : {}),
      ...(str("description") ? { description: str("description") } : {}),
      ...(str("model") ? { model: str("model") } : {}),
      ...(num("budget") !== undefined ? { budgetUsd: num("budget") } : {}),
      ...(num("concurrency") !== undefined ? { concurrency: num("concurrency") } : {}),
      ...(num("batch-size") !== undefined ? { batchSize: num("batch-size") } : {}),
      ...(num("examples") !== undefined ? { examples: num("examples") } : {}),
      ...(num("temperature") !== undefined ? { temperature: num("temperature") } : {}),
      ...(str("run-id") ? { runId: str("run-id") } : {}),
      ...(values["batch-api"] ? { batchApi: true } : {}),
      ...(str("task") ? { textTask: str("task") as never } : {}),
      ...(labels ? { labels } : {}),
      ...(values.balanced ? { balanced: true } : {}),
      ...(str("dedup") ? { dedup: str("dedup") as "exact" | "near" } : {}),
      ...(values.meta ? { meta: true } : {}),
      ...((values.condition as string[]).length ? { conditions: values.condition as string[] } : {}),
      ...(str("rebalance") ? { rebalance: str("rebalance") } : {}),
      ...((values.constraint as string[]).length ? { constraints: values.constraint as string[] } : {}),
      ...(values["mine-constraints"] === false ? { mineConstraints: false } : {}),
      onProgress: (p) => report(p),
    });
    report({ rows: result.frame.rowCount, target: rows, rowsPerSecond: result.stats.rowsPerSecond }, true);
    if (rows > 0 && result.frame.rowCount === 0) {
      // Nothing usable came back (e.g. every model reply was invalid): a header-only file would look like success.
      const invalid = result.stats.invalidRows ? `${result.stats.invalidRows} invalid rows` : "no rows";
      const why = result.warnings.length ? ` (${printableLine(result.warnings[0]!.replace(/\s+/g, " "), 200)})` : "";
      throw new NoRowsError(`no valid rows: the ${mode} run produced ${invalid}${why}; nothing written to ${out === "-" ? "stdout" : out}.`);
    }

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
    if (err.name === "NoRowsError") { process.stderr.write(`synthlab generate: ${printableText(err.message, LINE_CHARS)}\n`); return 1; }
    const known = e instanceof UsageError || ["GenerateError", "SchemaError", "CopulaError", "ExpressionError", "PatternError", "CsvError", "FrameError", "LlmConfigError", "DatasetError", "DateFormatError"].includes(err.name);
    // Messages may quote model or server text: bounded and without control characters.
    process.stderr.write(`synthlab generate: ${printableText(err.message, LINE_CHARS)}
`);
    if (!known && process.env.SYNTHLAB_DEBUG) process.stderr.write(`${err.stack ?? ""}\n`);
    return known ? 2 : 1;
  }
}
