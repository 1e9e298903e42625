import { beforeAll, describe, expect, it } from "vitest";
import { inflateSync } from "node:zlib";
import { Chart, chartBundle, describeChart, isVegaLiteSpec, renderChart } from "../../src/charts/render.js";
import { listFormatters, registerFormatter, toMimeBundle, unregisterFormatter } from "../../src/display/index.js";
import { bundleMetadata, displaySymbol } from "../../src/display/protocol.js";
import { NotebookRecorder } from "../../src/kernel/runner/recorder.js";
import type { Output } from "../../src/kernel/runner/nbformat.js";
import { notebookToHtml } from "../../src/kernel/runner/html.js";
import { registerBuiltinFormatters } from "../../src/builtinFormatters.js";

// The shipped chart and table formatters, as the kernel and the library entry register them.
beforeAll(registerBuiltinFormatters);

const barSpec = {
  $schema: "https://vega.github.io/schema/vega-lite/v4.json",
  title: "Cups per day",
  data: {
    values: [
      { day: "Mon", cups: 12 },
      { day: "Tue", cups: 19 },
      { day: "Wed", cups: 7 },
    ],
  },
  mark: "bar",
  encoding: {
    x: { field: "day", type: "nominal" },
    y: { field: "cups", type: "quantitative" },
  },
};

/** Width, height and decoded pixel rows of an 8-bit RGBA/RGB PNG (enough to check it is real). */
function decodePng(png: Uint8Array): { width: number; height: number; pixels: Buffer; channels: number } {
  const buf = Buffer.from(png);
  expect([...buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 4;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const len = buf.readUInt32BE(offset);
    const type = buf.toString("ascii", offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : data[9] === 4 ? 2 : 1;
    }
    if (type === "IDAT") idat.push(data);
    offset += 12 + len;
  }
  return { width, height, pixels: inflateSync(Buffer.concat(idat)), channels };
}

describe("toMimeBundle", () => {
  it("uses util.inspect text/plain without colours for ordinary values", async () => {
    const bundle = await toMimeBundle({ a: 1, nested: { list: [1, 2, 3] } });
    expect(bundle).toEqual({ "text/plain": "{ a: 1, nested: { list: [ 1, 2, 3 ] } }" });
    expect(String((await toMimeBundle("text"))["text/plain"])).toBe("'text'");
    expect(String((await toMimeBundle(new Map([["k", 1]])))["text/plain"])).not.toMatch(/\u001b\[/);
  });

  it("prefers the display symbol over formatters, and adds text/plain when missing", async () => {
    registerFormatter({ name: "test-any-object", test: (v) => typeof v === "object" && v !== null, format: () => ({ "text/plain": "formatter" }) });
    try {
      const value = { [displaySymbol]: () => ({ "text/markdown": "**md**" }) };
      const bundle = await toMimeBundle(value);
      expect(bundle["text/markdown"]).toBe("**md**");
      expect(typeof bundle["text/plain"]).toBe("string");
      expect(await toMimeBundle({ plain: true })).toEqual({ "text/plain": "formatter" });
    } finally {
      unregisterFormatter("test-any-object");
    }
  });

  it("awaits async display methods", async () => {
    const value = { [displaySymbol]: async () => ({ "text/plain": "async", "text/html": "<i>async</i>" }) };
    expect(await toMimeBundle(value)).toEqual({ "text/plain": "async", "text/html": "<i>async</i>" });
  });

  it("the most recently registered matching formatter wins; same name replaces", async () => {
    class Money {
      constructor(readonly cents: number) {}
    }
    registerFormatter({ name: "money-a", test: (v) => v instanceof Money, format: () => ({ "text/plain": "A" }) });
    registerFormatter({ name: "money-b", test: (v) => v instanceof Money, format: (v) => ({ "text/plain": `$${(v as Money).cents / 100}` }) });
    try {
      expect((await toMimeBundle(new Money(250)))["text/plain"]).toBe("$2.5");
      registerFormatter({ name: "money-a", test: (v) => v instanceof Money, format: () => ({ "text/plain": "A2" }) });
      expect((await toMimeBundle(new Money(250)))["text/plain"]).toBe("A2");
      expect(listFormatters().filter((f) => f.name === "money-a")).toHaveLength(1);
    } finally {
      unregisterFormatter("money-a");
      unregisterFormatter("money-b");
    }
  });

  it("a throwing formatter falls back to text/plain and reports the error", async () => {
    const errors: string[] = [];
    registerFormatter({ name: "explodes", test: (v) => v === "boom-value", format: () => { throw new Error("formatter exploded"); } });
    try {
      const bundle = await toMimeBundle("boom-value", { onError: (err, source) => errors.push(`${source}: ${(err as Error).message}`) });
      expect(bundle).toEqual({ "text/plain": "'boom-value'" });
      expect(errors).toEqual(['formatter "explodes": formatter exploded']);
    } finally {
      unregisterFormatter("explodes");
    }
  });

  it("rejects malformed formatter registrations with one clear error", () => {
    expect(() => registerFormatter({ name: "x" } as never)).toThrow(/registerFormatter expects \{ name/);
  });
});

describe("charts", () => {
  it("recognises Vega-Lite specs and not look-alikes", () => {
    expect(isVegaLiteSpec(barSpec)).toBe(true);
    expect(isVegaLiteSpec({ mark: "line", encoding: {} })).toBe(true);
    expect(isVegaLiteSpec({ $schema: "https://vega.github.io/schema/vega/v5.json", marks: [] })).toBe(false);
    expect(isVegaLiteSpec({ mark: "a grade" })).toBe(false);
    expect(isVegaLiteSpec([barSpec])).toBe(false);
    expect(isVegaLiteSpec(new (class Spec { mark = "bar"; data = {}; })())).toBe(false);
  });

  it("renders a spec to SVG with text and to a PNG of the chart's size", async () => {
    const { svg, png, width, height } = await renderChart(barSpec, { scale: 2 });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("Cups per day");
    const decoded = decodePng(png);
    expect(decoded.width).toBe(width);
    expect(decoded.height).toBe(height);
    expect(decoded.width).toBeGreaterThan(100);
    // Not a blank image: some pixels are far from the white background (bars, axes, text).
    const stride = decoded.width * decoded.channels + 1;
    let dark = 0;
    for (let y = 0; y < decoded.height; y++) {
      for (let x = 0; x < decoded.width; x++) {
        const i = y * stride + 1 + x * decoded.channels;
        if (decoded.pixels[i]! < 128 && decoded.pixels[i + 1]! < 160) dark++;
      }
    }
    expect(dark).toBeGreaterThan(500);
  });

  it("a spec as a value displays as Vega-Lite v5 + PNG + text, never HTML", async () => {
    const bundle = await toMimeBundle(barSpec);
    expect(Object.keys(bundle).sort()).toEqual(["application/vnd.vegalite.v5+json", "image/png", "text/plain"]);
    const spec = bundle["application/vnd.vegalite.v5+json"] as Record<string, unknown>;
    expect(spec["$schema"]).toBe("https://vega.github.io/schema/vega-lite/v5.json");
    expect(spec["mark"]).toBe("bar");
    const png = Buffer.from(String(bundle["image/png"]), "base64");
    expect(decodePng(png).width).toBeGreaterThan(100);
    expect(bundle["text/plain"]).toBe('<Vega-Lite chart: 3 data rows, mark bar, "Cups per day">');
    expect(bundle).not.toHaveProperty("text/html");
  });

  it("a 2× chart PNG carries its display size as output metadata, so it is not shown twice as large", async () => {
    const bundle = await toMimeBundle(new Chart(barSpec));
    const { width, height } = decodePng(Buffer.from(String(bundle["image/png"]), "base64"));
    const size = { width: Math.round(width / 2), height: Math.round(height / 2) };
    expect(bundleMetadata(bundle)).toEqual({ "image/png": size });
    expect(JSON.stringify(bundle)).not.toMatch(/"width"/); // metadata rides beside the data, never in it
    // The notebook runner writes it into the output, for display_data and execute_result alike.
    const outputs: Output[] = [];
    const io = new NotebookRecorder().cellIO(outputs);
    io.display(bundle);
    io.finish({ status: "ok", result: bundle }, 1);
    expect(outputs.map((o) => (o as { metadata?: unknown }).metadata)).toEqual([{ "image/png": size }, { "image/png": size }]);
    // The runner's HTML page draws it at that size too.
    const page = notebookToHtml({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [
      { id: "c1", cell_type: "code", metadata: {}, source: "chart", execution_count: 1, outputs },
    ] }, { name: "charts" });
    expect(page.match(new RegExp(`<img [^>]*width="${size.width}" height="${size.height}"`, "g"))).toHaveLength(2);
  });

  it("Chart wraps a spec and displays through the display symbol", async () => {
    const chart = new Chart({ ...barSpec, $schema: undefined });
    expect(chart.spec["$schema"]).toBe("https://vega.github.io/schema/vega-lite/v5.json");
    const bundle = await toMimeBundle(chart);
    expect(bundle).toHaveProperty("image/png");
    expect(bundle).not.toHaveProperty("text/html");
    expect(JSON.parse(JSON.stringify(chart)).mark).toBe("bar");
  });

  it("counts rows across layers and datasets in the text line", () => {
    const layered = { layer: [{ data: { values: [1, 2] }, mark: "line" }, { data: { values: [3] }, mark: "point" }], datasets: { d: [1, 2, 3, 4] } };
    expect(describeChart(layered)).toBe("<Vega-Lite chart: 7 data rows, mark layer>");
  });

  it("an invalid spec fails with a message naming Vega-Lite", async () => {
    await expect(chartBundle({ mark: "bar", encoding: { x: { field: "a", type: "nonsense" } }, data: { values: [{ a: 1 }] } })).rejects.toThrow();
  });
});

describe("tables", () => {
  it("a danfo DataFrame displays as an HTML table plus text/plain", async () => {
    const dfd = await import("danfojs-node");
    const df = new dfd.DataFrame({ city: ["Kyiv", "Lviv", "Odesa"], cups: [3, 5, 8] });
    const bundle = await toMimeBundle(df);
    expect(String(bundle["text/html"])).toContain("<table");
    expect(String(bundle["text/html"])).toContain("Lviv");
    expect(typeof bundle["text/plain"]).toBe("string");
  });
});
