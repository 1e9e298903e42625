/** The report's validity section (HTML): row rules and column checks, with the validity chart. */
import type { ReportContent } from "./types.js";
import type { Diagnostic } from "../table/validity.js";
import { chartHtml, escapeHtml, fmt } from "./format.js";
import { buildCharts } from "./charts.js";

const pct = (x: number | null): string => (x === null ? "–" : `${fmt(x * 100)}%`);

/** The section with the chart rendered. */
export async function diagnosticHtml(report: ReportContent): Promise<string> {
  const spec = buildCharts(report).validity;
  return diagnosticSection(report.json.diagnostic, spec ? await chartHtml(spec, "validity checks") : "");
}

/** The section's HTML around an already rendered chart fragment (pure). */
export function diagnosticSection(d: Diagnostic, chart: string): string {
  const parts: string[] = ["<h3>Validity</h3>"];
  parts.push(`<p>Validity score ${escapeHtml(fmt(d.score))} (1 = no synthetic row breaks what every real row obeys).</p>`);
  if (d.rules.length) {
    const rows = d.rules.map((r) => `<tr><td>${escapeHtml(r.text)}</td><td>${r.support}</td><td>${r.checked}</td><td>${escapeHtml(pct(r.brokenShare))}</td></tr>`);
    parts.push(`<table><thead><tr><th>row rule (holds in every real row; a → b: each a has one b, ↔ both ways)</th><th>real rows</th><th>synthetic rows checked</th><th>synthetic rows breaking it</th></tr></thead><tbody>${rows.join("")}</tbody></table>`);
  } else {
    parts.push("<p>No row rule (order, sum or one category determining another) holds in every real row.</p>");
  }
  const flagged = d.columns.filter((c) => c.outOfRange || c.unseenCategory || c.wrongType);
  if (flagged.length) {
    const rows = flagged.map((c) => `<tr><td>${escapeHtml(c.name)}</td><td>${escapeHtml(pct(c.outOfRange))}</td><td>${escapeHtml(pct(c.unseenCategory))}</td><td>${escapeHtml(pct(c.wrongType))}</td></tr>`);
    parts.push(`<table><thead><tr><th>column</th><th>outside the real range</th><th>unseen category</th><th>wrong type</th></tr></thead><tbody>${rows.join("")}</tbody></table>`);
  } else {
    parts.push("<p>Every synthetic value is within its column's real range, in a known category and of the right type.</p>");
  }
  if (chart) parts.push(chart);
  return parts.join("\n");
}
