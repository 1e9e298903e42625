/**
 * %%generate NAME [--mode ...] [--rows N] [--like VAR|PATH|DATASET] [--schema PATH|VAR|example] [--seed N] ...
 * with the description in the cell body. Shows live progress in place (one display_id, updated
 * at most ~4 times a second), binds a danfo DataFrame to NAME and ends with a summary.
 * The options are declared once for magic and CLI in src/frontend/commands/generate.ts.
 * Heavy modules are imported inside `run` so kernel start stays fast.
 */
import { NOTEBOOK_TYPES } from "../types.js";
import { displaySymbol } from "../../display/protocol.js";
import { printableLine } from "../../display/untrusted.js";
import { RunFailedError } from "../../errors.js";
import { generateCommand } from "../../frontend/commands/generate.js";
import { defineMagic, variableName } from "../../frontend/magic.js";
import { generateProgress } from "../../frontend/progress.js";
import { libraryOptions, stringArg } from "../../frontend/spec.js";
import { resolveAvoid, resolveSchema, resolveTable } from "../../frontend/tables.js";

export default defineMagic(generateCommand, async (args, body, ctx) => {
  const name = variableName("NAME", String(args.name ?? ""));
  const options = libraryOptions(generateCommand, args);
  const rows = options.rows ?? 100;
  const where = { scope: ctx.scope, cwd: ctx.cwd, quiet: true, log: (line: string) => ctx.io.stdout(line + "\n") };
  const likeName = stringArg(args, "like");
  const schemaName = stringArg(args, "schema");
  const like = likeName !== undefined ? await resolveTable("like", likeName, where) : undefined;
  const schema = schemaName !== undefined ? await resolveSchema("schema", schemaName, where) : undefined;
  const description = body?.trim() ? body.trim() : undefined;
  const avoidName = stringArg(args, "avoid");
  const avoid = avoidName !== undefined ? await resolveAvoid(avoidName, where) : undefined;

  const gen = await import("../../generate/index.js");
  const mode = gen.pickMode({ mode: options.mode, schema, like, description });
  // No key and no base URL: say so before a progress bar is drawn (it would only show "0 / N · stopped").
  await gen.checkLlmProvider(mode);

  const progress = generateProgress(name, mode, rows, { display: (bundle, o) => ctx.io.display(bundle, o) });
  let run;
  try {
    run = await gen.generate({
      ...options,
      mode,
      rows,
      seed: options.seed ?? 0,
      ...(schema ? { schema } : {}),
      ...(like ? { like } : {}),
      ...(description ? { description } : {}),
      ...(avoid ? { avoid } : {}),
      signal: ctx.signal,
      onProgress: (p) => progress.update(p),
    });
  } catch (e) {
    progress.stopped();
    throw e;
  }
  progress.done({ rows: run.frame.rowCount, target: rows, rowsPerSecond: run.stats.rowsPerSecond });
  if (rows > 0 && run.frame.rowCount === 0) {
    // Nothing usable came back (e.g. every model reply was invalid): an empty table would pass unnoticed.
    const invalid = run.stats.invalidRows ? `${run.stats.invalidRows} invalid rows` : "no rows";
    const why = run.warnings.length ? ` (${printableLine(run.warnings[0]!.replace(/\s+/g, " "), 200)})` : "";
    throw new RunFailedError(`no valid rows: the ${mode} run produced ${invalid}${why}; ${name} is not set.`);
  }
  ctx.scope.set(name, run.toDataFrame(), NOTEBOOK_TYPES.DataFrame);
  ctx.io.display(run[displaySymbol]());
  return undefined;
});
