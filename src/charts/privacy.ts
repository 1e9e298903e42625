/** Privacy charts: distance-to-closest-record histograms and the membership-inference ROC curve. */
import { base, sourceScale, type VegaLiteSpec } from "./spec.js";

/** Histogram (shares per bin over a shared range) of synthetic→train and holdout→train distances. */
export function dcrHistogram(synthToTrain: ArrayLike<number>, holdoutToTrain: ArrayLike<number>, bins = 30): VegaLiteSpec {
  let max = 0;
  for (const d of [synthToTrain, holdoutToTrain]) for (let i = 0; i < d.length; i++) if (d[i]! > max) max = d[i]!;
  const width = max > 0 ? max / bins : 1;
  const values: { source: string; from: number; to: number; share: number }[] = [];
  const add = (d: ArrayLike<number>, source: string) => {
    const counts = new Array<number>(bins).fill(0);
    let n = 0;
    for (let i = 0; i < d.length; i++) {
      if (Number.isNaN(d[i]!)) continue;
      counts[Math.min(bins - 1, Math.floor(d[i]! / width))]! += 1;
      n++;
    }
    counts.forEach((c, b) => values.push({ source, from: b * width, to: (b + 1) * width, share: n ? c / n : 0 }));
  };
  add(synthToTrain, "synthetic");
  add(holdoutToTrain, "holdout");
  return base("Distance to the closest training row (Gower)", {
    width: 360,
    height: 160,
    data: { values },
    mark: { type: "bar", opacity: 0.6, binSpacing: 0 },
    encoding: {
      x: { field: "from", type: "quantitative", bin: { binned: true }, title: "Gower distance" },
      x2: { field: "to" },
      y: { field: "share", type: "quantitative", stack: null, title: "share of rows", axis: { format: "%" } },
      color: { field: "source", type: "nominal", scale: sourceScale("synthetic", "holdout"), title: null },
    },
  });
}

export function rocChart(points: readonly { fpr: number; tpr: number }[], auc: number): VegaLiteSpec {
  return base(`Membership inference ROC (AUC ${auc.toFixed(3)}; 0.5 = chance)`, {
    width: 220,
    height: 220,
    layer: [
      {
        data: { values: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }] },
        mark: { type: "line", strokeDash: [4, 4], color: "gray" },
        encoding: { x: { field: "fpr", type: "quantitative" }, y: { field: "tpr", type: "quantitative" } },
      },
      {
        data: { values: points.map((p) => ({ ...p })) },
        mark: { type: "line", color: "#e45756" },
        encoding: {
          x: { field: "fpr", type: "quantitative", title: "false-positive rate", scale: { domain: [0, 1] } },
          y: { field: "tpr", type: "quantitative", title: "true-positive rate", scale: { domain: [0, 1] } },
        },
      },
    ],
  });
}
