/** HTML helpers for the report page and its Jupyter display. */
import { bundleMetadata, type MimeBundle } from "../../display/protocol.js";
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

/**
 * An offline HTML fragment for a chart: the one renderer's PNG (src/charts/render.ts) drawn at
 * its design size (width/height attributes: the PNG has 2× the pixels, for sharp high-DPI screens).
 * A chart that cannot be rendered becomes a visible note naming the error, so one bad chart never
 * loses the rest of the report.
 */
export async function chartHtml(spec: VegaLiteSpec, alt: string): Promise<string> {
  let b: MimeBundle;
  try {
    b = await chartBundle(spec);
  } catch (e) {
    return `<p class="warn">Chart "${escapeHtml(alt)}" could not be rendered: ${escapeHtml((e as Error).message)}</p>`;
  }
  const size = bundleMetadata(b)["image/png"] as { width?: number; height?: number } | undefined;
  const attrs = size?.width && size.height ? ` width="${size.width}" height="${size.height}"` : "";
  return `<figure><img alt="${escapeHtml(alt)}"${attrs} src="data:image/png;base64,${String(b["image/png"])}"/></figure>`;
}
