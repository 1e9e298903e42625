/**
 * `generate`: the option list of `%%generate` and `synthlab generate` (src/frontend/spec.ts).
 * An option with a `key` reaches generate() with no other change; see docs/magics.md.
 */
import type { GenerateOptions } from "../../generate/index.js";
import { GENERATE_MODES } from "../../generate/types.js";
import { MAX_ROWS } from "../../limits.js";
import type { CommandSpec } from "../spec.js";
import { datesOption, seedOption } from "./shared.js";

export const generateCommand: CommandSpec<GenerateOptions> = {
  name: "generate",
  summary: "Generate synthetic rows (offline, copula, cart, llm-rows, llm-program, text, grounded).",
  description:
    "Generate synthetic rows. Modes: offline (schema-driven, seeded), copula (fitted on --like), cart (sequential trees fitted on --like), llm-rows, llm-program, text, grounded (a need in words → questions → retrieval over --corpus → rows citing passages; docs/grounded.md). " +
    "In a notebook the rows are bound to the DataFrame NAME and the cell body describes the data (used by the LLM modes).",
  options: [
    { name: "mode", type: "string", choices: GENERATE_MODES, key: "mode", help: "generation mode (default: grounded with --corpus, copula with --like, offline with --schema, else llm-rows)" },
    { name: "rows", short: "n", type: "integer", min: 0, max: MAX_ROWS, default: 100, key: "rows", help: "rows to generate" },
    { name: "like", type: "string", table: true, help: "real table to imitate" },
    { name: "schema", type: "string", help: "schema: a JSON file or an example name (coffee-shop); in a notebook also a variable" },
    seedOption<GenerateOptions>("random seed (same seed, same rows for offline/copula/cart)", 0),
    { name: "min-leaf", type: "integer", min: 1, max: 1_000_000, metavar: "N", key: "minLeaf", help: "cart: fewest real rows per tree leaf (default 5; larger copies fewer real rows)" },
    { name: "smoothing", type: "string", choices: ["none", "density"], key: "smoothing", help: "cart: density = Gaussian noise around continuous numeric values (default none)" },
    {
      name: "order", type: "string", metavar: "COL,COL", key: "order",
      convert: (v) => String(v).split(",").map((s) => s.trim()).filter(Boolean),
      help: "cart: columns drawn first, comma-separated; * stands for the others (*,money draws money last)",
    },
    datesOption<GenerateOptions>(),
    { name: "out", short: "o", type: "string", metavar: "PATH", only: "cli", help: "a .csv or .jsonl file, or - for CSV on stdout (required)" },
    { name: "description", short: "d", type: "string", metavar: "TEXT", only: "cli", key: "description", help: "what the data is (LLM modes; in a notebook, the cell body)" },
    { name: "model", type: "string", key: "model", help: "LLM model name (LLM modes)" },
    { name: "budget", type: "number", min: 0, minExclusive: true, metavar: "USD", key: "budgetUsd", help: "stop cleanly after spending this many US dollars (LLM modes)" },
    { name: "concurrency", type: "integer", min: 1, max: 256, key: "concurrency", help: "parallel requests per endpoint (LLM modes)" },
    {
      name: "endpoint", type: "string", repeatable: true, metavar: "URL", key: "endpoints",
      help: 'an OpenAI-compatible server of a pool used together, e.g. "http://gpu1:8000/v1 key=GPU1_KEY" (key= names the environment variable holding its key; docs/llm.md)',
    },
    { name: "batch-size", type: "integer", min: 1, max: 1000, key: "batchSize", help: "rows per request (llm-rows)" },
    { name: "examples", type: "integer", min: 0, max: 100, key: "examples", help: "few-shot real rows per request (llm-rows)" },
    { name: "temperature", type: "number", min: 0, max: 2, key: "temperature", help: "sampling temperature (LLM modes)" },
    {
      name: "dedup", type: "string", choices: ["exact", "near", "none"], key: "dedup",
      help: "remove duplicates (also of real rows), or none to keep them",
    },
    { name: "meta", type: "boolean", key: "meta", help: "add a _meta provenance column", default: false },
    { name: "run-id", type: "string", key: "runId", help: "checkpoint id: an interrupted run with the same id resumes (LLM modes)" },
    { name: "batch-api", type: "boolean", key: "batchApi", help: "use the OpenAI Batch API (LLM modes)", default: false },
    { name: "task", type: "string", choices: ["classification", "ner", "dialogue", "summary"], key: "textTask", help: "text mode task" },
    {
      name: "labels", type: "string", metavar: "A,B", key: "labels",
      convert: (v) => String(v).split(",").map((s) => s.trim()).filter(Boolean), help: "text mode labels, comma-separated (e.g. spam,ham)",
    },
    { name: "balanced", type: "boolean", key: "balanced", help: "text mode: equal rows per label", default: false },
    {
      name: "avoid", type: "string", metavar: "REVIEW|TABLE",
      help: "counter-examples for the LLM modes: the rejected rows of review REVIEW (.synthlab/review/REVIEW.jsonl), or a table of rows to avoid",
    },
    {
      name: "condition", type: "string", repeatable: true, metavar: "C", key: "conditions",
      help: 'fixed values or exact counts, e.g. "coffee_name=Latte" or "coffee_name=Latte:300,Cocoa:300" (repeatable; docs/generation.md)',
    },
    { name: "rebalance", type: "string", metavar: "R", key: "rebalance", help: 'target shares of one column: "coffee_name" (uniform) or "coffee_name=Latte:0.5,Cocoa:0.5"' },
    {
      name: "constraint", type: "string", repeatable: true, metavar: "RULE", key: "constraints",
      help: 'a rule every row keeps: "pickup<=dropoff", "fare>=0", "total=fare+tip", "borough<-zone", "combo(city,zone)" (repeatable)',
    },
    { name: "mine-constraints", type: "boolean", key: "mineConstraints", default: true, help: "enforce the rules mined from --like (--no-mine-constraints turns it off)" },
    { name: "corpus", type: "string", metavar: "PATH", key: "corpus", help: "grounded: the local corpus, a folder of .txt, .md, .html or .jsonl files" },
    { name: "need", type: "string", metavar: "TEXT", only: "cli", key: "need", help: "grounded: the data you need, in words (in a notebook, the cell body)" },
    { name: "need-file", type: "string", metavar: "PATH", only: "cli", help: "grounded: read the need from a text file" },
    { name: "grounding", type: "string", choices: ["drop", "flag", "off"], key: "grounding", help: "grounded: rows not supported by their cited passages are dropped (default), flagged in _grounded, or not checked" },
    { name: "questions", type: "integer", min: 1, max: 500, key: "questions", help: "grounded: questions in the coverage plan (default about rows / 4)" },
    { name: "subtopics", type: "integer", min: 1, max: 50, key: "subtopics", help: "grounded: subtopics the questions cover (default up to 4)" },
    { name: "top-k", type: "integer", min: 1, max: 50, metavar: "K", key: "topK", help: "grounded: passages retrieved per question (default 4)" },
    { name: "embedding-model", type: "string", metavar: "MODEL", key: "embeddingModel", help: "grounded: embedding model of the hybrid ranking (default: the endpoint's; BM25 alone where it has none)" },
    { name: "quiet", short: "q", type: "boolean", only: "cli", help: "no progress on stderr" },
  ],
  magic: {
    kind: "cell",
    positionals: [{ name: "name", help: "variable to bind the generated DataFrame to", required: true }],
    examples: [
      "%%generate sales --schema coffee-shop --rows 10000 --seed 7",
      "%%generate synth --like real --rows 2000 --mode copula",
      "%%generate synth --like real --rows 2000 --mode cart --order *,money --min-leaf 10",
      "%%generate synth --like trips.csv --dates pickup=dd/mm/yyyy HH:MM --rows 1000",
      '%%generate balanced --like real --rows 800 --rebalance coffee_name --constraint "money>=20"',
      "%%generate sales --like real --rows 2000 --mode llm-rows --model gpt-4o-mini\nCoffee vending-machine sales in Ukraine: one row per cup sold.",
      "%%generate emails --mode grounded --corpus ./corpus --rows 60\nShort passages of e-mails labelled spam or ham, quoted from the corpus.",
    ],
  },
  cli: {
    examples: [
      "synthlab generate --schema coffee-shop --rows 1000 --seed 7 --out sales.csv",
      "synthlab generate --like coffee-sales --rows 2000 --out synth.jsonl",
      "synthlab generate --mode cart --like coffee-sales --order *,money --rows 2000 --out synth.csv",
      'synthlab generate --like coffee-sales --rows 600 --condition "coffee_name=Latte:300,Cocoa:300" --out synth.csv',
      'synthlab generate --mode llm-rows --schema coffee-shop --rows 5000 --endpoint "http://gpu1:8000/v1 key=GPU1_KEY" --endpoint http://gpu2:8000/v1 --out synth.csv',
      'synthlab generate --mode grounded --corpus docs --need "Sentences about caching, labelled cost or reliability" --rows 40 --out grounded.jsonl',
    ],
    epilog: "LLM modes read OPENAI_API_KEY / OPENAI_BASE_URL, or a pool of servers from --endpoint / SYNTHLAB_ENDPOINTS (see docs/llm.md).",
  },
};
