/** HTML helpers for the report page and its Jupyter display. */
import { bundleMetadata, type MimeBundle } from "../../display/protocol.js";
import { chartBundle } from "../../charts/render.js";
import type { VegaLiteSpec } from "../../charts/spec.js";
import { escapeHtml } from "../../display/format.js";

// One spec type (src/charts/spec.ts), one escaping and number formatting (src/display/format.ts),
// under the names the report uses.
export type { VegaLiteSpec };
export { escapeHtml };
export { formatScore as fmt } from "../../display/format.js";

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
