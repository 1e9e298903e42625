/**
 * Plain-language findings: what is weak in a report, judged against the noise floor (what
 * real data of this size reaches) and the holdout (what unseen real rows look like).
 */
import type { ReportJson } from "./types.js";
import { fmt } from "./format.js";

/** Column checks failed by at least this share of synthetic values are called out. */
const VALUE_SHARE = 0.01;

/** A fidelity score at least this far below its noise floor is called out (more when the floor's spread is wide). */
const FLOOR_MARGIN = 0.01;

/** A score this far below its noise floor is called out. */
const NOISE_MARGIN = 0.05;

export function findingsOf(r: ReportJson): string[] {
  const out: string[] = [];
  const f = r.fidelity;
  const nf = f.noiseFloor;
  // Below the floor by more than chance allows: three of its standard deviations (at least 0.01).
  if (r.scores.fidelity !== null && nf?.fidelity != null && r.scores.fidelity < nf.fidelity - Math.max(FLOOR_MARGIN, 3 * (nf.fidelitySd ?? 0))) {
    out.push(`Fidelity ${fmt(r.scores.fidelity)} is below the ${fmt(nf.fidelity)}${nf.fidelitySd ? ` ± ${fmt(nf.fidelitySd)}` : ""} that two real tables of these sizes reach (noise floor, ${nf.resamples} resamples).`);
  }
  const shapes = f.columns
    .map((c) => ({ name: c.name, score: c.ksComplement ?? c.tvComplement ?? null, kind: c.kind }))
    .filter((c): c is { name: string; score: number; kind: typeof c.kind } => c.score !== null && c.score < Math.min(0.85, (nf?.columnShapes ?? 1) - NOISE_MARGIN))
    .sort((a, b) => a.score - b.score);
  for (const c of shapes.slice(0, 3)) {
    out.push(`Column "${c.name}" has a different ${c.kind === "categorical" ? "category mix" : "distribution"} (${c.kind === "categorical" ? "TV" : "KS"} complement ${fmt(c.score)}).`);
  }
  if (shapes.length > 3) out.push(`${shapes.length - 3} more column(s) have weak shapes; see the column table.`);
  for (const c of f.columns) {
    const s = c.statisticSimilarity;
    if (s && s.std !== null && s.std < 0.9) out.push(`Column "${c.name}" has a different spread (std similarity ${fmt(s.std)}).`);
  }
  const relevantBroken = f.correlation.pairs
    .filter((p) => p.score !== null && p.real !== null && (p.method === "pearson" ? Math.abs(p.real) > 0.5 : p.real > 0.3) && p.score < 0.9)
    .sort((a, b) => a.score! - b.score!);
  for (const p of relevantBroken.slice(0, 3)) {
    out.push(p.method === "pearson"
      ? `The strong correlation between "${p.a}" and "${p.b}" is not kept (Pearson ρ real ${fmt(p.real)}, synthetic ${fmt(p.synthetic)}).`
      : `The joint distribution of the strongly associated "${p.a}" and "${p.b}" differs (contingency similarity ${fmt(p.score)}; Cramér's V real ${fmt(p.real)}, synthetic ${fmt(p.synthetic)}).`);
  }
  if (f.autocorrelation?.acfScore != null && f.autocorrelation.acfScore < 0.9) {
    out.push(`Day-to-day patterns differ (ACF similarity ${fmt(f.autocorrelation.acfScore)}, PACF ${fmt(f.autocorrelation.pacfScore)}).`);
  }
  const u = r.utility;
  if (u.prediction && u.prediction.score < 0.9) {
    out.push(`A model trained on synthetic rows predicts "${u.prediction.target}" worse: MAE ${fmt(u.prediction.tstr.mae)} vs ${fmt(u.prediction.trtr.mae)} when trained on real rows.`);
  }
  if (u.featureImportance?.score != null && u.featureImportance.score < 0.75) {
    out.push(`Models trained on synthetic rows rely on different features (Kendall τ ${fmt(u.featureImportance.tau)}).`);
  }
  if (u.qscore.score !== null && u.qscore.score < 0.8) out.push(`Aggregate queries answer differently (QScore ${fmt(u.qscore.score)}).`);
  const p = r.privacy;
  const ref = p.exactMatch.holdoutRate ?? 0;
  if (p.exactMatch.rate > ref + 0.001) {
    out.push(`${fmt(p.exactMatch.rate * 100)}% of synthetic rows are exact copies of training rows (unseen real rows: ${fmt(ref * 100)}%).`);
  }
  if (p.neighbors && p.neighbors.p > 0.6) {
    out.push(`Synthetic rows sit closer to the training rows than unseen real rows do (p = ${fmt(p.neighbors.p)}; 0.5 expected, a copy of the training rows gets ${fmt(p.neighbors.pCopy)}): possible memorization.`);
  }
  if (p.membershipInference && p.membershipInference.auc > 0.6) {
    out.push(`Membership inference AUC ${fmt(p.membershipInference.auc)}: the synthetic rows reveal which real rows were used for training.`);
  }
  const d = r.diagnostic;
  const brokenRules = d.rules.filter((x) => x.brokenShare !== null && x.brokenShare > 0).sort((a, b) => b.brokenShare! - a.brokenShare!);
  for (const x of brokenRules.slice(0, 3)) {
    out.push(`${fmt(x.brokenShare! * 100)}% of synthetic rows break "${x.text}", which holds in every real row: impossible rows.`);
  }
  if (brokenRules.length > 3) out.push(`${brokenRules.length - 3} more row rule(s) are broken; see the validity section.`);
  for (const c of d.columns) {
    if (c.outOfRange && c.outOfRange >= VALUE_SHARE) out.push(`Column "${c.name}": ${fmt(c.outOfRange * 100)}% of synthetic values lie outside the real range.`);
    if (c.wrongType && c.wrongType >= VALUE_SHARE) out.push(`Column "${c.name}": ${fmt(c.wrongType * 100)}% of synthetic values are not of the column's type.`);
  }
  if (out.length === 0) out.push("No weak spots found: every score is near its reference.");
  return out;
}
