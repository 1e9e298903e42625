/**
 * Charts of a generator comparison (src/compare/): quality against cost with the Pareto front,
 * one quality score per candidate against its noise floor, and the request latency distribution.
 * Pure builders: plain data in, a Vega-Lite v5 spec with the data inline out.
 */
import { base, type VegaLiteSpec } from "./spec.js";

/** One candidate's position on the quality/cost plane. */
export interface CostQualityPoint {
  candidate: string;
  /** US dollars spent (0 for statistical generators). */
  costUsd: number;
  /** Higher is better (e.g. the report's utility score). */
  quality: number;
}

/**
 * The candidates no other candidate beats on both axes: none is at most as expensive and at
 * least as good, and strictly better on one. Returned in order of cost.
 */
export function paretoFront<T extends CostQualityPoint>(points: readonly T[]): T[] {
  const front = points.filter((p) => !points.some((q) => q !== p && q.costUsd <= p.costUsd && q.quality >= p.quality && (q.costUsd < p.costUsd || q.quality > p.quality)));
  return [...front].sort((a, b) => a.costUsd - b.costUsd || b.quality - a.quality);
}

/**
 * Quality against cost: one point per candidate, the Pareto front joined by a line and its
 * points filled; candidates off the front are hollow. `qualityName` labels the y axis.
 */
export function costQualityChart(points: readonly CostQualityPoint[], options: { qualityName?: string; title?: string } = {}): VegaLiteSpec {
  const quality = options.qualityName ?? "quality";
  const front = new Set(paretoFront(points).map((p) => p.candidate));
  const values = points.map((p) => ({ ...p, front: front.has(p.candidate) ? "on the Pareto front" : "dominated" }));
  const frontValues = values.filter((v) => front.has(v.candidate)).sort((a, b) => a.costUsd - b.costUsd);
  const x = { field: "costUsd", type: "quantitative", title: "cost (US dollars)", scale: { zero: true, nice: true } };
  const y = { field: "quality", type: "quantitative", title: `${quality} (higher is better)`, scale: { zero: false } };
  return base(options.title ?? `${quality} against cost`, {
    width: 360,
    height: 240,
    layer: [
      { data: { values: frontValues }, mark: { type: "line", color: "#888", strokeDash: [4, 3] }, encoding: { x, y, order: { field: "costUsd" } } },
      {
        data: { values },
        mark: { type: "point", size: 90, tooltip: true },
        encoding: {
          x, y,
          color: { field: "candidate", type: "nominal", title: "candidate" },
          shape: { field: "front", type: "nominal", title: null, scale: { domain: ["on the Pareto front", "dominated"], range: ["diamond", "circle"] } },
          fill: { condition: { test: "datum.front === 'on the Pareto front'", field: "candidate", type: "nominal" }, value: "transparent" },
        },
      },
      { data: { values }, mark: { type: "text", dy: -10, fontSize: 10 }, encoding: { x, y, text: { field: "candidate" } } },
    ],
  });
}

/** One candidate's score on one quality dimension. */
export interface CandidateScore {
  candidate: string;
  score: number;
}

/**
 * Bars of one score per candidate (e.g. utility), with the noise floor as a rule: the score a
 * perfect sample of real rows of the same size reaches.
 */
export function candidateScoreChart(scores: readonly CandidateScore[], options: { scoreName?: string; noiseFloor?: number | null; title?: string } = {}): VegaLiteSpec {
  const name = options.scoreName ?? "score";
  const order = scores.map((s) => s.candidate);
  const layer: VegaLiteSpec[] = [
    {
      data: { values: scores.map((s) => ({ ...s })) },
      mark: { type: "bar", tooltip: true },
      encoding: {
        x: { field: "candidate", type: "nominal", sort: order, title: null, axis: { labelAngle: 0 } },
        y: { field: "score", type: "quantitative", scale: { domain: [0, 1] }, title: `${name} (higher is better)` },
        color: { field: "candidate", type: "nominal", sort: order, legend: null },
      },
    },
  ];
  const floor = options.noiseFloor;
  if (typeof floor === "number" && Number.isFinite(floor)) {
    layer.push({ data: { values: [{ noiseFloor: floor }] }, mark: { type: "rule", color: "black", strokeWidth: 2, tooltip: true }, encoding: { y: { field: "noiseFloor", type: "quantitative" } } });
  }
  const text = options.title ?? `${name} per candidate`;
  return base(text, {
    title: typeof floor === "number" ? { text, subtitle: "black line: noise floor, what real rows the generator never saw reach" } : text,
    width: Math.max(160, 60 * scores.length),
    height: 200,
    layer,
  });
}

/** Latencies (ms) of one candidate's requests. */
export interface LatencySeries {
  candidate: string;
  latenciesMs: readonly number[];
}

/** Points drawn per candidate at most; the box plot's quartiles stay those of the sample. */
const MAX_LATENCY_POINTS = 500;

/** The latency distribution: a box plot per candidate over its request latencies (ms, log scale). */
export function latencyChart(series: readonly LatencySeries[], options: { title?: string } = {}): VegaLiteSpec {
  const values = series.flatMap((s) => {
    const step = Math.max(1, Math.ceil(s.latenciesMs.length / MAX_LATENCY_POINTS));
    // An even stride keeps the spread of a long run without drawing every request.
    return s.latenciesMs.filter((_, i) => i % step === 0).map((ms) => ({ candidate: s.candidate, ms: Math.max(0.1, ms) }));
  });
  const order = series.map((s) => s.candidate);
  return base(options.title ?? "Request latency per candidate", {
    width: 360,
    height: Math.max(80, 36 * series.length),
    data: { values },
    mark: { type: "boxplot", extent: "min-max", tooltip: true },
    encoding: {
      y: { field: "candidate", type: "nominal", sort: order, title: null },
      x: { field: "ms", type: "quantitative", scale: { type: "log" }, title: "latency per request (ms, log scale)" },
      color: { field: "candidate", type: "nominal", sort: order, legend: null },
    },
  });
}
