/**
 * The process `synthlab run` runs cells in (forked by childHost.ts): the kernel's execution
 * host, driven over IPC. Living in its own process is what lets the runner keep its promises
 * whatever a cell does: a cell that ignores interrupts is killed from outside, and a process that
 * ends mid-cell is seen by the parent and reported as that cell's error.
 *
 * As in the kernel: SIGINT interrupts the running cell (vm breakOnSigint stops synchronous code),
 * process.exit() in a cell is an error of that cell, and stray errors from timers are shown as
 * stderr of the running (or last) cell.
 */
import { inspect } from "node:util";
import { Worker } from "node:worker_threads";
import type { CellIO, ExecutionHost } from "../types.js";
import { guardProcessExit } from "../exitGuard.js";
import type { FromChild, ToChild } from "./childProtocol.js";

const send = (message: FromChild): void => {
  // The parent may be gone (killed from outside); then there is no one to tell.
  if (!process.connected) return;
  try {
    process.send!(message, undefined, undefined, () => undefined);
  } catch (err) {
    // Only values that survive structured clone can cross; a bad display bundle must not end the cell.
    process.stderr.write(`synthlab run: could not pass on a ${message.kind} message: ${err instanceof Error ? err.message : String(err)}\n`);
  }
};

const realExit = process.exit.bind(process);
const unguard = guardProcessExit();
const leave = (code: number): never => {
  unguard();
  return realExit(code);
};
// The parent owns this process: when it goes away (or closes the channel), so do we. A cell stuck
// in a loop never sees "disconnect", so a thread of our own also checks that the parent lives.
process.on("disconnect", () => leave(0));
const ORPHAN_CHECK = `
const { workerData } = require("node:worker_threads");
setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, "SIGKILL"); }, 1000);
`;
new Worker(ORPHAN_CHECK, { eval: true, workerData: process.ppid }).unref();

/** Replies to input requests, by request id. */
const inputs = new Map<number, { resolve(value: string): void; reject(err: Error): void }>();
let nextInput = 0;

function cellIO(id: number): CellIO {
  return {
    stdout: (text) => send({ kind: "stdout", id, text }),
    stderr: (text) => send({ kind: "stderr", id, text }),
    display: (bundle, options) => send({ kind: "display", id, bundle, ...(options ? { options } : {}) }),
    clearOutput: (wait) => send({ kind: "clear-output", id, wait: Boolean(wait) }),
    input: (prompt, password) =>
      new Promise<string>((resolve, reject) => {
        const inputId = ++nextInput;
        inputs.set(inputId, { resolve, reject });
        send({ kind: "input", id: inputId, prompt, password });
      }),
  };
}

let current: CellIO | undefined;
let last: CellIO | undefined;

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return `Unhandled rejection: ${inspect(err, { depth: 2 })}`;
}
function stray(err: unknown): void {
  const io = current ?? last;
  const text = describe(err);
  if (io) io.stderr(text.endsWith("\n") ? text : `${text}\n`);
  else process.stderr.write(`synthlab run: ${text}\n`);
}
process.on("uncaughtException", stray);
process.on("unhandledRejection", stray);

async function main(): Promise<void> {
  const cwd = process.argv[2] ?? process.cwd();
  let host: ExecutionHost & { warmUp?(): Promise<void> };
  try {
    const { createExecutionHost } = await import("../execution/index.js");
    host = await createExecutionHost({ cwd });
    // Load the compiler and magics before the first cell, so --timeout measures the cell alone.
    await host.warmUp?.();
  } catch (err) {
    send({ kind: "start-failed", error: err instanceof Error ? err.message : String(err) });
    return;
  }
  // A listener keeps SIGINT (Ctrl-C, or the parent's --timeout) from ending the process.
  process.on("SIGINT", () => host.interrupt());
  process.on("message", (message: ToChild) => {
    switch (message.kind) {
      case "execute": {
        const io = cellIO(message.id);
        current = io;
        last = io;
        void host
          .execute(message.request, io)
          .catch((err: unknown) => ({ status: "error" as const, ename: "Error", evalue: String(err), traceback: [describe(err)] }))
          .then((outcome) => {
            current = undefined;
            send({ kind: "done", id: message.id, outcome });
          });
        return;
      }
      case "input-reply": {
        const pending = inputs.get(message.id);
        inputs.delete(message.id);
        if (message.error !== undefined) pending?.reject(new Error(message.error));
        else pending?.resolve(message.value ?? "");
        return;
      }
      case "shutdown":
        void host.shutdown().finally(() => leave(0));
        return;
    }
  });
  send({ kind: "ready" });
}

void main();
