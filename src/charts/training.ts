/**
 * Vega-Lite v5 specs for training: the loss curve, the TRTR / TSTR / augmented comparison and
 * permutation importance. Pure functions (data in, spec out); src/charts/render.ts turns a spec
 * into a display bundle.
 */
import type { VegaLiteSpec } from "./spec.js";

export interface LossPoint {
  epoch: number;
  loss: number;
  valLoss?: number | null;
}

/** Training and validation loss per epoch; a rule marks the epoch whose weights were kept. */
export function lossChartSpec(history: readonly LossPoint[], options: { bestEpoch?: number; title?: string } = {}): VegaLiteSpec {
  const values: { epoch: number; series: string; loss: number }[] = [];
  for (const h of history) {
    if (Number.isFinite(h.loss)) values.push({ epoch: h.epoch, series: "training", loss: h.loss });
    if (h.valLoss !== undefined && h.valLoss !== null && Number.isFinite(h.valLoss)) {
      values.push({ epoch: h.epoch, series: "validation", loss: h.valLoss });
    }
  }
  const line = {
    mark: { type: "line", point: history.length <= 40 },
    encoding: {
      x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } },
      y: { field: "loss", type: "quantitative", title: "MSE (standardized target)", scale: { type: "log" } },
      color: { field: "series", type: "nominal", title: null },
    },
  };
  const layers: Record<string, unknown>[] = [line];
  if (options.bestEpoch !== undefined) {
    layers.push({
      data: { values: [{ epoch: options.bestEpoch }] },
      mark: { type: "rule", strokeDash: [4, 4], color: "gray" },
      encoding: { x: { field: "epoch", type: "quantitative" } },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: options.title ?? "Loss per epoch",
    width: 420,
    height: 220,
    data: { values },
    layer: layers,
  };
}

export interface ComparisonRow {
  setting: string;
  metric: string;
  mean: number;
  std: number;
}

/** Bars (mean over seeds) with ± std error bars, one panel per metric. */
export function comparisonChartSpec(rows: readonly ComparisonRow[], options: { title?: string } = {}): VegaLiteSpec {
  const values = rows.map((r) => ({ ...r, lo: r.mean - r.std, hi: r.mean + r.std }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: options.title ?? "Trained on real vs synthetic, tested on the real holdout",
    data: { values },
    facet: { column: { field: "metric", type: "nominal", title: null } },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 160,
      height: 200,
      layer: [
        {
          mark: "bar",
          encoding: {
            x: { field: "setting", type: "nominal", title: null, sort: null },
            y: { field: "mean", type: "quantitative", title: "mean over seeds" },
            color: { field: "setting", type: "nominal", legend: null },
          },
        },
        {
          mark: { type: "errorbar", ticks: true, color: "black" },
          encoding: {
            x: { field: "setting", type: "nominal", sort: null },
            y: { field: "lo", type: "quantitative", title: "mean over seeds" },
            y2: { field: "hi" },
          },
        },
      ],
    },
  };
}

/** Permutation importance as horizontal bars with ± std. */
export function importanceChartSpec(rows: readonly { feature: string; importance: number; std: number }[]): VegaLiteSpec {
  const values = rows.map((r) => ({ ...r, lo: r.importance - r.std, hi: r.importance + r.std }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "Permutation importance (MAE increase)",
    width: 360,
    data: { values },
    layer: [
      {
        mark: "bar",
        encoding: {
          y: { field: "feature", type: "nominal", sort: null, title: null },
          x: { field: "importance", type: "quantitative", title: "MAE increase" },
        },
      },
      {
        mark: { type: "errorbar", ticks: true, color: "black" },
        encoding: {
          y: { field: "feature", type: "nominal", sort: null },
          x: { field: "lo", type: "quantitative", title: "MAE increase" },
          x2: { field: "hi" },
        },
      },
    ],
  };
}
