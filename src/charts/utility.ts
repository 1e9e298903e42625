/** Utility charts: TRTR vs TSTR error bars, and permutation importance side by side. */
import { base, type VegaLiteSpec } from "./spec.js";

export interface RegressionBars {
  trtr: { mae: number; rmse: number; r2: number };
  tstr: { mae: number; rmse: number; r2: number };
  trtrStd?: { mae: number; rmse: number; r2: number };
  tstrStd?: { mae: number; rmse: number; r2: number };
}

export function predictionBars(r: RegressionBars, target: string): VegaLiteSpec {
  const values = (["mae", "rmse", "r2"] as const).flatMap((m) => [
    { metric: m.toUpperCase().replace("R2", "R²"), setup: "TRTR: trained on real", value: r.trtr[m], std: r.trtrStd?.[m] ?? 0 },
    { metric: m.toUpperCase().replace("R2", "R²"), setup: "TSTR: trained on synthetic", value: r.tstr[m], std: r.tstrStd?.[m] ?? 0 },
  ]).map((v) => ({ ...v, lo: v.value - v.std, hi: v.value + v.std }));
  return base(`Predicting ${target} on the real holdout`, {
    data: { values },
    facet: { column: { field: "metric", type: "nominal", title: null } },
    spec: {
      width: 140,
      height: 160,
      layer: [
        {
          mark: "bar",
          encoding: {
            x: { field: "setup", type: "nominal", title: null, axis: { labels: false, ticks: false } },
            y: { field: "value", type: "quantitative", title: null },
            color: { field: "setup", type: "nominal", scale: { range: ["#4c78a8", "#f58518"] }, title: null, legend: { labelLimit: 240 } },
          },
        },
        {
          mark: { type: "rule", color: "black" },
          encoding: { x: { field: "setup", type: "nominal" }, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
        },
      ],
    },
    resolve: { scale: { y: "independent" } },
  });
}

export function featureImportanceChart(real: Readonly<Record<string, number>>, synthetic: Readonly<Record<string, number>>): VegaLiteSpec {
  const features = Object.keys(real).sort((a, b) => real[b]! - real[a]!);
  const values = features.flatMap((f) => [
    { feature: f, model: "trained on real", importance: real[f]! },
    { feature: f, model: "trained on synthetic", importance: synthetic[f] ?? 0 },
  ]);
  return base("Permutation importance on the real holdout (MAE increase)", {
    width: 320,
    data: { values },
    mark: "bar",
    encoding: {
      y: { field: "feature", type: "nominal", sort: features, title: null },
      yOffset: { field: "model" },
      x: { field: "importance", type: "quantitative", title: "MAE increase when shuffled" },
      color: { field: "model", type: "nominal", scale: { range: ["#4c78a8", "#f58518"] }, title: null },
    },
  });
}
