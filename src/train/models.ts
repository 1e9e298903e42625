/**
 * TF.js regressors: linear regression and an MLP, trained with a hand-written loop so that
 * shuffling is seeded, early stopping restores the best weights, and an AbortSignal stops the
 * run after the current batch (keeping the best weights so far).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Tensor, Rank, LayersModel } from "@tensorflow/tfjs";
import type { Frame, Schema } from "../data/types.js";
import { toFrame, type TableInput } from "../data/frame.js";
import { isDataFrame, toDataFrame, type DataFrame } from "../data/dataframe.js";
import { displaySymbol, type MimeBundle } from "../display/protocol.js";
import { describeBackend, loadTf, tfjs, type BackendInfo, type BackendName, type TF } from "./backend.js";
import { FlatAdam } from "./adam.js";
import { StoppingMonitor } from "./stopping.js";
import { MAX_EPOCHS, MAX_LAYER_UNITS, MAX_PARAMETERS } from "../limits.js";
import { lossChartSpec } from "../charts/training.js";
import { denseTrainer } from "./dense.js";
import { chartImageHtml, escapeHtml, fmt, htmlTable, textTable } from "./display.js";
import { chartBundle } from "../charts/render.js";
import { meanBaseline, regressionMetrics, type RegressionMetrics } from "./metrics.js";
import { Preprocessor, PreprocessError, targetValues, type FeatureKind, type PreprocessorJSON } from "./preprocess.js";
import { createRng } from "../data/random.js";
import { InputError } from "../errors.js";

export type ModelKind = "linear" | "mlp";

/** What training functions accept: a Frame, an array of records, or a danfo DataFrame. */
export type TrainTable = TableInput | DataFrame;

export interface EpochLog {
  /** 1-based. */
  epoch: number;
  /** Mean training MSE over the epoch's batches (standardized target). */
  loss: number;
  /** Validation MSE (standardized target); null without a validation split. */
  valLoss: number | null;
  /** Validation MAE in the target's own units; null without a validation split. */
  valMae: number | null;
  elapsedMs: number;
}

export interface TrainOptions {
  target: string;
  model?: ModelKind;
  /** Hidden layer sizes for the MLP (default [64, 32]). */
  layers?: readonly number[];
  /**
   * The most epochs (default: enough for about 4,000 gradient steps, between 100 and 1,000, so a small
   * table gets as many updates as a large one; early stopping usually ends sooner).
   */
  epochs?: number;
  batchSize?: number;
  /** Adam step size (default 0.01 for the MLP, 0.02 for linear). */
  learningRate?: number;
  /** Share of training rows held out for early stopping (default 0.15; 0 turns it off). */
  validationSplit?: number;
  /**
   * Epochs without a validation improvement of 0.1% before stopping (default 20; 0 = never stop early).
   * The learning rate halves after each patience/2 epochs without a training-loss improvement.
   */
  patience?: number;
  /** No early stop before this epoch (default min(epochs, 2 × patience)). */
  minEpochs?: number;
  seed?: number;
  /** Feature columns (default: all but the target). */
  features?: readonly string[];
  kinds?: Readonly<Record<string, FeatureKind>>;
  /** The real table's schema: columns are read as the real table was (compareTraining passes it for every setting). */
  schema?: Schema;
  /** Date formats the data cannot settle, e.g. { Date: "dd/mm/yyyy" } (when no schema is given). */
  dates?: Readonly<Record<string, string>>;
  /** One-hot width cap per categorical column (default 50): the rest share one "(other)" feature. */
  maxLevels?: number;
  /** Bins of the piecewise-linear day encoding of datetime columns (default min(64, rows / 25); 0 = off). */
  dateBins?: number;
  /** A test table: the model's metrics on it (and the mean baseline's) are recorded. */
  test?: TrainTable;
  onEpoch?: (log: EpochLog, run: { maxEpochs: number }) => void | Promise<void>;
  /** Aborting stops after the current batch; the best weights so far are kept. */
  signal?: AbortSignal;
  /** Where the "TF.js backend: …" line goes (default console.log); false to stay quiet. */
  log?: ((line: string) => void) | false;
}

/** Options after defaults, as recorded in the model. */
export interface ResolvedTrainOptions {
  target: string;
  model: ModelKind;
  layers: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  validationSplit: number;
  patience: number;
  minEpochs: number;
  seed: number;
}

export interface ModelMetrics {
  train: RegressionMetrics;
  validation: RegressionMetrics | null;
  test: RegressionMetrics | null;
  /** The mean predictor (training mean) on the test table, or on validation when there is no test table. */
  baseline: RegressionMetrics | null;
}

export interface ModelInfo {
  options: ResolvedTrainOptions;
  backend: BackendName;
  /** e.g. "TF.js backend: wasm (SIMD, 1 thread)". */
  backendDescription: string;
  history: EpochLog[];
  /** Epoch whose weights the model holds (0 = the initial weights). */
  bestEpoch: number;
  stoppedEarly: boolean;
  interrupted: boolean;
  /** Why training ended before the last epoch ("" when it ran them all). */
  stopReason?: string;
  trainRows: number;
  validationRows: number;
  elapsedMs: number;
  metrics: ModelMetrics;
}

export class TrainError extends InputError {
  override name = "TrainError";
}

export class TrainedModel {
  constructor(
    /** The TF.js network (input: preprocessed features; output: standardized target). */
    readonly network: LayersModel,
    readonly preprocessor: Preprocessor,
    readonly info: ModelInfo,
  ) {}

  get kind(): ModelKind { return this.info.options.model; }
  get target(): string { return this.preprocessor.target; }
  get history(): EpochLog[] { return this.info.history; }
  get metrics(): ModelMetrics { return this.info.metrics; }
  get backend(): BackendName { return this.info.backend; }

  /** Predictions in the target's units, one per row. */
  predictValues(table: TrainTable): Float64Array {
    const frame = toFrame(table);
    return predictFrame(this, frame);
  }

  /** Metrics rows for display: name, MAE, RMSE, R², MAPE. */
  metricRows(): string[][] {
    const m = this.info.metrics;
    const rows: [string, RegressionMetrics | null][] = [
      ["train", m.train],
      ["validation", m.validation],
      ["test", m.test],
      [m.test ? "mean baseline (test)" : "mean baseline (validation)", m.baseline],
    ];
    return rows.filter((r): r is [string, RegressionMetrics] => r[1] !== null).map(([name, x]) => [name, fmt(x.mae), fmt(x.rmse), fmt(x.r2), fmt(x.mape)]);
  }

  summary(): string {
    const i = this.info;
    const shape = i.options.model === "mlp" ? `MLP ${i.options.layers.join("-")}` : "linear";
    const end = i.interrupted ? "interrupted" : i.stoppedEarly ? "stopped early" : "ran all epochs";
    return `${shape} regressor for "${this.target}" on ${i.trainRows} rows (${i.validationRows} validation), ` +
      `${this.preprocessor.featureNames.length} features; ${i.history.length}/${i.options.epochs} epochs (${end}), ` +
      `best epoch ${i.bestEpoch}; ${i.backendDescription}; ${(i.elapsedMs / 1000).toFixed(1)} s`;
  }

  /**
   * When and why training ended and which weights the model holds, e.g. "stopped at epoch 143: the
   * validation loss did not improve by 0.1% for 20 epochs; kept the weights of epoch 123".
   */
  stopSummary(): string {
    const i = this.info;
    const n = i.history.length;
    const kept = i.validationRows > 0
      ? `kept the weights of epoch ${i.bestEpoch} (the latest no worse than the best on validation, beyond noise)`
      : `kept the last weights (no validation split)`;
    if (i.interrupted) return `interrupted after epoch ${n}; ${kept}`;
    if (i.stoppedEarly) return `stopped at epoch ${n}${i.stopReason ? `: ${i.stopReason}` : ""}; ${kept}`;
    return `ran all ${n} epochs; ${kept}`;
  }

  toString(): string {
    return `${this.summary()}\n${this.stopSummary()}\n${textTable(["", "MAE", "RMSE", "R²", "MAPE %"], this.metricRows())}`;
  }

  lossChart(): Record<string, unknown> {
    return lossChartSpec(this.info.history, { bestEpoch: this.info.bestEpoch, title: `Loss per epoch (${this.target})` });
  }

  async [displaySymbol](): Promise<MimeBundle> {
    const chart = this.info.history.length > 0 ? await chartBundle(this.lossChart()) : {};
    const dropped = this.preprocessor.notes().map((n) => `<p>${escapeHtml(n)}</p>`).join("");
    const html = `<div><p>${escapeHtml(this.summary())}</p><p>${escapeHtml(this.stopSummary())}</p>${htmlTable(["", "MAE", "RMSE", "R²", "MAPE %"], this.metricRows())}${dropped}${chartImageHtml(chart, "loss per epoch")}</div>`;
    return { "text/html": html, "text/plain": this.toString() };
  }
}

function resolveOptions(o: TrainOptions): ResolvedTrainOptions {
  const model = o.model ?? "mlp";
  if (model !== "linear" && model !== "mlp") throw new TrainError(`Unknown model "${String(model)}": use "linear" or "mlp".`);
  const r: ResolvedTrainOptions = {
    target: o.target,
    model,
    layers: model === "mlp" ? [...(o.layers ?? [64, 32])] : [],
    epochs: o.epochs ?? 0, // 0: resolved from the training rows (defaultEpochs)
    batchSize: o.batchSize ?? 64,
    learningRate: o.learningRate ?? (model === "linear" ? 0.02 : 0.01),
    validationSplit: o.validationSplit ?? 0.15,
    patience: o.patience ?? 20,
    minEpochs: o.minEpochs ?? 0,
    seed: o.seed ?? 42,
  };
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new TrainError(`${name} must be a whole number ≥ 1 (got ${v}).`);
  };
  if (o.epochs !== undefined) positiveInt("epochs", r.epochs);
  if (o.minEpochs !== undefined && (!Number.isInteger(r.minEpochs) || r.minEpochs < 0)) throw new TrainError(`minEpochs must be a whole number ≥ 0 (got ${r.minEpochs}).`);
  positiveInt("batchSize", r.batchSize);
  r.layers.forEach((u) => positiveInt("each layer size", u));
  if (r.layers.some((u) => u > MAX_LAYER_UNITS)) {
    throw new TrainError(`A hidden layer may have at most ${MAX_LAYER_UNITS} units (got ${r.layers.join(",")}); e.g. layers: [64, 32].`);
  }
  if (r.epochs > MAX_EPOCHS) throw new TrainError(`epochs must be at most ${MAX_EPOCHS.toLocaleString("en-US")} (got ${r.epochs}).`);
  if (!(r.learningRate > 0) || !Number.isFinite(r.learningRate)) throw new TrainError(`learningRate must be > 0 (got ${r.learningRate}).`);
  if (!(r.validationSplit >= 0 && r.validationSplit < 1)) throw new TrainError(`validationSplit must be in [0, 1) (got ${r.validationSplit}).`);
  if (!Number.isInteger(r.patience) || r.patience < 0) throw new TrainError(`patience must be a whole number ≥ 0 (got ${r.patience}).`);
  if (!Number.isFinite(r.seed)) throw new TrainError(`seed must be a number (got ${r.seed}).`);
  if (typeof r.target !== "string" || r.target === "") throw new TrainError("Name the target column: trainRegressor(table, { target: \"column\" }).");
  return r;
}

/** Weights and biases of a dense network with `inputs` features, these hidden layers and one output. */
function countParameters(inputs: number, layers: readonly number[]): number {
  let n = 0;
  let width = inputs;
  for (const units of [...layers, 1]) {
    n += width * units + units;
    width = units;
  }
  return n;
}

function buildNetwork(tf: TF, inputs: number, o: ResolvedTrainOptions): LayersModel {
  const net = tf.sequential();
  // Seeded initialisers: the same seed gives the same starting weights (and, with the seeded shuffle, the same model).
  o.layers.forEach((units, i) => {
    net.add(tf.layers.dense({
      units,
      activation: "relu",
      inputShape: i === 0 ? [inputs] : undefined,
      kernelInitializer: tf.initializers.heNormal({ seed: o.seed * 7919 + i }),
      biasInitializer: "zeros",
    }));
  });
  net.add(tf.layers.dense({
    units: 1,
    inputShape: o.layers.length === 0 ? [inputs] : undefined,
    kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed * 7919 + o.layers.length }),
    biasInitializer: "zeros",
  }));
  return net;
}

/**
 * The seeded split of the usable rows (those with a target) into training and validation rows, as
 * trainRegressor makes it; no validation rows under 10 usable rows.
 */
export function validationRows(usable: readonly number[], share: number, seed: number): { train: number[]; validation: number[] } {
  const order = createRng(seed).permutation(usable.length);
  const nVal = usable.length >= 10 ? Math.round(usable.length * share) : 0;
  return {
    validation: Array.from(order.subarray(0, nVal), (k) => usable[k]!),
    train: Array.from(order.subarray(nVal), (k) => usable[k]!),
  };
}

/** Gradient steps the default epoch budget aims at; enough for the linear model to reach least squares on small tables. */
const DEFAULT_STEPS = 4000;

/** Default most epochs: about DEFAULT_STEPS steps, at least 100 and at most 1,000 epochs. */
export function defaultEpochs(trainRows: number, batchSize: number): number {
  const steps = Math.max(1, Math.ceil(trainRows / batchSize));
  return Math.min(1000, Math.max(100, Math.ceil(DEFAULT_STEPS / steps)));
}

/** Yields to the event loop so that an interrupt (AbortSignal) and display updates get through. */
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Train a regressor on `table`; see TrainOptions. */
export async function trainRegressor(table: TrainTable, options: TrainOptions): Promise<TrainedModel> {
  const o = resolveOptions(options);
  const frame = toFrame(table);
  const pre = Preprocessor.fit(frame, {
    target: o.target, features: options.features, kinds: options.kinds, dateBins: options.dateBins,
    ...(options.schema ? { schema: options.schema } : {}), ...(options.dates ? { dates: options.dates } : {}),
    ...(options.maxLevels !== undefined ? { maxLevels: options.maxLevels } : {}),
  });
  const parameters = countParameters(pre.featureNames.length, o.layers);
  if (parameters > MAX_PARAMETERS) {
    throw new TrainError(
      `The network would have ${parameters.toLocaleString("en-US")} weights (${pre.featureNames.length} features, layers ${o.layers.join(",") || "none"}); ` +
        `at most ${MAX_PARAMETERS.toLocaleString("en-US")} fit: use smaller layers, e.g. 64,32.`,
    );
  }
  const testFrame = options.test === undefined ? undefined : toFrame(options.test);
  if (testFrame) {
    pre.checkColumns(testFrame);
    if (!testFrame.columnNames.includes(o.target)) throw new PreprocessError(`The test table has no target column "${o.target}".`);
    if (testFrame.rowCount === 0) throw new PreprocessError("The test table is empty: pass at least one row to test on.");
  }
  const { tf, backend } = await loadTf();
  const log = options.log === false ? undefined : (options.log ?? ((line: string) => console.log(line)));
  log?.(describeBackend(backend));

  const yAll = targetValues(frame, o.target);
  const usable: number[] = [];
  yAll.forEach((v, i) => { if (!Number.isNaN(v)) usable.push(i); });
  const { train: trainRows, validation: valRows } = validationRows(usable, o.validationSplit, o.seed);
  const nVal = valRows.length;

  if (options.epochs === undefined) o.epochs = defaultEpochs(trainRows.length, o.batchSize);
  if (options.minEpochs === undefined) o.minEpochs = Math.min(o.epochs, 2 * o.patience);
  const started = Date.now();
  // Training rows stay in JavaScript arrays: each batch is copied out of them into a fresh tensor,
  // which costs less than gathering from a resident tensor (two kernels and an index tensor per batch).
  const trainMatrix = pre.transform(frame, trainRows);
  const nFeatures = trainMatrix.cols;
  const ytr = Float32Array.from(trainRows, (r) => pre.scaleTarget(yAll[r]!));
  const Xval = nVal ? matrixTensor(tf, pre, frame, valRows) : null;
  const yvalRaw = Float64Array.from(valRows, (r) => yAll[r]!);

  const net = buildNetwork(tf, pre.featureNames.length, o);
  const vars = net.trainableWeights.map((w) => w.read() as import("@tensorflow/tfjs").Variable);
  if (vars.length !== 2 * (o.layers.length + 1)) throw new Error(`internal: expected a kernel and a bias per dense layer, got ${vars.length} weights`);
  const optimizer = new FlatAdam(tf, vars, { learningRate: o.learningRate });
  const trainer = denseTrainer(tf);
  const history: EpochLog[] = [];
  const shuffle = createRng(o.seed + 1);
  const monitor = new StoppingMonitor({ patience: o.patience, minEpochs: o.minEpochs, plateau: Math.max(3, Math.round((o.patience || 20) / 2)) });
  let bestEpoch = 0;
  let bestWeights: Tensor<Rank>[] | null = null;
  let stoppedEarly = false;
  let interrupted = false;
  let stopReason = "";
  const aborted = () => options.signal?.aborted === true;

  const yvalScaled = Float64Array.from(yvalRaw, (v) => pre.scaleTarget(v));
  /** Validation MSE and MAE, and the per-row squared errors (standardized target) the stopping rules compare. */
  const validate = (): { loss: number; mae: number; errors: Float64Array } | null => {
    if (!Xval) return null;
    const p = tf.tidy(() => (net.predict(Xval, { batchSize: 4096 }) as Tensor).dataSync());
    const errors = new Float64Array(nVal);
    let s = 0;
    let ae = 0;
    for (let i = 0; i < nVal; i++) {
      errors[i] = (p[i]! - yvalScaled[i]!) ** 2;
      s += errors[i]!;
      ae += Math.abs(pre.unscaleTarget(p[i]!) - yvalRaw[i]!);
    }
    return { loss: s / nVal, mae: ae / nVal, errors };
  };
  const snapshot = (epoch: number): void => {
    bestEpoch = epoch;
    bestWeights?.forEach((w) => w.dispose());
    bestWeights = net.getWeights().map((w) => w.clone());
  };

  try {
    let lastYield = Date.now();
    for (let epoch = 1; epoch <= o.epochs && !interrupted; epoch++) {
      const idx = shuffle.permutation(trainRows.length);
      let lossSum = 0;
      let seen = 0;
      for (let start = 0; start < idx.length; start += o.batchSize) {
        const batch = idx.subarray(start, Math.min(start + o.batchSize, idx.length));
        const xa = new Float32Array(batch.length * nFeatures);
        const ya = new Float32Array(batch.length);
        for (let k = 0; k < batch.length; k++) {
          const row = batch[k]!;
          xa.set(trainMatrix.values.subarray(row * nFeatures, (row + 1) * nFeatures), k * nFeatures);
          ya[k] = ytr[row]!;
        }
        const lossT = tf.tidy(() => {
          const xb = tf.tensor2d(xa, [batch.length, nFeatures]);
          const yb = tf.tensor2d(ya, [batch.length, 1]);
          return optimizer.minimize(() => trainer.mse(trainer.forward(vars, xb), yb));
        });
        lossSum += lossT.dataSync()[0]! * batch.length;
        lossT.dispose();
        seen += batch.length;
        if (Date.now() - lastYield > 25) { await yieldNow(); lastYield = Date.now(); }
        if (aborted()) { interrupted = true; break; }
      }
      const v = validate();
      const entry: EpochLog = {
        epoch,
        loss: lossSum / Math.max(seen, 1),
        valLoss: v ? v.loss : null,
        valMae: v ? v.mae : null,
        elapsedMs: Date.now() - started,
      };
      if (interrupted && seen < trainRows.length) {
        // A partial epoch: its weights may still be kept, but it is not logged as an epoch.
        if (v && Number.isFinite(v.loss) && monitor.keeps(v.errors)) snapshot(epoch);
        break;
      }
      if (!Number.isFinite(entry.loss) || (v !== null && !Number.isFinite(v.loss))) {
        // Diverged (too large a learning rate, or extreme inputs): keep the best weights if there are any.
        if (!bestWeights) {
          throw new TrainError(
            `Training diverged at epoch ${epoch} (the loss is ${entry.loss}): lower the learning rate (now ${o.learningRate}), e.g. learningRate: ${o.learningRate / 10}.`,
          );
        }
        history.push(entry);
        stoppedEarly = true;
        stopReason = `the loss diverged (${entry.loss}); lower the learning rate (now ${o.learningRate})`;
        break;
      }
      history.push(entry);
      const d = monitor.update(epoch, entry.loss, v ? v.errors : null);
      if (d.keep) snapshot(epoch);
      if (d.lrFactor !== 1) optimizer.learningRate *= d.lrFactor;
      await options.onEpoch?.(entry, { maxEpochs: o.epochs });
      if (d.stop) {
        stoppedEarly = true;
        stopReason = d.reason ?? "";
        break;
      }
      if (aborted()) interrupted = true;
    }
    if (bestWeights) net.setWeights(bestWeights);
    else bestEpoch = history.length; // no validation split: the last weights are the model
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    (bestWeights as Tensor<Rank>[] | null)?.forEach((w) => w.dispose());
    Xval?.dispose();
    optimizer.dispose();
  }

  const model = new TrainedModel(net, pre, {
    options: o,
    backend: backend.name,
    backendDescription: describeBackend(backend),
    history,
    bestEpoch,
    stoppedEarly,
    interrupted,
    stopReason,
    trainRows: trainRows.length,
    validationRows: nVal,
    elapsedMs: Date.now() - started,
    metrics: { train: emptyMetrics(), validation: null, test: null, baseline: null },
  });
  const trainY = trainRows.map((r) => yAll[r]!);
  model.info.metrics.train = regressionMetrics(trainY, predictFrame(model, frame, trainRows));
  if (nVal) model.info.metrics.validation = regressionMetrics(yvalRaw, predictFrame(model, frame, valRows));
  if (testFrame) {
    const t = evaluateModel(model, testFrame);
    model.info.metrics.test = t;
    const testY = targetValues(testFrame, o.target).filter((y) => !Number.isNaN(y));
    model.info.metrics.baseline = meanBaseline(trainY, testY);
  } else if (nVal) {
    model.info.metrics.baseline = meanBaseline(trainY, yvalRaw);
  }
  return model;
}

function emptyMetrics(): RegressionMetrics {
  return { mae: Number.NaN, rmse: Number.NaN, r2: Number.NaN, mape: Number.NaN };
}

function matrixTensor(tf: TF, pre: Preprocessor, frame: Frame, rows?: readonly number[]) {
  const m = pre.transform(frame, rows);
  return tf.tensor2d(m.values, [m.rows, m.cols]);
}

/** Predictions (target units) for `rows` of `frame` (default all rows). */
function predictFrame(model: TrainedModel, frame: Frame, rows?: readonly number[]): Float64Array {
  model.preprocessor.checkColumns(frame);
  const n = rows ? rows.length : frame.rowCount;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const m = model.preprocessor.transform(frame, rows);
  const tf = tfjs(); // already loaded: a model exists only after loadTf()
  const raw = tf.tidy(() => (model.network.predict(tf.tensor2d(m.values, [m.rows, m.cols]), { batchSize: 4096 }) as Tensor).dataSync());
  for (let i = 0; i < n; i++) out[i] = model.preprocessor.unscaleTarget(raw[i]!);
  return out;
}

/** Metrics of a model on a table that has the target column (rows with a missing target are skipped). */
export function evaluateModel(model: TrainedModel, table: TrainTable): RegressionMetrics {
  const frame = toFrame(table);
  const y = targetValues(frame, model.target);
  const rows: number[] = [];
  y.forEach((v, i) => { if (!Number.isNaN(v)) rows.push(i); });
  if (rows.length === 0) throw new PreprocessError(`The table has no rows with a value in the target column "${model.target}".`);
  return regressionMetrics(rows.map((r) => y[r]!), predictFrame(model, frame, rows));
}

/**
 * The table with one more column, `column` (default "prediction"), holding the model's predictions.
 * A danfo DataFrame in gives a DataFrame out; anything else gives a Frame.
 */
export function predict(model: TrainedModel, table: DataFrame, options?: { column?: string }): DataFrame;
export function predict(model: TrainedModel, table: TableInput, options?: { column?: string }): Frame;
export function predict(model: TrainedModel, table: TrainTable, options: { column?: string } = {}): Frame | DataFrame {
  const frame = toFrame(table);
  const values = predictFrame(model, frame);
  const column = options.column ?? "prediction";
  const names = frame.columnNames.includes(column) ? [...frame.columnNames] : [...frame.columnNames, column];
  const out: Frame = { columnNames: names, columns: { ...frame.columns, [column]: Array.from(values) }, rowCount: frame.rowCount };
  // danfo is already loaded when a DataFrame came in, so converting back costs no module load.
  return isDataFrame(table) ? toDataFrame(out) : out;
}

interface SavedModelJSON {
  format: "synthlab-model";
  version: 1;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: unknown[] }[];
  preprocessing: PreprocessorJSON;
  info: ModelInfo;
}

/** Writes `dir/model.json` (topology, preprocessing, training record) and `dir/weights.bin`. */
export async function saveModel(model: TrainedModel, dir: string): Promise<void> {
  const { tf } = await loadTf();
  let artifacts: import("@tensorflow/tfjs").io.ModelArtifacts | undefined;
  await model.network.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new TrainError("TF.js returned no weights to save.");
  await mkdir(dir, { recursive: true });
  const json: SavedModelJSON = {
    format: "synthlab-model",
    version: 1,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
    preprocessing: model.preprocessor.toJSON(),
    info: model.info,
  };
  await writeFile(join(dir, "weights.bin"), Buffer.from(tf.io.CompositeArrayBuffer.join(artifacts.weightData)));
  await writeFile(join(dir, "model.json"), JSON.stringify(json, null, 1));
}

/** Reads a model written by saveModel; it predicts exactly what the saved one did. */
export async function loadModel(dir: string): Promise<TrainedModel> {
  let json: SavedModelJSON;
  try {
    json = JSON.parse(await readFile(join(dir, "model.json"), "utf8")) as SavedModelJSON;
  } catch (e) {
    throw new TrainError(`Cannot read ${join(dir, "model.json")} (${(e as Error).message}): pass a folder written by saveModel.`);
  }
  if (json.format !== "synthlab-model" || json.version !== 1) {
    throw new TrainError(`${join(dir, "model.json")} is not a synthlab model (format "synthlab-model", version 1).`);
  }
  const weights = await readFile(join(dir, "weights.bin"));
  const { tf } = await loadTf();
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const net = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology as object,
    weightSpecs: json.weightsManifest[0]!.weights as import("@tensorflow/tfjs").io.WeightsManifestEntry[],
    weightData,
  }));
  return new TrainedModel(net, Preprocessor.fromJSON(json.preprocessing), json.info);
}
