/**
 * The one table resolver of magics and CLI: an argument such as `--data`, `--like` or `--real`
 * names a notebook variable (magics only), a .csv / .jsonl / .json file, or a dataset
 * (src/datasets), tried in that order. A name that is none of these is one InputError with the
 * closest candidate ("did you mean coffee-sales?"). Also the one resolver of `--schema`.
 * Heavy modules (CSV parser, datasets) are imported when needed, so kernel start stays fast.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { InputError } from "../errors.js";
import type { Frame, Schema } from "../data/types.js";
import type { NotebookScope } from "../magics/types.js";
import { suggestValue } from "./args.js";

/** Where a table name is looked up. */
export interface TableContext {
  /** The notebook's variables (magics); absent on the command line. */
  scope?: NotebookScope;
  /** Folder relative paths resolve against (default: the process's). */
  cwd?: string;
  /** Where notes on reading go (e.g. "Read x.csv as semicolon-separated"); default stderr. */
  log?: (line: string) => void;
  /** Do not print a dataset's attribution (the caller shows it). */
  quiet?: boolean;
}

/** Files the resolver reads as tables. */
const TABLE_FILE = /\.(csv|tsv|txt|jsonl|ndjson|json)$/i;

/** A value a notebook variable may hold as a table: a Frame, a danfo DataFrame or an array of records. */
function looksLikeTable(v: unknown): boolean {
  return typeof v === "object" && v !== null && (Array.isArray(v) || "columns" in v);
}

/** Reads a table file: .jsonl/.ndjson as JSON Lines, .json as an array of records, anything else as CSV. */
export async function readTableFile(path: string, log?: (line: string) => void): Promise<Frame> {
  const { readCsv, readJson, readJsonl } = await import("../data/csv.js");
  if (/\.(jsonl|ndjson)$/i.test(path)) return readJsonl(path);
  if (/\.json$/i.test(path)) return readJson(path);
  return readCsv(path, log ? { log } : {});
}

/** The table that `--option value` names. */
export async function resolveTable(option: string, value: string, where: TableContext = {}): Promise<Frame> {
  const { scope } = where;
  if (scope?.has(value)) {
    const { toFrame } = await import("../data/frame.js");
    try {
      return toFrame(scope.get(value));
    } catch (e) {
      throw new InputError(`--${option} ${value}: the variable is not a table (${(e as Error).message})`);
    }
  }
  const path = resolve(where.cwd ?? process.cwd(), value);
  if (statSync(path, { throwIfNoEntry: false })?.isFile()) return readTableFile(path, where.log);
  const { listDatasets, loadDataset } = await import("../datasets/index.js");
  if (listDatasets().some((d) => d.name === value)) return loadDataset(value, { quiet: where.quiet === true, ...(where.log ? { log: where.log } : {}) });
  if (TABLE_FILE.test(value) || value.includes("/")) {
    const hint = suggestValue(basename(value), tableFiles(dirname(path)));
    throw new InputError(`--${option} ${value}: no such file${hint || "."}`);
  }
  const hint = await tableHint(value, scope, where.cwd);
  if (scope) {
    const tables = tableVariables(scope);
    const fallback = tables.length ? `; tables in scope: ${tables.join(", ")}.` : "; load one first (e.g. %dataset coffee-sales --as sales).";
    throw new InputError(`--${option} ${value}: no notebook variable, file or dataset of that name${hint || fallback}`);
  }
  throw new InputError(`--${option} ${value}: no file or dataset of that name${hint || " (see `synthlab datasets list`)."}`);
}

/**
 * "; did you mean coffee-sales?" for a table name that resolves to nothing: the closest table
 * variable (magics), dataset, or table file in the folder; "" when none is close.
 */
export async function tableHint(value: string, scope?: NotebookScope, cwd?: string): Promise<string> {
  const { listDatasets } = await import("../datasets/index.js");
  const names = [...(scope ? tableVariables(scope) : []), ...listDatasets().map((d) => d.name), ...tableFiles(cwd ?? process.cwd())];
  return suggestValue(value, names);
}

function tableVariables(scope: NotebookScope): string[] {
  return scope.names().filter((n) => looksLikeTable(scope.get(n)));
}

function tableFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => TABLE_FILE.test(f));
  } catch {
    return []; // an unreadable folder only costs the file suggestions
  }
}

/**
 * `--schema value`: a notebook variable holding a Schema, a zod z.object or a JSON Schema object
 * (magics), an example name (coffee-shop), or a JSON file. generate() converts the latter kinds.
 */
export async function resolveSchema(option: string, value: string, where: Pick<TableContext, "scope" | "cwd"> = {}): Promise<Schema | object> {
  const { scope } = where;
  if (scope?.has(value)) {
    const v = scope.get(value);
    const { isZodSchema, isJsonSchema } = await import("../generate/schema-input.js");
    if (typeof v === "object" && v !== null && (Array.isArray((v as Schema).columns) || isZodSchema(v) || isJsonSchema(v))) return v;
    throw new InputError(`--${option} ${value}: the variable is not a schema ({ columns: [...] }, a zod z.object or a JSON Schema object).`);
  }
  const { EXAMPLE_SCHEMAS } = await import("../generate/offline/coffee-shop.js");
  const example = EXAMPLE_SCHEMAS[value];
  if (example) return example;
  const path = resolve(where.cwd ?? process.cwd(), value);
  if (!existsSync(path)) {
    const kinds = `${scope ? "notebook variable, " : ""}example (${Object.keys(EXAMPLE_SCHEMAS).join(", ")}) or JSON file`;
    throw new InputError(`--${option} ${value}: no ${kinds} of that name.`);
  }
  const { readFileSync } = await import("node:fs");
  try {
    return JSON.parse(readFileSync(path, "utf8")) as object;
  } catch (e) {
    throw new InputError(`--${option} ${value}: not valid JSON (${(e as Error).message}).`);
  }
}

/**
 * The counter-example rows `--avoid VALUE` names (generate): the rejected rows of review VALUE when
 * its decision file `.synthlab/review/VALUE.jsonl` exists under the working folder — checked first,
 * since %%review binds VALUE to the *accepted* rows — else a notebook variable holding a review
 * (its rejected rows), else any table resolveTable finds.
 */
export async function resolveAvoid(value: string, where: TableContext = {}): Promise<Frame> {
  const { reviewFile, rejectedRows, ReviewError } = await import("../review/index.js");
  let file: string | undefined;
  try { file = reviewFile(where.cwd ?? process.cwd(), value); } catch (e) { if (!(e instanceof ReviewError)) throw e; }
  if (file && existsSync(file)) return rejectedRows(value, where.cwd ?? process.cwd());
  const v = where.scope?.has(value) ? (where.scope.get(value) as { rejected?: () => unknown }) : undefined;
  if (v && typeof v.rejected === "function") {
    const { toFrame } = await import("../data/frame.js");
    return toFrame(v.rejected());
  }
  try {
    return await resolveTable("avoid", value, where);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(`${e.message.replace(/[.;]?$/, "")}; nor a review of that name (no .synthlab/review/${value}.jsonl here: review rows first with %%review ${value} --from SYNTH).`);
  }
}
