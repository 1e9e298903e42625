/**
 * `process.exit()` and `process.abort()` called by a cell would end the kernel (or the process
 * `synthlab run` runs cells in) with no word to the user. While the guard is on, they throw a
 * ProcessExitError instead: the cell fails with a message that says what happened, and the
 * kernel keeps its variables, as IPython does for `sys.exit()`. The process's own code turns
 * the guard off before it exits (the function guardProcessExit returns).
 */

export class ProcessExitError extends Error {
  override name = "ProcessExitError";
}

/** The message a cell gets; `call` is what it ran, e.g. "process.exit(0)". */
export function exitBlockedMessage(call: string): string {
  return (
    `${call} was called in a cell: it would end the kernel, so it was blocked and the kernel keeps running ` +
    "(to stop a cell, throw an error; to start afresh, restart the kernel)"
  );
}

function describeCode(code: unknown): string {
  return code === undefined ? "" : typeof code === "string" ? JSON.stringify(code) : String(code);
}

/** Install the guard; returns the function that removes it (restoring the real exit and abort). */
export function guardProcessExit(): () => void {
  const realExit = process.exit;
  const realAbort = process.abort;
  const exit = (code?: unknown): never => {
    throw new ProcessExitError(exitBlockedMessage(`process.exit(${describeCode(code)})`));
  };
  const abort = (): never => {
    throw new ProcessExitError(exitBlockedMessage("process.abort()"));
  };
  process.exit = exit as typeof process.exit;
  process.abort = abort as typeof process.abort;
  return () => {
    if (process.exit === exit) process.exit = realExit;
    if (process.abort === abort) process.abort = realAbort;
  };
}
