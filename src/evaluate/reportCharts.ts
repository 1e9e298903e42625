/** The Vega-Lite specs a report shows, built from its JSON and extras with the chart builders. */
import type { Report } from "./report.js";
import type { VegaLiteSpec } from "../charts/spec.js";
import { distributionChart } from "../charts/distribution.js";
import { correlationHeatmaps, mutualInformationHeatmap } from "../charts/heatmap.js";
import { featureImportanceChart, predictionBars } from "../charts/utility.js";
import { dcrHistogram, rocChart } from "../charts/privacy.js";
import { acfChart } from "../charts/autocorrelation.js";

export interface ReportCharts {
  distributions: { column: string; spec: VegaLiteSpec }[];
  correlation: VegaLiteSpec | null;
  mutualInformation: VegaLiteSpec | null;
  autocorrelation: VegaLiteSpec | null;
  prediction: VegaLiteSpec | null;
  featureImportance: VegaLiteSpec | null;
  dcr: VegaLiteSpec | null;
  membershipInference: VegaLiteSpec | null;
}

export function buildCharts(report: Report): ReportCharts {
  const j = report.json;
  const x = report.extras;
  const columns = j.fidelity.columns.map((c) => c.name);
  const pred = j.utility.prediction;
  return {
    distributions: columns.filter((c) => x.histograms[c]).map((c) => ({ column: c, spec: distributionChart(c, x.histograms[c]!) })),
    correlation: columns.length > 1 ? correlationHeatmaps(columns, j.fidelity.correlation.pairs) : null,
    mutualInformation: columns.length > 1 ? mutualInformationHeatmap(columns, j.fidelity.mutualInformation.pairs) : null,
    autocorrelation: x.autocorrelation ? acfChart(x.autocorrelation, pred ? `daily ${pred.target}` : "daily value") : null,
    prediction: pred ? predictionBars({ trtr: pred.trtr, tstr: pred.tstr, trtrStd: pred.std.trtr, tstrStd: pred.std.tstr }, pred.target) : null,
    featureImportance: j.utility.featureImportance ? featureImportanceChart(j.utility.featureImportance.real, j.utility.featureImportance.synthetic) : null,
    dcr: x.dcr ? dcrHistogram(x.dcr.synthetic, x.dcr.holdout) : null,
    membershipInference: x.roc && j.privacy.membershipInference ? rocChart(x.roc, j.privacy.membershipInference.auc) : null,
  };
}
