/**
 * %%report --real NAME --synth NAME [--holdout NAME] [--target COL] [--time COL] [--as VAR]:
 * the quality report of tables given as notebook variables (danfo DataFrames, Frames or arrays
 * of records), .csv/.jsonl/.json files or dataset names. Binds the Report to `report` (or --as)
 * and displays it. The options are declared once for magic and CLI in
 * src/frontend/commands/report.ts; the evaluate stage is imported inside `run`.
 */
import { NOTEBOOK_TYPES } from "../types.js";
import { displaySymbol } from "../../display/protocol.js";
import { reportCommand } from "../../frontend/commands/report.js";
import { defineMagic, variableName } from "../../frontend/magic.js";
import { libraryOptions } from "../../frontend/spec.js";
import { resolveTable } from "../../frontend/tables.js";

export default defineMagic(reportCommand, async (args, _body, ctx) => {
  const variable = variableName("--as", String(args.as ?? "report"));
  const where = { scope: ctx.scope, cwd: ctx.cwd, quiet: true, log: (line: string) => ctx.io.stdout(line + "\n") };
  const real = await resolveTable("real", String(args.real), where);
  const synthetic = await resolveTable("synth", String(args.synth), where);
  const holdout = args.holdout !== undefined ? await resolveTable("holdout", String(args.holdout), where) : null;
  const options = libraryOptions(reportCommand, args);
  const { evaluate } = await import("../../evaluate/index.js");
  const result = await evaluate({ ...options, real, synthetic, holdout });
  ctx.scope.set(variable, result, NOTEBOOK_TYPES.Report);
  ctx.io.display(await result[displaySymbol]());
  ctx.io.stdout(`Stored in ${variable} (a Report): ${variable}.scores has the three scores, ${variable}.toJSON() every number, await ${variable}.toHTML() a page to save.\n`);
  return undefined;
});
