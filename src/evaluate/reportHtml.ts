/** The report as HTML (notebook display and a standalone offline page) and as plain text. */
import type { Report } from "./report.js";
import { chartHtml, escapeHtml, fmt } from "./internal/html.js";
import { diagnosticHtml } from "./diagnosticHtml.js";

/** Distribution charts shown for at most this many columns (the JSON has them all). */
const MAX_DISTRIBUTION_CHARTS = 12;

const CSS = `
.synthlab-report{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:14px;line-height:1.4;max-width:1100px}
.synthlab-report table{border-collapse:collapse;margin:6px 0 12px}
.synthlab-report th,.synthlab-report td{border-bottom:1px solid #ddd;padding:3px 10px;text-align:right}
.synthlab-report th:first-child,.synthlab-report td:first-child{text-align:left}
.synthlab-report .scores td.score{font-size:20px;font-weight:600}
.synthlab-report .warn{color:#8a5300}
.synthlab-report figure{margin:8px 0}
.synthlab-report h2{font-size:20px}.synthlab-report h3{font-size:16px;margin-top:18px}
`;

function table(header: string[], rows: string[][], cls = ""): string {
  return `<table${cls ? ` class="${cls}"` : ""}><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td${cls === "scores" && c === r[1] ? ' class="score"' : ""}>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

function summaryHtml(report: Report, title: string): string {
  const j = report.json;
  const nf = j.fidelity.noiseFloor;
  const parts: string[] = [];
  parts.push(`<h2>${escapeHtml(title)}</h2>`);
  parts.push(`<p>${j.rows.real} real rows, ${j.rows.synthetic} synthetic rows${j.rows.holdout !== null ? `, ${j.rows.holdout} holdout rows` : ", no holdout"}.</p>`);
  parts.push(table(["dimension", "score", "noise floor (what real data reaches)"], [
    ["fidelity", fmt(j.scores.fidelity), nf?.fidelity != null ? `${fmt(nf.fidelity)} ± ${fmt(nf.fidelitySd ?? 0)}` : "–"],
    ["utility", fmt(j.scores.utility), fmt(j.utility.noiseFloor)],
    ["privacy", fmt(j.scores.privacy), fmt(j.privacy.noiseFloor)],
  ], "scores"));
  parts.push(`<h3>Findings</h3><ul>${report.findings().map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul>`);
  if (j.warnings.length) parts.push(`<h3>Warnings</h3><ul class="warn">${j.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>`);
  parts.push("<h3>Fidelity</h3>");
  parts.push(table(["part", "synthetic", "noise floor"], [
    ["column shapes (KS / TV complement)", fmt(j.fidelity.columnShapes), fmt(nf?.columnShapes ?? null)],
    ["histogram similarity", fmt(j.fidelity.histogramSimilarity), fmt(nf?.histogramSimilarity ?? null)],
    ["correlation (all pairs)", fmt(j.fidelity.correlation.score), fmt(nf?.correlation ?? null)],
    ["correlation (strong real pairs)", fmt(j.fidelity.correlation.scoreRelevant), "–"],
    ["mutual information", fmt(j.fidelity.mutualInformation.score), fmt(nf?.mutualInformation ?? null)],
    ...(j.fidelity.autocorrelation
      ? [["autocorrelation ACF", fmt(j.fidelity.autocorrelation.acfScore), fmt(nf?.autocorrelation?.acfScore ?? null)],
         ["autocorrelation PACF", fmt(j.fidelity.autocorrelation.pacfScore), fmt(nf?.autocorrelation?.pacfScore ?? null)]]
      : []),
  ]));
  parts.push(table(["column", "kind", "shape", "histogram", "mean sim.", "median sim.", "std sim.", "missing real", "missing synth."],
    j.fidelity.columns.map((c) => [
      c.name, c.kind, fmt(c.ksComplement ?? c.tvComplement ?? null), fmt(c.histogramSimilarity),
      fmt(c.statisticSimilarity?.mean ?? null), fmt(c.statisticSimilarity?.median ?? null), fmt(c.statisticSimilarity?.std ?? null),
      String(c.real.missing), String(c.synthetic.missing),
    ])));
  parts.push("<h3>Utility</h3>");
  const u = j.utility;
  const urows: string[][] = [["QScore", fmt(u.qscore.score), u.qscore.ci95 ? `95% CI ${fmt(u.qscore.ci95[0])}–${fmt(u.qscore.ci95[1])}, ${u.qscore.queries} queries` : ""]];
  if (u.prediction) {
    const p = u.prediction;
    urows.push([`prediction of ${p.target} (${p.model})`, fmt(p.score), `MAE TRTR ${fmt(p.trtr.mae)} ± ${fmt(p.std.trtr.mae)}, TSTR ${fmt(p.tstr.mae)} ± ${fmt(p.std.tstr.mae)}; R² ${fmt(p.trtr.r2)} vs ${fmt(p.tstr.r2)}`]);
  }
  if (u.featureImportance) urows.push(["feature importance", fmt(u.featureImportance.score), `Kendall τ ${fmt(u.featureImportance.tau)}`]);
  parts.push(table(["metric", "score", "detail"], urows));
  parts.push("<h3>Privacy</h3>");
  const p = j.privacy;
  const prows: string[][] = [["exact matches", fmt(p.exactMatch.score), `${p.exactMatch.count} rows (${fmt(p.exactMatch.rate * 100)}%; holdout ${p.exactMatch.holdoutRate === null ? "–" : `${fmt(p.exactMatch.holdoutRate * 100)}%`})`]];
  if (p.neighbors) prows.push(["closest records", fmt(p.neighbors.score), `p = ${fmt(p.neighbors.p)} (unseen rows 0.5, a copy ${fmt(p.neighbors.pCopy)}); DCR p5 synthetic ${fmt(p.neighbors.dcrSynthetic.p5)} vs holdout ${fmt(p.neighbors.dcrHoldout.p5)}`]);
  if (p.membershipInference) prows.push(["membership inference", fmt(p.membershipInference.score), `AUC ${fmt(p.membershipInference.auc)}`]);
  parts.push(table(["metric", "score", "detail"], prows));
  return parts.join("\n");
}

async function chartsHtml(report: Report): Promise<string> {
  const c = report.charts();
  const specs: [string, Record<string, unknown> | null][] = [
    ["correlation heatmaps", c.correlation],
    ["mutual information heatmap", c.mutualInformation],
    ["autocorrelation", c.autocorrelation],
    ["TRTR vs TSTR", c.prediction],
    ["feature importance", c.featureImportance],
    ["distance to closest record", c.dcr],
    ["membership inference ROC", c.membershipInference],
    ...c.distributions.slice(0, MAX_DISTRIBUTION_CHARTS).map((d) => [`distribution of ${d.column}`, d.spec] as [string, Record<string, unknown>]),
  ];
  const out: string[] = ["<h3>Charts</h3>"];
  for (const [alt, spec] of specs) if (spec) out.push(await chartHtml(spec, alt));
  if (c.distributions.length > MAX_DISTRIBUTION_CHARTS) {
    out.push(`<p>Distribution charts shown for the first ${MAX_DISTRIBUTION_CHARTS} of ${c.distributions.length} columns; report.charts() has them all.</p>`);
  }
  return out.join("\n");
}

export async function renderReportHtml(report: Report, opts: { page: boolean; title: string }): Promise<string> {
  const body = `<div class="synthlab-report"><style>${CSS}</style>${summaryHtml(report, opts.title)}\n${await diagnosticHtml(report)}\n${await chartsHtml(report)}</div>`;
  if (!opts.page) return body;
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(opts.title)}</title></head><body>\n${body}\n</body></html>\n`;
}

export function reportText(report: Report): string {
  const j = report.json;
  const nf = j.fidelity.noiseFloor;
  const lines = [
    `synthlab quality report: ${j.rows.real} real, ${j.rows.synthetic} synthetic${j.rows.holdout !== null ? `, ${j.rows.holdout} holdout` : ""} rows`,
    `  fidelity ${fmt(j.scores.fidelity)}${nf ? ` (noise floor ${fmt(nf.fidelity)} ± ${fmt(nf.fidelitySd ?? 0)})` : ""}`,
    `  utility  ${fmt(j.scores.utility)}${j.utility.noiseFloor !== null ? ` (unseen real rows ${fmt(j.utility.noiseFloor)})` : ""}`,
    `  privacy  ${fmt(j.scores.privacy)}${j.privacy.noiseFloor !== null ? ` (unseen real rows ${fmt(j.privacy.noiseFloor)})` : ""}`,
    `  validity ${fmt(j.diagnostic.score)} (${j.diagnostic.rules.length} row rule(s) mined from the real table)`,
    "Findings:",
    ...report.findings().map((f) => `  - ${f}`),
  ];
  if (j.warnings.length) lines.push("Warnings:", ...j.warnings.map((w) => `  - ${w}`));
  return lines.join("\n");
}
