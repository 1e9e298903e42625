/**
 * No import circle in src/. Every import counts: static, literal `import("…")`, and type-only
 * ones too (they are erased at run time, but a circle through types still ties two modules into
 * one unit that cannot be read, tested or moved apart; the report's parts were such a circle).
 */
import { describe, expect, it } from "vitest";
import { buildImportGraph, findCircles, type ImportEdge } from "./importGraph.js";

const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly, dynamic: false, line: 1 });

describe("import circles", () => {
  it("the detector finds a circle and names its files in order, through type-only imports too", () => {
    const circles = findCircles([
      edge("evaluate/report/report.ts", "evaluate/report/html.ts"),
      edge("evaluate/report/html.ts", "evaluate/report/report.ts", true),
      edge("evaluate/report/html.ts", "evaluate/report/format.ts"),
      edge("a.ts", "b.ts"),
      edge("b.ts", "c.ts"),
      edge("c.ts", "a.ts"),
      edge("x.ts", "x.ts"),
      edge("c.ts", "vega"),
    ]);
    expect(circles.map((c) => c.join(" → ")).sort()).toEqual([
      "a.ts → b.ts → c.ts → a.ts",
      "evaluate/report/html.ts → evaluate/report/report.ts → evaluate/report/html.ts",
      "x.ts → x.ts",
    ]);
    expect(findCircles([edge("a.ts", "b.ts"), edge("b.ts", "c.ts"), edge("a.ts", "c.ts")])).toEqual([]);
  });

  it("src/ has none", () => {
    const graph = buildImportGraph();
    // The graph is real: it sees the report's imports.
    expect(graph.files.length).toBeGreaterThan(100);
    expect(graph.edges.some((e) => e.from === "evaluate/report/report.ts" && e.to === "evaluate/report/html.ts")).toBe(true);
    const circles = findCircles(graph.edges).map((c) => c.join(" → "));
    expect(circles, `import circles in src/:\n${circles.join("\n")}`).toEqual([]);
  });
});
