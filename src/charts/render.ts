/**
 * The one chart renderer: a Vega-Lite v5 spec → SVG (vega-lite compile, a headless vega View,
 * `toSVG`) → PNG (@resvg/resvg-js), and the display bundle built from it. vega, vega-lite and
 * resvg load on first use so importing this module stays cheap (the kernel imports it at start).
 */
import { existsSync } from "node:fs";
import { displaySymbol, withMetadata, type Displayable, type MimeBundle } from "../display/protocol.js";

export const VEGA_LITE_V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

export interface RenderOptions {
  /** Pixel density of the PNG relative to the SVG size (default 2: crisp on high-DPI screens). */
  scale?: number;
  /** PNG background (default white; charts are transparent otherwise and unreadable on dark themes). */
  background?: string;
}

export interface RenderedChart {
  svg: string;
  png: Uint8Array;
  /** PNG size in pixels. */
  width: number;
  height: number;
}

const SPEC_KEYS = ["mark", "layer", "concat", "hconcat", "vconcat", "facet", "repeat"] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Is this a Vega-Lite spec? A plain object whose `$schema` names vega-lite, or (without a
 * `$schema`) one with a view-composition key plus `data` or `encoding`. Cheap: used as a
 * display formatter test on every cell result.
 */
export function isVegaLiteSpec(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const schema = value["$schema"];
  if (typeof schema === "string") return /vega-lite/i.test(schema);
  if (!SPEC_KEYS.some((k) => k in value)) return false;
  return "data" in value || "encoding" in value;
}

/** The spec as a Vega-Lite v5 document (its `$schema` set to v5). */
export function normalizeSpec(spec: object): Record<string, unknown> {
  return { ...(spec as Record<string, unknown>), $schema: VEGA_LITE_V5_SCHEMA };
}

/** Rows of inline data in a spec (top-level `data.values` and named `datasets`). */
export function countDataRows(spec: object): number {
  let rows = 0;
  const visit = (node: unknown, depth: number): void => {
    if (depth > 6 || !isPlainObject(node)) return;
    const data = node["data"];
    if (isPlainObject(data) && Array.isArray(data["values"])) rows += data["values"].length;
    const datasets = node["datasets"];
    if (isPlainObject(datasets)) for (const v of Object.values(datasets)) if (Array.isArray(v)) rows += v.length;
    for (const key of ["layer", "concat", "hconcat", "vconcat"]) {
      const parts = node[key];
      if (Array.isArray(parts)) for (const p of parts) visit(p, depth + 1);
    }
    if (isPlainObject(node["spec"])) visit(node["spec"], depth + 1);
  };
  visit(spec, 0);
  return rows;
}

function markName(spec: Record<string, unknown>): string | undefined {
  const mark = spec["mark"];
  if (typeof mark === "string") return mark;
  if (isPlainObject(mark) && typeof mark["type"] === "string") return mark["type"];
  for (const key of ["layer", "concat", "hconcat", "vconcat"]) if (Array.isArray(spec[key])) return key;
  if (spec["facet"] || spec["spec"]) return "facet";
  if (spec["repeat"]) return "repeat";
  return undefined;
}

/** A one-line description for text/plain front ends. */
export function describeChart(spec: object): string {
  const s = spec as Record<string, unknown>;
  const parts = [`${countDataRows(spec)} data rows`];
  const mark = markName(s);
  if (mark) parts.push(`mark ${mark}`);
  const title = s["title"];
  const titleText = typeof title === "string" ? title : isPlainObject(title) && typeof title["text"] === "string" ? title["text"] : undefined;
  if (titleText) parts.push(`"${titleText}"`);
  return `<Vega-Lite chart: ${parts.join(", ")}>`;
}

/** System font files for the rasterizer; resvg draws no text without fonts. */
function fontFiles(): string[] {
  const candidates = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
  ];
  return candidates.filter((f) => existsSync(f));
}

let fontCache: { files: string[]; family: string | undefined } | undefined;

function fonts(): { files: string[]; family: string | undefined } {
  if (!fontCache) {
    const files = fontFiles();
    const family = files.some((f) => f.includes("DejaVuSans"))
      ? "DejaVu Sans"
      : files.some((f) => f.includes("Liberation"))
        ? "Liberation Sans"
        : files.length
          ? "Arial"
          : undefined;
    fontCache = { files, family };
  }
  return fontCache;
}

/** Render a Vega-Lite spec to SVG and PNG in-process (no browser, no network for inline data). */
export async function renderChart(spec: object, opts: RenderOptions = {}): Promise<RenderedChart> {
  const scale = opts.scale ?? 2;
  const [vl, vega, resvg] = await Promise.all([import("vega-lite"), import("vega"), import("@resvg/resvg-js")]);
  let compiled: { spec: object };
  try {
    compiled = vl.compile(normalizeSpec(spec) as unknown as Parameters<typeof vl.compile>[0]);
  } catch (err) {
    throw new Error(`invalid Vega-Lite spec: ${err instanceof Error ? err.message : String(err)}`);
  }
  const view = new vega.View(vega.parse(compiled.spec as Parameters<typeof vega.parse>[0]), { renderer: "none" });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const { files, family } = fonts();
  const font = files.length
    ? { loadSystemFonts: false, fontFiles: files, ...(family ? { defaultFontFamily: family, sansSerifFamily: family } : {}) }
    : { loadSystemFonts: true };
  const image = new resvg.Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: opts.background ?? "white",
    font,
  }).render();
  const png = new Uint8Array(image.asPng());
  return { svg, png, width: image.width, height: image.height };
}

/**
 * The display bundle of a chart: the spec for front ends that render Vega-Lite, a PNG for
 * those that do not (and for static HTML/nbconvert), and a text line. Never text/html:
 * JupyterLab would prefer it and lose the interactive renderer. The PNG's display size rides
 * along as metadata (see withMetadata), so a 2× PNG is not shown twice as large.
 */
export async function chartBundle(spec: object, opts: RenderOptions = {}): Promise<MimeBundle> {
  const normalized = normalizeSpec(spec);
  const { png, width, height } = await renderChart(normalized, opts);
  return withMetadata({
    [VEGA_LITE_MIME]: normalized,
    "image/png": Buffer.from(png).toString("base64"),
    "text/plain": describeChart(normalized),
  }, { "image/png": displaySize({ width, height }, opts.scale ?? 2) });
}

/**
 * The CSS size to show a PNG rendered at `scale` (a 2× PNG is drawn at half its pixel size, as
 * the chart was designed): Jupyter's image metadata, and the width/height of an embedded <img>.
 */
export function displaySize(png: { width: number; height: number }, scale: number): { width: number; height: number } {
  return { width: Math.round(png.width / scale), height: Math.round(png.height / scale) };
}

/** A chart value: wraps a spec and displays itself as a chart bundle in the kernel. */
export class Chart implements Displayable {
  readonly spec: Record<string, unknown>;

  constructor(spec: object) {
    this.spec = normalizeSpec(spec);
  }

  render(opts?: RenderOptions): Promise<RenderedChart> {
    return renderChart(this.spec, opts);
  }

  toJSON(): Record<string, unknown> {
    return this.spec;
  }

  toString(): string {
    return describeChart(this.spec);
  }

  [displaySymbol](): Promise<MimeBundle> {
    return chartBundle(this.spec);
  }
}
