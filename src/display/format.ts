/**
 * Values formatted for people, the one home of each: `escapeHtml` for any text put into HTML
 * (report pages, rich outputs, saved notebook pages) and `formatNumber` for numbers in tables
 * and summaries. Stage-neutral: it knows no chart, table or model.
 */

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe inside HTML elements and quoted attributes: & < > " ' escaped. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

export interface NumberFormat {
  /** Significant digits (default 3). */
  digits?: number;
  /** Integers with |x| below this are written whole (default 0: none). */
  wholeBelow?: number;
  /** |x| from this on is written with an exponent, as is 0 < |x| < 1e-3 (default 1e7). */
  exponentFrom?: number;
}

/** `digits` significant digits; "–" for missing or NaN, "∞" / "−∞" for infinities. */
export function formatNumber(x: number | null | undefined, format: NumberFormat = {}): string {
  const { digits = 3, wholeBelow = 0, exponentFrom = 1e7 } = format;
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  const a = Math.abs(x);
  if (Number.isInteger(x) && a < wholeBelow) return String(x);
  if (a !== 0 && (a < 1e-3 || a >= exponentFrom)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

/** Scores and statistics of the quality report: 3 significant digits. */
export function formatScore(x: number | null | undefined): string {
  return formatNumber(x);
}

/** Training metrics and losses: 4 significant digits, integers (epochs, rows) whole below 1e6. */
export function formatMeasure(x: number | null | undefined): string {
  return formatNumber(x, { digits: 4, wholeBelow: 1e6, exponentFrom: 1e6 });
}

/** A count for people: rounded to a whole number, thousands separated ("12,345"). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
