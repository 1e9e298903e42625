import { describe, expect, it } from "vitest";
import { frameFromRecords } from "../../../src/data/frame.js";
import { createRng } from "../../../src/data/random.js";
import { splitTrainHoldout } from "../../../src/data/split.js";
import type { Frame } from "../../../src/data/types.js";
import { loadDataset } from "../../../src/datasets/load.js";
import { displaySymbol, type MimeBundle } from "../../../src/display/protocol.js";
import { confusionChartSpec } from "../../../src/charts/confusion.js";
import { trainTextClassifier, TextClassifierError } from "../../../src/train/text/classifier.js";
import { emailBody } from "../../../src/train/text/tokenizer.js";

const quiet = { log: false as const };

/** Two topics with disjoint keywords plus shared filler words: linearly separable. */
function toyCorpus(n: number, seed: number): Frame {
  const rng = createRng(seed);
  const words: Record<string, string[]> = {
    sport: ["goal", "match", "striker", "referee", "league", "coach", "penalty", "stadium"],
    cooking: ["recipe", "oven", "garlic", "simmer", "flour", "butter", "saucepan", "bake"],
  };
  const filler = ["the", "a", "today", "really", "was", "and", "we", "great", "very", "it"];
  const pick = (xs: string[]) => xs[Math.floor(rng.next() * xs.length)]!;
  return frameFromRecords(Array.from({ length: n }, (_, i) => {
    const label = i % 2 === 0 ? "sport" : "cooking";
    const tokens = Array.from({ length: 8 }, (_, k) => (k % 3 === 0 ? pick(words[label]!) : pick(filler)));
    return { text: tokens.join(" "), label };
  }));
}

describe("trainTextClassifier", () => {
  it("learns a separable toy corpus (holdout accuracy > 0.9) and predicts new texts", async () => {
    const { train, holdout } = splitTrainHoldout(toyCorpus(240, 1), { holdout: 0.25, seed: 1, stratify: "label" });
    const lines: string[] = [];
    const model = await trainTextClassifier(train, { text: "text", label: "label", test: holdout, epochs: 10, seed: 3, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^TF\.js backend: (tensorflow|wasm|cpu)/);
    expect(model.labels).toEqual(["cooking", "sport"]);
    expect(model.testMetrics!.accuracy).toBeGreaterThan(0.9);
    expect(model.predict(["the striker took a penalty", "bake it with butter and garlic"])).toEqual(["sport", "cooking"]);
    const p = model.predictProba(["the referee"])[0]!;
    expect(p[0]! + p[1]!).toBeCloseTo(1, 5);
    // Loss goes down while it learns.
    expect(model.history.at(-1)!.loss).toBeLessThan(model.history[0]!.loss);
  });

  it("predicts large batches in chunks with the same results as one by one", async () => {
    const data = toyCorpus(1100, 11);
    const model = await trainTextClassifier(data, { text: "text", label: "label", epochs: 2, seed: 1, ...quiet });
    const texts = data.columns.text as string[];
    const all = model.predictProba(texts);
    expect(all).toHaveLength(1100);
    for (const i of [0, 511, 512, 1023, 1024, 1099]) {
      const one = model.predictProba([texts[i]!])[0]!;
      one.forEach((p, j) => expect(all[i]![j]).toBeCloseTo(p, 6));
    }
  });

  it("the MLP learns it too", async () => {
    const { train, holdout } = splitTrainHoldout(toyCorpus(240, 2), { holdout: 0.25, seed: 2, stratify: "label" });
    const model = await trainTextClassifier(train, { text: "text", label: "label", test: holdout, model: "mlp", epochs: 15, seed: 3, ...quiet });
    expect(model.testMetrics!.accuracy).toBeGreaterThan(0.9);
  });

  it("is reproducible: the same seed gives the same probabilities", async () => {
    const data = toyCorpus(80, 5);
    const a = await trainTextClassifier(data, { text: "text", label: "label", epochs: 3, seed: 9, ...quiet });
    const b = await trainTextClassifier(data, { text: "text", label: "label", epochs: 3, seed: 9, ...quiet });
    const c = await trainTextClassifier(data, { text: "text", label: "label", epochs: 3, seed: 10, ...quiet });
    const probe = ["goal today", "oven and flour", "zzz"];
    expect(a.predictProba(probe)).toEqual(b.predictProba(probe));
    expect(a.predictProba(probe)).not.toEqual(c.predictProba(probe));
  });

  it("beats the majority-class baseline on a real SpamAssassin subsample", async () => {
    const corpus = await loadDataset("spam-assassin");
    const sample = splitTrainHoldout(corpus, { holdout: 600 / corpus.rowCount, seed: 4, stratify: "label" }).holdout;
    const bodies: Frame = { ...sample, columns: { ...sample.columns, text: (sample.columns.text as string[]).map(emailBody) } };
    const nonEmpty = (bodies.columns.text as string[]).map((t, i) => (t.trim() ? i : -1)).filter((i) => i >= 0);
    const usable = frameFromRecords(nonEmpty.map((i) => ({ text: bodies.columns.text[i], label: bodies.columns.label[i] })));
    const { train, holdout } = splitTrainHoldout(usable, { holdout: 0.25, seed: 4, stratify: "label" });
    const model = await trainTextClassifier(train, { text: "text", label: "label", test: holdout, epochs: 8, maxVocab: 3000, seed: 1, ...quiet });
    const test = model.test!;
    expect(test.baseline.label).toBe("ham");
    expect(test.metrics.accuracy).toBeGreaterThan(test.baseline.accuracy + 0.1);
    expect(test.metrics.macroF1).toBeGreaterThan(0.8);
  });

  it("evaluates a table whose labels the model never saw as errors for those labels", async () => {
    const model = await trainTextClassifier(toyCorpus(60, 6), { text: "text", label: "label", epochs: 3, ...quiet });
    const ev = model.evaluate([{ text: "goal goal", label: "sport" }, { text: "a poem", label: "poetry" }]);
    expect(ev.metrics.labels).toEqual(["cooking", "sport", "poetry"]);
    expect(ev.metrics.perClass[2]!.recall).toBe(0);
    expect(ev.metrics.confusion[2]!.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("displays a metrics table and a confusion-matrix chart", async () => {
    const { train, holdout } = splitTrainHoldout(toyCorpus(80, 7), { holdout: 0.25, seed: 1, stratify: "label" });
    const model = await trainTextClassifier(train, { text: "text", label: "label", test: holdout, epochs: 3, ...quiet });
    const bundle = (await model[displaySymbol]()) as MimeBundle;
    expect(String(bundle["text/html"])).toMatch(/<table>.*macro-F1.*<\/table>.*<img alt="confusion matrix" width="\d+" height="\d+" src="data:image\/png;base64,/s);
    expect(String(bundle["text/plain"])).toMatch(/always "(cooking|sport)" \(test\)/);
    const ev = (await model.test![displaySymbol]()) as MimeBundle;
    expect(String(ev["text/plain"])).toMatch(/precision\s+recall\s+F1\s+support/);
  });
});

describe("confusionChartSpec", () => {
  it("has one cell per (true, predicted) pair with counts and row shares", () => {
    const spec = confusionChartSpec({ labels: ["ham", "spam"], confusion: [[8, 2], [1, 3]] });
    const values = (spec.data as { values: { actual: string; predicted: string; count: number; share: number }[] }).values;
    expect(values).toHaveLength(4);
    expect(values.find((v) => v.actual === "ham" && v.predicted === "spam")).toEqual({ actual: "ham", predicted: "spam", count: 2, share: 0.2 });
    expect(values.find((v) => v.actual === "spam" && v.predicted === "spam")!.share).toBe(0.75);
  });
});

describe("bad inputs get one clear error", () => {
  const rows = [{ text: "cheap pills", label: "spam" }, { text: "meeting at 3", label: "ham" }];

  it("a missing column names the columns there are", async () => {
    await expect(trainTextClassifier(rows, { text: "body", label: "label", ...quiet })).rejects.toThrow(/no column "body"; its columns are text, label/);
    await expect(trainTextClassifier(rows, { text: "text", label: "class", ...quiet })).rejects.toThrow(TextClassifierError);
  });

  it("a single class", async () => {
    await expect(trainTextClassifier([{ text: "a b", label: "spam" }, { text: "c d", label: "spam" }], { text: "text", label: "label", ...quiet }))
      .rejects.toThrow(/only one class \("spam"\).*at least two labels/);
  });

  it("empty text and missing labels name the row", async () => {
    await expect(trainTextClassifier([...rows, { text: "   ", label: "ham" }], { text: "text", label: "label", ...quiet }))
      .rejects.toThrow(/1 row\(s\) of the training table have empty text in column "text" \(first: row 2\)/);
    await expect(trainTextClassifier([...rows, { text: "hello", label: null }], { text: "text", label: "label", ...quiet }))
      .rejects.toThrow(/have no label in column "label" \(first: row 2\)/);
  });

  it("a bad test table fails before training", async () => {
    await expect(trainTextClassifier(rows, { text: "text", label: "label", test: [{ msg: "x", label: "ham" }], ...quiet }))
      .rejects.toThrow(/test table has no column "text"/);
  });

  it("bad options and bad predict input", async () => {
    await expect(trainTextClassifier(rows, { text: "text", label: "label", epochs: 0, ...quiet })).rejects.toThrow(/epochs must be a whole number ≥ 1/);
    await expect(trainTextClassifier(rows, { text: "text", label: "label", model: "svm" as never, ...quiet })).rejects.toThrow(/Unknown model "svm"/);
    const model = await trainTextClassifier(rows, { text: "text", label: "label", epochs: 1, minCount: 1, ...quiet });
    expect(() => model.predict("cheap pills" as never)).toThrow(/predict takes an array of strings/);
  });
});

describe("topWords", () => {
  it("names each topic's own keywords as its strongest words", async () => {
    const model = await trainTextClassifier(toyCorpus(200, 8), { text: "text", label: "label", epochs: 10, seed: 1, log: false });
    const sport = model.topWords("sport", 5).map((w) => w.word);
    const cooking = model.topWords("cooking", 5).map((w) => w.word);
    const sportWords = ["goal", "match", "striker", "referee", "league", "coach", "penalty", "stadium"];
    expect(sport.every((w) => sportWords.includes(w))).toBe(true);
    expect(cooking.some((w) => sportWords.includes(w))).toBe(false);
    expect(() => model.topWords("poetry")).toThrow(/Unknown label "poetry"/);
  });
});
