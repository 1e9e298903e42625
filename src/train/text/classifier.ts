/**
 * A TF.js text classifier: TF-IDF features over a vocabulary fitted on the training texts, then
 * multinomial logistic regression (softmax) or a small MLP. Seeded: the same seed and data give
 * the same model. Training prints the TF.js backend like trainRegressor does.
 */
import { chartBundle } from "../../charts/render.js";
import { toFrame, type TableInput } from "../../data/frame.js";
import type { DataFrame } from "../../data/dataframe.js";
import type { Frame } from "../../data/types.js";
import { displaySymbol, type MimeBundle } from "../../display/protocol.js";
import { FlatAdam } from "../adam.js";
import { describeBackend, loadTf, tfjs, type BackendName } from "../backend.js";
import { denseTrainer } from "../dense.js";
import { chartImageHtml, escapeHtml, fmt, htmlTable, textTable } from "../display.js";
import { createRng } from "../../data/random.js";
import { confusionChartSpec } from "../../charts/confusion.js";
import { TextNetwork } from "./network.js";
import { classificationMetrics, majorityBaseline, type ClassificationMetrics } from "./metrics.js";
import { densify, idfWeights, tfidfRows, tfidfRowsFromTokens, tokenize, Vocabulary, type SparseRow } from "./tokenizer.js";

export type TextTable = TableInput | DataFrame;
export type TextModelKind = "logistic" | "mlp";

export interface TextEpochLog {
  epoch: number;
  /** Mean cross-entropy over the epoch's batches. */
  loss: number;
}

export interface TextClassifierOptions {
  /** Column holding the text. */
  text: string;
  /** Column holding the class label (values are compared as strings). */
  label: string;
  /** "logistic" (default): softmax regression on TF-IDF; "mlp": one hidden ReLU layer first. */
  model?: TextModelKind;
  /** Hidden units of the MLP (default 32). */
  hidden?: number;
  /** Passes over the training texts (default 15). */
  epochs?: number;
  /** Default 64 (fewer, larger steps: TF.js pays a fixed cost per step). */
  batchSize?: number;
  /** Adam learning rate (default 0.02 logistic, 0.005 mlp). */
  learningRate?: number;
  /** L2 penalty on the weights (default 1e-5). */
  l2?: number;
  /** Vocabulary size including the unknown token (default 5000). */
  maxVocab?: number;
  /** A word must occur in this many training texts to get its own feature (default 2). */
  minCount?: number;
  /** Texts are cut to this many characters first (default 20000): bounds the cost of huge e-mails. */
  maxChars?: number;
  /** Default 42. */
  seed?: number;
  /** A table with the same two columns to test on; its metrics land in `model.testMetrics`. */
  test?: TextTable;
  onEpoch?: (log: TextEpochLog) => void | Promise<void>;
  /** Where the "TF.js backend: …" line goes (default console.log); false to stay quiet. */
  log?: ((line: string) => void) | false;
}

export interface ResolvedTextOptions {
  text: string;
  label: string;
  model: TextModelKind;
  hidden: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  maxVocab: number;
  minCount: number;
  maxChars: number;
  seed: number;
}

export class TextClassifierError extends Error {
  override name = "TextClassifierError";
}

/** The texts and labels of a table, checked: both columns present, no empty text, no missing label. */
export function readTextColumns(table: TextTable, textColumn: string, labelColumn: string, what = "training table"): { texts: string[]; labels: string[] } {
  const frame: Frame = toFrame(table);
  for (const col of [textColumn, labelColumn]) {
    if (!frame.columnNames.includes(col)) {
      throw new TextClassifierError(`The ${what} has no column "${col}"; its columns are ${frame.columnNames.join(", ") || "(none)"}. Pass the right name as ${col === textColumn ? "text" : "label"}.`);
    }
  }
  if (frame.rowCount === 0) throw new TextClassifierError(`The ${what} is empty: pass at least one row.`);
  const textCol = frame.columns[textColumn]!;
  const labelCol = frame.columns[labelColumn]!;
  const emptyText: number[] = [];
  const noLabel: number[] = [];
  const texts: string[] = new Array(frame.rowCount);
  const labels: string[] = new Array(frame.rowCount);
  for (let i = 0; i < frame.rowCount; i++) {
    const t = textCol[i];
    if (t === null || t === undefined || String(t).trim() === "") emptyText.push(i);
    texts[i] = t === null || t === undefined ? "" : String(t);
    const l = labelCol[i];
    if (l === null || l === undefined || String(l) === "") noLabel.push(i);
    labels[i] = l === null || l === undefined ? "" : String(l);
  }
  if (emptyText.length) {
    throw new TextClassifierError(`${emptyText.length} row(s) of the ${what} have empty text in column "${textColumn}" (first: row ${emptyText[0]}): drop or fill them first.`);
  }
  if (noLabel.length) {
    throw new TextClassifierError(`${noLabel.length} row(s) of the ${what} have no label in column "${labelColumn}" (first: row ${noLabel[0]}): drop them or label them first.`);
  }
  return { texts, labels };
}

function resolve(o: TextClassifierOptions): ResolvedTextOptions {
  if (typeof o !== "object" || o === null || typeof o.text !== "string" || typeof o.label !== "string") {
    throw new TextClassifierError('trainTextClassifier needs the column names: { text: "text", label: "label" }.');
  }
  const model = o.model ?? "logistic";
  if (model !== "logistic" && model !== "mlp") throw new TextClassifierError(`Unknown model "${String(model)}": use "logistic" or "mlp".`);
  const r: ResolvedTextOptions = {
    text: o.text,
    label: o.label,
    model,
    hidden: o.hidden ?? 32,
    epochs: o.epochs ?? 15,
    batchSize: o.batchSize ?? 64,
    learningRate: o.learningRate ?? (model === "logistic" ? 0.02 : 0.005),
    l2: o.l2 ?? 1e-5,
    maxVocab: o.maxVocab ?? 5000,
    minCount: o.minCount ?? 2,
    maxChars: o.maxChars ?? 20000,
    seed: o.seed ?? 42,
  };
  for (const k of ["hidden", "epochs", "batchSize", "maxVocab", "minCount", "maxChars"] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) throw new TextClassifierError(`${k} must be a whole number ≥ 1, got ${String(r[k])}.`);
  }
  if (!(r.learningRate > 0)) throw new TextClassifierError(`learningRate must be > 0, got ${r.learningRate}.`);
  if (!(r.l2 >= 0)) throw new TextClassifierError(`l2 must be ≥ 0, got ${r.l2}.`);
  if (!Number.isFinite(r.seed)) throw new TextClassifierError(`seed must be a number, got ${r.seed}.`);
  return r;
}

export interface TextModelInfo {
  options: ResolvedTextOptions;
  trainRows: number;
  history: TextEpochLog[];
  backend: BackendName;
  backendDescription: string;
  elapsedMs: number;
}

/** Metrics on one labelled table plus the majority-class baseline on it, displayed as a table and a confusion matrix. */
export class TextEvaluation {
  constructor(
    readonly metrics: ClassificationMetrics,
    /** Always predicting the training set's most frequent label. */
    readonly baseline: ClassificationMetrics & { label: string },
    readonly title = "Evaluation",
  ) {}

  get accuracy(): number { return this.metrics.accuracy; }
  get macroF1(): number { return this.metrics.macroF1; }

  rows(): string[][] {
    const m = this.metrics;
    return [
      ...m.perClass.map((c) => [c.label, fmt(c.precision), fmt(c.recall), fmt(c.f1), String(c.support)]),
      ["macro average", fmt(m.perClass.reduce((a, c) => a + c.precision, 0) / m.perClass.length), fmt(m.perClass.reduce((a, c) => a + c.recall, 0) / m.perClass.length), fmt(m.macroF1), String(m.n)],
    ];
  }

  summary(): string {
    return `${this.title}: accuracy ${fmt(this.metrics.accuracy)}, macro-F1 ${fmt(this.metrics.macroF1)} on ${this.metrics.n} texts ` +
      `(always "${this.baseline.label}": accuracy ${fmt(this.baseline.accuracy)}, macro-F1 ${fmt(this.baseline.macroF1)})`;
  }

  toString(): string {
    return `${this.summary()}\n${textTable(["", "precision", "recall", "F1", "support"], this.rows())}`;
  }

  confusionChart(): Record<string, unknown> {
    return confusionChartSpec(this.metrics, `Confusion matrix (${this.title.toLowerCase()})`);
  }

  async [displaySymbol](): Promise<MimeBundle> {
    const chart = await chartBundle(this.confusionChart());
    const html = `<div><p>${escapeHtml(this.summary())}</p>${htmlTable(["", "precision", "recall", "F1", "support"], this.rows())}${chartImageHtml(chart, "confusion matrix")}</div>`;
    return { "text/html": html, "text/plain": this.toString() };
  }
}

/** Rows per predict call: bounds the dense TF-IDF block in memory. */
const PREDICT_CHUNK = 512;

export class TextClassifier {
  constructor(
    readonly network: TextNetwork,
    readonly vocabulary: Vocabulary,
    /** Class labels; output unit i is labels[i]. */
    readonly labels: readonly string[],
    readonly info: TextModelInfo,
    /** Training labels, kept for the majority baseline of later evaluations. */
    private readonly trainLabels: readonly string[],
    readonly trainMetrics: ClassificationMetrics,
    readonly test: TextEvaluation | null,
  ) {}

  private idfCache: Float32Array | undefined;

  get history(): TextEpochLog[] { return this.info.history; }
  get backend(): BackendName { return this.info.backend; }
  get testMetrics(): ClassificationMetrics | null { return this.test?.metrics ?? null; }

  private features(texts: readonly string[]): SparseRow[] {
    return tfidfRows(texts.map((t) => t.slice(0, this.info.options.maxChars)), this.vocabulary, (this.idfCache ??= idfWeights(this.vocabulary)));
  }

  /** Class probabilities, one array (in `labels` order) per text. */
  predictProba(texts: readonly string[]): number[][] {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== "string")) {
      throw new TextClassifierError("predict takes an array of strings, e.g. model.predict([\"Win money now\"]).");
    }
    return this.probabilities(this.features(texts));
  }

  /** Probabilities of already-featurized rows, densified a chunk at a time. */
  probabilities(rows: readonly SparseRow[]): number[][] {
    const tf = tfjs();
    const k = this.labels.length;
    const v = this.vocabulary.size;
    const out: number[][] = [];
    for (let start = 0; start < rows.length; start += PREDICT_CHUNK) {
      const chunk = rows.slice(start, start + PREDICT_CHUNK);
      const probs = tf.tidy(() => {
        const x = tf.tensor2d(densify(chunk, v), [chunk.length, v]);
        return this.network.predict(x).dataSync();
      });
      for (let r = 0; r < chunk.length; r++) out.push(Array.from(probs.subarray(r * k, (r + 1) * k)));
    }
    return out;
  }

  /** The most probable label for each row of probabilities. */
  argmaxLabels(probs: readonly number[][]): string[] {
    return probs.map((p) => {
      let best = 0;
      for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
      return this.labels[best]!;
    });
  }

  /** The most probable label of each text. */
  predict(texts: readonly string[]): string[] {
    return this.argmaxLabels(this.predictProba(texts));
  }

  /**
   * Logistic regression only: the `k` words that push a text hardest towards `label`, by the weight
   * of the word for that label minus its mean weight for the other labels (TF-IDF features are
   * non-negative, so a large positive difference means "this word makes the label more likely").
   */
  topWords(label: string, k = 10): { word: string; weight: number }[] {
    if (this.info.options.model !== "logistic") throw new TextClassifierError('topWords reads the weights of a logistic model: train with model: "logistic".');
    const c = this.labels.indexOf(label);
    if (c < 0) throw new TextClassifierError(`Unknown label "${label}": the model's labels are ${this.labels.join(", ")}.`);
    const kernel = this.network.kernel(0); // vocab × labels, row-major
    const nl = this.labels.length;
    const scored = this.vocabulary.tokens.map((word, i) => {
      let others = 0;
      for (let j = 0; j < nl; j++) if (j !== c) others += kernel[i * nl + j]!;
      return { word, weight: kernel[i * nl + c]! - others / (nl - 1) };
    });
    return scored.sort((a, b) => b.weight - a.weight).slice(0, k);
  }

  /** Metrics on a labelled table with the training column names (labels the model never saw count as errors). */
  evaluate(table: TextTable, title = "Evaluation"): TextEvaluation {
    const { texts, labels } = readTextColumns(table, this.info.options.text, this.info.options.label, "evaluation table");
    const all = [...this.labels, ...[...new Set(labels)].filter((l) => !this.labels.includes(l)).sort()];
    return new TextEvaluation(classificationMetrics(labels, this.predict(texts), all), majorityBaseline(this.trainLabels, labels, all), title);
  }

  summary(): string {
    const i = this.info;
    const shape = i.options.model === "mlp" ? `MLP (${i.options.hidden} hidden units)` : "logistic regression";
    return `TF-IDF + ${shape} text classifier for "${i.options.label}" (${this.labels.join(" / ")}) on ${i.trainRows} texts, ` +
      `${this.vocabulary.size} words in the vocabulary; ${i.history.length} epochs; ${i.backendDescription}; ${(i.elapsedMs / 1000).toFixed(1)} s`;
  }

  private metricRows(): string[][] {
    const rows: [string, ClassificationMetrics][] = [["train", this.trainMetrics]];
    if (this.test) rows.push(["test", this.test.metrics], [`always "${this.test.baseline.label}" (test)`, this.test.baseline]);
    return rows.map(([name, m]) => [name, fmt(m.accuracy), fmt(m.macroF1), ...m.perClass.map((c) => fmt(c.f1))]);
  }

  private header(): string[] {
    return ["", "accuracy", "macro-F1", ...this.trainMetrics.perClass.map((c) => `F1 ${c.label}`)];
  }

  toString(): string {
    return `${this.summary()}\n${textTable(this.header(), this.metricRows())}`;
  }

  async [displaySymbol](): Promise<MimeBundle> {
    const shown = this.test?.metrics ?? this.trainMetrics;
    const chart = await chartBundle(confusionChartSpec(shown, `Confusion matrix (${this.test ? "test" : "train"})`));
    const html = `<div><p>${escapeHtml(this.summary())}</p>${htmlTable(this.header(), this.metricRows())}${chartImageHtml(chart, "confusion matrix")}</div>`;
    return { "text/html": html, "text/plain": this.toString() };
  }
}

const yieldNow = () => new Promise<void>((r) => setImmediate(r));

/** Train a text classifier on `table`; see TextClassifierOptions. */
export async function trainTextClassifier(table: TextTable, options: TextClassifierOptions): Promise<TextClassifier> {
  const o = resolve(options);
  const started = Date.now();
  const { texts: rawTexts, labels } = readTextColumns(table, o.text, o.label);
  const classes = [...new Set(labels)].sort();
  if (classes.length < 2) {
    throw new TextClassifierError(`The training table has only one class ("${classes[0]}") in column "${o.label}": a classifier needs texts of at least two labels.`);
  }
  // Validate the test table before the (slower) training, so a typo fails fast.
  const testData = options.test === undefined ? undefined : readTextColumns(options.test, o.text, o.label, "test table");
  const texts = rawTexts.map((t) => t.slice(0, o.maxChars));
  const tokenized = texts.map(tokenize); // once, for both the vocabulary and the features
  const vocab = Vocabulary.fitTokens(tokenized, { maxSize: o.maxVocab, minCount: o.minCount });
  const idf = idfWeights(vocab);

  const { tf, backend } = await loadTf();
  const log = options.log === false ? undefined : (options.log ?? ((line: string) => console.log(line)));
  log?.(describeBackend(backend));

  const n = texts.length;
  const k = classes.length;
  const index = new Map(classes.map((c, i) => [c, i]));
  const rows = tfidfRowsFromTokens(tokenized, vocab, idf);
  const classOf = Int32Array.from(labels, (l) => index.get(l)!);

  const network = TextNetwork.create(tf, vocab.size, o.model === "mlp" ? [o.hidden] : [], k, o.seed);
  const optimizer = new FlatAdam(tf, network.variables, { learningRate: o.learningRate });
  const trainer = denseTrainer(tf);

  const history: TextEpochLog[] = [];
  const rng = createRng(o.seed);
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const order = rng.permutation(n);
      let total = 0;
      let batches = 0;
      for (let start = 0; start < n; start += o.batchSize) {
        // Batches are densified from the sparse rows in JS: cheaper than gathering rows of one
        // big dense tensor (measured ~2x per step on wasm), and no N × V matrix is ever held.
        const picked = Array.from(order.subarray(start, Math.min(n, start + o.batchSize)), (i) => rows[i]!);
        const onehot = new Float32Array(picked.length * k);
        for (let r = 0; r < picked.length; r++) onehot[r * k + classOf[order[start + r]!]!] = 1;
        const xb = tf.tensor2d(densify(picked, vocab.size), [picked.length, vocab.size]);
        const yb = tf.tensor2d(onehot, [picked.length, k]);
        const loss = optimizer.minimize(() => network.loss(xb, yb, o.l2, trainer));
        total += (await loss.data())[0]!;
        tf.dispose([xb, yb, loss]);
        batches++;
      }
      const entry = { epoch, loss: total / batches };
      history.push(entry);
      await options.onEpoch?.(entry);
      await yieldNow();
    }
  } finally {
    optimizer.dispose();
  }

  const info: TextModelInfo = {
    options: o,
    trainRows: n,
    history,
    backend: backend.name,
    backendDescription: describeBackend(backend),
    elapsedMs: 0,
  };
  // Metrics are computed through the finished model, exactly as a user's predict() would.
  const draft = new TextClassifier(network, vocab, classes, info, labels, classificationMetrics(labels, labels, classes), null);
  const trainMetrics = classificationMetrics(labels, draft.argmaxLabels(draft.probabilities(rows)), classes);
  const test = testData ? draft.evaluate(frameOf(testData, o), "Test") : null;
  info.elapsedMs = Date.now() - started;
  return new TextClassifier(network, vocab, classes, info, labels, trainMetrics, test);
}

function frameOf(data: { texts: string[]; labels: string[] }, o: ResolvedTextOptions): Frame {
  return { columnNames: [o.text, o.label], columns: { [o.text]: data.texts, [o.label]: data.labels }, rowCount: data.texts.length };
}
