/**
 * `compare`: the option list of `%%compare` and `synthlab compare` (src/frontend/spec.ts). An
 * option with a `key` reaches compareGenerators() with no other change; candidates, tables and
 * the judge are assembled by the two front ends (src/magics/library/compare.ts,
 * src/cli/commands/compare.ts) through `compareRequest` below. See docs/compare.md.
 */
import type { CompareGeneratorsOptions, CompareProgress } from "../../compare/index.js";
import { MAX_QUERIES, MAX_ROWS } from "../../limits.js";
import type { MagicArgs } from "../../magics/types.js";
import { libraryOptions, numberArg, stringArg, type CommandSpec } from "../spec.js";
import { resolveTable, type TableContext } from "../tables.js";
import { seedOption } from "./shared.js";

export const compareCommand: CommandSpec<CompareGeneratorsOptions> = {
  name: "compare",
  summary: "Compare generators and LLMs on one task: cost, speed, validity, quality, utility.",
  description:
    "Run one generation task on several candidates (statistical modes and LLM endpoints) with the same seed, rows and budget, " +
    "and compare cost, latency, valid and duplicate rows, and the report's fidelity, utility (TSTR vs TRTR), privacy and validity; " +
    "ends with the cheapest candidate within the noise floor of the best. In a notebook, each line of the cell body is a candidate.",
  options: [
    { name: "real", type: "string", required: true, table: true, help: "the real training table every candidate imitates" },
    { name: "holdout", type: "string", table: true, help: "real rows no candidate sees (utility TSTR vs TRTR, privacy, noise floors)" },
    { name: "split", type: "number", min: 0, max: 0.9, minExclusive: true, metavar: "SHARE", help: "hold out this share of --real (seeded by --seed) instead of giving --holdout" },
    {
      name: "candidate", short: "c", type: "string", repeatable: true, metavar: "SPEC",
      help: "a statistical mode (offline, copula, …) or an endpoint name=N,base=URL,model=M[,key_env=VAR,price_in=USD,price_out=USD,concurrency=K]; repeatable",
    },
    { name: "candidates", type: "string", metavar: "FILE", help: "a JSON file listing candidates (docs/compare.md)" },
    { name: "rows", short: "n", type: "integer", min: 1, max: MAX_ROWS, required: true, key: "rows", help: "rows every candidate makes" },
    seedOption<CompareGeneratorsOptions>("the seed every candidate gets", 0),
    { name: "budget", type: "number", min: 0, metavar: "USD", key: "budget", help: "US dollars at most per LLM candidate" },
    { name: "task", type: "string", choices: ["rows", "text"], default: "rows", key: "task", help: "table rows like --real, or labelled text (the text mode)" },
    { name: "target", type: "string", metavar: "COL", key: "target", help: "numeric column predicted on the holdout (TSTR vs TRTR MAE)" },
    { name: "time", type: "string", metavar: "COL", key: "timeColumn", help: "datetime column for the report's autocorrelation" },
    { name: "description", short: "d", type: "string", metavar: "TEXT", key: "description", help: "what the data is, for the LLM prompts" },
    { name: "text-task", type: "string", choices: ["classification", "ner", "dialogue", "summary"], key: "textTask", help: "text task kind (--task text)" },
    {
      name: "labels", type: "string", metavar: "A,B", key: "labels",
      convert: (v) => String(v).split(",").map((s) => s.trim()).filter(Boolean), help: "text labels, comma-separated (default: the real table's label values)",
    },
    { name: "judge", type: "string", metavar: "SPEC", help: "LLM judge endpoint for text tasks (name=N,base=URL,model=M[,key_env=VAR,price_in=..,price_out=..])" },
    { name: "judge-sample", type: "integer", min: 1, max: 10_000, metavar: "N", help: "texts judged per candidate (default 20)" },
    { name: "rubric", type: "string", metavar: "TEXT", help: "the judge's rubric (scores 1–5)" },
    { name: "quality", type: "string", choices: ["utility", "fidelity", "privacy", "validity", "judge"], key: "quality", help: "the score that ranks candidates (default utility, else fidelity; judge with a judge)" },
    { name: "queries", type: "integer", min: 1, max: MAX_QUERIES, key: "queries", help: "QScore queries per report (default 200)" },
    { name: "checkpoint", type: "string", metavar: "FILE", key: "checkpoint", help: "comparison checkpoint (a re-run skips finished candidates; default: under the cache dir, named by the task)" },
    { name: "as", type: "string", default: "comparison", only: "magic", help: "variable to store the Comparison in" },
    { name: "json", type: "string", metavar: "FILE", only: "cli", help: "write every figure (JSON) here" },
    { name: "html", type: "string", metavar: "FILE", only: "cli", help: "write the table, charts and recommendation as an HTML page here" },
    { name: "quiet", short: "q", type: "boolean", only: "cli", help: "no progress on stderr" },
  ],
  magic: {
    kind: "both",
    examples: [
      "%%compare --real train --holdout holdout --target money --rows 300\noffline\ncopula\nname=mini,base=https://api.openai.com/v1,model=gpt-4o-mini,key_env=OPENAI_API_KEY,price_in=0.15,price_out=0.6",
      "%%compare --real coffee-sales --split 0.2 --target money --rows 500 --candidate copula --candidate offline --as cmp",
    ],
  },
  cli: {
    examples: [
      "synthlab compare --real coffee-sales --split 0.2 --target money --rows 500 -c offline -c copula",
      "synthlab compare --real train.csv --holdout holdout.csv --target money --rows 300 --candidates candidates.json --budget 0.5 --html compare.html",
    ],
    epilog: "Keys are read from the environment variable each candidate names (key_env=VAR), never from the command line.",
  },
};

/** The candidate specs of the arguments: --candidate (repeatable), then the lines of a magic's cell body (blank and # lines skipped). */
export function candidateSpecs(args: MagicArgs, body?: string): string[] {
  const given = args.candidate;
  const fromArgs = Array.isArray(given) ? given.map(String) : typeof given === "string" ? [given] : [];
  const fromBody = (body ?? "").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  return [...fromArgs, ...fromBody];
}

/**
 * The library options of a parsed `compare` command: tables resolved (a notebook variable, a file
 * or a dataset), `--split` applied, candidates from --candidate, the cell body and --candidates,
 * and the judge. Bad input throws an InputError (one line).
 */
export async function compareRequest(args: MagicArgs, body: string | undefined, where: TableContext): Promise<CompareGeneratorsOptions> {
  const { readFileSync } = await import("node:fs");
  const { resolve } = await import("node:path");
  const { candidatesFromJson, CompareError } = await import("../../compare/index.js");
  const options = libraryOptions(compareCommand, args);
  let real = await resolveTable("real", String(args.real), where);
  let holdout = args.holdout !== undefined ? await resolveTable("holdout", String(args.holdout), where) : null;
  const split = numberArg(args, "split");
  if (split !== undefined) {
    if (holdout) throw new CompareError("Give --holdout or --split, not both: --split holds out a share of --real.");
    const { splitTrainHoldout } = await import("../../data/split.js");
    ({ train: real, holdout } = splitTrainHoldout(real, { holdout: split, seed: Number(args.seed ?? 0) }));
  }
  const candidates: CompareGeneratorsOptions["candidates"][number][] = candidateSpecs(args, body);
  const file = stringArg(args, "candidates");
  if (file !== undefined) {
    const path = resolve(where.cwd ?? process.cwd(), file);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new CompareError(`--candidates ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
    }
    candidates.push(...candidatesFromJson(text, file));
  }
  const judge = stringArg(args, "judge");
  const judgeSample = numberArg(args, "judge-sample");
  const rubric = stringArg(args, "rubric");
  if (judge === undefined && (judgeSample !== undefined || rubric !== undefined)) throw new CompareError("--judge-sample and --rubric set up the judge: add --judge name=...,base=URL,model=M.");
  return {
    ...options,
    rows: Number(args.rows),
    candidates,
    real,
    holdout,
    ...(judge !== undefined ? { judge: { endpoint: judge, ...(judgeSample !== undefined ? { sample: judgeSample } : {}), ...(rubric !== undefined ? { rubric } : {}) } } : {}),
  };
}

/** One line per candidate event, for the CLI's stderr and a notebook cell's stream. */
export function compareProgressLine(e: CompareProgress): string | undefined {
  switch (e.phase) {
    case "generating":
      return e.rows === 0 ? `${e.candidate}: generating ${e.target?.toLocaleString("en-US") ?? ""} rows` : undefined;
    case "evaluating":
      return `${e.candidate}: scoring (report)`;
    case "judging":
      return `${e.candidate}: judging`;
    case "done":
      return `${e.candidate}: done`;
    case "resumed":
      return `${e.candidate}: finished in an earlier run (comparison checkpoint), skipped`;
    case "failed":
      return `${e.candidate}: failed: ${e.message ?? ""}`;
  }
}
