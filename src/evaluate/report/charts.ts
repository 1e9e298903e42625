/** The Vega-Lite specs a report shows, built from its JSON and extras with the chart builders. */
import type { ReportContent } from "./types.js";
import type { VegaLiteSpec } from "../../charts/spec.js";
import { distributionChart } from "../../charts/distribution.js";
import { correlationHeatmaps, mutualInformationHeatmap } from "../../charts/heatmap.js";
import { featureImportanceChart, predictionBars } from "../../charts/utility.js";
import { dcrHistogram, rocChart } from "../../charts/privacy.js";
import { acfChart } from "../../charts/autocorrelation.js";
import { validityChart, type ValidityBar } from "../../charts/validity.js";
import type { Diagnostic } from "../table/validity.js";

export interface ReportCharts {
  distributions: { column: string; spec: VegaLiteSpec }[];
  correlation: VegaLiteSpec | null;
  mutualInformation: VegaLiteSpec | null;
  autocorrelation: VegaLiteSpec | null;
  prediction: VegaLiteSpec | null;
  featureImportance: VegaLiteSpec | null;
  dcr: VegaLiteSpec | null;
  membershipInference: VegaLiteSpec | null;
  /** Share of synthetic rows breaking each row rule, and of values failing each column check (null when nothing was checked). */
  validity: VegaLiteSpec | null;
}

/** The bars of the validity chart: every row rule, and every column check that some value fails. */
export function validityBars(d: Diagnostic): ValidityBar[] {
  const bars: ValidityBar[] = d.rules.filter((r) => r.brokenShare !== null).map((r) => ({ check: r.text, group: "row rule", share: r.brokenShare! }));
  for (const c of d.columns) {
    if (c.outOfRange) bars.push({ check: `${c.name}: outside the real range`, group: "column", share: c.outOfRange });
    if (c.unseenCategory) bars.push({ check: `${c.name}: unseen category`, group: "column", share: c.unseenCategory });
    if (c.wrongType) bars.push({ check: `${c.name}: wrong type`, group: "column", share: c.wrongType });
  }
  return bars;
}

export function buildCharts(report: ReportContent): ReportCharts {
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
    validity: validityBars(j.diagnostic).length ? validityChart(validityBars(j.diagnostic)) : null,
  };
}
