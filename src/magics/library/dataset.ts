/**
 * %dataset NAME [--as VAR] [--frame]: loads a dataset into the notebook scope (a danfo DataFrame,
 * or a Frame with --frame), shows the table and the dataset's attribution.
 * The options are declared in src/frontend/commands/dataset.ts.
 * Heavy modules are imported inside `run` so kernel start stays fast.
 */
import { NOTEBOOK_TYPES } from "../types.js";
import { InputError } from "../../errors.js";
import { suggestValue } from "../../frontend/args.js";
import { datasetCommand } from "../../frontend/commands/dataset.js";
import { defineMagic, variableName } from "../../frontend/magic.js";

/** "coffee-sales-raw-index_1" → "coffee_sales_raw_index_1": a valid identifier for the scope. */
export function defaultVariableName(dataset: string): string {
  const id = dataset.replace(/[^A-Za-z0-9_$]/g, "_");
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

export default defineMagic(datasetCommand, async (args, _body, ctx) => {
  const name = String(args.name ?? "");
  const variable = variableName("--as", args.as !== undefined ? String(args.as) : defaultVariableName(name));
  const { loadDataset, listDatasets, datasetAttribution } = await import("../../datasets/index.js");
  if (!listDatasets().some((d) => d.name === name)) {
    const names = listDatasets().map((d) => d.name);
    const hint = suggestValue(name, names);
    throw new InputError(hint ? `Unknown dataset "${name}"${hint}` : `Unknown dataset "${name}". Available: ${names.join(", ")}.`);
  }
  // A missing file, no network or a bad checksum is a DatasetError: one clear line, not a stack.
  const frame = await loadDataset(name, { quiet: true });
  const { frameBundle } = await import("../../data/display.js");
  let value: unknown = frame;
  if (!args.frame) {
    const { toDataFrame } = await import("../../data/dataframe.js");
    value = toDataFrame(frame);
  }
  ctx.scope.set(variable, value, args.frame ? NOTEBOOK_TYPES.Frame : NOTEBOOK_TYPES.DataFrame);
  ctx.io.display(frameBundle(frame));
  ctx.io.stdout(`${variable} = ${args.frame ? "Frame" : "DataFrame"} (${frame.rowCount} rows × ${frame.columnNames.length} columns)\n${datasetAttribution(name)}\n`);
  return undefined;
});
