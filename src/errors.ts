/**
 * The one "bad input" error. A library error that means the caller's input is wrong (an option,
 * a file, a schema, a column, a missing API key) extends InputError; magics, the CLI and the
 * notebook runner all ask isInputError and show its message as one line, without a stack
 * (docs/magics.md, "Errors and exit codes"). Any other error is a fault of ours and keeps its stack.
 * This module imports nothing, so every layer can use it.
 */

/** Marks an input error; a symbol in the global registry, so a second copy of this module agrees. */
const INPUT_ERROR = Symbol.for("synthlab.inputError");

export class InputError extends Error {
  override name = "InputError";
  readonly [INPUT_ERROR] = true;
}

/**
 * For an input-error class that must keep another base class (LlmConfigError extends LlmError):
 * call in its constructor.
 */
export function markInputError(err: Error): void {
  Object.defineProperty(err, INPUT_ERROR, { value: true });
}

/** Is `err` bad input (to be shown as one line, no stack)? */
export function isInputError(err: unknown): boolean {
  return err instanceof Error && (err as unknown as Record<symbol, unknown>)[INPUT_ERROR] === true;
}

/**
 * A usage error of a magic or CLI command (bad option, missing argument): an InputError whose
 * message is already the whole line, e.g. "%%train: --epochs must be …". Shown as
 * `UsageError: <message>` in a notebook, `synthlab <command>: <message>` (exit 2) on the command line.
 */
export class UsageError extends InputError {
  override name = "UsageError";
}

/**
 * A run that did its work but produced nothing usable (e.g. every model reply was invalid): shown
 * as one line without a stack, like bad input, but on the command line it exits 1, not 2.
 */
export class RunFailedError extends Error {
  override name = "RunFailedError";
}
