/**
 * The display formatters synthlab ships: plain Vega-Lite specs (src/charts/formatter.ts) and
 * tables (src/data/display.ts). Each stage owns its formatter; this module only calls their
 * registrations, for the two places that display values: the library entry (src/index.ts, on
 * import) and the kernel's execution host (the kernel and the `synthlab run` child).
 */
import { registerChartFormatter } from "./charts/formatter.js";
import { registerTableFormatters } from "./data/display.js";

let registered = false;

/** Registers the shipped formatters once; they are in place when this call returns. */
export async function registerBuiltinFormatters(): Promise<void> {
  if (registered) return;
  registered = true;
  registerChartFormatter();
  // After the chart one, so tables are tried first (a DataFrame is never a spec anyway).
  await registerTableFormatters();
}
