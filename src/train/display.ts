/** Small HTML and text helpers for the train stage's rich display. */
import { bundleMetadata, type MimeBundle } from "../display/protocol.js";

// The one escaping and number formatting (src/display/format.ts), under the names this stage uses.
import { escapeHtml } from "../display/format.js";
export { escapeHtml };
export { formatMeasure as fmt } from "../display/format.js";

export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join("")}</tr>`).join("");
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Plain-text table with aligned columns (for text/plain bundles and the CLI). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

/** An <img> for a chart bundle's PNG or SVG, to embed a chart inside an HTML summary; "" when it has neither. */
export function chartImageHtml(bundle: MimeBundle, alt: string): string {
  const png = bundle["image/png"];
  // Drawn at the chart's design size: the renderer's PNG has 2× the pixels (see displaySize).
  const size = bundleMetadata(bundle)["image/png"] as { width?: number; height?: number } | undefined;
  const attrs = size?.width && size.height ? ` width="${size.width}" height="${size.height}"` : "";
  if (typeof png === "string") return `<img alt="${escapeHtml(alt)}"${attrs} src="data:image/png;base64,${png}"/>`;
  const svg = bundle["image/svg+xml"];
  if (typeof svg === "string") return `<div>${svg}</div>`;
  return "";
}
