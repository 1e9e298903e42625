/** Pairwise heatmaps: correlation (real, synthetic, difference) and normalized mutual information. */
import { base, type VegaLiteSpec } from "./spec.js";

export interface PairValue {
  a: string;
  b: string;
  real: number | null;
  synthetic: number | null;
}

function matrix(columns: readonly string[], pairs: readonly PairValue[], pick: (p: PairValue) => number | null, diagonal: number | null) {
  const values: { x: string; y: string; value: number | null }[] = [];
  for (const c of columns) values.push({ x: c, y: c, value: diagonal });
  for (const p of pairs) {
    const v = pick(p);
    values.push({ x: p.a, y: p.b, value: v }, { x: p.b, y: p.a, value: v });
  }
  return values;
}

function panel(title: string, values: unknown[], columns: readonly string[], domain: [number, number], scheme: string): VegaLiteSpec {
  return {
    title,
    width: 220,
    height: 220,
    data: { values },
    mark: "rect",
    encoding: {
      x: { field: "x", type: "nominal", sort: columns, title: null, axis: { labelAngle: -45 } },
      y: { field: "y", type: "nominal", sort: columns, title: null },
      color: { field: "value", type: "quantitative", scale: { domain, scheme }, title: null },
      tooltip: [{ field: "x" }, { field: "y" }, { field: "value", format: ".3f" }],
    },
  };
}

/**
 * Three panels: the real association, the synthetic one and their difference. Numeric pairs
 * show Pearson ρ; pairs with a categorical column show Cramér's V (0..1).
 */
export function correlationHeatmaps(columns: readonly string[], pairs: readonly PairValue[]): VegaLiteSpec {
  const diff = (p: PairValue) => (p.real === null || p.synthetic === null ? null : p.synthetic - p.real);
  return base("Pairwise association (Pearson ρ or Cramér's V)", {
    hconcat: [
      panel("real", matrix(columns, pairs, (p) => p.real, 1), columns, [-1, 1], "blueorange"),
      panel("synthetic", matrix(columns, pairs, (p) => p.synthetic, 1), columns, [-1, 1], "blueorange"),
      panel("synthetic − real", matrix(columns, pairs, diff, 0), columns, [-1, 1], "redblue"),
    ],
    resolve: { scale: { color: "independent" } },
  });
}

/** Normalized mutual information of every pair, real and synthetic side by side. */
export function mutualInformationHeatmap(columns: readonly string[], pairs: readonly PairValue[]): VegaLiteSpec {
  return base("Normalized mutual information", {
    hconcat: [
      panel("real", matrix(columns, pairs, (p) => p.real, 1), columns, [0, 1], "greens"),
      panel("synthetic", matrix(columns, pairs, (p) => p.synthetic, 1), columns, [0, 1], "greens"),
    ],
  });
}
