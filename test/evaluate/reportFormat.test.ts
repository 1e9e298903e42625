/** The report's chart fragments come from the one renderer (src/charts/render.ts), or a visible note. */
import { describe, expect, it } from "vitest";
import { chartHtml } from "../../src/evaluate/report/format.js";

describe("report chart HTML", () => {
  it("is the renderer's PNG drawn at its design size (half its pixels)", async () => {
    const html = await chartHtml({ width: 100, height: 50, data: { values: [{ a: 1 }, { a: 2 }] }, mark: "point", encoding: { x: { field: "a", type: "quantitative" } } }, "points <a>");
    expect(html).toMatch(/^<figure><img alt="points &lt;a&gt;" width="\d+" height="\d+" src="data:image\/png;base64,iVBOR/);
    const [, w] = /width="(\d+)"/.exec(html)!;
    const png = Buffer.from(/base64,([^"]+)/.exec(html)![1]!, "base64");
    expect(png.readUInt32BE(16)).toBe(2 * Number(w));
  });

  it("a spec the renderer cannot draw becomes a note naming the error, never a throw or another renderer's SVG", async () => {
    const html = await chartHtml({ mark: "bar", encoding: { x: { field: "a", type: "nonsense" } }, data: { values: [{ a: 1 }] } }, "broken");
    expect(html).toMatch(/^<p class="warn">Chart "broken" could not be rendered: invalid Vega-Lite spec/);
    expect(html).not.toContain("<svg");
  });
});
