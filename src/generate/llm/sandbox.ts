/**
 * Runs a model-written generator program inside QuickJS compiled to WebAssembly — a real
 * isolation boundary (Node's `vm` is not one). The program sees only ECMAScript built-ins plus
 * what we pass in: a seeded `rng`, faker-like data arrays, `n`. There is no fs, network, process,
 * require or import. An interrupt handler enforces the time limit, the runtime a memory limit.
 * Each run gets a fresh WebAssembly module in its own worker thread, so a program that exhausted
 * memory cannot poison the next, and a stuck one is terminated.
 */
import { SandboxError } from "./errors.js";

export interface SandboxOptions {
  /** Seed of the in-sandbox random source (Math.random is replaced by it too). */
  seed: number;
  /** Wall-clock limit for the whole run (default 5000 ms). */
  timeoutMs?: number;
  /** Heap limit of the QuickJS runtime (default 64 MiB). */
  memoryBytes?: number;
  /** Data arrays exposed as `faker.<name>` (names, cities ...). */
  data?: Readonly<Record<string, readonly string[]>>;
  /** Name of the function to call (default "generate"). */
  entry?: string;
  /** Arguments after (rng, faker): for generators, [n]. */
  args?: readonly unknown[];
}

export const DEFAULT_SANDBOX_TIMEOUT_MS = 5_000;
export const DEFAULT_SANDBOX_MEMORY = 64 * 1024 * 1024;

/** Code run before the program: seeded mulberry32, faker helpers, CommonJS-style exports, a silent console. */
function prelude(seed: number, data: Readonly<Record<string, readonly string[]>>): string {
  return `
"use strict";
var __state = ${seed >>> 0};
function rng() {
  __state = (__state + 0x6d2b79f5) >>> 0;
  var t = __state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
Math.random = rng;
var faker = ${JSON.stringify(data)};
faker.pick = function (xs) { return xs[Math.floor(rng() * xs.length)]; };
faker.int = function (lo, hi) { return lo + Math.floor(rng() * (hi - lo + 1)); };
faker.float = function (lo, hi, digits) { var p = Math.pow(10, digits === undefined ? 2 : digits); return Math.round((lo + rng() * (hi - lo)) * p) / p; };
faker.bool = function (p) { return rng() < (p === undefined ? 0.5 : p); };
faker.date = function (from, to) { var a = Date.parse(from), b = Date.parse(to); return new Date(a + rng() * (b - a)).toISOString(); };
faker.fullName = function () { return faker.pick(faker.firstNames || ["Alex"]) + " " + faker.pick(faker.lastNames || ["Smith"]); };
var exports = {};
var module = { exports: exports };
var console = { log: function () {}, info: function () {}, warn: function () {}, error: function () {} };
`;
}

/** Turns a QuickJS error dump into one clear line. */
function explain(dumped: unknown, timeoutMs: number, memoryBytes: number): string {
  const e = (typeof dumped === "object" && dumped !== null ? dumped : { message: String(dumped) }) as { name?: string; message?: string };
  const msg = `${e.name ? `${e.name}: ` : ""}${e.message ?? String(dumped)}`;
  if (/interrupted/i.test(msg)) return `the program ran longer than the ${timeoutMs} ms time limit (endless loop?) and was stopped`;
  if (/out of memory|memory limit|allocation failed|string too long|invalid array length/i.test(msg)) {
    return `the program exceeded the ${Math.round(memoryBytes / 1048576)} MiB memory limit and was stopped`;
  }
  if (/stack overflow|call stack/i.test(msg)) return "the program overflowed the stack (unbounded recursion?)";
  if (/'(require|process|fetch|import|fs|XMLHttpRequest|Deno|Bun)' is not defined|could not load module|import/i.test(msg)) {
    return `the program tried to reach outside the sandbox (${msg}); generator programs get only rng, faker and n — no modules, files, network or process`;
  }
  return `the program failed: ${msg}`;
}

/**
 * The worker body (plain CommonJS, run with eval so it works from .ts sources and from dist/ alike).
 * It loads its own QuickJS module, runs prelude → program → call, and posts back JSON or an error.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
// Emscripten prints assertion noise when a runtime dies out of memory; the error is reported anyway.
console.error = () => {};
console.warn = () => {};
const q = require(workerData.qjsPath);
(async () => {
  const { steps, timeoutMs, memoryBytes } = workerData;
  const mod = await q.newQuickJSWASMModule(q.RELEASE_SYNC);
  const runtime = mod.newRuntime();
  runtime.setMemoryLimit(memoryBytes);
  runtime.setMaxStackSize(1024 * 1024);
  const deadline = Date.now() + timeoutMs;
  runtime.setInterruptHandler(() => Date.now() > deadline);
  const ctx = runtime.newContext();
  let reply;
  try {
    let json = "null";
    for (const [code, filename] of steps) {
      const result = ctx.evalCode(code, filename);
      if (result.error) {
        const dumped = ctx.dump(result.error);
        result.error.dispose();
        reply = { error: dumped };
        break;
      }
      if (filename === "call.js") json = String(ctx.getString(result.value));
      result.value.dispose();
    }
    if (!reply) reply = { json };
  } catch (err) {
    reply = { error: { message: err && err.message ? err.message : String(err) } };
  }
  parentPort.postMessage(reply);
  try { ctx.dispose(); runtime.dispose(); } catch {}
})().catch((err) => parentPort.postMessage({ error: { message: String(err && err.message || err) } }));
`;

/** Extra wall-clock time before the worker is killed, for limits the interrupt handler cannot see (GC stalls). */
const HARD_KILL_GRACE_MS = 1_500;

/**
 * Runs \`source\` in a fresh QuickJS instance inside a worker thread and calls its entry function
 * with (rng, faker, ...args); returns the JSON-serialisable result. The worker keeps the caller's
 * event loop (and the kernel) responsive and is terminated outright if the limits do not stop it.
 */
export async function runSandboxed(source: string, opts: SandboxOptions): Promise<unknown> {
  const { Worker } = await import("node:worker_threads");
  const { createRequire } = await import("node:module");
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SANDBOX_TIMEOUT_MS;
  const memoryBytes = opts.memoryBytes ?? DEFAULT_SANDBOX_MEMORY;
  const entry = opts.entry ?? "generate";
  if (!/^[A-Za-z_$][\w$]*$/.test(entry)) throw new SandboxError(`entry "${entry}" is not a function name.`);
  const steps: [string, string][] = [
    [prelude(opts.seed, opts.data ?? {}), "prelude.js"],
    [source, "program.js"],
    [
      `(function () {
  var f = (module.exports && module.exports.${entry}) || exports.${entry} || (typeof ${entry} === "function" ? ${entry} : undefined);
  if (typeof f !== "function") throw new TypeError("the program defines no function ${entry}(rng, faker, n)");
  var out = f.apply(null, [rng, faker].concat(${JSON.stringify(opts.args ?? [])}));
  if (out && typeof out.then === "function") throw new TypeError("${entry} must return its rows directly, not a Promise");
  return JSON.stringify(out === undefined ? null : out);
})()`,
      "call.js",
    ],
  ];
  const qjsPath = createRequire(import.meta.url).resolve("quickjs-emscripten");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { qjsPath, steps, timeoutMs, memoryBytes } });
  const reply = await new Promise<{ json?: string; error?: unknown; killed?: boolean }>((resolve) => {
    const timer = setTimeout(() => {
      resolve({ killed: true });
    }, timeoutMs + HARD_KILL_GRACE_MS);
    worker.once("message", (m: { json?: string; error?: unknown }) => { clearTimeout(timer); resolve(m); });
    worker.once("error", (err) => { clearTimeout(timer); resolve({ error: { message: err.message } }); });
    worker.once("exit", (code) => { clearTimeout(timer); resolve({ error: { message: `sandbox worker exited (code ${code})` } }); });
  });
  await worker.terminate();
  if (reply.killed) throw new SandboxError(explain({ message: "interrupted" }, timeoutMs, memoryBytes));
  if (reply.error !== undefined) throw new SandboxError(explain(reply.error, timeoutMs, memoryBytes));
  try {
    return JSON.parse(reply.json ?? "null") as unknown;
  } catch {
    throw new SandboxError("the program's result is not JSON-serialisable: return an array of plain row objects.");
  }
}
