/**
 * What `%%generate` and `synthlab generate` share around the library's generate(): reading the tables
 * their options name, choosing the mode, building the request, and refusing a run that produced no
 * row. Each front end adds only its own progress sink and where the rows go.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { printableLine } from "../display/untrusted.js";
import { RunFailedError, UsageError } from "../errors.js";
import type { GenerateMode, GenerateOptions, GenerationRun } from "../generate/index.js";
import type { MagicArgs } from "../magics/types.js";
import { generateCommand } from "./commands/generate.js";
import { libraryOptions, stringArg } from "./spec.js";
import { resolveAvoid, resolveSchema, resolveTable, type TableContext } from "./tables.js";

export interface PreparedGenerate {
  mode: GenerateMode;
  rows: number;
  /** The library request, without the front end's progress callback and signal. */
  request: GenerateOptions;
}

/** The request for generate() from parsed options; `description` is the magic's cell body (the CLI has --description). */
export async function prepareGenerate(args: MagicArgs, where: TableContext = {}, description?: string): Promise<PreparedGenerate> {
  const options = libraryOptions(generateCommand, args);
  const rows = options.rows ?? 100;
  const likeName = stringArg(args, "like");
  const schemaName = stringArg(args, "schema");
  const avoidName = stringArg(args, "avoid");
  const like = likeName !== undefined ? await resolveTable("like", likeName, where) : undefined;
  const schema = schemaName !== undefined ? await resolveSchema("schema", schemaName, where) : undefined;
  const avoid = avoidName !== undefined ? await resolveAvoid(avoidName, where) : undefined;
  const need = await readNeed(args);
  // A corpus path is read from where the notebook (or the shell) is.
  const corpus = options.corpus !== undefined ? resolve(where.cwd ?? process.cwd(), String(options.corpus)) : undefined;
  const { pickMode } = await import("../generate/index.js");
  const mode = pickMode({ mode: options.mode, schema, like, description: description ?? options.description, corpus });
  const request: GenerateOptions = {
    ...options,
    mode,
    rows,
    seed: options.seed ?? 0,
    ...(need !== undefined ? { need } : {}),
    ...(corpus !== undefined ? { corpus } : {}),
    ...(schema ? { schema } : {}),
    ...(like ? { like } : {}),
    ...(description ? { description } : {}),
    ...(avoid ? { avoid } : {}),
  };
  return { mode, rows, request };
}

/** The grounded mode's need from `--need` or `--need-file` (CLI); undefined when neither is given. */
async function readNeed(args: MagicArgs): Promise<string | undefined> {
  const text = stringArg(args, "need");
  const file = stringArg(args, "need-file");
  if (text !== undefined && file !== undefined) throw new UsageError("--need and --need-file both give the need: pass one of them.");
  if (file === undefined) return text;
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    throw new UsageError(`--need-file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? "error"}); pass a text file with the need.`);
  }
}

/** Nothing usable came back (e.g. every model reply was invalid): an empty table would pass for success. */
export function refuseEmptyRun(run: GenerationRun, prepared: PreparedGenerate, consequence: string): void {
  if (prepared.rows <= 0 || run.frame.rowCount > 0) return;
  const invalid = run.stats.invalidRows ? `${run.stats.invalidRows} invalid rows` : "no rows";
  const why = run.warnings.length ? ` (${printableLine(run.warnings[0]!.replace(/\s+/g, " "), 200)})` : "";
  throw new RunFailedError(`no valid rows: the ${prepared.mode} run produced ${invalid}${why}; ${consequence}.`);
}
