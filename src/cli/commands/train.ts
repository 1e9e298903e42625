/**
 * `synthlab train --data train.csv --test test.csv --target COL [--model mlp] [--epochs N] [--save DIR] [--json out.json]`
 * Trains a TF.js regressor, prints progress per epoch (stderr) and the metrics table (stdout).
 * --data/--test also accept a dataset name (e.g. coffee-sales).
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";

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
  --save DIR          write the model (model.json + weights.bin, preprocessing included)
  --json FILE         write metrics, options and the loss history as JSON
  --quiet             no per-epoch lines

Environment: SYNTHLAB_TF_BACKEND=tensorflow|wasm|cpu tries that TF.js backend first.
Ctrl-C stops after the current batch and keeps the best weights.`;

class UsageError extends Error {}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} ${v}: expected a whole number ≥ ${min}.`);
  return n;
}

async function readTable(option: string, value: string) {
  if (/\.(csv|jsonl)$/i.test(value)) {
    if (!existsSync(value)) throw new UsageError(`--${option} ${value}: file not found.`);
    const { readCsv, readJsonl } = await import("../../data/csv.js");
    return /\.jsonl$/i.test(value) ? readJsonl(value) : readCsv(value);
  }
  const { listDatasets, loadDataset } = await import("../../datasets/index.js");
  if (listDatasets().some((d) => d.name === value)) return loadDataset(value);
  throw new UsageError(`--${option} ${value}: not a .csv/.jsonl file or a dataset name (see \`synthlab datasets list\`).`);
}

export async function run(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: "string" },
        test: { type: "string" },
        target: { type: "string" },
        model: { type: "string" },
        epochs: { type: "string" },
        "batch-size": { type: "string" },
        lr: { type: "string" },
        layers: { type: "string" },
        patience: { type: "string" },
        seed: { type: "string" },
        save: { type: "string" },
        json: { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`synthlab train: ${(e as Error).message}\n${USAGE}\n`);
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
    const model = values.model === undefined ? "mlp" : String(values.model);
    if (model !== "mlp" && model !== "linear") throw new UsageError(`--model ${model}: use mlp or linear.`);
    let layers: number[] | undefined;
    if (typeof values.layers === "string") {
      layers = values.layers.split(",").map((s) => Number(s.trim()));
      if (layers.some((u) => !Number.isInteger(u) || u < 1)) throw new UsageError(`--layers ${values.layers}: whole numbers ≥ 1 separated by commas, e.g. 64,32.`);
    }
    const lr = values.lr === undefined ? undefined : Number(values.lr);
    if (lr !== undefined && !(lr > 0)) throw new UsageError(`--lr ${String(values.lr)}: expected a number > 0, e.g. 0.01.`);
    const opts = {
      epochs: int("epochs", values.epochs as string | undefined, 1),
      batchSize: int("batch-size", values["batch-size"] as string | undefined, 1),
      patience: int("patience", values.patience as string | undefined, 0),
      seed: int("seed", values.seed as string | undefined, 0),
    };
    const data = await readTable("data", String(values.data));
    const test = values.test ? await readTable("test", String(values.test)) : undefined;

    const { trainRegressor, saveModel } = await import("../../train/models.js");
    process.on("SIGINT", onSigint);
    const trained = await trainRegressor(data, {
      target: String(values.target),
      model,
      layers,
      learningRate: lr,
      ...opts,
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
    if (trained.preprocessor.dropped.length) {
      process.stdout.write(`Columns not used: ${trained.preprocessor.dropped.map((d) => `${d.column} (${d.reason})`).join(", ")}\n`);
    }
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
    const input = e instanceof UsageError || ["PreprocessError", "TrainError", "FrameError", "CsvError", "DatasetError"].includes(err.name);
    process.stderr.write(`synthlab train: ${err.message}\n`);
    if (e instanceof UsageError) process.stderr.write(`Run \`synthlab train --help\` for the options.\n`);
    if (!input) process.stderr.write((err.stack ?? "") + "\n");
    return input ? 2 : 1;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
