/**
 * Magics and runner overheads: what the magic layer adds to every cell, the argument parser
 * against node's util.parseArgs (peer, same options, given pre-split words and no type
 * checks), and the headless runner's per-cell cost over calling the host directly.
 * Run: npx tsx bench/magics.bench.ts  → docs/benchmarks/magics.md
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { ExecutionHost } from "../src/kernel/types.js";
import { isMagicCode, parseMagicArgs, type MagicDefinition } from "../src/magics/index.js";
import { notebookToHtml, runNotebook, serializeNotebook, type Cell, type Notebook } from "../src/kernel/runner/index.js";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median ms of `runs` timings of fn() repeated `inner` times. */
async function time(fn: () => unknown | Promise<unknown>, inner: number, runs = 7): Promise<number> {
  for (let i = 0; i < inner; i++) await fn(); // warm-up
  const xs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    for (let i = 0; i < inner; i++) await fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

const def: MagicDefinition = {
  name: "generate",
  kind: "cell",
  description: "bench",
  options: [
    { name: "like", type: "string", help: "" },
    { name: "rows", type: "integer", help: "" },
    { name: "mode", type: "string", help: "", choices: ["offline", "copula", "llm-rows"] },
    { name: "model", type: "string", help: "" },
    { name: "temperature", type: "number", help: "" },
    { name: "seed", type: "integer", help: "" },
    { name: "cache", type: "boolean", help: "" },
    { name: "drop", type: "string", help: "", repeatable: true },
  ],
  positionals: [{ name: "name", help: "" }],
  run: async () => undefined,
};
const line = `sales --like real --rows 2000 --mode copula --model "gpt-4o mini" --temperature=0.7 --seed 42 --no-cache --drop a --drop b`;
const words = ["sales", "--like", "real", "--rows", "2000", "--mode", "copula", "--model", "gpt-4o mini", "--temperature=0.7", "--seed", "42", "--cache", "--drop", "a", "--drop", "b"];

const rows: string[][] = [];
const N = 20_000;
const ours = await time(() => parseMagicArgs(def, line, true), N);
const peer = await time(
  () =>
    parseArgs({
      args: words,
      allowPositionals: true,
      options: {
        like: { type: "string" }, rows: { type: "string" }, mode: { type: "string" }, model: { type: "string" },
        temperature: { type: "string" }, seed: { type: "string" }, cache: { type: "boolean" }, drop: { type: "string", multiple: true },
      },
    }),
  N,
);
rows.push([`parseMagicArgs, 8 options + positional, ${N}×`, (ours / N * 1000).toFixed(2) + " µs/call", `util.parseArgs peer ${(peer / N * 1000).toFixed(2)} µs/call; ratio ours/peer ${(ours / peer).toFixed(2)}`]);

const tsCell = Array.from({ length: 200 }, (_, i) => `const v${i} = ${i} % 7; // line ${i}`).join("\n");
const detect = await time(() => isMagicCode(tsCell), 2000);
rows.push(["isMagicCode on a 200-line TypeScript cell (cost added to every cell)", (detect / 2000 * 1000).toFixed(1) + " µs/call", ""]);

// Runner: a host that answers at once, so the difference is the runner's own work.
const host: ExecutionHost = {
  execute: async (req, io) => {
    io.stdout(`cell ${req.executionCount}\n`);
    return { status: "ok", result: { "text/plain": String(req.executionCount) } };
  },
  complete: async () => ({ matches: [], cursorStart: 0, cursorEnd: 0 }),
  inspect: async () => ({ found: false, data: {} }),
  isComplete: async () => ({ status: "complete" }),
  interrupt: () => undefined,
  shutdown: async () => undefined,
};
const CELLS = 500;
const cells: Cell[] = Array.from({ length: CELLS }, (_, i) => ({
  id: `c${i}`, cell_type: "code", metadata: {}, source: `x${i}`, outputs: [], execution_count: null,
}));
const nb: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
const direct = await time(async () => {
  const io = { stdout: () => undefined, stderr: () => undefined, display: () => undefined, clearOutput: () => undefined, input: async () => "" };
  for (let i = 0; i < CELLS; i++) await host.execute({ code: `x${i}`, silent: false, storeHistory: true, userExpressions: {}, allowStdin: false, executionCount: i + 1 }, io);
}, 3);
let executed: Notebook = nb;
const runner = await time(async () => {
  executed = (await runNotebook(nb, { cwd: process.cwd(), createHost: async () => host, progress: () => undefined })).notebook;
}, 3);
rows.push([`runNotebook, ${CELLS} cells (instant host)`, (runner / 3).toFixed(1) + " ms", `${((runner - direct) / 3 / CELLS * 1000).toFixed(1)} µs/cell over calling host.execute directly (${(direct / 3).toFixed(1)} ms)`]);
const ser = await time(() => serializeNotebook(executed), 5);
rows.push([`serializeNotebook, ${CELLS} cells with outputs`, (ser / 5).toFixed(2) + " ms", ""]);
const html = await time(() => notebookToHtml(executed, { name: "bench" }), 5);
rows.push([`notebookToHtml, ${CELLS} cells with outputs`, (html / 5).toFixed(2) + " ms", ""]);

const command = "npx tsx bench/magics.bench.ts";
const md = [
  "# Magics and headless runner benchmark",
  "",
  `Command: \`${command}\` — run ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPU cores, shared machine (load average ${loadavg()[0]!.toFixed(1)} at the end: absolute times swing with it, the ratio less).`,
  "Medians of 7 (runner: 3) timed runs after a warm-up. Peer for the argument parser: node's `util.parseArgs` on the same",
  "options, given the words already split and doing no type, choice or required checks (ours also tokenizes the line).",
  "",
  "| what | time | notes |",
  "|---|---:|---|",
  ...rows.map((r) => `| ${r.join(" | ")} |`),
  "",
].join("\n");
mkdirSync("docs/benchmarks", { recursive: true });
writeFileSync("docs/benchmarks/magics.md", md);
process.stdout.write(md);
