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
  // process.reallyExit is what process.exit calls underneath (undocumented, but reachable from a cell).
  const target = process as unknown as Record<"exit" | "abort" | "reallyExit", unknown>;
  const names = ["exit", "abort", "reallyExit"] as const;
  const real = names.map((name) => target[name]);
  const guards = names.map((name) => (code?: unknown): never => {
    throw new ProcessExitError(exitBlockedMessage(`process.${name}(${name === "abort" ? "" : describeCode(code)})`));
  });
  names.forEach((name, i) => (target[name] = guards[i]));
  return () => {
    names.forEach((name, i) => {
      if (target[name] === guards[i]) target[name] = real[i];
    });
  };
}
