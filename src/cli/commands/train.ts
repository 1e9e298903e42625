/**
 * `synthlab train --data train.csv --test test.csv --target COL [--model mlp] [--epochs N] [--save DIR] [--json out.json]`
 * Trains a TF.js regressor, prints progress per epoch (stderr) and the metrics table (stdout).
 * --data/--test also accept a dataset name (e.g. coffee-sales).
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MAX_EPOCHS } from "../../limits.js";
import type { MagicArgs } from "../../magics/types.js";
import { parseLayers } from "../../train/layers.js";
import { parseCommandArgs, prepareOutputPath, tableHint, UsageError, type CommandOption } from "../options.js";

const USAGE = `Usage: synthlab train --data TRAIN --target COL [--test TEST] [options]

  --data TRAIN        training table: a .csv or .jsonl file, or a dataset name (e.g. coffee-sales)
  --test TEST         test table (same kinds); its metrics and the mean baseline's are reported
  --target COL        numeric column to predict
  --model KIND        mlp (default) or linear
  --epochs N          maximum epochs (default: about 4,000 gradient steps, 100 to 1,000 epochs;
                      training usually stops sooner, once converged)
  --batch-size N      rows per step (default 64)
  --lr X              Adam learning rate (default 0.01 mlp, 0.02 linear)
  --layers A,B        MLP hidden layer sizes (default 64,32)
  --patience N        epochs in a row worse than the best on validation before stopping
                      (default 20; 0 = never stop early)
  --seed N            seed (default 42)
  --dates COL=FORMAT  date format of a column the data cannot settle, e.g. "Date=dd/mm/yyyy" (repeatable)
  --max-levels K      one-hot width cap per categorical column (default 50; the rest share "(other)")
  --save DIR          write the model (model.json + weights.bin, preprocessing included)
  --json FILE         write metrics, options and the loss history as JSON
  --quiet             no per-epoch lines

Environment: SYNTHLAB_TF_BACKEND=tensorflow|wasm|cpu tries that TF.js backend first.
Ctrl-C stops after the current batch and keeps the best weights.`;

const OPTIONS: readonly CommandOption[] = [
  { name: "data", type: "string", help: "training table" },
  { name: "test", type: "string", help: "test table" },
  { name: "target", type: "string", help: "numeric column to predict" },
  { name: "model", type: "string", choices: ["mlp", "linear"], help: "model kind" },
  { name: "epochs", type: "integer", min: 1, max: MAX_EPOCHS, help: "maximum epochs" },
  { name: "batch-size", type: "integer", min: 1, max: 1_000_000, help: "rows per step" },
  { name: "lr", type: "number", min: 0, minExclusive: true, max: 10, help: "Adam learning rate" },
  { name: "layers", type: "string", help: "MLP hidden layer sizes" },
  { name: "patience", type: "integer", min: 0, max: MAX_EPOCHS, help: "early-stopping patience" },
  { name: "seed", type: "integer", min: 0, max: Number.MAX_SAFE_INTEGER, help: "seed" },
  { name: "dates", type: "string", repeatable: true, help: "date formats, COLUMN=FORMAT" },
  { name: "max-levels", type: "integer", min: 1, max: 100_000, help: "one-hot width cap" },
  { name: "save", type: "string", help: "model folder" },
  { name: "json", type: "string", help: "JSON output file" },
  { name: "quiet", type: "boolean", help: "no per-epoch lines" },
  { name: "help", short: "h", type: "boolean", help: "this help" },
];

async function readTable(option: string, value: string) {
  if (/\.(csv|jsonl)$/i.test(value)) {
    if (!existsSync(value)) throw new UsageError(`--${option} ${value}: file not found.`);
    const { readCsv, readJsonl } = await import("../../data/csv.js");
    return /\.jsonl$/i.test(value) ? readJsonl(value) : readCsv(value);
  }
  const { listDatasets, loadDataset } = await import("../../datasets/index.js");
  if (listDatasets().some((d) => d.name === value)) return loadDataset(value);
  const hint = await tableHint(value);
  throw new UsageError(`--${option} ${value}: not a .csv/.jsonl file or a dataset name${hint || " (see `synthlab datasets list`)."}`);
}

export async function run(argv: string[]): Promise<number> {
  let values: MagicArgs;
  try {
    values = parseCommandArgs("train", OPTIONS, argv);
  } catch (e) {
    process.stderr.write(`synthlab train: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write("\nInterrupted: finishing the current batch, keeping the best weights…\n");
    controller.abort();
  };
  try {
    if (!values.data || !values.target) throw new UsageError("--data and --target are required.");
    const model = (values.model ?? "mlp") as "mlp" | "linear";
    const layers = typeof values.layers === "string" ? parseLayers(values.layers) : undefined;
    const num = (name: string) => (typeof values[name] === "number" ? (values[name] as number) : undefined);
    const opts = { epochs: num("epochs"), batchSize: num("batch-size"), patience: num("patience"), seed: num("seed"), learningRate: num("lr") };
    const { parseDatesOption } = await import("../../data/datetime.js");
    const dateSpecs = values.dates as string[];
    const dates = dateSpecs.length ? parseDatesOption(dateSpecs) : undefined;
    const maxLevels = num("max-levels");
    // Output paths first: a missing folder is created, an impossible one fails before training.
    if (typeof values.json === "string") prepareOutputPath("json", values.json);
    if (typeof values.save === "string") prepareOutputPath("save", join(values.save, "model.json"));
    const data = await readTable("data", String(values.data));
    const test = values.test ? await readTable("test", String(values.test)) : undefined;

    const { trainRegressor, saveModel } = await import("../../train/models.js");
    process.on("SIGINT", onSigint);
    const trained = await trainRegressor(data, {
      target: String(values.target),
      model,
      layers,
      ...opts,
      ...(dates ? { dates } : {}),
      ...(maxLevels !== undefined ? { maxLevels } : {}),
      test,
      signal: controller.signal,
      log: (line) => process.stderr.write(line + "\n"),
      onEpoch: values.quiet
        ? undefined
        : (e) => {
          const val = e.valLoss === null ? "" : `  val_loss ${e.valLoss.toFixed(5)}  val_mae ${e.valMae!.toFixed(4)}`;
          process.stderr.write(`epoch ${String(e.epoch).padStart(4)}  loss ${e.loss.toFixed(5)}${val}  ${(e.elapsedMs / 1000).toFixed(1)} s\n`);
        },
    });
    process.stdout.write(trained.toString() + "\n");
    for (const note of trained.preprocessor.notes()) process.stdout.write(`${note}\n`);
    if (typeof values.save === "string") {
      await saveModel(trained, values.save);
      process.stdout.write(`Model saved to ${values.save}\n`);
    }
    if (typeof values.json === "string") {
      const out = {
        version: 1,
        target: trained.target,
        backend: trained.info.backend,
        options: trained.info.options,
        metrics: trained.info.metrics,
        bestEpoch: trained.info.bestEpoch,
        stoppedEarly: trained.info.stoppedEarly,
        stopped: trained.stopSummary(),
        interrupted: trained.info.interrupted,
        trainRows: trained.info.trainRows,
        validationRows: trained.info.validationRows,
        features: trained.preprocessor.featureNames,
        dropped: trained.preprocessor.dropped,
        history: trained.info.history,
      };
      await writeFile(values.json, JSON.stringify(out, null, 2) + "\n");
    }
    return trained.info.interrupted ? 130 : 0;
  } catch (e) {
    const err = e as Error;
    const input = ["UsageError", "PreprocessError", "TrainError", "FrameError", "CsvError", "DatasetError", "DateFormatError"].includes(err.name);
    process.stderr.write(`synthlab train: ${err.message}\n`);
    if (!input) process.stderr.write(process.env.SYNTHLAB_DEBUG ? `${err.stack ?? ""}\n` : "(an internal error: set SYNTHLAB_DEBUG=1 for the stack trace)\n");
    return input ? 2 : 1;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
