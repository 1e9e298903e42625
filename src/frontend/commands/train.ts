/**
 * `train`: the option list of `%%train` and `synthlab train` (src/frontend/spec.ts). An option
 * with a `key` reaches trainRegressor() with no other change; see docs/magics.md.
 */
import { MAX_EPOCHS } from "../../limits.js";
import { parseLayers } from "../../train/layers.js";
import type { TrainOptions } from "../../train/models.js";
import type { CommandSpec } from "../spec.js";
import { datesOption, seedOption } from "./shared.js";

export const trainCommand: CommandSpec<TrainOptions> = {
  name: "train",
  summary: "Train a TF.js regressor and report its metrics.",
  description: "Train a TF.js regressor (linear or MLP) on a table and test it on another; live loss chart, metrics table.",
  options: [
    { name: "data", type: "string", required: true, table: true, help: "training table" },
    { name: "test", type: "string", table: true, help: "test table; its metrics and the mean baseline's are reported" },
    { name: "target", type: "string", required: true, metavar: "COL", key: "target", help: "numeric column to predict" },
    { name: "model", type: "string", default: "mlp", choices: ["linear", "mlp"], key: "model", help: "model kind" },
    { name: "epochs", type: "integer", min: 1, max: MAX_EPOCHS, key: "epochs", help: "maximum epochs (default: about 4,000 gradient steps, 100 to 1,000 epochs; training usually stops sooner, when it has converged)" },
    { name: "batch-size", type: "integer", min: 1, max: 1_000_000, default: 64, key: "batchSize", help: "rows per gradient step" },
    { name: "lr", type: "number", min: 0, minExclusive: true, max: 10, key: "learningRate", help: "Adam learning rate (default 0.01 for mlp, 0.02 for linear)" },
    { name: "layers", type: "string", metavar: "A,B", key: "layers", convert: (v) => parseLayers(String(v)), help: "MLP hidden layer sizes, comma-separated (default 64,32)" },
    { name: "validation-split", type: "number", min: 0, max: 0.9, default: 0.15, key: "validationSplit", help: "share of the training rows held out to pick the best epoch and stop early (0: none, training loss decides)" },
    { name: "patience", type: "integer", min: 0, max: MAX_EPOCHS, default: 20, key: "patience", help: "epochs in a row worse than the best on validation before stopping (0: never stop early)" },
    seedOption<TrainOptions>("seed for initial weights, shuffling and the validation split", 42),
    datesOption<TrainOptions>(),
    { name: "max-levels", type: "integer", min: 1, max: 100_000, default: 50, key: "maxLevels", help: "one-hot width cap per categorical column: the most frequent levels, the rest share (other)" },
    { name: "as", type: "string", default: "model", only: "magic", help: "variable to bind the trained model to" },
    { name: "save", type: "string", metavar: "DIR", only: "cli", help: "write the model here (model.json + weights.bin, preprocessing included)" },
    { name: "json", type: "string", metavar: "FILE", only: "cli", help: "write metrics, options and the loss history as JSON" },
    { name: "quiet", short: "q", type: "boolean", only: "cli", help: "no per-epoch lines" },
  ],
  magic: {
    kind: "both",
    examples: [
      "%%train --data train --test holdout --target money --model mlp --epochs 60",
      "%train --data sales --target money --model linear --as linear_model",
    ],
  },
  cli: {
    examples: ["synthlab train --data coffee-sales --target money --save model/ --json metrics.json"],
    epilog: "Environment: SYNTHLAB_TF_BACKEND=tensorflow|wasm|cpu tries that TF.js backend first.\nCtrl-C stops after the current batch and keeps the best weights (exit 130).",
  },
};
