/**
 * %dataset NAME [--as VAR] [--frame]: loads a dataset into the notebook scope (a danfo DataFrame,
 * or a Frame with --frame), shows the table and the dataset's attribution.
 * Heavy modules are imported inside `run` so kernel start stays fast.
 */
import type { MagicDefinition } from "../types.js";
import { MagicUsageError, NOTEBOOK_TYPES } from "../types.js";
import { suggestValue } from "../args.js";
import { IDENTIFIER } from "../../identifier.js";

/** "coffee-sales-raw-index_1" → "coffee_sales_raw_index_1": a valid identifier for the scope. */
export function defaultVariableName(dataset: string): string {
  const id = dataset.replace(/[^A-Za-z0-9_$]/g, "_");
  return /^[0-9]/.test(id) ? `_${id}` : id;
}


const dataset: MagicDefinition = {
  name: "dataset",
  kind: "line",
  description: "Load a dataset (see `synthlab datasets list`) into a notebook variable and show it.",
  positionals: [{ name: "name", help: "dataset name, e.g. coffee-sales", required: true }],
  options: [
    { name: "as", type: "string", help: "variable to store it in (default: the name with - replaced by _)" },
    { name: "frame", type: "boolean", help: "store a synthlab Frame instead of a danfo DataFrame", default: false },
  ],
  examples: ["%dataset coffee-sales --as sales", "%dataset spam-assassin --as mails --frame"],
  async run(args, _body, ctx) {
    const name = String(args.name ?? "");
    const variable = args.as !== undefined ? String(args.as) : defaultVariableName(name);
    if (!IDENTIFIER.test(variable)) throw new MagicUsageError(`--as ${variable}: not a valid variable name; use letters, digits, _ or $.`);
    const { loadDataset, listDatasets, datasetAttribution, DatasetError } = await import("../../datasets/index.js");
    if (!listDatasets().some((d) => d.name === name)) {
      const names = listDatasets().map((d) => d.name);
      const hint = suggestValue(name, names);
      throw new MagicUsageError(hint ? `Unknown dataset "${name}"${hint}` : `Unknown dataset "${name}". Available: ${names.join(", ")}.`);
    }
    let frame;
    try {
      frame = await loadDataset(name, { quiet: true });
    } catch (err) {
      // Missing file / no network / checksum: one clear line, not a stack.
      if (err instanceof DatasetError) throw new MagicUsageError(err.message);
      throw err;
    }
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
  },
};

export default dataset;
