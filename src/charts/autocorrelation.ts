/** ACF and PACF per lag, real vs synthetic. */
import { base, sourceScale, type VegaLiteSpec } from "./spec.js";

export interface AcfSeries {
  acfReal: readonly number[];
  acfSynthetic: readonly number[];
  pacfReal: readonly number[];
  pacfSynthetic: readonly number[];
}

export function acfChart(s: AcfSeries, series = "daily value"): VegaLiteSpec {
  const values: { lag: number; fn: string; source: string; value: number }[] = [];
  const push = (arr: readonly number[], fn: string, source: string) => arr.forEach((v, lag) => { if (lag > 0) values.push({ lag, fn, source, value: v }); });
  push(s.acfReal, "ACF", "real");
  push(s.acfSynthetic, "ACF", "synthetic");
  push(s.pacfReal, "PACF", "real");
  push(s.pacfSynthetic, "PACF", "synthetic");
  return base(`Autocorrelation of the ${series}`, {
    data: { values },
    facet: { column: { field: "fn", type: "nominal", title: null } },
    spec: {
      width: 220,
      height: 160,
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "lag", type: "quantitative", title: "lag (days)", axis: { tickMinStep: 1 } },
        y: { field: "value", type: "quantitative", title: null, scale: { domain: [-1, 1] } },
        color: { field: "source", type: "nominal", scale: sourceScale("real", "synthetic"), title: null },
      },
    },
  });
}
