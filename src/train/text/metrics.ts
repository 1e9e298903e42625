/**
 * Classification metrics (pure functions). Conventions:
 * - confusion[i][j] = texts whose true label is labels[i] and predicted label is labels[j].
 * - precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2PR / (P + R); each is 0 when its
 *   denominator is 0 (a class never predicted, or never present), as scikit-learn's zero_division=0.
 * - macro-F1 = unweighted mean of the per-class F1 over `labels`.
 */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** True texts of this class. */
  support: number;
}

export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  labels: string[];
  perClass: ClassMetrics[];
  confusion: number[][];
}

function checkLengths(actual: readonly string[], predicted: readonly string[]): void {
  if (actual.length !== predicted.length) {
    throw new RangeError(`${actual.length} true labels but ${predicted.length} predictions: pass one prediction per text.`);
  }
}

export function accuracy(actual: readonly string[], predicted: readonly string[]): number {
  checkLengths(actual, predicted);
  if (actual.length === 0) return 0;
  let hit = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) hit++;
  return hit / actual.length;
}

/** Labels in the order given; labels seen in the data but not listed raise an error (they would be lost). */
export function confusionMatrix(actual: readonly string[], predicted: readonly string[], labels: readonly string[]): number[][] {
  checkLengths(actual, predicted);
  const index = new Map(labels.map((l, i) => [l, i]));
  const m = labels.map(() => labels.map(() => 0));
  for (let k = 0; k < actual.length; k++) {
    const i = index.get(actual[k]!);
    const j = index.get(predicted[k]!);
    if (i === undefined || j === undefined) {
      const bad = i === undefined ? actual[k] : predicted[k];
      throw new RangeError(`Label "${bad}" is not one of ${labels.join(", ")}: add it to the labels list.`);
    }
    m[i]![j]!++;
  }
  return m;
}

export function perClassMetrics(confusion: readonly (readonly number[])[], labels: readonly string[]): ClassMetrics[] {
  return labels.map((label, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predictedC = confusion.reduce((a, row) => a + row[c]!, 0);
    const precision = predictedC === 0 ? 0 : tp / predictedC;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
}

export function macroF1(perClass: readonly ClassMetrics[]): number {
  return perClass.length === 0 ? 0 : perClass.reduce((a, c) => a + c.f1, 0) / perClass.length;
}

/** Labels default to the sorted union of true and predicted labels. */
export function classificationMetrics(actual: readonly string[], predicted: readonly string[], labels?: readonly string[]): ClassificationMetrics {
  const ls = labels ? [...labels] : [...new Set([...actual, ...predicted])].sort();
  const confusion = confusionMatrix(actual, predicted, ls);
  const perClass = perClassMetrics(confusion, ls);
  return { n: actual.length, accuracy: accuracy(actual, predicted), macroF1: macroF1(perClass), labels: ls, perClass, confusion };
}

/** The most frequent label of `train` (ties: first in sorted order), predicted for every text of `test`. */
export function majorityBaseline(train: readonly string[], test: readonly string[], labels?: readonly string[]): ClassificationMetrics & { label: string } {
  const counts = new Map<string, number>();
  for (const l of train) counts.set(l, (counts.get(l) ?? 0) + 1);
  const label = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  if (label === undefined) throw new RangeError("majorityBaseline needs at least one training label.");
  return { ...classificationMetrics(test, test.map(() => label), labels), label };
}
