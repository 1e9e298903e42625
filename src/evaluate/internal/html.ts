/** HTML helpers for the report page and its Jupyter display. */
import { bundleMetadata } from "../../display/protocol.js";
import { chartBundle } from "../../charts/render.js";
import type { VegaLiteSpec } from "../../charts/spec.js";
import { escapeHtml } from "../../display/format.js";

// One spec type (src/charts/spec.ts), one escaping and number formatting (src/display/format.ts),
// under the names the report uses.
export type { VegaLiteSpec };
export { escapeHtml };
export { formatScore as fmt } from "../../display/format.js";

/** Vega-Lite → SVG with vega itself, when the PNG renderer (resvg) fails. */
async function svgWithVega(spec: VegaLiteSpec): Promise<string> {
  const vl = (await import("vega-lite")) as unknown as { compile(s: unknown): { spec: unknown } };
  const vega = (await import("vega")) as unknown as {
    parse(s: unknown): unknown;
    View: new (runtime: unknown, opts: { renderer: string }) => { toSVG(): Promise<string>; finalize(): void };
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * An offline HTML fragment for a chart: the shared renderer's PNG (src/charts/render.ts) drawn at
 * its design size (width/height attributes: the PNG has 2× the pixels, for sharp high-DPI screens),
 * or vega's own SVG when the PNG cannot be made; on any failure a short note, never a throw.
 */
export async function chartHtml(spec: VegaLiteSpec, alt: string): Promise<string> {
  try {
    const b = await chartBundle(spec);
    const size = bundleMetadata(b)["image/png"] as { width?: number; height?: number } | undefined;
    const attrs = size?.width && size.height ? ` width="${size.width}" height="${size.height}"` : "";
    if (typeof b["image/png"] === "string") return `<figure><img alt="${escapeHtml(alt)}"${attrs} src="data:image/png;base64,${b["image/png"]}"/></figure>`;
  } catch {
    // fall through to vega's own SVG
  }
  try {
    return `<figure aria-label="${escapeHtml(alt)}">${await svgWithVega(spec)}</figure>`;
  } catch (e) {
    return `<p class="warn">Chart "${escapeHtml(alt)}" could not be rendered: ${escapeHtml((e as Error).message)}</p>`;
  }
}
