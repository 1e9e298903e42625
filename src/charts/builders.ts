// The chart builders as one namespace: `import { charts } from "synthlab"; charts.rocChart(...)`.
export { distributionChart } from "./distribution.js";
export { correlationHeatmaps, mutualInformationHeatmap } from "./heatmap.js";
export { predictionBars, featureImportanceChart } from "./utility.js";
export { dcrHistogram, rocChart } from "./privacy.js";
export { acfChart } from "./autocorrelation.js";
export { validityChart } from "./validity.js";
