/**
 * "Did you mean" for table names given to library magics (--like, --data, --real …): the
 * notebook's table variables and the dataset names, matched by src/magics/args.ts suggestValue.
 */
import { suggestValue } from "./args.js";
import type { NotebookScope } from "./types.js";

/** A value that toFrame can read: a Frame, a danfo DataFrame or an array of records. */
function looksLikeTable(v: unknown): boolean {
  return typeof v === "object" && v !== null && (Array.isArray(v) || "columns" in v);
}

/** "; did you mean coffee_sales?" naming the closest table variable or dataset, or "". */
export async function tableNameHint(value: string, scope: NotebookScope, datasets = true): Promise<string> {
  const names = scope.names().filter((n) => looksLikeTable(scope.get(n)));
  if (datasets) {
    const { listDatasets } = await import("../datasets/index.js");
    names.push(...listDatasets().map((d) => d.name));
  }
  return suggestValue(value, names);
}
