/** Vega-Lite spec of a confusion matrix (pure): true label down, predicted label across, counts in the cells. */
import type { VegaLiteSpec } from "./spec.js";

/** What the chart needs of a classifier's metrics: labels, and confusion[i][j] = true labels[i] predicted labels[j]. */
export interface ConfusionCounts {
  labels: readonly string[];
  confusion: readonly (readonly number[])[];
}

export function confusionChartSpec(m: ConfusionCounts, title = "Confusion matrix"): VegaLiteSpec {
  const values: { actual: string; predicted: string; count: number; share: number }[] = [];
  m.labels.forEach((a, i) => {
    const rowTotal = m.confusion[i]!.reduce((x, y) => x + y, 0);
    m.labels.forEach((p, j) => {
      const count = m.confusion[i]![j]!;
      // Row share: what fraction of this true class went to each prediction (the colour).
      values.push({ actual: a, predicted: p, count, share: rowTotal === 0 ? 0 : count / rowTotal });
    });
  });
  const axis = { type: "nominal", sort: [...m.labels] };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title,
    data: { values },
    width: Math.max(160, 60 * m.labels.length),
    height: Math.max(160, 60 * m.labels.length),
    encoding: {
      x: { field: "predicted", title: "predicted label", ...axis, axis: { labelAngle: 0 } },
      y: { field: "actual", title: "true label", ...axis },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: { field: "share", type: "quantitative", title: "share of true label", scale: { domain: [0, 1], scheme: "blues" } },
          tooltip: [{ field: "actual" }, { field: "predicted" }, { field: "count" }, { field: "share", format: ".1%" }],
        },
      },
      {
        mark: { type: "text", fontSize: 14 },
        encoding: {
          text: { field: "count", type: "quantitative" },
          color: { condition: { test: "datum.share > 0.5", value: "white" }, value: "black" },
        },
      },
    ],
  };
}
