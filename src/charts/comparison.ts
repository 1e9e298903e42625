/**
 * Generator comparison: grouped bars of the three report scores (fidelity, utility, privacy)
 * per generator, with each dimension's noise floor drawn as a black tick across its group so
 * the bars read against what a perfect generator could reach at this size.
 */
import { base, type VegaLiteSpec } from "./spec.js";

export const COMPARISON_DIMENSIONS = ["fidelity", "utility", "privacy"] as const;
export type ComparisonDimension = (typeof COMPARISON_DIMENSIONS)[number];

/** One generator's report scores; null where the report could not compute a dimension. */
export interface GeneratorScores {
  generator: string;
  fidelity: number | null;
  utility: number | null;
  privacy: number | null;
}

export interface ComparisonChartOptions {
  /** Reference score per dimension (real-train vs real-holdout); missing or null draws no tick. */
  noiseFloor?: Partial<Record<ComparisonDimension, number | null>>;
  title?: string;
}

/** Pixels per generator bar inside a dimension group. */
const BAR_PX = 36;

function isScore(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/**
 * Builds the comparison chart. Throws when there is nothing to compare (no generators) or a
 * generator name repeats, since both would silently produce a misleading chart.
 */
export function comparisonChart(rows: readonly GeneratorScores[], options: ComparisonChartOptions = {}): VegaLiteSpec {
  if (rows.length === 0) throw new Error("comparisonChart needs at least one generator's scores, e.g. [{ generator: \"copula\", fidelity: 0.8, utility: 0.7, privacy: 0.9 }].");
  const names = rows.map((r) => r.generator);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`comparisonChart got generator "${dup}" twice; give each generator a distinct name.`);

  // Null scores stay out of the bars (a missing bar, not a zero) but keep the generator in the legend order.
  const bars = rows.flatMap((r) =>
    COMPARISON_DIMENSIONS.filter((d) => isScore(r[d])).map((d) => ({ dimension: d, generator: r.generator, score: r[d] as number })),
  );
  const floors = COMPARISON_DIMENSIONS.flatMap((d) => {
    const v = options.noiseFloor?.[d];
    return isScore(v) ? [{ dimension: d, noiseFloor: v }] : [];
  });

  const groupPx = BAR_PX * rows.length;
  const x = { field: "dimension", type: "nominal", sort: [...COMPARISON_DIMENSIONS], title: null, axis: { labelAngle: 0 }, scale: { paddingInner: 0.25 } };
  const layer: VegaLiteSpec[] = [
    {
      data: { values: bars },
      mark: { type: "bar", tooltip: true },
      encoding: {
        x,
        xOffset: { field: "generator", type: "nominal", sort: names },
        y: { field: "score", type: "quantitative", scale: { domain: [0, 1] }, title: "score (higher is better)" },
        color: { field: "generator", type: "nominal", sort: names, title: "generator" },
      },
    },
  ];
  if (floors.length > 0) {
    layer.push({
      data: { values: floors },
      mark: { type: "tick", color: "black", thickness: 2, size: groupPx, tooltip: true },
      encoding: { x, y: { field: "noiseFloor", type: "quantitative" } },
    });
  }
  const text = options.title ?? "Generators compared on the same real table";
  // The subtitle explains the black tick; a legend for one constant mark would need a second scale.
  const title = floors.length > 0 ? { text, subtitle: "black tick: noise floor, real training rows vs real holdout rows" } : text;
  return base(text, {
    title,
    // Band = width / 4 with paddingInner 0.25 over three groups, so each group is groupPx wide and the tick spans it.
    width: groupPx * 4,
    height: 220,
    layer,
  });
}
