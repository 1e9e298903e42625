/**
 * Per-cell time limit. A cell runs on the main thread, so a synchronous loop starves any
 * timer there; the timer lives in a worker thread, which sends SIGINT to this process when
 * it fires. The execution host runs cells with `breakOnSigint`, which turns that SIGINT into
 * an interrupt of the running script (the runner installs a SIGINT listener so the signal
 * does not end the process).
 */
import { Worker } from "node:worker_threads";

const SOURCE = `
const { parentPort } = require("node:worker_threads");
let timer;
parentPort.on("message", (m) => {
  clearTimeout(timer);
  if (m && m.ms > 0) timer = setTimeout(() => process.kill(process.pid, "SIGINT"), m.ms);
  if (m && m.stop) parentPort.close();
});
`;

export class Watchdog {
  private readonly worker = new Worker(SOURCE, { eval: true });

  constructor() {
    this.worker.unref();
  }

  arm(ms: number): void {
    this.worker.postMessage({ ms });
  }

  disarm(): void {
    this.worker.postMessage({ ms: 0 });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
