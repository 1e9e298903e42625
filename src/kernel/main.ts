/**
 * Kernel process entry: `synthlab kernel --connection-file F` lands here. Wires the socket worker
 * (protocol layer) to the ExecutionHost (execution layer) and makes the process survive anything a
 * cell does: stray exceptions and rejections are shown as stderr of the current (or last) cell, and
 * process.exit() in a cell is an error of that cell (src/kernel/exitGuard.ts).
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";
import { readConnectionFile } from "./protocol/connection.js";
import { defaultHistoryFile } from "./protocol/history.js";
import { Kernel } from "./protocol/kernel.js";
import { guardProcessExit } from "./exitGuard.js";
import type { ExecutionHost } from "./types.js";

export interface RunKernelOptions {
  connectionFile: string;
  /** Working directory for cells; defaults to process.cwd() (Jupyter starts us in the notebook's folder). */
  cwd?: string;
  /** Override the history file; null = memory only. Default: <Jupyter data dir>/synthlab/history.jsonl. */
  historyFile?: string | null;
}

async function loadHost(cwd: string): Promise<ExecutionHost> {
  // Imported lazily: the TypeScript engine is the slow part of start-up and loads while sockets bind.
  // SYNTHLAB_EXECUTION_MODULE swaps in another host module (the protocol tests' scripted host).
  const override = process.env["SYNTHLAB_EXECUTION_MODULE"];
  if (!override) return (await import("./execution/index.js")).createExecutionHost({ cwd });
  // The one computed import here: a module the tester names (test-only switch, docs/architecture.md).
  const mod = (await import(pathToFileURL(resolve(override)).href)) as {
    createExecutionHost(options: { cwd: string }): Promise<ExecutionHost>;
  };
  return mod.createExecutionHost({ cwd });
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return `Unhandled rejection: ${inspect(err, { depth: 2 })}`;
}

export async function runKernel(options: RunKernelOptions): Promise<number> {
  const connection = readConnectionFile(options.connectionFile);
  const cwd = options.cwd ?? process.cwd();
  const kernel = new Kernel({
    connection,
    host: loadHost(cwd),
    historyFile: options.historyFile === undefined ? defaultHistoryFile() : options.historyFile,
    workerUrl: new URL("./protocol/worker.js", import.meta.url),
  });

  // A listener keeps SIGINT from killing us; vm code run with breakOnSigint is stopped by the signal itself.
  process.on("SIGINT", () => kernel.interrupt());
  process.on("SIGTERM", () => void kernel.shutdown(false));
  process.on("uncaughtException", (err) => kernel.reportStray(describe(err)));
  process.on("unhandledRejection", (reason) => kernel.reportStray(describe(reason)));

  // A cell's process.exit() fails that cell with a clear error instead of ending the kernel.
  const unguard = guardProcessExit();
  try {
    await kernel.start();
    return await kernel.waitForExit();
  } finally {
    unguard();
  }
}
