import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { createExecutionHost } from "../../src/kernel/execution/index.js";
import type { ExecuteOutcome, ExecutionHost } from "../../src/kernel/types.js";
import { RecordingIO, request } from "./recording-io.js";

let host: ExecutionHost;
let sigints = 0;
// The kernel installs a SIGINT listener (so SIGINT does not kill it); do the same here.
const onSigint = (): void => {
  sigints++;
  host.interrupt();
};

async function run(code: string, io = new RecordingIO()): Promise<ExecuteOutcome> {
  return host.execute(request(code), io);
}

beforeAll(async () => {
  host = await createExecutionHost({ cwd: path.resolve("notebooks") });
  process.on("SIGINT", onSigint);
  await run("const kept = 'still here';");
}, 120_000);

afterAll(async () => {
  process.off("SIGINT", onSigint);
  await host.shutdown();
});

/** Send SIGINT to this process from another thread after `ms`, like the kernel's socket worker. */
function sigintFromWorker(ms: number): Worker {
  return new Worker(
    "const { workerData } = require('node:worker_threads'); setTimeout(() => process.kill(workerData, 'SIGINT'), " + ms + ");",
    { eval: true, workerData: process.pid },
  );
}

describe("interrupts", () => {
  it("stops a synchronous loop on SIGINT from another thread, keeping the notebook's variables", async () => {
    const worker = sigintFromWorker(300);
    const started = Date.now();
    const outcome = await run("let spins = 0;\nwhile (true) { spins++; }");
    await worker.terminate();
    expect(outcome).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    expect(Date.now() - started).toBeLessThan(20_000);
    const after = await run("kept");
    expect(after.status === "ok" && after.result?.["text/plain"]).toBe("'still here'");
  });

  it("an interrupt that comes while the cell is being compiled stops it before its code runs", async () => {
    // A cell with a % (here a modulo) may be a magic cell: execute() first awaits the magics, then
    // compiles; the interrupt lands in between. Once the code runs, a loop would no longer see it
    // (SIGINT stops only running code), so the host checks.
    const pending = run('Reflect.set(globalThis, "ranAfterInterrupt", true);\n5 % 2');
    host.interrupt();
    expect(await pending).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    expect(Reflect.get(globalThis, "ranAfterInterrupt")).toBeUndefined();
    expect((await run("kept")).status).toBe("ok");
  });

  it("host.interrupt() rejects an awaiting cell", async () => {
    const pending = run("await new Promise(() => {});\n'never'");
    setTimeout(() => host.interrupt(), 200);
    expect(await pending).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
  });

  it("SIGINT while a cell awaits reaches host.interrupt() through the listener", async () => {
    const before = sigints;
    // The worker fires when the cell says it is awaiting: a SIGINT that lands while the cell's
    // synchronous part runs is consumed by breakOnSigint instead (that case is the test above).
    const worker = new Worker(
      "const { parentPort, workerData } = require('node:worker_threads');" +
        "parentPort.once('message', () => setTimeout(() => process.kill(workerData, 'SIGINT'), 100));",
      { eval: true, workerData: process.pid },
    );
    (globalThis as Record<string, unknown>).armSigint = () => worker.postMessage("go");
    const outcome = await run(
      "const slow = new Promise((r) => setTimeout(r, 60_000));\n(globalThis as any).armSigint();\nawait slow;",
    );
    await worker.terminate();
    expect(outcome).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    expect(sigints).toBe(before + 1);
  });

  it("aborts a magic's signal and stops the magic cell", async () => {
    const pending = run("%%time\nawait new Promise(() => {});");
    setTimeout(() => host.interrupt(), 200);
    expect(await pending).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
  });

  it("an interrupt while the magics are still loading stops a magic cell (it does not run, nor report ok)", async () => {
    // A fresh host loads its magics on the first cell that may be a magic cell; the interrupt lands meanwhile.
    const fresh = await createExecutionHost({ cwd: path.resolve("notebooks") });
    try {
      const io = new RecordingIO();
      const pending = fresh.execute(request("%lsmagic"), io);
      fresh.interrupt();
      expect(await pending).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
      expect(io.events).toEqual([]);
      // A TypeScript cell (no %) does not wait for the magics at all.
      const ts = await fresh.execute(request("6 * 7"), new RecordingIO());
      expect(ts).toEqual({ status: "ok", result: { "text/plain": "42" } });
    } finally {
      await fresh.shutdown();
    }
  }, 120_000);

  it("an interrupt while idle does not leak into the next cell", async () => {
    host.interrupt();
    const outcome = await run("await new Promise((r) => setTimeout(r, 50));\n1 + 1");
    expect(outcome.status === "ok" && outcome.result?.["text/plain"]).toBe("2");
  });
});
