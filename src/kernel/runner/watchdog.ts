/**
 * Per-cell time limit. A cell runs on the main thread, so a synchronous loop starves any
 * timer there; the timer lives in a worker thread, which sends SIGINT to this process when
 * it fires. The execution host runs cells with `breakOnSigint`, which turns that SIGINT into
 * an interrupt of the running script (the runner installs a SIGINT listener so the signal
 * does not end the process). A shared counter tells the worker which cell is running, so a
 * timer that fires just after its cell ended does not interrupt the next one.
 */
import { Worker } from "node:worker_threads";

const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const running = new Int32Array(workerData);
let timer;
parentPort.on("message", (m) => {
  clearTimeout(timer);
  if (m.ms > 0) {
    timer = setTimeout(() => {
      if (Atomics.load(running, 0) === m.cell) process.kill(process.pid, "SIGINT");
    }, m.ms);
  }
});
`;

export class Watchdog {
  private readonly shared = new SharedArrayBuffer(4);
  private readonly running = new Int32Array(this.shared);
  private readonly worker = new Worker(SOURCE, { eval: true, workerData: this.shared });
  private cell = 0;

  constructor() {
    this.worker.unref();
  }

  arm(ms: number): void {
    this.cell++;
    Atomics.store(this.running, 0, this.cell);
    this.worker.postMessage({ ms, cell: this.cell });
  }

  disarm(): void {
    Atomics.store(this.running, 0, 0);
    this.worker.postMessage({ ms: 0, cell: 0 });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
