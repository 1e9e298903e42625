/**
 * Formatters that ship with the kernel: Vega-Lite specs (rendered by src/charts/render.ts)
 * and tables (src/data/display.ts). Registered once, on first use of toMimeBundle.
 */
import { chartBundle, isVegaLiteSpec } from "../charts/render.js";
import { registerFormatter } from "./formatters.js";

let registered = false;

export async function registerBuiltinFormatters(): Promise<void> {
  if (registered) return;
  registered = true;
  registerFormatter({ name: "vega-lite", test: isVegaLiteSpec, format: (v) => chartBundle(v as object) });
  try {
    const tables = await import("../data/display.js");
    // Table formatters go after the chart one so they are tried first (a DataFrame is never a spec anyway).
    await tables.registerTableFormatters(registerFormatter);
  } catch (err) {
    process.stderr.write(`synthlab: table display unavailable: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
