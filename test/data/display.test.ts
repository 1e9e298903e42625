import { describe, expect, it } from "vitest";
import { fromDataFrame, isDataFrame, toDataFrame } from "../../src/data/dataframe.js";
import { frameBundle, frameHtml, frameText, looksLikeDataFrame, registerTableFormatters, tableFormatters } from "../../src/data/display.js";
import { frameFromColumns } from "../../src/data/frame.js";

const rows = (n: number) => frameFromColumns({ i: Array.from({ length: n }, (_, k) => k * 10), s: Array.from({ length: n }, (_, k) => `v${k}`) });

describe("table display", () => {
  it("escapes HTML in values and column names", () => {
    const f = frameFromColumns({ "<b>name</b>": ['<script>alert("x")</script>', "a & b"] });
    const html = frameHtml(f);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<b>name</b>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("&lt;b&gt;name&lt;/b&gt;");
    expect(html).toContain("a &amp; b");
  });

  it("shows the first 5 and last 5 rows around an ellipsis row, with the shape", () => {
    const html = frameHtml(rows(100));
    const shown = [...html.matchAll(/<th class="idx">(\d+)<\/th>/g)].map((m) => Number(m[1]));
    expect(shown).toEqual([0, 1, 2, 3, 4, 95, 96, 97, 98, 99]);
    expect(html).toContain('<tr class="ellipsis">');
    expect(html).toContain("<td>950</td>");
    expect(html).not.toContain("<td>500</td>");
    expect(html).toContain("100 rows × 2 columns");
    expect(html).toMatch(/<tr class="dtype"><th><\/th><td>int<\/td><td>string<\/td><\/tr>/);
  });

  it("shows short tables whole, without an ellipsis row", () => {
    const html = frameHtml(rows(10));
    expect(html).not.toContain("ellipsis");
    expect([...html.matchAll(/<th class="idx">/g)]).toHaveLength(10);
    expect(frameHtml(rows(1))).toContain("1 row × 2 columns");
  });

  it("writes an aligned text/plain table with the same rows", () => {
    const text = frameText(rows(12));
    const lines = text.split("\n");
    expect(lines[0]!.trim().split(/\s+/)).toEqual(["i", "s"]);
    expect(lines.some((l) => /^\s*…\s+…\s+…$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe("12 rows × 2 columns");
    expect(text).toContain("v11");
    expect(text).not.toContain("v6");
  });

  it("marks missing values and cuts long text", () => {
    const html = frameHtml(frameFromColumns({ a: [null, "x".repeat(200)] }));
    expect(html).toContain('<td class="na">null</td>');
    expect(html).toContain("x".repeat(79) + "…");
    expect(html).not.toContain("x".repeat(81));
  });

  it("shows model-written cells without escape sequences or control characters", () => {
    const f = frameFromColumns({ s: ["\u001b[31mred\u001b[0m\rover\u001b]0;title\u0007", "ok\nnext", "\u001b[1m" + "y".repeat(5000)] });
    const text = frameText(f);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain("red over");
    expect(text).toContain("ok↵next");
    expect(text).toContain("y".repeat(39) + "…");
    expect(frameHtml(f)).not.toContain("\u001b");
  });

  it("elides middle columns of wide tables", () => {
    const cols: Record<string, number[]> = {};
    for (let c = 0; c < 30; c++) cols[`c${c}`] = [c];
    const html = frameHtml(frameFromColumns(cols), { maxColumns: 6 });
    expect([...html.matchAll(/<th>(c\d+)<\/th>/g)].map((m) => m[1])).toEqual(["c0", "c1", "c2", "c27", "c28", "c29"]);
    expect(html).toContain("1 row × 30 columns");
  });

  it("bundles text/html and text/plain only", () => {
    expect(Object.keys(frameBundle(rows(3))).sort()).toEqual(["text/html", "text/plain"]);
  });
});

describe("danfo DataFrames", () => {
  it("converts to danfo and back, and names dtypes as a Frame's display does (float, not float32)", () => {
    const f = frameFromColumns({ n: [1.5, null, 3], s: ["a", "b", null] });
    const df = toDataFrame(f);
    expect(df.shape).toEqual([3, 2]);
    expect(isDataFrame(df)).toBe(true);
    expect(looksLikeDataFrame(df)).toBe(true);
    expect(looksLikeDataFrame(f)).toBe(false);
    const back = fromDataFrame(df);
    expect(back.columns.n).toEqual([1.5, null, 3]);
    expect(back.columns.s).toEqual(["a", "b", null]);
    const html = frameHtml(df);
    expect(html).toContain("3 rows × 2 columns");
    expect(html).toContain("<td>float</td>");
    expect(html).not.toContain("float32");
    // The same table as a Frame and as a DataFrame shows the same dtype row.
    const ints = frameFromColumns({ k: [1, 2, 3], s: ["a", "b", "c"], b: [true, false, true] });
    const dtypeRow = (h: string) => /<tr class="dtype">.*?<\/tr>/.exec(h)?.[0];
    expect(dtypeRow(frameHtml(toDataFrame(ints)))).toBe(dtypeRow(frameHtml(ints)));
    expect(dtypeRow(frameHtml(ints))).toContain("<td>int</td>");
  });

  it("offers formatters that pick danfo DataFrames and Frames", async () => {
    const f = frameFromColumns({ a: [1] });
    const fs = tableFormatters();
    expect(fs.find((x) => x.test(toDataFrame(f)))!.name).toBe("danfo-dataframe");
    expect(fs.find((x) => x.test(f))!.name).toBe("synthlab-frame");
    expect(fs.some((x) => x.test({ columns: ["a"], shape: [1, 1], values: [[1]] }))).toBe(false);
    const got: string[] = [];
    expect(await registerTableFormatters((x) => got.push(x.name))).toBe(true);
    expect(got).toEqual(["danfo-dataframe", "synthlab-frame"]);
  });

  it("is what the kernel's toMimeBundle shows for DataFrames and Frames", async () => {
    const { toMimeBundle } = await import("../../src/display/mime.js");
    const { registerBuiltinFormatters } = await import("../../src/builtinFormatters.js");
    await registerBuiltinFormatters(); // as the kernel's execution host and the library entry do
    const f = rows(20);
    for (const value of [f, toDataFrame(f)]) {
      const bundle = await toMimeBundle(value);
      expect(String(bundle["text/html"])).toContain("20 rows × 2 columns");
      expect(String(bundle["text/plain"])).toMatch(/20 rows × 2 columns$/);
    }
  });
});
