/**
 * `--layers 64,32` for `%%train` and `synthlab train`: hidden layer sizes, checked once here so
 * both give the same one-line error (trainRegressor checks the same cap for library callers).
 */
import { MAX_LAYER_UNITS } from "../limits.js";
import { InputError } from "../errors.js";

/** An error in a user's option: its name marks it as a usage error for the magics and the CLI. */
class LayersError extends InputError {
  override name = "UsageError";
}

/** "64,32" → [64, 32]; throws a usage error naming the fix for anything else. */
export function parseLayers(text: string): number[] {
  const layers = text.split(",").map((s) => Number(s.trim()));
  if (text.trim() === "" || layers.some((u) => !Number.isInteger(u) || u < 1)) {
    throw new LayersError(`--layers ${text}: give whole numbers ≥ 1 separated by commas, e.g. --layers 64,32.`);
  }
  if (layers.some((u) => u > MAX_LAYER_UNITS)) {
    throw new LayersError(`--layers ${text}: a layer may have at most ${MAX_LAYER_UNITS} units, e.g. --layers 64,32.`);
  }
  return layers;
}
