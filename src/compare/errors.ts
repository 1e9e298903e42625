import { InputError } from "../errors.js";

/** A bad comparison request (no candidates, a bad candidate spec, a missing column): one line naming the fix. */
export class CompareError extends InputError {
  override name = "CompareError";
}
