import { describe, expect, it } from "vitest";
import * as vl from "vega-lite";
import { noiseMargin, recommend, type CandidateOutcome } from "../../src/compare/index.js";
import { candidateScoreChart, costQualityChart, latencyChart, paretoFront, renderChart, type VegaLiteSpec } from "../../src/charts/index.js";

/** A finished candidate with the given utility, cost and utility noise floor. */
function outcome(name: string, utility: number | null, costUsd: number | null, floor = 0.9, status: "ok" | "failed" = "ok"): CandidateOutcome {
  return {
    name, kind: "llm", mode: "llm-rows", description: name, status, rows: 10, requests: 1, cacheHits: 0, tokens: { input: 1, output: 1 },
    costUsd, wallMs: 100, latency: { p50: null, p95: null, samples: [] }, validShare: 1, duplicateShare: 0, copiesOfReal: 0,
    scores: { fidelity: 0.5, utility, privacy: 0.9, validity: 1 }, noiseFloor: { fidelity: 0.95, utility: floor, privacy: 0.9 },
    mae: null, judge: null, warnings: [], report: null, ...(status === "failed" ? { error: "boom" } : {}),
  };
}

describe("recommend", () => {
  it("names the cheapest candidate within the noise margin of the best", () => {
    // Best 0.80 with floor 0.90 → margin 0.10: b (0.75, $0.5) and c (0.72, $0.1) are within, c is cheaper.
    const r = recommend([outcome("a", 0.8, 2), outcome("b", 0.75, 0.5), outcome("c", 0.72, 0.1), outcome("d", 0.6, 0)], "utility");
    expect(r.best).toBe("a");
    expect(r.margin).toBeCloseTo(0.1, 12);
    expect(r.candidate).toBe("c");
    expect(r.line).toBe("Recommendation: c — the cheapest ($0.1000) within the noise margin (0.1) of the best utility: c 0.72 vs a 0.8.");
  });

  it("names the best when nothing cheaper is within its margin, and says why there is no recommendation", () => {
    const r = recommend([outcome("a", 0.8, 2, 0.99), outcome("b", 0.7, 0)], "utility");
    expect(r.candidate).toBe("a");
    expect(r.line).toMatch(/^Recommendation: a — the best utility \(0.8\) at \$2.0000; no cheaper candidate/);
    expect(recommend([outcome("a", 0.8, 1, 0.9, "failed")], "utility")).toMatchObject({ candidate: null, line: "No recommendation: every candidate failed." });
    expect(recommend([outcome("a", null, 1)], "utility").line).toBe("No recommendation: no candidate has a utility score.");
  });

  it("ranks an unknown cost after every known one", () => {
    expect(recommend([outcome("unpriced", 0.8, null), outcome("priced", 0.79, 5)], "utility").candidate).toBe("priced");
  });

  it("takes the judge's noise from its standard error and gives validity none", () => {
    const j = { ...outcome("j", 0.5, 0), judge: { score: 4, se: 0.2, judged: 20, unreadable: 0, requests: 20, costUsd: 0, items: [] } };
    expect(noiseMargin(j, "judge")).toBeCloseTo(0.4, 12);
    expect(noiseMargin(j, "validity")).toBe(0);
    expect(noiseMargin(j, "utility")).toBeCloseTo(0.1, 12);
  });
});

describe("comparison charts", () => {
  const points = [
    { candidate: "copula", costUsd: 0, quality: 0.7 },
    { candidate: "offline", costUsd: 0, quality: 0.4 },
    { candidate: "big", costUsd: 3, quality: 0.9 },
    { candidate: "mid", costUsd: 1, quality: 0.65 },
  ];

  it("the Pareto front keeps exactly the candidates nobody beats on both cost and quality", () => {
    expect(paretoFront(points).map((p) => p.candidate)).toEqual(["copula", "big"]);
    expect(paretoFront([{ candidate: "x", costUsd: 1, quality: 0.5 }, { candidate: "y", costUsd: 1, quality: 0.5 }]).map((p) => p.candidate)).toEqual(["x", "y"]);
  });

  it("marks the front in the quality/cost chart and compiles", () => {
    const spec = costQualityChart(points, { qualityName: "utility" });
    const layers = spec.layer as VegaLiteSpec[];
    expect((layers[0]!.data as { values: { candidate: string }[] }).values.map((v) => v.candidate)).toEqual(["copula", "big"]);
    const marked = (layers[1]!.data as { values: { candidate: string; front: string }[] }).values;
    expect(marked.find((v) => v.candidate === "mid")!.front).toBe("dominated");
    expect(marked.find((v) => v.candidate === "big")!.front).toBe("on the Pareto front");
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(vl.compile(spec as unknown as vl.TopLevelSpec).spec).toHaveProperty("marks");
  });

  it("draws the noise floor as a rule only when there is one, and the latency box plots thin long runs", async () => {
    const withFloor = candidateScoreChart([{ candidate: "a", score: 0.5 }], { scoreName: "utility", noiseFloor: 0.8 });
    expect((withFloor.layer as VegaLiteSpec[])[1]!.data).toEqual({ values: [{ noiseFloor: 0.8 }] });
    expect(candidateScoreChart([{ candidate: "a", score: 0.5 }]).layer as unknown[]).toHaveLength(1);
    const lat = latencyChart([{ candidate: "a", latenciesMs: Array.from({ length: 2000 }, (_, i) => i + 1) }, { candidate: "b", latenciesMs: [5, 6] }]);
    const values = (lat.data as { values: { candidate: string }[] }).values;
    expect(values.filter((v) => v.candidate === "a")).toHaveLength(500);
    expect(values.filter((v) => v.candidate === "b")).toHaveLength(2);
    const { png } = await renderChart(lat);
    expect(Buffer.from(png).subarray(1, 4).toString("ascii")).toBe("PNG");
  });
});
