/** HTML helpers for the report page and its Jupyter display. */
import { bundleMetadata } from "../../display/protocol.js";
import { chartBundle } from "../../charts/render.js";

export type VegaLiteSpec = Record<string, unknown>;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** 3 significant digits for scores and statistics; "–" for missing. */
export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toString();
}

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
