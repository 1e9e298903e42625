/**
 * The display formatter for plain Vega-Lite spec objects. Charts register it themselves: the
 * display layer knows only the protocol and the registry (src/display/formatters.ts), never charts.
 */
import { registerFormatter, type Formatter } from "../display/formatters.js";
import { chartBundle, isVegaLiteSpec } from "./render.js";

export const chartFormatter: Formatter = { name: "vega-lite", test: isVegaLiteSpec, format: (v) => chartBundle(v as object) };

/** Registers the chart formatter with the display registry, or with the `register` function given. */
export function registerChartFormatter(register: (f: Formatter) => void = registerFormatter): void {
  register(chartFormatter);
}
