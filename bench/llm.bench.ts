/**
 * LLM engine benchmark, against the local OpenAI-compatible test double (no real model) with a
 * fixed 100 ms latency per chat completion:
 *   1. throughput at concurrency 1, 8, 32 as a share of the ideal (concurrency / latency),
 *      for the bare client and for the full llm-rows path (prompt, parse, validate, dedup, checkpoint);
 *   2. a cached re-run of 10,000 rows (every request a cache hit), goal < 1 s.
 * Run: npx tsx bench/llm.bench.ts   → writes docs/benchmarks/llm.md
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LlmClient } from "../src/generate/llm/client.js";
import { createLlmGenerator } from "../src/generate/llm/index.js";
import type { GenerateRequest } from "../src/generate/types.js";
import { COFFEE_SCHEMA, spawnTestDouble } from "./support/testDoubleProcess.js";

const LATENCY_MS = 100;
/** Waves of `concurrency` requests per llm-rows run: 3 s of ideal time, so the ~0.1 s of fixed start-up and
 * finish costs (reported separately below) do not swamp the throughput figure. */
const WAVES = 30;

// The server runs in its own process, as a real one would: its JSON work must not share the
// engine's event loop (bench/support/testDoubleProcess.ts).
const SCHEMA = COFFEE_SCHEMA;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "synthlab-llm-bench-"));
const server = await spawnTestDouble(LATENCY_MS);
const noop = { onProgress: () => undefined };

function request(rows: number, extra: Partial<GenerateRequest>, options: Record<string, unknown>): GenerateRequest {
  return {
    rows, seed: 1, schema: SCHEMA, model: "gpt-4o-mini", description: "Coffee vending-machine sales.", batchSize: 20, ...extra,
    options: { baseURL: server.url, apiKey: "bench-not-a-key", env: {}, ...options },
  };
}

interface Throughput {
  concurrency: number; requests: number; seconds: number; rps: number; ideal: number; share: number; cpuMsPerRequest: number;
  /** llm-rows only: rate between the first and the last batch completion, start-up and finish times. */
  steadyShare?: number; startMs?: number; finishMs?: number;
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const loadBefore = os.loadavg()[0]!;

async function clientThroughput(concurrency: number): Promise<Throughput> {
  const client = new LlmClient({ model: "gpt-4o-mini", baseURL: server.url, apiKey: "bench-not-a-key", env: {}, cache: false, concurrency });
  const n = concurrency * 12;
  // Warm-up: open the connections.
  await Promise.all(Array.from({ length: concurrency }, (_, i) => client.chat({ messages: [{ role: "user", content: `warm ${i}` }] })));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: n }, (_, i) => client.chat({ messages: [{ role: "user", content: `Return exactly 1 rows #${i}` }] })));
  const seconds = (performance.now() - t0) / 1000;
  const rps = n / seconds;
  const ideal = concurrency / (LATENCY_MS / 1000);
  return { concurrency, requests: n, seconds, rps, ideal, share: rps / ideal, cpuMsPerRequest: cpuMs(c0) / n };
}

async function rowsThroughput(concurrency: number, rep: number): Promise<Throughput> {
  const batches = concurrency * WAVES;
  const done: number[] = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const res = await createLlmGenerator("llm-rows").generate(
    request(batches * 20, { concurrency, runId: `tp-${concurrency}-${rep}` }, { cache: false, checkpointDir: path.join(tmp, `tp-${concurrency}-${rep}`) }),
    { onProgress: (p) => { if (p.phase === undefined) done.push(performance.now() - t0); } },
  );
  const total = performance.now() - t0;
  const seconds = total / 1000;
  const n = res.stats.requests ?? 0;
  const rps = n / seconds;
  const ideal = concurrency / (LATENCY_MS / 1000);
  // Steady state: completions after the first wave, over the time from the first to the last completion.
  const first = done[0] ?? 0;
  const last = done[done.length - 1] ?? total;
  const steadyRps = last > first ? (done.length - concurrency) / ((last - first) / 1000) : rps;
  return {
    concurrency, requests: n, seconds, rps, ideal, share: rps / ideal, cpuMsPerRequest: cpuMs(c0) / n,
    steadyShare: Math.min(1, steadyRps / ideal), startMs: first - LATENCY_MS, finishMs: total - last,
  };
}

// Best of 3 per point: other processes on a shared machine only ever slow a run down.
const REPEATS = 3;
async function best(f: () => Promise<Throughput>): Promise<Throughput> {
  let top: Throughput | undefined;
  for (let i = 0; i < REPEATS; i++) {
    const r = await f();
    if (!top || r.share > top.share) top = r;
  }
  return top!;
}
const clientRows: Throughput[] = [];
const modeRows: Throughput[] = [];
for (const c of [1, 8, 32]) clientRows.push(await best(() => clientThroughput(c)));
// Warm-up of the llm-rows path (module loading and compilation are not the engine's steady state).
await createLlmGenerator("llm-rows").generate(request(100, { concurrency: 8, runId: "warm" }, { cache: false, checkpointDir: path.join(tmp, "warm") }), noop);
let rep = 0;
for (const c of [1, 8, 32]) modeRows.push(await best(() => rowsThroughput(c, rep++)));

// Cached re-run of 10,000 rows.
const cacheDir = path.join(tmp, "cache");
const t1 = performance.now();
const first = await createLlmGenerator("llm-rows").generate(request(10_000, { concurrency: 32 }, { cache: cacheDir, checkpointDir: path.join(tmp, "cp-first") }), noop);
const firstSeconds = (performance.now() - t1) / 1000;
// Best of 3 again; each re-run uses a fresh checkpoint so every batch must come through the cache.
let cached = first;
let cachedSeconds = Infinity;
let cachedCpuSeconds = 0;
for (let i = 0; i < REPEATS; i++) {
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  const r = await createLlmGenerator("llm-rows").generate(request(10_000, { concurrency: 32 }, { cache: cacheDir, checkpointDir: path.join(tmp, `cp-second-${i}`) }), noop);
  const secs = (performance.now() - t2) / 1000;
  if (secs < cachedSeconds) { cached = r; cachedSeconds = secs; cachedCpuSeconds = cpuMs(c2) / 1000; }
}
const requestsOnRerun = cached.stats.requests ?? 0;
const t3 = performance.now();
const resumed = await createLlmGenerator("llm-rows").generate(request(10_000, { concurrency: 32 }, { cache: cacheDir, checkpointDir: path.join(tmp, "cp-second-0") }), noop);
const checkpointSeconds = (performance.now() - t3) / 1000;
await server.close();
fs.rmSync(tmp, { recursive: true, force: true });

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const table = (rows: Throughput[]) => [
  "| concurrency | requests | seconds | requests/s | ideal (c / 0.1 s) | share of ideal | engine CPU ms / request |",
  "|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.concurrency} | ${r.requests} | ${r.seconds.toFixed(2)} | ${r.rps.toFixed(1)} | ${r.ideal.toFixed(0)} | ${pct(r.share)} | ${r.cpuMsPerRequest.toFixed(2)} |`),
];
const md = [
  "# LLM engine benchmark",
  "",
  `Command: \`npx tsx bench/llm.bench.ts\` · ${new Date().toISOString()} · Node ${process.version} · ${os.cpus().length} CPU cores (${os.cpus()[0]?.model ?? "?"}) · 1-min load average ${loadBefore.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end (the machine is shared; a load above the core count inflates every wall-clock figure below).`,
  "",
  `Peer: the ideal throughput of a server with a fixed ${LATENCY_MS} ms latency, concurrency / latency. The server is the`,
  "local OpenAI-compatible test double (test/support/openai-server.ts), a deterministic row synthesizer — not a model —",
  "on 127.0.0.1, so these figures measure the engine's own overhead (SDK, semaphore, parsing, validation, dedup,",
  "checkpoint, cache), not an LLM. Goal: ≥ 90% of ideal. Each throughput row is the best of 3 runs (other",
  "processes on this shared machine can only slow a run down); CPU ms / request is this process's user+system",
  "CPU time per request, the figure that does not depend on the machine's load.",
  "",
  "## Throughput: bare client (`LlmClient.chat`, cache off)",
  "",
  ...table(clientRows),
  "",
  "## Throughput: full llm-rows path (20 rows per request, cache off, checkpoint on)",
  "",
  ...table(modeRows),
  "",
  `Each llm-rows run is ${WAVES} waves of requests (${(WAVES * LATENCY_MS) / 1000} s ideal); fixed costs still weigh in: start-up (client and`,
  "checkpoint set-up, the first requests: time to the first completion minus one latency) and finish (the last dedup",
  "step, building the frame; dedup itself runs batch by batch while requests are in flight). A top-up round for rows",
  "removed as duplicates adds one more latency with a single request. Between the first and the last completion:",
  "",
  "| concurrency | steady-state share of ideal | start-up ms | finish ms |",
  "|---:|---:|---:|---:|",
  ...modeRows.map((r) => `| ${r.concurrency} | ${pct(r.steadyShare ?? 0)} | ${(r.startMs ?? 0).toFixed(0)} | ${(r.finishMs ?? 0).toFixed(0)} |`),
  "",
  "## Cached re-run of 10,000 rows (goal < 1 s)",
  "",
  "| run | rows | requests sent | cache hits | seconds |",
  "|---|---:|---:|---:|---:|",
  `| first run (concurrency 32, 20 rows/request) | ${first.frame.rowCount} | ${first.stats.requests} | ${first.stats.cacheHits} | ${firstSeconds.toFixed(2)} |`,
  `| re-run, new checkpoint: every request from the cache (parse, validate, dedup again; best of 3) | ${cached.frame.rowCount} | ${requestsOnRerun} | ${cached.stats.cacheHits} | **${cachedSeconds.toFixed(3)}** (CPU ${cachedCpuSeconds.toFixed(3)}) |`,
  `| re-run, same run id: every batch from the checkpoint | ${resumed.frame.rowCount} | ${resumed.stats.requests} | ${resumed.stats.cacheHits} | ${checkpointSeconds.toFixed(3)} |`,
  "",
  `Cached re-run goal (< 1 s): ${cachedSeconds < 1 ? "met" : "NOT met"}. Throughput goal (≥ 90%): ${[...clientRows, ...modeRows].every((r) => r.share >= 0.9) ? "met at every concurrency" : "not met everywhere (see tables)"}.`,
  "",
];
fs.mkdirSync("docs/benchmarks", { recursive: true });
fs.writeFileSync("docs/benchmarks/llm.md", md.join("\n"));
process.stdout.write(md.join("\n"));
