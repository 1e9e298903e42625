/**
 * The display seam: src/display/ knows only the protocol and the registry; charts and tables
 * register their own formatters, and importing the library puts them in place.
 */
import { describe, expect, it } from "vitest";
import { listFormatters, toMimeBundle } from "../../src/display/index.js";
import { frameFromColumns } from "../../src/data/frame.js";

const spec = { data: { values: [{ a: 1 }, { a: 2 }] }, mark: "point", encoding: { x: { field: "a", type: "quantitative" } } };

describe("display formatters", () => {
  it("the display layer alone registers none: a spec and a table are plain text", async () => {
    expect(listFormatters()).toEqual([]);
    expect(Object.keys(await toMimeBundle(spec))).toEqual(["text/plain"]);
    expect(Object.keys(await toMimeBundle(frameFromColumns({ a: [1, 2] })))).toEqual(["text/plain"]);
  });

  it("importing the library registers the chart and table formatters, tables tried first", async () => {
    await import("../../src/index.js");
    expect(listFormatters().map((f) => f.name)).toEqual(["synthlab-frame", "danfo-dataframe", "vega-lite"]);
    const chart = await toMimeBundle(spec);
    expect(Object.keys(chart).sort()).toEqual(["application/vnd.vegalite.v5+json", "image/png", "text/plain"]);
    const table = await toMimeBundle(frameFromColumns({ a: [1, 2] }));
    expect(String(table["text/html"])).toContain("2 rows × 1 column<");
  });
});
