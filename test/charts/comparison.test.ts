import { describe, expect, it } from "vitest";
import * as vl from "vega-lite";
import { comparisonChart, renderChart, VEGA_LITE_SCHEMA, type GeneratorScores, type VegaLiteSpec } from "../../src/charts/index.js";

const rows: GeneratorScores[] = [
  { generator: "offline", fidelity: 0.41, utility: 0.2, privacy: 0.99 },
  { generator: "copula", fidelity: 0.83, utility: null, privacy: 0.9 },
];

type Bar = { dimension: string; generator: string; score: number };
type Floor = { dimension: string; noiseFloor: number };

function layers(spec: VegaLiteSpec): VegaLiteSpec[] {
  return spec.layer as VegaLiteSpec[];
}
function valuesOf<T>(layer: VegaLiteSpec): T[] {
  return (layer.data as { values: T[] }).values;
}

describe("comparisonChart", () => {
  it("is a plain-JSON Vega-Lite v5 spec with inline data that compiles", () => {
    const spec = comparisonChart(rows, { noiseFloor: { fidelity: 0.95 } });
    expect(spec.$schema).toBe(VEGA_LITE_SCHEMA);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    const compiled = vl.compile(spec as unknown as vl.TopLevelSpec);
    expect(compiled.spec).toHaveProperty("marks");
  });

  it("has one bar per generator and computed dimension, and no bar for a null score", () => {
    const bars = valuesOf<Bar>(layers(comparisonChart(rows))[0]!);
    expect(bars).toHaveLength(5); // 2 generators × 3 dimensions, minus copula's null utility
    expect(bars.find((b) => b.generator === "copula" && b.dimension === "utility")).toBeUndefined();
    for (const r of rows) {
      for (const d of ["fidelity", "utility", "privacy"] as const) {
        if (r[d] !== null) expect(bars.find((b) => b.generator === r.generator && b.dimension === d)!.score).toBe(r[d]);
      }
    }
  });

  it("bars are grouped by dimension and offset by generator in the given order", () => {
    const enc = layers(comparisonChart(rows))[0]!.encoding as Record<string, { field: string; sort?: unknown }>;
    expect(enc.x!.field).toBe("dimension");
    expect(enc.xOffset!.field).toBe("generator");
    expect(enc.xOffset!.sort).toEqual(["offline", "copula"]);
    expect(enc.color!.field).toBe("generator");
  });

  it("draws the noise floor as a tick only for dimensions that have one", () => {
    const spec = comparisonChart(rows, { noiseFloor: { fidelity: 0.95, utility: null } });
    const ticks = layers(spec)[1]!;
    expect((ticks.mark as { type: string }).type).toBe("tick");
    expect(valuesOf<Floor>(ticks)).toEqual([{ dimension: "fidelity", noiseFloor: 0.95 }]);
    expect(layers(comparisonChart(rows))).toHaveLength(1);
  });

  it("renders to a PNG with the tick layer", async () => {
    const { png } = await renderChart(comparisonChart(rows, { noiseFloor: { fidelity: 0.95, privacy: 1 } }));
    expect(Buffer.from(png).subarray(1, 4).toString("ascii")).toBe("PNG");
  });

  it("refuses an empty list and repeated generator names with one clear message", () => {
    expect(() => comparisonChart([])).toThrow(/at least one generator/);
    expect(() => comparisonChart([rows[0]!, rows[0]!])).toThrow(/"offline" twice/);
  });
});
