/**
 * `synthlab report --real R.csv --synth S.csv [--holdout H.csv] [--target COL] [--time COL]
 * [--json out.json] [--html out.html]`: the quality report of CSV/JSONL tables. Prints the
 * summary; writes the JSON (DESIGN.md section 5) and a self-contained HTML page on request.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { MAX_QUERIES } from "../../limits.js";
import type { MagicArgs } from "../../magics/types.js";
import { parseCommandArgs, prepareOutputPath, UsageError, type CommandOption } from "../options.js";

const USAGE = `Usage: synthlab report --real R.csv --synth S.csv [--holdout H.csv] [--target COL] [--time COL]
                       [--json out.json] [--html out.html] [--model ridge|linear|mlp] [--seed N] [--queries N]
                       [--dates COL=FORMAT]...

  --real      the real (training) table, .csv or .jsonl
  --synth     the synthetic table (same columns)
  --holdout   real rows the generator never saw: noise floor, utility, DCR and membership inference
  --target    numeric column to predict (TRTR / TSTR, feature importance)
  --time      datetime column: autocorrelation of the daily target (or row count)
  --json      write the report JSON here        --html   write a self-contained HTML page here
  --model     regressor for TRTR/TSTR (default ridge)
  --seed      seed of the sampled parts (default 0)   --queries  QScore queries (default 200, at most 10,000)
  --dates     date format of a column the data cannot settle, e.g. --dates "Date=dd/mm/yyyy" (repeatable)`;

const OPTIONS: readonly CommandOption[] = [
  { name: "real", type: "string", help: "real table" },
  { name: "synth", type: "string", help: "synthetic table" },
  { name: "holdout", type: "string", help: "holdout table" },
  { name: "target", type: "string", help: "target column" },
  { name: "time", type: "string", help: "datetime column" },
  { name: "json", type: "string", help: "JSON output" },
  { name: "html", type: "string", help: "HTML output" },
  { name: "model", type: "string", choices: ["ridge", "linear", "mlp"], help: "regressor" },
  { name: "seed", type: "integer", min: 0, max: Number.MAX_SAFE_INTEGER, help: "seed" },
  { name: "queries", type: "integer", min: 1, max: MAX_QUERIES, help: "QScore queries" },
  { name: "dates", type: "string", repeatable: true, help: "date formats, COLUMN=FORMAT" },
  { name: "help", short: "h", type: "boolean", help: "this help" },
];

export async function run(argv: string[]): Promise<number> {
  const fail = (msg: string, code = 2): number => { process.stderr.write(`synthlab report: ${msg}\n`); return code; };
  let values: MagicArgs;
  try {
    values = parseCommandArgs("report", OPTIONS, argv);
  } catch (err) {
    return fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.real || !values.synth) return fail(`--real and --synth are required, e.g. synthlab report --real train.csv --synth synthetic.csv\n${USAGE}`);
  const model = (values.model as string | undefined) ?? "ridge";
  const seed = (values.seed as number | undefined) ?? 0;
  const queries = (values.queries as number | undefined) ?? 200;
  // Inputs and output folders are checked before the report is computed (minutes on a large table).
  try {
    for (const option of ["real", "synth", "holdout"] as const) {
      const path = values[option];
      if (typeof path === "string" && !existsSync(path)) throw new UsageError(`--${option} ${path}: no such file.`);
    }
    for (const option of ["json", "html"] as const) {
      if (typeof values[option] === "string") prepareOutputPath(option, values[option] as string);
    }
  } catch (err) {
    return fail((err as Error).message);
  }

  const { parseDatesOption } = await import("../../data/datetime.js");
  let dates: Record<string, string> | undefined;
  try { dates = (values.dates as string[]).length ? parseDatesOption(values.dates as string[]) : undefined; } catch (e) { return fail((e as Error).message); }
  const { readCsv, readJsonl } = await import("../../data/csv.js");
  const read = (path: string) => (/\.jsonl?$/i.test(path) ? readJsonl(path) : readCsv(path));
  const { evaluate, EvaluateError } = await import("../../evaluate/index.js");
  try {
    const [real, synthetic, holdout] = await Promise.all([
      read(String(values.real)), read(String(values.synth)), values.holdout ? read(String(values.holdout)) : Promise.resolve(null),
    ]);
    const report = await evaluate({
      real, synthetic, holdout,
      target: (values.target as string | undefined) ?? null,
      timeColumn: (values.time as string | undefined) ?? null,
      model: model as "ridge" | "linear" | "mlp",
      seed, queries,
      ...(dates ? { dates } : {}),
    });
    process.stdout.write(`${report.toString()}\n`);
    if (values.json) {
      await writeFile(String(values.json), `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`JSON written to ${String(values.json)}\n`);
    }
    if (values.html) {
      await writeFile(String(values.html), await report.toHTML());
      process.stdout.write(`HTML written to ${String(values.html)}\n`);
    }
    return 0;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (err instanceof EvaluateError || e.name === "CsvError" || e.name === "FrameError") return fail(e.message, 1);
    if (e.code === "ENOENT") return fail(`cannot read ${(e as { path?: string }).path ?? "a file"}: no such file.`, 1);
    if (process.env.SYNTHLAB_DEBUG) process.stderr.write(`${e.stack ?? ""}\n`);
    return fail(`${e.message} (an internal error: set SYNTHLAB_DEBUG=1 for the stack trace)`, 1);
  }
}
