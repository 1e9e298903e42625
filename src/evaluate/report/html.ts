/** The report as HTML (notebook display and a standalone offline page) and as plain text. */
import type { ReportContent, ReportJson } from "./types.js";
import { buildCharts, type ReportCharts } from "./charts.js";
import { findingsOf } from "./findings.js";
import { chartHtml, escapeHtml, fmt } from "./format.js";
import { diagnosticHtml } from "./diagnosticHtml.js";

/** Distribution charts shown for at most this many columns (the JSON has them all). */
const MAX_DISTRIBUTION_CHARTS = 12;

const CSS = `
.synthlab-report{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:14px;line-height:1.4;max-width:1100px}
.synthlab-report table{border-collapse:collapse;margin:6px 0 12px}
.synthlab-report th,.synthlab-report td{border-bottom:1px solid #ddd;padding:3px 10px;text-align:right}
.synthlab-report th:first-child,.synthlab-report td:first-child{text-align:left}
.synthlab-report .scores td.score{font-size:20px;font-weight:600}
.synthlab-report .scores td.about{text-align:left;color:#555;font-size:13px}
.synthlab-report .warn{color:#8a5300}
.synthlab-report figure{margin:8px 0}
.synthlab-report details{margin:6px 0;border-top:1px solid #ddd;padding-top:4px}
.synthlab-report summary{display:list-item;cursor:pointer;font-weight:600;font-size:15px}
.synthlab-report h2{font-size:20px}.synthlab-report h3{font-size:16px;margin-top:14px}
`;

function table(header: string[], rows: string[][], cls = ""): string {
  return `<table${cls ? ` class="${cls}"` : ""}><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${cls === "scores" && i === 1 ? ' class="score"' : cls === "scores" && i === r.length - 1 ? ' class="about"' : ""}>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

/**
 * One collapsible part of the report: a `<details>` with its summary line. The notebook display
 * keeps parts closed so the report fits the screen (the scores and findings come first); the
 * standalone page opens them. Every part below the summary goes through here.
 */
function section(summary: string, body: string, open: boolean): string {
  return `<details class="synthlab-section"${open ? " open" : ""}><summary>${escapeHtml(summary)}</summary>\n${body}\n</details>`;
}

/** A score cell: the number, or "not measured" when the report has a reason instead. */
function scoreCell(report: ReportContent, dimension: keyof ReportJson["scores"]): string {
  const j = report.json;
  return j.scores[dimension] === null && j.notMeasured[dimension] ? "not measured" : fmt(j.scores[dimension]);
}

/** What each headline score averages (docs/metrics.md), said next to it so two utility numbers never look alike. */
function scoreMeaning(j: ReportJson): Record<keyof ReportJson["scores"], string> {
  const model = j.utility.prediction?.model ?? "ridge";
  return {
    fidelity: "columns and their relations look alike",
    utility: `mean of: prediction (${model}, trained on synthetic vs real, tested on the holdout), feature importance, aggregate queries (QScore)`,
    privacy: "mean of: exact copies, distance to closest record, membership inference",
  };
}

function summaryHtml(report: ReportContent, title: string): string {
  const j = report.json;
  const nf = j.fidelity.noiseFloor;
  const parts: string[] = [];
  parts.push(`<h2>${escapeHtml(title)}</h2>`);
  parts.push(`<p>${j.rows.real} real rows, ${j.rows.synthetic} synthetic rows${j.rows.holdout !== null ? `, ${j.rows.holdout} holdout rows` : ", no holdout"}.</p>`);
  const meaning = scoreMeaning(j);
  parts.push(table(["dimension", "score", "noise floor (what real data reaches)", "what it measures"], [
    ["fidelity", scoreCell(report, "fidelity"), nf?.fidelity != null ? `${fmt(nf.fidelity)} ± ${fmt(nf.fidelitySd ?? 0)}` : "–", meaning.fidelity],
    ["utility", scoreCell(report, "utility"), fmt(j.utility.noiseFloor), meaning.utility],
    ["privacy", scoreCell(report, "privacy"), fmt(j.privacy.noiseFloor), meaning.privacy],
    // The text summary shows validity too; real rows obey every mined rule, so its floor is 1 by construction.
    ["validity", fmt(j.diagnostic.score), "–", `mean of: rows obeying each of the ${j.diagnostic.rules.length} row rule(s) mined from the real table; values of the right type, range and categories`],
  ], "scores"));
  const reasons = Object.entries(j.notMeasured).map(([dim, why]) => `<li>${escapeHtml(`${dim} not measured: ${why}`)}</li>`);
  if (reasons.length) parts.push(`<ul class="warn">${reasons.join("")}</ul>`);
  parts.push(`<h3>Findings</h3><ul>${findingsOf(report.json).map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul>`);
  if (j.warnings.length) parts.push(`<h3>Warnings</h3><ul class="warn">${j.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>`);
  return parts.join("\n");
}

function fidelityTables(report: ReportContent): string {
  const j = report.json;
  const nf = j.fidelity.noiseFloor;
  return table(["part", "synthetic", "noise floor"], [
    ["column shapes (KS / TV complement)", fmt(j.fidelity.columnShapes), fmt(nf?.columnShapes ?? null)],
    ["histogram similarity", fmt(j.fidelity.histogramSimilarity), fmt(nf?.histogramSimilarity ?? null)],
    ["correlation (all pairs)", fmt(j.fidelity.correlation.score), fmt(nf?.correlation ?? null)],
    ["correlation (strong real pairs)", fmt(j.fidelity.correlation.scoreRelevant), "–"],
    ["mutual information", fmt(j.fidelity.mutualInformation.score), fmt(nf?.mutualInformation ?? null)],
    ...(j.fidelity.autocorrelation
      ? [["autocorrelation ACF", fmt(j.fidelity.autocorrelation.acfScore), fmt(nf?.autocorrelation?.acfScore ?? null)],
         ["autocorrelation PACF", fmt(j.fidelity.autocorrelation.pacfScore), fmt(nf?.autocorrelation?.pacfScore ?? null)]]
      : []),
  ]) + table(["column", "kind", "shape", "histogram", "mean sim.", "median sim.", "std sim.", "missing real", "missing synth."],
    j.fidelity.columns.map((c) => [
      c.name, c.kind, fmt(c.ksComplement ?? c.tvComplement ?? null), fmt(c.histogramSimilarity),
      fmt(c.statisticSimilarity?.mean ?? null), fmt(c.statisticSimilarity?.median ?? null), fmt(c.statisticSimilarity?.std ?? null),
      String(c.real.missing), String(c.synthetic.missing),
    ]));
}

function utilityTable(report: ReportContent): string {
  const u = report.json.utility;
  const urows: string[][] = [["QScore", fmt(u.qscore.score), u.qscore.ci95 ? `95% CI ${fmt(u.qscore.ci95[0])}–${fmt(u.qscore.ci95[1])}, ${u.qscore.queries} queries` : ""]];
  if (u.prediction) {
    const p = u.prediction;
    urows.push([`prediction of ${p.target} (${p.model})`, fmt(p.score), `MAE TRTR ${fmt(p.trtr.mae)} ± ${fmt(p.std.trtr.mae)}, TSTR ${fmt(p.tstr.mae)} ± ${fmt(p.std.tstr.mae)}; R² ${fmt(p.trtr.r2)} vs ${fmt(p.tstr.r2)}`]);
  }
  if (u.featureImportance) urows.push(["feature importance", fmt(u.featureImportance.score), `Kendall τ ${fmt(u.featureImportance.tau)}`]);
  return table(["metric", "score", "detail"], urows);
}

function privacyTable(report: ReportContent): string {
  const p = report.json.privacy;
  const prows: string[][] = [["exact matches", fmt(p.exactMatch.score), `${p.exactMatch.count} rows (${fmt(p.exactMatch.rate * 100)}%; holdout ${p.exactMatch.holdoutRate === null ? "–" : `${fmt(p.exactMatch.holdoutRate * 100)}%`})`]];
  if (p.neighbors) prows.push(["closest records", fmt(p.neighbors.score), `p = ${fmt(p.neighbors.p)} (unseen rows 0.5, a copy ${fmt(p.neighbors.pCopy)}); DCR p5 synthetic ${fmt(p.neighbors.dcrSynthetic.p5)} vs holdout ${fmt(p.neighbors.dcrHoldout.p5)}`]);
  if (p.membershipInference) prows.push(["membership inference", fmt(p.membershipInference.score), `AUC ${fmt(p.membershipInference.auc)}`]);
  return table(["metric", "score", "detail"], prows);
}

/** The charts of a list, in order, skipping the ones the report has no data for. */
async function charts(specs: [string, Record<string, unknown> | null][]): Promise<string> {
  const out: string[] = [];
  for (const [alt, spec] of specs) if (spec) out.push(await chartHtml(spec, alt));
  return out.join("\n");
}

async function distributionsHtml(all: ReportCharts["distributions"], open: boolean): Promise<string> {
  if (all.length === 0) return "";
  const shown = all.slice(0, MAX_DISTRIBUTION_CHARTS);
  let body = await charts(shown.map((d) => [`distribution of ${d.column}`, d.spec]));
  if (all.length > shown.length) {
    body += `\n<p>Distribution charts shown for the first ${MAX_DISTRIBUTION_CHARTS} of ${all.length} columns; report.charts() has them all.</p>`;
  }
  return section(`Column distributions, real vs synthetic (${shown.length} charts)`, body, open);
}

export async function renderReportHtml(report: ReportContent, opts: { page: boolean; title: string }): Promise<string> {
  const c = buildCharts(report);
  const open = opts.page;
  const body = [
    summaryHtml(report, opts.title),
    section("Validity: row rules and column checks", await diagnosticHtml(report), open),
    section("Fidelity: parts, columns, correlations", fidelityTables(report) + await charts([
      ["correlation heatmaps", c.correlation], ["mutual information heatmap", c.mutualInformation], ["autocorrelation", c.autocorrelation],
    ]), open),
    section("Utility: queries, prediction, feature importance", utilityTable(report) + await charts([
      ["TRTR vs TSTR", c.prediction], ["feature importance", c.featureImportance],
    ]), open),
    section("Privacy: copies, closest records, membership inference", privacyTable(report) + await charts([
      ["distance to closest record", c.dcr], ["membership inference ROC", c.membershipInference],
    ]), open),
    await distributionsHtml(c.distributions, open),
  ].filter((part) => part !== "").join("\n");
  const html = `<div class="synthlab-report"><style>${CSS}</style>${body}</div>`;
  if (!opts.page) return html;
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(opts.title)}</title></head><body>\n${html}\n</body></html>\n`;
}

/** A headline score in the text report: the number, or "not measured: reason". */
function textScore(j: ReportJson, dimension: keyof ReportJson["scores"]): string {
  const why = j.notMeasured[dimension];
  return j.scores[dimension] === null && why ? `not measured: ${why}` : fmt(j.scores[dimension]);
}

export function reportText(report: ReportContent): string {
  const j = report.json;
  const nf = j.fidelity.noiseFloor;
  const lines = [
    `synthlab quality report: ${j.rows.real} real, ${j.rows.synthetic} synthetic${j.rows.holdout !== null ? `, ${j.rows.holdout} holdout` : ""} rows`,
    `  fidelity ${textScore(j, "fidelity")}${nf ? ` (noise floor ${fmt(nf.fidelity)} ± ${fmt(nf.fidelitySd ?? 0)})` : ""}`,
    `  utility  ${textScore(j, "utility")}${j.utility.noiseFloor !== null ? ` (unseen real rows ${fmt(j.utility.noiseFloor)})` : ""}`,
    `  privacy  ${textScore(j, "privacy")}${j.privacy.noiseFloor !== null ? ` (unseen real rows ${fmt(j.privacy.noiseFloor)})` : ""}`,
    `  validity ${fmt(j.diagnostic.score)} (${j.diagnostic.rules.length} row rule(s) mined from the real table)`,
    "Findings:",
    ...findingsOf(report.json).map((f) => `  - ${f}`),
  ];
  if (j.warnings.length) lines.push("Warnings:", ...j.warnings.map((w) => `  - ${w}`));
  return lines.join("\n");
}
