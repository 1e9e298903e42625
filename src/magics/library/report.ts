/**
 * %%report --real NAME --synth NAME [--holdout NAME] [--target COL] [--time COL] [--as VAR]:
 * the quality report of notebook tables (danfo DataFrames, Frames or arrays of records).
 * Binds the Report to `report` (or --as) and displays it. The evaluate stage is imported
 * inside `run` so kernel start stays fast.
 */
import type { MagicContext, MagicDefinition } from "../types.js";
import { MagicUsageError, NOTEBOOK_TYPES } from "../types.js";
import { MAX_QUERIES } from "../../limits.js";
import { suggestValue } from "../args.js";
import { displaySymbol } from "../../display/protocol.js";
import { IDENTIFIER } from "../../identifier.js";


function table(ctx: MagicContext, option: string, name: string): unknown {
  if (!ctx.scope.has(name)) {
    const tables = ctx.scope.names().filter((n) => {
      const v = ctx.scope.get(n);
      return typeof v === "object" && v !== null && ("columns" in v || Array.isArray(v));
    });
    const hint = suggestValue(name, tables);
    throw new MagicUsageError(`--${option} ${name}: no notebook variable of that name${hint || (tables.length ? `; tables in scope: ${tables.join(", ")}.` : ".")}`);
  }
  return ctx.scope.get(name);
}

const report: MagicDefinition = {
  name: "report",
  kind: "both",
  description: "Fidelity, utility and privacy report of a synthetic table against the real one (and a holdout).",
  options: [
    { name: "real", type: "string", help: "notebook variable with the real (training) table", required: true },
    { name: "synth", type: "string", help: "notebook variable with the synthetic table", required: true },
    { name: "holdout", type: "string", help: "notebook variable with real rows the generator never saw" },
    { name: "target", type: "string", help: "numeric column to predict (TRTR/TSTR, feature importance)" },
    { name: "time", type: "string", help: "datetime column for autocorrelation of the daily target" },
    { name: "as", type: "string", help: "variable to store the Report in", default: "report" },
    { name: "model", type: "string", help: "regressor for TRTR/TSTR", choices: ["ridge", "linear", "mlp"], default: "ridge" },
    { name: "seed", type: "integer", min: 0, max: Number.MAX_SAFE_INTEGER, help: "seed of the sampled parts (queries, privacy samples)", default: 0 },
    { name: "queries", type: "integer", min: 1, max: MAX_QUERIES, help: "number of QScore queries", default: 200 },
    { name: "dates", type: "string", repeatable: true, help: "date format of a column the data cannot settle, COLUMN=FORMAT (e.g. Date=dd/mm/yyyy); repeatable" },
  ],
  examples: [
    "%%report --real train --synth sales --holdout holdout --target money",
    "%report --real train --synth sales --time Date --as r2",
  ],
  async run(args, _body, ctx) {
    const variable = String(args.as ?? "report");
    if (!IDENTIFIER.test(variable)) throw new MagicUsageError(`--as ${variable}: not a valid variable name; use letters, digits, _ or $.`);
    const real = table(ctx, "real", String(args.real));
    const synthetic = table(ctx, "synth", String(args.synth));
    const holdout = args.holdout !== undefined ? table(ctx, "holdout", String(args.holdout)) : null;
    const { datesOption } = await import("./generate.js");
    const dates = await datesOption(args);
    const { evaluate, EvaluateError } = await import("../../evaluate/index.js");
    const { FrameError, toFrame } = await import("../../data/frame.js");
    let result;
    try {
      result = await evaluate({
        real: toFrame(real),
        synthetic: toFrame(synthetic),
        holdout: holdout === null ? null : toFrame(holdout),
        target: args.target !== undefined ? String(args.target) : null,
        timeColumn: args.time !== undefined ? String(args.time) : null,
        model: (args.model ?? "ridge") as "ridge" | "linear" | "mlp",
        seed: Number(args.seed ?? 0),
        queries: Number(args.queries ?? 200),
        ...(dates ? { dates } : {}),
      });
    } catch (err) {
      // Bad input (empty table, mismatched columns, unknown target): one line, not a stack.
      if (err instanceof EvaluateError || err instanceof FrameError) throw new MagicUsageError(err.message);
      throw err;
    }
    ctx.scope.set(variable, result, NOTEBOOK_TYPES.Report);
    ctx.io.display(await result[displaySymbol]());
    ctx.io.stdout(`Stored in ${variable} (a Report): ${variable}.scores has the three scores, ${variable}.toJSON() every number, await ${variable}.toHTML() a page to save.\n`);
    return undefined;
  },
};

export default report;
