/**
 * Kernel start reliability: N fresh kernels, each answering kernel_info (and every 10th one a
 * first cell), as bench/kernel.bench.ts starts them. Prints every failure with the kernel's
 * stderr, and the count. Not part of `npm run bench` (no timing table; it is a pass/fail check).
 *   npx tsx bench/kernel-starts.ts            (after `npx tsc -p tsconfig.build.json`)
 * Env: STARTS (default 200), FIRST_CELL_EVERY (default 10; 0 = never).
 */
import { KernelClient } from "../test/kernel/client.js";

const STARTS = Number(process.env["STARTS"] ?? 200);
const FIRST_CELL_EVERY = Number(process.env["FIRST_CELL_EVERY"] ?? 10);

async function startOnce(withCell: boolean): Promise<number> {
  const t0 = performance.now();
  const k = await KernelClient.start();
  try {
    const id = await k.send("shell", "kernel_info_request", {});
    await k.waitFor(() => k.replies.get(id), 60_000, "kernel_info_reply");
    if (withCell) {
      const { reply } = await k.execute("1 + 1", {}, 120_000);
      if (reply.content.status !== "ok") throw new Error(`first cell: ${JSON.stringify(reply.content)}`);
    }
    return performance.now() - t0;
  } finally {
    await k.close();
  }
}

const failures: string[] = [];
const times: number[] = [];
const began = performance.now();
for (let i = 0; i < STARTS; i++) {
  try {
    times.push(await startOnce(FIRST_CELL_EVERY > 0 && i % FIRST_CELL_EVERY === 0));
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    failures.push(text);
    console.log(`start ${i + 1}: FAILED\n${text}\n`);
  }
  if ((i + 1) % 20 === 0) console.log(`${i + 1}/${STARTS} starts, ${failures.length} failed`);
}
times.sort((a, b) => a - b);
const median = times[times.length >> 1] ?? NaN;
console.log(
  `${STARTS} starts in ${((performance.now() - began) / 1000).toFixed(0)} s: ${failures.length} failed; median start ${median.toFixed(0)} ms, max ${(times.at(-1) ?? NaN).toFixed(0)} ms`,
);
process.exit(failures.length ? 1 : 0);
