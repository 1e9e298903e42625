/** Vega-Lite v5 spec type and shared defaults of the chart builders. */
export type VegaLiteSpec = Record<string, unknown>;

export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

const COLORS: Record<string, string> = { real: "#4c78a8", synthetic: "#f58518", holdout: "#54a24b" };

/** Colour scale for the named sources: real, synthetic and holdout keep the same colour in every chart. */
export function sourceScale(...sources: ("real" | "synthetic" | "holdout")[]): { domain: string[]; range: string[] } {
  return { domain: sources, range: sources.map((s) => COLORS[s]!) };
}

export function base(title: string, extra: Record<string, unknown> = {}): VegaLiteSpec {
  return { $schema: VEGA_LITE_SCHEMA, title, config: { view: { stroke: null }, axis: { labelLimit: 160 } }, ...extra };
}
