/**
 * Quality figures for generated text (pure functions): duplicate rate, distinct-1/2,
 * length statistics and label balance. Definitions:
 * - normalise: lowercase, trim, collapse runs of whitespace.
 * - tokens: runs of letters/digits (Unicode aware) after lowercasing; punctuation is dropped.
 * - duplicateRate: share of texts whose normalised form already appeared earlier
 *   (n texts with u distinct normalised forms → (n − u) / n).
 * - distinct-n: distinct n-grams / total n-grams over the whole corpus (Li et al., 2016);
 *   n-grams do not cross text boundaries. 0 when there are no n-grams.
 * - length stats: over characters (of the raw text) or tokens; std is the population std.
 * - label balance: counts and shares per label, normalised entropy H / ln(k) (1 = perfectly
 *   balanced, 0 for one label), and minority/majority ratio.
 */

export function normalizeText(text: string): string {
  return text.toLowerCase().trim().replace(/\s+/g, " ");
}

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function duplicateRate(texts: readonly string[]): number {
  if (texts.length === 0) return 0;
  const seen = new Set<string>();
  for (const t of texts) seen.add(normalizeText(t));
  return (texts.length - seen.size) / texts.length;
}

export function distinctN(texts: readonly string[], n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`distinctN needs n ≥ 1 (a whole number), got ${n}.`);
  const grams = new Set<string>();
  let total = 0;
  for (const t of texts) {
    const tok = tokenize(t);
    for (let i = 0; i + n <= tok.length; i++) {
      grams.add(tok.slice(i, i + n).join("\u0001"));
      total++;
    }
  }
  return total === 0 ? 0 : grams.size / total;
}

export interface LengthStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  std: number;
}

export function lengthStats(texts: readonly string[], unit: "chars" | "tokens" = "chars"): LengthStats {
  const lens = texts.map((t) => (unit === "chars" ? [...t].length : tokenize(t).length)).sort((a, b) => a - b);
  const n = lens.length;
  if (n === 0) return { count: 0, min: 0, max: 0, mean: 0, median: 0, std: 0 };
  const mean = lens.reduce((s, x) => s + x, 0) / n;
  const variance = lens.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
  const median = n % 2 ? lens[(n - 1) / 2]! : (lens[n / 2 - 1]! + lens[n / 2]!) / 2;
  return { count: n, min: lens[0]!, max: lens[n - 1]!, mean, median, std: Math.sqrt(variance) };
}

export interface LabelBalance {
  counts: Record<string, number>;
  shares: Record<string, number>;
  /** H / ln(k) over the k labels present; 1 when k ≤ 1 labels would be meaningless, so 0 then. */
  normalizedEntropy: number;
  /** Smallest count / largest count (1 = balanced). */
  minorityRatio: number;
}

export function labelBalance(labels: readonly (string | null)[]): LabelBalance {
  const counts: Record<string, number> = {};
  let n = 0;
  for (const l of labels) {
    if (l === null) continue;
    counts[l] = (counts[l] ?? 0) + 1;
    n++;
  }
  const values = Object.values(counts);
  const k = values.length;
  const shares: Record<string, number> = {};
  for (const [l, c] of Object.entries(counts)) shares[l] = c / n;
  let h = 0;
  // A loop, not Math.min(...values): one argument per distinct label would overflow the call stack.
  let lo = Infinity;
  let hi = 0;
  for (const c of values) {
    const p = c / n;
    h -= p * Math.log(p);
    if (c < lo) lo = c;
    if (c > hi) hi = c;
  }
  return {
    counts,
    shares,
    normalizedEntropy: k > 1 ? h / Math.log(k) : 0,
    minorityRatio: k > 0 ? lo / hi : 0,
  };
}

export interface TextQuality {
  count: number;
  duplicateRate: number;
  distinct1: number;
  distinct2: number;
  chars: LengthStats;
  tokens: LengthStats;
  labels?: LabelBalance;
}

/** All figures at once; labels (same length as texts) add the balance figures. */
export function textQuality(texts: readonly string[], labels?: readonly (string | null)[]): TextQuality {
  if (labels && labels.length !== texts.length) {
    throw new RangeError(`textQuality: ${labels.length} labels for ${texts.length} texts; pass one label per text.`);
  }
  return {
    count: texts.length,
    duplicateRate: duplicateRate(texts),
    distinct1: distinctN(texts, 1),
    distinct2: distinctN(texts, 2),
    chars: lengthStats(texts, "chars"),
    tokens: lengthStats(texts, "tokens"),
    ...(labels ? { labels: labelBalance(labels) } : {}),
  };
}
