/**
 * Per-cell time limit. A cell runs on the main thread, so a synchronous loop starves any
 * timer there; the timer lives in a worker thread, which sends SIGINT to this process when
 * it fires. The execution host runs cells with `breakOnSigint`, which turns that SIGINT into
 * an interrupt of the running script (the runner installs a SIGINT listener so the signal
 * does not end the process). A shared counter tells the worker which cell is running, so a
 * timer that fires just after its cell ended does not interrupt the next one. The SIGINT is
 * repeated every second until the cell ends: one that lands before the cell's code starts (while
 * it is compiled) stops nothing. The runner uses this only for hosts on its own thread; cells in a
 * child process (childHost.ts) are timed by the runner itself.
 */
import { Worker } from "node:worker_threads";

const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const running = new Int32Array(workerData);
let timer;
let again;
parentPort.on("message", (m) => {
  clearTimeout(timer);
  clearInterval(again);
  if (m.ms > 0) {
    const fire = () => {
      if (Atomics.load(running, 0) === m.cell) process.kill(process.pid, "SIGINT");
      else clearInterval(again);
    };
    timer = setTimeout(() => {
      fire();
      again = setInterval(fire, 1000);
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
