import { afterAll, beforeAll, expect, it } from "vitest";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createExecutionHost } from "../../src/kernel/execution/index.js";
import type { ExecutionHost } from "../../src/kernel/types.js";
import { RecordingIO, request } from "./recording-io.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let host: ExecutionHost;

beforeAll(async () => {
  host = await createExecutionHost({ cwd: path.resolve("notebooks") });
}, 120_000);

afterAll(async () => {
  await host.shutdown();
});

function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

it("runs 500 cells without keeping their outputs (bounded heap growth)", async () => {
  // Each cell makes ~2 MiB of output (a result, a display, a log line); keeping them would
  // grow the heap by ~1 GiB over 500 cells.
  const cell = (i: number): string =>
    `const big${i % 5} = 'x'.repeat(1_000_000) + ${i};\n` +
    `display({ row: ${i}, blob: 'y'.repeat(500_000) });\n` +
    `console.log('cell ${i}', big${i % 5}.length);\n` +
    `big${i % 5}`;
  for (let i = 0; i < 20; i++) await host.execute(request(cell(i)), new RecordingIO());
  const baseline = heapMiB();
  for (let i = 20; i < 520; i++) {
    const io = new RecordingIO();
    const outcome = await host.execute(request(cell(i)), io);
    expect(outcome.status).toBe("ok");
    if (i % 100 === 0) expect(io.stdoutText).toBe(`cell ${i} 1000000\n`.replace("1000000", String(1_000_000 + String(i).length)));
  }
  const growth = heapMiB() - baseline;
  process.stderr.write(`heap growth over 500 cells: ${growth.toFixed(1)} MiB\n`);
  expect(growth).toBeLessThan(150);
}, 600_000);
