/**
 * The result of `compareGenerators`: one row per candidate, three charts and a recommendation.
 * Displays as HTML with the charts in a notebook and as text in a terminal (display protocol).
 */
import type { Frame } from "../data/types.js";
import { frameFromRecords } from "../data/frame.js";
import { escapeHtml, frameHtml, frameText } from "../data/display.js";
import { displaySymbol, type MimeBundle } from "../display/protocol.js";
import { chartHtml, type Report } from "../evaluate/index.js";
import { candidateScoreChart, costQualityChart, latencyChart, paretoFront, type CostQualityPoint } from "../charts/candidates.js";
import type { VegaLiteSpec } from "../charts/spec.js";
import type { CandidateOutcome, CompareTask, QualityMeasure } from "./types.js";

export interface ComparisonInfo {
  task: CompareTask;
  rows: number;
  seed: number;
  budget?: number;
  quality?: QualityMeasure;
  /** Whether an LLM judge scored the texts. */
  judged: boolean;
  /** Wall time of the whole comparison (ms). */
  wallMs: number;
  checkpoint?: string;
  /** Generated tables and reports of the candidates run now (not of those resumed from the checkpoint). */
  frames: Map<string, Frame>;
  reports: Map<string, Report>;
}

export interface Recommendation {
  /** The cheapest candidate within the noise margin of the best; null when none qualifies. */
  candidate: string | null;
  /** The best candidate on the quality measure. */
  best: string | null;
  /** How far below the best a score may be and still count as equal (the measure's noise). */
  margin: number | null;
  /** One sentence, with the numbers. */
  line: string;
}

export interface ComparisonCharts {
  costQuality: VegaLiteSpec | null;
  quality: VegaLiteSpec | null;
  latency: VegaLiteSpec | null;
}

/** The quality score of a candidate on a measure (judge: the mean score 1–5). */
export function qualityOf(o: CandidateOutcome, measure: QualityMeasure): number | null {
  if (o.status !== "ok") return null;
  if (measure === "judge") return o.judge?.score ?? null;
  return o.scores[measure];
}

/**
 * The noise of a measure at the best candidate: for a report score, 1 − its noise floor (what a
 * perfect sample of real rows of the same size loses to chance; differences smaller than that
 * cannot be told apart); for the judge, twice the standard error of the best mean; validity has
 * no floor (every real row obeys the mined rules), so its margin is 0.
 */
export function noiseMargin(best: CandidateOutcome, measure: QualityMeasure): number {
  if (measure === "judge") return 2 * (best.judge?.se ?? 0);
  if (measure === "validity") return 0;
  const floor = best.noiseFloor[measure];
  return typeof floor === "number" ? Math.max(0, 1 - floor) : 0;
}

/**
 * The recommendation: among the candidates whose score is within the noise margin of the best,
 * the cheapest (known cost first; ties: the better score, then the faster run).
 */
export function recommend(outcomes: readonly CandidateOutcome[], measure: QualityMeasure): Recommendation {
  const scored = outcomes.filter((o) => qualityOf(o, measure) !== null);
  if (scored.length === 0) {
    const why = outcomes.every((o) => o.status === "failed") ? "every candidate failed" : `no candidate has a ${measure} score`;
    return { candidate: null, best: null, margin: null, line: `No recommendation: ${why}.` };
  }
  const q = (o: CandidateOutcome): number => qualityOf(o, measure)!;
  const best = scored.reduce((a, b) => (q(b) > q(a) ? b : a));
  const margin = noiseMargin(best, measure);
  const within = scored.filter((o) => q(o) >= q(best) - margin - 1e-12);
  const cost = (o: CandidateOutcome): number => o.costUsd ?? Number.POSITIVE_INFINITY;
  const pick = [...within].sort((a, b) => cost(a) - cost(b) || q(b) - q(a) || a.wallMs - b.wallMs)[0]!;
  const costText = pick.costUsd === null ? "cost unknown (no price given)" : `$${pick.costUsd.toFixed(4)}`;
  const line = pick === best
    ? `Recommendation: ${pick.name} — the best ${measure} (${fmt(q(pick))}) at ${costText}; no cheaper candidate is within its noise margin (${fmt(margin)}).`
    : `Recommendation: ${pick.name} — the cheapest (${costText}) within the noise margin (${fmt(margin)}) of the best ${measure}: ${pick.name} ${fmt(q(pick))} vs ${best.name} ${fmt(q(best))}.`;
  return { candidate: pick.name, best: best.name, margin, line };
}

/** 3 significant digits, as the report prints scores. */
const fmt = (x: number | null): string => (x === null ? "–" : String(Number(x.toPrecision(3))));
const pct = (x: number | null): string | null => (x === null ? null : `${(x * 100).toFixed(1)}%`);
const r3 = (x: number | null | undefined): number | null => (typeof x === "number" && Number.isFinite(x) ? Number(x.toPrecision(3)) : null);

export class Comparison {
  readonly candidates: CandidateOutcome[];
  /** The measure that ranks candidates. */
  readonly quality: QualityMeasure;
  readonly recommendation: Recommendation;

  constructor(outcomes: readonly CandidateOutcome[], readonly info: ComparisonInfo) {
    this.candidates = [...outcomes];
    this.quality = info.quality ?? (info.judged ? "judge" : outcomes.some((o) => o.status === "ok" && o.scores.utility !== null) ? "utility" : "fidelity");
    this.recommendation = recommend(this.candidates, this.quality);
  }

  /** Caveats a reader needs next to the numbers (one sentence each). */
  get notes(): string[] {
    const out: string[] = [];
    if (this.info.task === "text" && !this.info.judged) {
      out.push("Text task without a judge: the report skips free text, so fidelity and utility here compare only the labels; add a judge to score the texts themselves.");
    }
    if (this.candidates.some((o) => o.status === "ok" && (o.copiesOfReal ?? 0) > 0)) {
      const copying = this.candidates.filter((o) => (o.copiesOfReal ?? 0) > 0).map((o) => `${o.name} (${o.copiesOfReal})`);
      out.push(`Copies of real rows: ${copying.join(", ")}; a copy is not private, whatever its other scores.`);
    }
    return out;
  }

  /** A candidate's generated rows (only for candidates run now, not resumed). */
  frame(name: string): Frame | undefined {
    return this.info.frames.get(name);
  }

  /** A candidate's full report (only for candidates run now; `candidates[i].report` has the JSON of all). */
  report(name: string): Report | undefined {
    return this.info.reports.get(name);
  }

  /** The candidates that failed, each with its one-line reason. */
  get failures(): { name: string; error: string }[] {
    return this.candidates.filter((o) => o.status === "failed").map((o) => ({ name: o.name, error: o.error ?? "failed" }));
  }

  /** One record per candidate: the comparison table. */
  table(): Record<string, string | number | null>[] {
    return this.candidates.map((o) => {
      // A run that failed before the engine reported has no counts: blank, not zero.
      const counted = o.status === "ok" || o.rows > 0;
      return {
      candidate: o.name,
      generator: o.description,
      status: o.status === "ok" ? "ok" : `failed: ${o.error ?? ""}`,
      rows: o.rows,
      requests: o.kind === "llm" && counted ? o.requests : null,
      "tokens in": o.kind === "llm" && counted ? o.tokens.input : null,
      "tokens out": o.kind === "llm" && counted ? o.tokens.output : null,
      "cost $": o.costUsd === null ? null : Number(o.costUsd.toFixed(4)),
      "wall s": Number((o.wallMs / 1000).toFixed(2)),
      "p50 ms": r3(o.latency.p50),
      "p95 ms": r3(o.latency.p95),
      valid: pct(o.validShare),
      duplicates: pct(o.duplicateShare),
      "copies of real": o.copiesOfReal,
      fidelity: r3(o.scores.fidelity),
      utility: r3(o.scores.utility),
      "TSTR MAE": r3(o.mae?.tstr),
      "TRTR MAE": r3(o.mae?.trtr),
      privacy: r3(o.scores.privacy),
      validity: r3(o.scores.validity),
      ...(this.info.judged ? { "judge 1–5": r3(o.judge?.score) } : {}),
      };
    });
  }

  /** Vega-Lite specs: quality against cost (Pareto front), the quality score per candidate with its noise floor, request latencies. */
  charts(): ComparisonCharts {
    const ok = this.candidates.filter((o) => o.status === "ok");
    const points: CostQualityPoint[] = ok.flatMap((o) => {
      const q = qualityOf(o, this.quality);
      return q !== null && o.costUsd !== null ? [{ candidate: o.name, costUsd: o.costUsd, quality: q }] : [];
    });
    const barMeasure = this.quality === "judge" || this.quality === "validity" ? "utility" : this.quality;
    const bars = ok.flatMap((o) => (o.scores[barMeasure] !== null ? [{ candidate: o.name, score: o.scores[barMeasure]! }] : []));
    const floorOf = bars.length ? ok.find((o) => o.name === bars.reduce((a, b) => (b.score > a.score ? b : a)).candidate)?.noiseFloor[barMeasure] ?? null : null;
    const series = this.candidates.filter((o) => o.latency.samples.length > 0).map((o) => ({ candidate: o.name, latenciesMs: o.latency.samples }));
    return {
      // With one cost for all (statistical modes only: $0) the plane has no cost axis to read: left out.
      costQuality: new Set(points.map((p) => p.costUsd)).size > 1 ? costQualityChart(points, { qualityName: this.quality === "judge" ? "judge score (1–5)" : this.quality }) : null,
      quality: bars.length ? candidateScoreChart(bars, { scoreName: barMeasure, noiseFloor: floorOf }) : null,
      latency: series.length ? latencyChart(series) : null,
    };
  }

  /** Candidates on the Pareto front of quality against cost (cheapest first). */
  paretoFront(): string[] {
    return paretoFront(this.candidates.flatMap((o) => {
      const q = qualityOf(o, this.quality);
      return q !== null && o.costUsd !== null ? [{ candidate: o.name, costUsd: o.costUsd, quality: q }] : [];
    })).map((p) => p.candidate);
  }

  /** One line on what was compared. */
  headline(): string {
    const n = this.candidates.length;
    const failed = this.failures.length;
    return `${n} candidate${n === 1 ? "" : "s"} × ${this.info.rows.toLocaleString("en-US")} ${this.info.task === "text" ? "texts" : "rows"}, seed ${this.info.seed}` +
      `${this.info.budget !== undefined && this.candidates.some((o) => o.kind === "llm") ? `, budget $${this.info.budget} per LLM` : ""}; ${(this.info.wallMs / 1000).toFixed(1)} s` +
      `${failed ? `; ${failed} failed` : ""}. Ranked by ${this.quality}.`;
  }

  toJSON(): { candidates: CandidateOutcome[]; quality: QualityMeasure; recommendation: Recommendation; paretoFront: string[] } {
    return { candidates: this.candidates, quality: this.quality, recommendation: this.recommendation, paretoFront: this.paretoFront() };
  }

  toString(): string {
    const t = this.table().map(({ generator: _g, status: _s, ...rest }) => rest);
    // Metrics as rows, candidates as columns: narrow enough for a terminal.
    const names = t.map((r) => String(r.candidate));
    const metrics = Object.keys(t[0] ?? {}).filter((k) => k !== "candidate");
    const transposed = frameFromRecords(metrics.map((m) => ({ metric: m, ...Object.fromEntries(t.map((r, i) => [names[i]!, r[m] ?? null])) })));
    const body = frameText(transposed, { head: metrics.length, tail: 0, maxColumns: 40 }).split("\n").filter((l, i, all) => i !== 1 && !(i >= all.length - 2)).join("\n");
    const lines = [`Generator comparison: ${this.headline()}`, body];
    for (const f of this.failures) lines.push(`${f.name} failed: ${f.error}`);
    for (const n of this.notes) lines.push(`Note: ${n}`);
    lines.push(this.recommendation.line);
    return lines.join("\n");
  }

  async [displaySymbol](): Promise<MimeBundle> {
    const table = frameFromRecords(this.table());
    const charts = this.charts();
    const figures: string[] = [];
    if (charts.costQuality) figures.push(await chartHtml(charts.costQuality, `${this.quality} against cost, Pareto front marked`));
    if (charts.quality) figures.push(await chartHtml(charts.quality, "score per candidate with the noise floor"));
    if (charts.latency) figures.push(await chartHtml(charts.latency, "request latency per candidate"));
    const failures = this.failures.map((f) => `<li>${escapeHtml(`${f.name} failed: ${f.error}`)}</li>`).join("");
    const html =
      `<div class="synthlab-comparison"><p><b>Generator comparison</b>: ${escapeHtml(this.headline())}</p>` +
      frameHtml(table, { head: table.rowCount, tail: 0, maxColumns: 40, maxCellChars: 120 }) +
      (failures ? `<ul class="warn">${failures}</ul>` : "") +
      this.notes.map((n) => `<p class="warn">Note: ${escapeHtml(n)}</p>`).join("") +
      `<p><b>${escapeHtml(this.recommendation.line)}</b></p>` +
      `<div style="display:flex;flex-wrap:wrap;gap:12px">${figures.join("")}</div></div>`;
    return { "text/html": html, "text/plain": this.toString() };
  }
}
