/**
 * Execution-layer benchmark: cold start (compiler creation + first cell), warm cell round trips
 * through ExecutionHost.execute, and chart rendering. The peer, measured in the same run, is
 * tslab's own converter + executor (createExecutor from tslab/dist/executor, Node10 resolution,
 * no source maps): the ratio shows what our changes (Bundler resolution, source maps, output
 * routing, display layer) cost per cell. Writes docs/benchmarks/execution.md.
 *
 *   npx tsx bench/execution.bench.ts
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chartBundle } from "../src/charts/render.js";
import { toMimeBundle } from "../src/display/index.js";
import { createExecutionHost } from "../src/kernel/execution/index.js";
import type { CellIO, ExecuteRequest } from "../src/kernel/types.js";
import { median, medianTime } from "./support/timing.js";

const REPS = Number(process.env.BENCH_REPS ?? 40);
const NOTEBOOKS = resolve("notebooks");

const io: CellIO = {
  stdout: () => undefined,
  stderr: () => undefined,
  display: () => undefined,
  clearOutput: () => undefined,
  input: async () => "",
};

let count = 0;
const req = (code: string): ExecuteRequest => ({ code, silent: false, storeHistory: true, userExpressions: {}, allowStdin: false, executionCount: ++count });



const CELLS = {
  trivial: (i: number) => `${i} + 1`,
  declarations: (i: number) =>
    `const rows${i % 3} = Array.from({ length: 100 }, (_, k) => ({ k, v: k * ${i} }));\n` +
    `function total${i % 3}(r: { v: number }[]) { return r.reduce((s, x) => s + x.v, 0); }\n` +
    `total${i % 3}(rows${i % 3})`,
  await: (i: number) => `await new Promise((r) => setImmediate(r));\n${i}`,
};

interface Runner {
  run(code: string): Promise<unknown>;
  close(): void | Promise<void>;
}

async function oursRunner(fromDist = false): Promise<Runner> {
  // The cold start measures the built kernel code (dist/) when present: under tsx, importing src/
  // adds on-the-fly transpiling of every module that the kernel would load precompiled.
  const distEntry = resolve("dist/kernel/execution/index.js");
  const create: typeof createExecutionHost =
    fromDist && existsSync(distEntry)
      ? ((await import(pathToFileURL(distEntry).href)) as { createExecutionHost: typeof createExecutionHost }).createExecutionHost
      : createExecutionHost;
  const host = await create({ cwd: NOTEBOOKS });
  return { run: (code) => host.execute(req(code), io), close: () => host.shutdown() };
}

interface TslabExecutor {
  execute(src: string): Promise<boolean>;
  close(): void;
}

function tslabRunner(): Runner {
  const require = createRequire(import.meta.url);
  const conv = require("tslab/dist/converter.js") as { createConverter(): { close(): void } };
  const exec = require("tslab/dist/executor.js") as {
    createExecutor(root: string, convs: unknown, console: unknown): TslabExecutor;
  };
  const node = conv.createConverter();
  const silent = { log: () => undefined, error: () => undefined };
  const executor = exec.createExecutor(NOTEBOOKS, { node, browser: node, close: () => node.close() }, silent);
  return { run: (code) => executor.execute(code), close: () => executor.close() };
}

/** Cold start in a fresh process each (whoever ran second would find TypeScript already loaded). */
async function coldChild(which: "ours" | "tslab"): Promise<number> {
  const { execFileSync } = await import("node:child_process");
  const out = execFileSync(process.execPath, ["--import", "tsx", new URL(import.meta.url).pathname, `--cold=${which}`], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return Number(/COLD (\S+)/.exec(out)![1]);
}

/** Warm per-cell medians, alternating the two engines rep by rep so machine load hits both alike. */
async function warm(): Promise<{ ours: Record<string, number>; tslab: Record<string, number> }> {
  const a = await oursRunner();
  const b = tslabRunner();
  await a.run("1");
  await b.run("1");
  const ours: Record<string, number> = {};
  const tslab: Record<string, number> = {};
  for (const [name, cell] of Object.entries(CELLS)) {
    const ta: number[] = [];
    const tb: number[] = [];
    for (let i = 0; i < REPS; i++) {
      let t = performance.now();
      await a.run(cell(i));
      ta.push(performance.now() - t);
      t = performance.now();
      await b.run(cell(i));
      tb.push(performance.now() - t);
    }
    ours[name] = median(ta);
    tslab[name] = median(tb);
  }
  await a.close();
  await b.close();
  return { ours, tslab };
}

async function charts(): Promise<Record<string, number>> {
  const spec = {
    data: { values: Array.from({ length: 200 }, (_, i) => ({ x: i, y: Math.sin(i / 10), g: i % 3 ? "a" : "b" })) },
    mark: "line",
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" }, color: { field: "g" } },
  };
  const t0 = performance.now();
  await chartBundle(spec);
  const first = performance.now() - t0;
  const warm = await medianTime(() => chartBundle(spec), 10);
  const plain = await medianTime(() => toMimeBundle({ a: 1, b: [1, 2, 3] }), 200);
  return { first, warm, plain };
}

const coldArg = process.argv.find((a) => a.startsWith("--cold="));
if (coldArg) {
  const t0 = performance.now();
  const r = coldArg === "--cold=ours" ? await oursRunner(true) : tslabRunner();
  await r.run("1");
  process.stdout.write(`COLD ${performance.now() - t0}\n`);
  await r.close();
  process.exit(0);
}

const { ours: mine, tslab: peer } = await warm();
mine["cold"] = await coldChild("ours");
peer["cold"] = await coldChild("tslab");
const chart = await charts();

const f = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));
const lines = [
  "# Execution layer benchmark",
  "",
  `Command: \`npx tsx bench/execution.bench.ts\` (BENCH_REPS=${REPS}); ${new Date().toISOString()}; Node ${process.version}; ${cpus().length} CPU(s).`,
  "The machine is shared with other jobs, so absolute times vary between runs; ratios within one run are comparable.",
  "",
  "Peer: tslab's own converter + executor in the same process and run (Node10 resolution, no source maps, console output); warm reps alternate between the two; cold start runs each in a fresh process.",
  "Ours: `createExecutionHost().execute()` — Bundler resolution, source-mapped errors, output routing, MIME bundle of the result.",
  "",
  "| cell | synthlab (ms, median) | tslab (ms, median) | ratio synthlab/tslab |",
  "|---|---:|---:|---:|",
  ...["cold", ...Object.keys(CELLS)].map(
    (k) => `| ${k === "cold" ? "cold start: new process, compiler, magics, first cell (ours from dist/)" : k} | ${f(mine[k]!)} | ${f(peer[k]!)} | ${(mine[k]! / peer[k]!).toFixed(2)} |`,
  ),
  "",
  "Chart rendering (vega-lite compile → vega SVG → resvg PNG, 200-point line chart):",
  "",
  "| step | ms |",
  "|---|---:|",
  `| first chart (loads vega, vega-lite, resvg, fonts) | ${f(chart.first!)} |`,
  `| warm chart bundle (median of 10) | ${f(chart.warm!)} |`,
  `| text/plain bundle of a small object (median of 200) | ${f(chart.plain!)} |`,
  "",
];
await mkdir("docs/benchmarks", { recursive: true });
await writeFile("docs/benchmarks/execution.md", lines.join("\n"));
process.stdout.write(lines.join("\n") + "\n");
