/**
 * %%generate NAME [--mode ...] [--rows N] [--like VAR|PATH|DATASET] [--schema PATH|VAR|example] [--seed N] ...
 * with the description in the cell body. Shows live progress in place (one display_id, updated
 * at most ~4 times a second), binds a danfo DataFrame to NAME and ends with a summary.
 * The options are declared once for magic and CLI in src/frontend/commands/generate.ts.
 * Heavy modules are imported inside `run` so kernel start stays fast.
 */
import { NOTEBOOK_TYPES } from "../types.js";
import { displaySymbol } from "../../display/protocol.js";
import { generateCommand } from "../../frontend/commands/generate.js";
import { defineMagic, variableName } from "../../frontend/magic.js";
import { generateProgress } from "../../frontend/progress.js";
import { prepareGenerate, refuseEmptyRun } from "../../frontend/generate.js";

export default defineMagic(generateCommand, async (args, body, ctx) => {
  const name = variableName("NAME", String(args.name ?? ""));
  const where = { scope: ctx.scope, cwd: ctx.cwd, quiet: true, log: (line: string) => ctx.io.stdout(line + "\n") };
  const description = body?.trim() ? body.trim() : undefined;
  const prepared = await prepareGenerate(args, where, description);
  const { mode, rows } = prepared;

  const gen = await import("../../generate/index.js");
  // No key and no base URL: say so before a progress bar is drawn (it would only show "0 / N · stopped").
  await gen.checkLlmProvider(mode, {}, prepared.request.endpoints);

  const progress = generateProgress(name, mode, rows, { display: (bundle, o) => ctx.io.display(bundle, o) });
  let run;
  try {
    run = await gen.generate({ ...prepared.request, signal: ctx.signal, onProgress: (p) => progress.update(p) });
  } catch (e) {
    progress.stopped();
    throw e;
  }
  progress.done({ rows: run.frame.rowCount, target: rows, rowsPerSecond: run.stats.rowsPerSecond });
  refuseEmptyRun(run, prepared, `${name} is not set`);
  ctx.scope.set(name, run.toDataFrame(), NOTEBOOK_TYPES.DataFrame);
  ctx.io.display(run[displaySymbol]());
  return undefined;
});
