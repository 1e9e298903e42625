/** Validity chart: the share of synthetic rows or values breaking each check of the diagnostic. */
import { base, type VegaLiteSpec } from "./spec.js";

export interface ValidityBar {
  /** What was checked, e.g. `pickup ≤ dropoff` or `fare: outside the real range`. */
  check: string;
  /** "row rule" or "column". */
  group: string;
  /** Share of synthetic rows (row rules) or values (columns) breaking it, in [0, 1]. */
  share: number;
}

/** Horizontal bars, one per check, worst first; a real table breaks none of them (0%). */
export function validityChart(bars: readonly ValidityBar[]): VegaLiteSpec {
  const values = [...bars].sort((a, b) => b.share - a.share).map((b) => ({ ...b }));
  return base("Validity: synthetic rows breaking what every real row obeys", {
    width: 360,
    height: { step: 18 },
    data: { values },
    mark: { type: "bar" },
    encoding: {
      y: { field: "check", type: "nominal", sort: null, title: null, axis: { labelLimit: 280 } },
      x: { field: "share", type: "quantitative", title: "share of synthetic rows / values breaking it", axis: { format: "%" }, scale: { domain: [0, 1] } },
      color: { field: "group", type: "nominal", title: null, scale: { domain: ["row rule", "column"], range: ["#e45756", "#f58518"] } },
      tooltip: [{ field: "check" }, { field: "share", format: ".1%" }],
    },
  });
}
