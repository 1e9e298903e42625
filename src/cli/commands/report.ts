/**
 * `synthlab report --real R.csv --synth S.csv [--holdout H.csv] [--target COL] [--time COL]
 * [--json out.json] [--html out.html]`: the quality report of CSV/JSONL tables. Prints the
 * summary; writes the JSON (DESIGN.md section 5) and a self-contained HTML page on request.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";

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
  --seed      seed of the sampled parts (default 0)   --queries  QScore queries (default 200)
  --dates     date format of a column the data cannot settle, e.g. --dates "Date=dd/mm/yyyy" (repeatable)`;

export async function run(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        real: { type: "string" }, synth: { type: "string" }, holdout: { type: "string" },
        target: { type: "string" }, time: { type: "string" }, json: { type: "string" }, html: { type: "string" },
        model: { type: "string" }, seed: { type: "string" }, queries: { type: "string" }, help: { type: "boolean", short: "h" },
        dates: { type: "string", multiple: true },
      },
    }));
  } catch (err) {
    process.stderr.write(`synthlab report: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const fail = (msg: string, code = 2): number => { process.stderr.write(`synthlab report: ${msg}\n`); return code; };
  if (!values.real || !values.synth) return fail(`--real and --synth are required, e.g. synthlab report --real train.csv --synth synthetic.csv\n${USAGE}`);
  const model = (values.model as string | undefined) ?? "ridge";
  if (!["ridge", "linear", "mlp"].includes(model)) return fail(`--model ${model}: choose ridge, linear or mlp.`);
  const int = (name: string, fallback: number): number | null => {
    const v = values[name];
    if (v === undefined) return fallback;
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 ? n : null;
  };
  const seed = int("seed", 0);
  const queries = int("queries", 200);
  if (seed === null) return fail(`--seed ${String(values.seed)}: pass a whole number, e.g. --seed 42.`);
  if (queries === null || queries === 0) return fail(`--queries ${String(values.queries)}: pass a positive whole number, e.g. --queries 200.`);

  const { parseDatesOption } = await import("../../data/datetime.js");
  let dates: Record<string, string> | undefined;
  try { dates = values.dates ? parseDatesOption(values.dates as string[]) : undefined; } catch (e) { return fail((e as Error).message); }
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
    throw err;
  }
}
