/**
 * %%compare --real NAME [--holdout NAME | --split SHARE] --rows N [--target COL] [--as VAR], one
 * candidate per line of the cell body (or --candidate SPEC, --candidates FILE): generators and LLMs
 * compared on one task (docs/compare.md). Binds the Comparison to `comparison` (or --as) and
 * displays it: the table, three charts and the recommendation. The options are declared once for
 * magic and CLI in src/frontend/commands/compare.ts; the comparison is imported inside `run`.
 */
import { NOTEBOOK_TYPES } from "../types.js";
import { displaySymbol } from "../../display/protocol.js";
import { compareCommand, compareProgressLine, compareRequest } from "../../frontend/commands/compare.js";
import { defineMagic, variableName } from "../../frontend/magic.js";

export default defineMagic(compareCommand, async (args, body, ctx) => {
  const variable = variableName("--as", String(args.as ?? "comparison"));
  const where = { scope: ctx.scope, cwd: ctx.cwd, quiet: true, log: (line: string) => ctx.io.stdout(line + "\n") };
  const request = await compareRequest(args, body, where);
  const { compareGenerators } = await import("../../compare/index.js");
  const cmp = await compareGenerators({
    ...request,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onProgress: (e) => {
      const line = compareProgressLine(e);
      if (line) ctx.io.stdout(`${line}\n`);
    },
  });
  ctx.scope.set(variable, cmp, NOTEBOOK_TYPES.Comparison);
  ctx.io.display(await cmp[displaySymbol]());
  ctx.io.stdout(`Stored in ${variable} (a Comparison): ${variable}.candidates has every figure, ${variable}.recommendation the pick, ${variable}.report(name) a candidate's full report.\n`);
  return undefined;
});
