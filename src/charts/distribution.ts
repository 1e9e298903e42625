/** Per-column distribution, real vs synthetic, as grouped bars of bin shares (shared bins). */
import { base, sourceScale, type VegaLiteSpec } from "./spec.js";
import { NULL_LABEL } from "../data/columns.js";

/** Widest bin label drawn whole (px): a date interval "[2024-03-01, 2024-03-20)" fits. */
const BIN_LABEL_LIMIT = 240;

export interface BinnedShares {
  labels: readonly string[];
  real: readonly number[];
  synthetic: readonly number[];
}

export function distributionChart(column: string, h: BinnedShares, opts: { maxBins?: number } = {}): VegaLiteSpec {
  const max = opts.maxBins ?? 40;
  // The missing-values bin is drawn only when some row is missing: an empty "(null)" bar says nothing.
  let idx = h.labels.map((_, i) => i).filter((i) => h.labels[i] !== NULL_LABEL || h.real[i]! > 0 || h.synthetic[i]! > 0);
  // Keep the bins with the most mass when a categorical column has very many categories.
  if (idx.length > max) idx = idx.sort((a, b) => h.real[b]! + h.synthetic[b]! - (h.real[a]! + h.synthetic[a]!)).slice(0, max).sort((a, b) => a - b);
  const values = idx.flatMap((i) => [
    { bin: h.labels[i]!, order: i, source: "real", share: h.real[i]! },
    { bin: h.labels[i]!, order: i, source: "synthetic", share: h.synthetic[i]! },
  ]);
  return base(`${column}: real vs synthetic`, {
    width: 360,
    height: 160,
    data: { values },
    mark: { type: "bar" },
    encoding: {
      x: { field: "bin", type: "ordinal", sort: { field: "order" }, title: null, axis: { labelAngle: -45, labelLimit: BIN_LABEL_LIMIT } },
      xOffset: { field: "source" },
      y: { field: "share", type: "quantitative", title: "share of rows", axis: { format: "%" } },
      color: { field: "source", type: "nominal", scale: sourceScale("real", "synthetic"), title: null },
      tooltip: [{ field: "bin" }, { field: "source" }, { field: "share", format: ".2%" }],
    },
  });
}
