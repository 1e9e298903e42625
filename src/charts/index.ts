// Public API of the charts stage; re-exported from src/index.ts. Builders are pure: they
// return Vega-Lite v5 specs with the data inline (render.ts turns a spec into a display bundle).
export type { VegaLiteSpec } from "./spec.js";
export { VEGA_LITE_SCHEMA } from "./spec.js";
export { distributionChart } from "./distribution.js";
export type { BinnedShares } from "./distribution.js";
export { correlationHeatmaps, mutualInformationHeatmap } from "./heatmap.js";
export type { PairValue } from "./heatmap.js";
export { predictionBars, featureImportanceChart } from "./utility.js";
export type { RegressionBars } from "./utility.js";
export { dcrHistogram, rocChart } from "./privacy.js";
export { acfChart } from "./autocorrelation.js";
export { validityChart } from "./validity.js";
export type { ValidityBar } from "./validity.js";
export type { AcfSeries } from "./autocorrelation.js";
// Rendering (H2): spec → SVG/PNG and the kernel display bundle.
export { renderChart, chartBundle, Chart, isVegaLiteSpec, describeChart, normalizeSpec, VEGA_LITE_MIME, VEGA_LITE_V5_SCHEMA } from "./render.js";
export type { RenderOptions, RenderedChart } from "./render.js";
export * as charts from "./builders.js";
export { comparisonChart, COMPARISON_DIMENSIONS, type GeneratorScores, type ComparisonChartOptions, type ComparisonDimension } from "./comparison.js";
export { costQualityChart, candidateScoreChart, latencyChart, paretoFront } from "./candidates.js";
export type { CostQualityPoint, CandidateScore, LatencySeries } from "./candidates.js";
