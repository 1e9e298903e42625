import { describe, expect, it } from "vitest";
import * as vl from "vega-lite";
import {
  acfChart, correlationHeatmaps, dcrHistogram, distributionChart, featureImportanceChart, mutualInformationHeatmap,
  predictionBars, rocChart, validityChart, VEGA_LITE_SCHEMA, type VegaLiteSpec,
} from "../../src/charts/index.js";
import { binPair, binShares, NULL_LABEL } from "../../src/evaluate/columns/binning.js";

const pairs = [
  { a: "x", b: "y", real: 0.9, synthetic: 0.5 },
  { a: "x", b: "c", real: 0.2, synthetic: null },
  { a: "y", b: "c", real: 0.1, synthetic: 0.3 },
];

const specs: Record<string, VegaLiteSpec> = {
  distribution: distributionChart("x", { labels: ["[0, 1)", "[1, 2]", "(null)"], real: [0.5, 0.4, 0.1], synthetic: [0.3, 0.7, 0] }),
  correlation: correlationHeatmaps(["x", "y", "c"], pairs),
  mutualInformation: mutualInformationHeatmap(["x", "y", "c"], pairs),
  prediction: predictionBars({ trtr: { mae: 1, rmse: 2, r2: 0.9 }, tstr: { mae: 1.5, rmse: 2.5, r2: 0.7 } }, "money"),
  featureImportance: featureImportanceChart({ a: 3, b: 1 }, { a: 2, b: 2 }),
  dcr: dcrHistogram(Float32Array.from([0, 0.1, 0.2]), Float32Array.from([0.05, 0.15])),
  roc: rocChart([{ fpr: 0, tpr: 0 }, { fpr: 0.5, tpr: 0.8 }, { fpr: 1, tpr: 1 }], 0.7),
  acf: acfChart({ acfReal: [1, 0.5, 0.2], acfSynthetic: [1, 0.4, 0.1], pacfReal: [1, 0.5, -0.1], pacfSynthetic: [1, 0.4, 0] }),
  validity: validityChart([
    { check: "total ≥ fare + tip", group: "row rule", share: 0.15 },
    { check: "pickup ≤ dropoff", group: "row rule", share: 0.41 },
    { check: "fare: outside the real range", group: "column", share: 0.02 },
  ]),
};

function hasUrlData(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasUrlData);
  if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.data && typeof o.data === "object" && "url" in (o.data as object)) return true;
    return Object.values(o).some(hasUrlData);
  }
  return false;
}

describe("chart builders", () => {
  for (const [name, spec] of Object.entries(specs)) {
    it(`${name}: a plain-JSON Vega-Lite v5 spec with inline data that compiles`, () => {
      expect(spec.$schema).toBe(VEGA_LITE_SCHEMA);
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec); // no functions, typed arrays or undefined
      expect(hasUrlData(spec)).toBe(false);
      const compiled = vl.compile(spec as unknown as vl.TopLevelSpec);
      expect(compiled.spec).toHaveProperty("marks");
    });
  }
  it("validity bars come worst first, as shares", () => {
    const values = (specs.validity!.data as { values: { check: string; share: number }[] }).values;
    expect(values.map((v) => v.check)).toEqual(["pickup ≤ dropoff", "total ≥ fare + tip", "fare: outside the real range"]);
  });
  it("distribution bars carry both sources for every bin", () => {
    const values = (specs.distribution!.data as { values: { source: string }[] }).values;
    expect(values.filter((v) => v.source === "real")).toHaveLength(3);
    expect(values.filter((v) => v.source === "synthetic")).toHaveLength(3);
  });
  it("distribution keeps only the heaviest bins of a very wide categorical column", () => {
    const labels = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const real = labels.map((_, i) => (i === 99 ? 0.5 : 0.5 / 99));
    const spec = distributionChart("wide", { labels, real, synthetic: real }, { maxBins: 10 });
    const bins = new Set((spec.data as { values: { bin: string }[] }).values.map((v) => v.bin));
    expect(bins.size).toBe(10);
    expect(bins.has("c99")).toBe(true);
  });
  it("the correlation difference panel is synthetic − real and symmetric", () => {
    const diff = ((specs.correlation!.hconcat as VegaLiteSpec[])[2]!.data as { values: { x: string; y: string; value: number | null }[] }).values;
    expect(diff.find((v) => v.x === "x" && v.y === "y")!.value).toBeCloseTo(-0.4, 12);
    expect(diff.find((v) => v.x === "y" && v.y === "x")!.value).toBeCloseTo(-0.4, 12);
    expect(diff.find((v) => v.x === "x" && v.y === "c")!.value).toBeNull();
  });
  it("the DCR histogram shares sum to 1 per source", () => {
    const values = (specs.dcr!.data as { values: { source: string; share: number }[] }).values;
    for (const s of ["synthetic", "holdout"]) {
      expect(values.filter((v) => v.source === s).reduce((t, v) => t + v.share, 0)).toBeCloseTo(1, 12);
    }
  });
});

/** Bins a real and a synthetic column as the report does and builds its distribution chart. */
function chartOf(real: (string | number | null)[], synthetic: (string | number | null)[], kind: "numeric" | "datetime"): VegaLiteSpec {
  const b = binPair(real, synthetic, kind);
  return distributionChart("c", { labels: b.labels, real: [...binShares(b.real, b.size)], synthetic: [...binShares(b.synthetic, b.size)] });
}
const binsOf = (spec: VegaLiteSpec): string[] =>
  [...new Set(((spec.data as { values: { bin: string }[] }).values).map((v) => v.bin))];

async function svgOf(spec: VegaLiteSpec): Promise<string> {
  const vega = await import("vega");
  const view = new vega.View(vega.parse(vl.compile(spec as never).spec), { renderer: "none" });
  try { return await view.toSVG(); } finally { view.finalize(); }
}

describe("distribution charts describe the data", () => {
  it("a whole-number column gets one bar per whole value, no fractional bins or gaps", () => {
    const bins = binsOf(chartOf([1, 2, 3, 3, 2, 1, 2], [1, 3, 3, 2], "numeric"));
    expect(bins).toEqual(["1", "2", "3"]);
  });
  it("a time-of-day column is charted on a clock axis (HH:MM), not as 1970-01-01 dates", () => {
    const times = Array.from({ length: 40 }, (_, i) => `${String(6 + Math.floor(i * 15 / 40)).padStart(2, "0")}:${String((i * 7) % 60).padStart(2, "0")}:00.000`);
    const bins = binsOf(chartOf(times, times.slice(0, 20), "datetime"));
    expect(bins.length).toBe(20); // every bin its own bar: no two bins share a label
    expect(bins.join(" ")).not.toContain("1970");
    for (const b of bins) expect(b).toMatch(/^\[\d\d:\d\d, \d\d:\d\d[)\]]$/);
  });
  it("the (null) bar appears only when a side has missing values", () => {
    expect(binsOf(chartOf([1.5, 2.5, 3.5], [2.5, 3], "numeric"))).not.toContain(NULL_LABEL);
    expect(binsOf(chartOf([1.5, 2.5, 3.5], [2.5, null], "numeric"))).toContain(NULL_LABEL);
    expect(binsOf(chartOf([1.5, null, 3.5], [2.5, 3], "numeric"))).toContain(NULL_LABEL);
  });
  it("date bin labels are drawn whole, not cut off with an ellipsis", async () => {
    const dates = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2024, 2, 1 + i * 6)).toISOString().slice(0, 10));
    const spec = chartOf(dates, dates.slice(10), "datetime");
    const svg = await svgOf(spec);
    expect(binsOf(spec)[0]).toMatch(/^\[2024-03-01, 2024-03-\d\d\)$/);
    expect(svg).toContain(binsOf(spec)[0]!); // the full first label
    expect(svg).not.toContain("…");
  });
});
