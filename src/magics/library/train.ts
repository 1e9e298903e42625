/**
 * %%train --data NAME --test NAME --target COL [--model linear|mlp] [--epochs N] [--batch-size N]
 *         [--lr X] [--seed N] [--as NAME]
 * Trains a TF.js regressor: a loss / validation-loss chart updated in place each epoch (about
 * twice a second at most), then the metrics table; the model is bound to `--as` (default `model`).
 * Interrupting stops after the current batch and keeps the best weights so far.
 * Heavy modules (TF.js, the chart renderer) are imported inside `run`.
 */
import type { Frame } from "../../data/types.js";
import type { MagicContext, MagicDefinition } from "../types.js";
import { MagicUsageError, NOTEBOOK_TYPES } from "../types.js";
import { MAX_EPOCHS } from "../../limits.js";
import { liveProgress, widgetsAvailable } from "../../display/progress.js";
import { parseLayers } from "../../train/layers.js";
import { tableNameHint } from "../hints.js";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Live chart updates at most this often (ms). */
const UPDATE_MS = 500;
/** Library errors that mean bad input: one usage line, no stack. */
const INPUT_ERRORS = new Set(["PreprocessError", "TrainError", "FrameError", "CsvError", "DatasetError", "DateFormatError"]);

/** A table from a notebook variable, a CSV/JSONL path, or a dataset name (in that order). */
async function resolveTable(option: string, value: string, ctx: MagicContext): Promise<Frame> {
  const { toFrame } = await import("../../data/frame.js");
  if (ctx.scope.has(value)) {
    try {
      return toFrame(ctx.scope.get(value));
    } catch (e) {
      throw new MagicUsageError(`--${option} ${value}: the variable is not a table (${(e as Error).message})`);
    }
  }
  const { resolve } = await import("node:path");
  const { existsSync } = await import("node:fs");
  const path = resolve(ctx.cwd, value);
  if (/\.(csv|jsonl)$/i.test(value) && existsSync(path)) {
    const { readCsv, readJsonl } = await import("../../data/csv.js");
    return /\.jsonl$/i.test(path) ? readJsonl(path) : readCsv(path, { log: (line) => ctx.io.stdout(line + "\n") });
  }
  const { listDatasets, loadDataset } = await import("../../datasets/index.js");
  if (listDatasets().some((d) => d.name === value)) return loadDataset(value, { quiet: true });
  const hint = await tableNameHint(value, ctx.scope);
  throw new MagicUsageError(
    hint
      ? `--${option} ${value}: no notebook variable, .csv/.jsonl file or dataset of that name${hint}`
      : `--${option} ${value}: no notebook variable, .csv/.jsonl file or dataset of that name; load one first (e.g. %dataset coffee-sales --as sales).`,
  );
}

const train: MagicDefinition = {
  name: "train",
  kind: "both",
  description: "Train a TF.js regressor (linear or MLP) on a table and test it on another; live loss chart, metrics table.",
  options: [
    { name: "data", type: "string", required: true, help: "training table: a notebook variable, a .csv/.jsonl path or a dataset name" },
    { name: "test", type: "string", help: "test table (same kinds as --data); its metrics are shown" },
    { name: "target", type: "string", required: true, help: "numeric column to predict" },
    { name: "model", type: "string", default: "mlp", choices: ["linear", "mlp"], help: "model kind" },
    { name: "epochs", type: "integer", min: 1, max: MAX_EPOCHS, help: "maximum epochs (default: about 4,000 gradient steps, 100 to 1,000 epochs; training usually stops sooner, when it has converged)" },
    { name: "batch-size", type: "integer", min: 1, max: 1_000_000, default: 64, help: "rows per gradient step" },
    { name: "lr", type: "number", min: 0, minExclusive: true, max: 10, help: "Adam learning rate (default 0.01 for mlp, 0.02 for linear)" },
    { name: "layers", type: "string", help: "MLP hidden layer sizes, comma-separated (default 64,32)" },
    { name: "patience", type: "integer", min: 0, max: MAX_EPOCHS, default: 20, help: "epochs in a row worse than the best on validation before stopping (0: never stop early)" },
    { name: "seed", type: "integer", min: 0, max: Number.MAX_SAFE_INTEGER, default: 42, help: "seed for initial weights, shuffling and the validation split" },
    { name: "dates", type: "string", repeatable: true, help: "date format of a column the data cannot settle, COLUMN=FORMAT (e.g. Date=dd/mm/yyyy); repeatable" },
    { name: "max-levels", type: "integer", min: 1, max: 100_000, default: 50, help: "one-hot width cap per categorical column: the most frequent levels, the rest share (other)" },
    { name: "as", type: "string", default: "model", help: "variable to bind the trained model to" },
  ],
  examples: [
    "%%train --data train --test holdout --target money --model mlp --epochs 60",
    "%train --data sales --target money --model linear --as linear_model",
  ],
  async run(args, _body, ctx) {
    const variable = String(args.as ?? "model");
    if (!IDENTIFIER.test(variable)) throw new MagicUsageError(`--as ${variable}: not a valid variable name; use letters, digits, _ or $.`);
    const layers = args.layers !== undefined ? parseLayers(String(args.layers)) : undefined;
    const { datesOption } = await import("./generate.js");
    const dates = await datesOption(args);
    const maxLevels = Number(args["max-levels"] ?? 50);
    const data = await resolveTable("data", String(args.data), ctx);
    const test = args.test !== undefined ? await resolveTable("test", String(args.test), ctx) : undefined;

    const { trainRegressor } = await import("../../train/models.js");
    const { lossChartSpec } = await import("../../train/charts.js");
    const { chartBundle } = await import("../../train/display.js");

    // One display_id for the live chart; renders are chained so that updates never overlap.
    const displayId = `synthlab-train-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const points: { epoch: number; loss: number; valLoss: number | null }[] = [];
    let shown = false;
    let lastSent = 0;
    let rendering: Promise<void> = Promise.resolve();
    const send = (status: string, bestEpoch?: number) => {
      const snapshot = points.slice();
      rendering = rendering.then(async () => {
        const bundle = await chartBundle(lossChartSpec(snapshot, { bestEpoch, title: `Loss per epoch (${String(args.target)}) — ${status}` }), status);
        ctx.io.display(bundle, { displayId, update: shown });
        shown = true;
      });
    };

    // Where the front end renders widgets, a live epoch bar as well (the loss chart is the progress elsewhere).
    const bar = widgetsAvailable() ? liveProgress({ display: (bundle, options) => ctx.io.display(bundle, options), widgets: true }) : undefined;
    let maxEpochs = 0;

    let model;
    try {
      model = await trainRegressor(data, {
        target: String(args.target),
        model: String(args.model ?? "mlp") as "linear" | "mlp",
        epochs: args.epochs !== undefined ? Number(args.epochs) : undefined,
        batchSize: Number(args["batch-size"] ?? 64),
        learningRate: args.lr !== undefined ? Number(args.lr) : undefined,
        patience: Number(args.patience ?? 20),
        seed: Number(args.seed ?? 42),
        layers,
        maxLevels,
        ...(dates ? { dates } : {}),
        test,
        signal: ctx.signal,
        log: (line) => ctx.io.stdout(line + "\n"),
        onEpoch: (e, run) => {
          points.push({ epoch: e.epoch, loss: e.loss, valLoss: e.valLoss });
          maxEpochs = run.maxEpochs;
          bar?.update({ value: e.epoch, max: run.maxEpochs, text: `epoch ${e.epoch} / ${run.maxEpochs} · loss ${e.loss.toPrecision(4)}` });
          const now = Date.now();
          if (now - lastSent >= UPDATE_MS) {
            lastSent = now;
            send(`epoch ${e.epoch}`);
          }
        },
      });
    } catch (e) {
      bar?.done({ value: points.length, max: Math.max(maxEpochs, 1), text: `stopped at epoch ${points.length}` });
      await rendering;
      if (e instanceof Error && INPUT_ERRORS.has(e.name)) throw new MagicUsageError(e.message);
      throw e;
    }
    const info = model.info;
    const status = info.interrupted
      ? `interrupted after epoch ${info.history.length}, kept epoch ${info.bestEpoch}`
      : info.stoppedEarly
        ? `stopped at epoch ${info.history.length}, kept epoch ${info.bestEpoch}`
        : `done, kept epoch ${info.bestEpoch}`;
    if (points.length) send(status, info.bestEpoch);
    bar?.done({ value: info.history.length, max: Math.max(maxEpochs, info.history.length, 1), text: status });
    await rendering;

    ctx.scope.set(variable, model, NOTEBOOK_TYPES.TrainedModel);
    const { escapeHtml, htmlTable } = await import("../../train/display.js");
    const header = ["", "MAE", "RMSE", "R²", "MAPE %"];
    const notes = model.preprocessor.notes();
    ctx.io.display({
      "text/html": `<div><p>${escapeHtml(model.summary())}</p><p>${escapeHtml(model.stopSummary())}</p>${htmlTable(header, model.metricRows())}${notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("")}</div>`,
      "text/plain": [model.toString(), ...notes].join("\n"),
    });
    if (info.interrupted) ctx.io.stdout(`Interrupted: stopped after the current batch and kept the best weights (epoch ${info.bestEpoch}).\n`);
    ctx.io.stdout(`${variable} = TrainedModel (${info.options.model}, target ${model.target})\n`);
    return undefined;
  },
};

export default train;
