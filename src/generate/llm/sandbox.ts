/**
 * Runs a model-written generator program inside QuickJS compiled to WebAssembly — a real
 * isolation boundary (Node's `vm` is not one). The program sees only ECMAScript built-ins plus
 * what we pass in: a seeded `rng`, faker-like data arrays, `n`. There is no fs, network, process,
 * require or import. Each run gets a fresh WebAssembly module in its own worker thread, so a
 * program that exhausted memory cannot poison the next, and a stuck one is terminated.
 *
 * Limits (docs/security.md), each breach one line that names the limit and how to raise it:
 * - memory: the module's WebAssembly memory is created by us with a hard maximum (the limit plus
 *   a fixed allowance for QuickJS itself), so EVERY allocation — objects, strings, arrays, typed
 *   arrays, ArrayBuffers — comes out of it. QuickJS's own setMemoryLimit does not do this: this
 *   build cannot measure its allocations (no malloc_usable_size), so it only refuses single
 *   allocations larger than the limit.
 * - time: an interrupt handler, and termination of the worker if that does not stop it;
 * - output: rows and bytes of the returned JSON, checked before the result crosses to the host;
 * - the worker's own V8 heap is capped (resourceLimits), so copying the result cannot grow it without bound.
 * The clock (Date, performance.now) and Math.random are seeded, so a seed gives the same rows.
 */
import { LlmConfigError, LlmError, SandboxError } from "./errors.js";
import { printableLine } from "../../display/untrusted.js";
import { isIdentifier } from "../../identifier.js";

export interface SandboxOptions {
  /** Seed of the in-sandbox random source (Math.random is replaced by it too). */
  seed: number;
  /** Wall-clock limit for the program (default 5000 ms). */
  timeoutMs?: number;
  /** Memory limit of the program: all its allocations together (default 64 MiB). */
  memoryBytes?: number;
  /** Most rows (array items) the program may return (default 1,000,000). */
  maxRows?: number;
  /** Most bytes of JSON the program may return (default 32 MiB). */
  maxOutputBytes?: number;
  /** Data arrays exposed as `faker.<name>` (names, cities ...). */
  data?: Readonly<Record<string, readonly string[]>>;
  /** Name of the function to call (default "generate"). */
  entry?: string;
  /** Arguments after (rng, faker): for generators, [n]. */
  args?: readonly unknown[];
  /** Keep only the first `takeRows` items of an array result: the rest never leaves the sandbox. */
  takeRows?: number;
}

export const DEFAULT_SANDBOX_TIMEOUT_MS = 5_000;
export const DEFAULT_SANDBOX_MEMORY = 64 * 1024 * 1024;
export const DEFAULT_SANDBOX_MAX_ROWS = 1_000_000;
export const DEFAULT_SANDBOX_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
/** Upper bounds of the settings: a wasm32 heap cannot exceed 2 GiB, and a run is not a batch job. */
export const MAX_SANDBOX_MEMORY = 1024 * 1024 * 1024;
export const MAX_SANDBOX_TIMEOUT_MS = 10 * 60_000;

/**
 * WebAssembly memory beyond the program's limit: QuickJS's code data, stack, runtime and context,
 * the prelude and faker data (measured: about 2 MiB in use after set-up; 16 MiB is the module's
 * initial memory).
 */
export const WASM_OVERHEAD_BYTES = 16 * 1024 * 1024;

/** The settings named in a breach message, and how to raise each. */
const RAISE = {
  time: "SYNTHLAB_SANDBOX_TIMEOUT_MS (or options.sandboxTimeoutMs)",
  memory: "SYNTHLAB_SANDBOX_MEMORY_MB (or options.sandboxMemoryBytes)",
  rows: "SYNTHLAB_SANDBOX_MAX_ROWS (or options.sandboxMaxRows)",
  bytes: "SYNTHLAB_SANDBOX_MAX_OUTPUT_MB (or options.sandboxMaxOutputBytes)",
} as const;

const mib = (bytes: number): string => `${Math.round((bytes / 1048576) * 10) / 10} MiB`;

/** Where the sandbox's clock starts: a fixed instant, so programs that read the time give the same rows for a seed. */
export const SANDBOX_EPOCH_MS = Date.UTC(2025, 0, 1);

/**
 * Code run before the program: seeded mulberry32 (also Math.random), a virtual clock (Date,
 * Date.now, performance.now: starts at SANDBOX_EPOCH_MS, 1 ms per reading), faker helpers,
 * CommonJS-style exports, a silent console.
 */
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
(function () {
  var RealDate = Date, start = ${SANDBOX_EPOCH_MS}, clock = start;
  function now() { clock += 1; return clock; }
  function SeededDate() {
    if (new.target === undefined) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, arguments.length ? Array.prototype.slice.call(arguments) : [now()], new.target);
  }
  Object.defineProperty(SeededDate, "length", { value: 7 });
  SeededDate.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, "constructor", { value: SeededDate, writable: true, configurable: true });
  SeededDate.now = now;
  SeededDate.parse = RealDate.parse;
  SeededDate.UTC = RealDate.UTC;
  globalThis.Date = SeededDate;
  globalThis.performance = { now: function () { return now() - start; }, timeOrigin: start };
})();
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
// Captured before the program runs (which may replace Array.isArray, slice or JSON.stringify), and
// not writable or configurable, so the checks on its result cannot be switched off from inside.
Object.defineProperty(globalThis, "__synthlab_finish", {
  value: (function (isArray, slice, stringify) {
    return function (out, take, maxRows, maxChars) {
      if (isArray(out) && out.length > maxRows) return "R" + out.length;
      if (isArray(out) && out.length > take) out = slice.call(out, 0, take);
      var json = stringify(out === undefined ? null : out);
      if (typeof json !== "string") json = "null";
      if (json.length > maxChars) return "B" + json.length;
      return "J" + json;
    };
  })(Array.isArray, Array.prototype.slice, JSON.stringify),
  writable: false, configurable: false, enumerable: false,
});
`;
}

/**
 * Calls the entry function and serialises its result with the prelude's `__synthlab_finish`:
 * "J<json>" (at most `take` rows), or "R<rows>" / "B<chars>" when the output is over a limit — a
 * prefix the program cannot forge, since it never sees this string. The worker still counts the
 * bytes exactly, and the host the rows.
 */
function callScript(entry: string, args: readonly unknown[], take: number, maxRows: number, maxOutputBytes: number): string {
  return `(function () {
  var f = (module.exports && module.exports.${entry}) || exports.${entry} || (typeof ${entry} === "function" ? ${entry} : undefined);
  if (typeof f !== "function") throw new TypeError("the program defines no function ${entry}(rng, faker, n)");
  var out = f.apply(null, [rng, faker].concat(${JSON.stringify(args)}));
  if (out && typeof out.then === "function") throw new TypeError("${entry} must return its rows directly, not a Promise");
  return __synthlab_finish(out, ${take}, ${maxRows}, ${maxOutputBytes});
})()`;
}

/** What the worker reports back. */
type Reply =
  | { kind: "ok"; json: string }
  | { kind: "limit"; limit: "rows" | "bytes"; amount: number }
  | { kind: "error"; name?: string; message?: string; omittedBytes?: number; memoryFull?: boolean }
  | { kind: "killed" }
  /** The sandbox itself could not start (not the program's fault: not sent back to the model). */
  | { kind: "infra"; message: string };

/** Turns a failure into one clear line naming the limit (and how to raise it) or the program's own error. */
function explain(reply: Exclude<Reply, { kind: "ok" | "infra" }>, limits: SandboxLimits): string {
  if (reply.kind === "killed") {
    return `the program ran longer than the ${limits.timeoutMs} ms time limit (endless loop?) and was stopped; to allow more, set ${RAISE.time}`;
  }
  if (reply.kind === "limit") {
    return reply.limit === "rows"
      ? `the program returned ${reply.amount.toLocaleString("en-US")} rows, more than the ${limits.maxRows.toLocaleString("en-US")}-row output limit; return n rows, or to allow more, set ${RAISE.rows}`
      : `the program returned ${mib(reply.amount)} of JSON, more than the ${mib(limits.maxOutputBytes)} output limit; return n rows, or to allow more, set ${RAISE.bytes}`;
  }
  const raw = `${reply.name ? `${reply.name}: ` : ""}${reply.message ?? ""}`;
  const memory = `the program exceeded the ${mib(limits.memoryBytes)} memory limit and was stopped; to allow more, set ${RAISE.memory}`;
  if (/\binterrupted\b/i.test(raw)) return explain({ kind: "killed" }, limits);
  if (/out of memory|memory limit|allocation failed|string too long|ERR_WORKER_OUT_OF_MEMORY|Cannot enlarge memory|Aborted\(OOM\)/i.test(raw)) return memory;
  if (/stack overflow|call stack/i.test(raw)) return "the program overflowed its 1 MiB stack (unbounded recursion?) and was stopped";
  // Once the memory is exhausted QuickJS may not even build an error object, or the WebAssembly
  // code may trap: with the memory at its maximum, that is the memory limit too.
  if (reply.memoryFull && (!reply.message || /RuntimeError|unreachable|out of bounds|Aborted/i.test(raw))) return memory;
  const msg = printableLine(raw || "unknown error", 500, reply.omittedBytes ?? 0);
  if (/'(require|process|fetch|import|fs|XMLHttpRequest|Deno|Bun)' is not defined|could not load module|\bimport\b/i.test(raw)) {
    return `the program tried to reach outside the sandbox (${msg}); generator programs get only rng, faker and n — no modules, files, network or process`;
  }
  return `the program failed: ${msg}`;
}

/**
 * The worker body (plain CommonJS, run with eval so it works from .ts sources and from dist/ alike).
 * It creates the WebAssembly memory with its hard maximum, loads its own QuickJS module into it,
 * runs prelude → program → call, and posts back the JSON or what went wrong.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
// Emscripten prints assertion noise when a runtime dies out of memory; the error is reported anyway.
console.error = () => {};
console.warn = () => {};
console.log = () => {};
const q = require(workerData.qjsPath);
const PAGE = 65536;
(async () => {
  const { steps, timeoutMs, memoryBytes, overheadBytes, maxOutputBytes, messageChars, wasmModule } = workerData;
  const maximum = Math.ceil((memoryBytes + overheadBytes) / PAGE);
  const wasmMemory = new WebAssembly.Memory({ initial: 256, maximum: Math.max(257, maximum) });
  const memoryFull = () => wasmMemory.buffer.byteLength >= 0.85 * maximum * PAGE;
  const fail = (name, message) => {
    const m = String(message === undefined || message === null ? "" : message);
    const head = m.slice(0, messageChars);
    return { kind: "error", name: name ? String(name).slice(0, 100) : undefined, message: head,
      omittedBytes: Buffer.byteLength(m) - Buffer.byteLength(head), memoryFull: memoryFull() };
  };
  const mod = await q.newQuickJSWASMModule(q.newVariant(q.RELEASE_SYNC, { wasmMemory, ...(wasmModule ? { wasmModule } : {}) }));
  const runtime = mod.newRuntime();
  // Also refuses any single allocation above the limit at once (this build cannot count the rest).
  runtime.setMemoryLimit(memoryBytes);
  runtime.setMaxStackSize(1024 * 1024);
  const ctx = runtime.newContext();
  parentPort.postMessage({ kind: "started" });
  const deadline = Date.now() + timeoutMs;
  runtime.setInterruptHandler(() => Date.now() > deadline);
  let reply;
  try {
    let out = "Jnull";
    for (const [code, filename] of steps) {
      const result = ctx.evalCode(code, filename);
      if (result.error) {
        let dumped;
        try { dumped = ctx.dump(result.error); } catch { dumped = undefined; }
        try { result.error.dispose(); } catch {}
        const e = dumped && typeof dumped === "object" ? dumped : { message: dumped };
        reply = fail(e.name, e.message);
        break;
      }
      if (filename === "call.js") out = String(ctx.getString(result.value));
      result.value.dispose();
    }
    if (!reply) {
      if (out[0] === "R") reply = { kind: "limit", limit: "rows", amount: Number(out.slice(1)) };
      else if (out[0] === "B") reply = { kind: "limit", limit: "bytes", amount: Number(out.slice(1)) };
      else {
        const json = out.slice(1);
        const bytes = Buffer.byteLength(json);
        reply = bytes > maxOutputBytes ? { kind: "limit", limit: "bytes", amount: bytes } : { kind: "ok", json };
      }
    }
  } catch (err) {
    reply = fail(err && err.name, err && err.message ? err.message : err);
  }
  parentPort.postMessage(reply);
})().catch((err) => parentPort.postMessage({ kind: "infra", message: String(err && err.message || err).slice(0, 2000) }));
`;

/** Extra wall-clock time before the worker is killed, for limits the interrupt handler cannot see (GC stalls). */
const HARD_KILL_GRACE_MS = 2_000;
/** Time to load and instantiate the QuickJS module in the worker (seconds on a busy machine, not minutes). */
const STARTUP_LIMIT_MS = 60_000;

/** A compiled WebAssembly.Module (typed loosely: this project's TypeScript libs do not declare WebAssembly). */
type WasmModule = object;
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> };

let compiled: Promise<WasmModule | undefined> | undefined;

/**
 * QuickJS's WebAssembly code, compiled once per process and shared with every worker (each still
 * instantiates it afresh, with its own memory). Undefined if the file cannot be found: then each
 * worker compiles its own copy, which is slower but the same.
 */
async function quickjsWasm(qjsPath: string): Promise<WasmModule | undefined> {
  compiled ??= (async () => {
    try {
      const { createRequire } = await import("node:module");
      const { readFile } = await import("node:fs/promises");
      const file = createRequire(qjsPath).resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
      return await WebAssembly.compile(await readFile(file));
    } catch {
      return undefined;
    }
  })();
  return compiled;
}

/** The resolved limits of one run. */
export interface SandboxLimits {
  timeoutMs: number;
  memoryBytes: number;
  maxRows: number;
  maxOutputBytes: number;
}

/**
 * Sandbox limits from request options (sandboxTimeoutMs, sandboxMemoryBytes, sandboxMaxRows,
 * sandboxMaxOutputBytes), else the environment (SYNTHLAB_SANDBOX_TIMEOUT_MS, _MEMORY_MB, _MAX_ROWS,
 * _MAX_OUTPUT_MB), else the defaults. A bad value is one clear error naming the setting.
 */
export function sandboxLimits(options: Readonly<Record<string, unknown>> = {}, env: Readonly<Record<string, string | undefined>> = process.env): SandboxLimits {
  const MiB = 1024 * 1024;
  /** One setting: option in `unit`, environment variable in `envUnit` (= `scale` units), default and range in `unit`. */
  const pick = (option: string, envName: string, unit: string, envUnit: string, scale: number, def: number, min: number, max: number): number => {
    const fromOption = options[option];
    const fromEnv = env[envName];
    if (fromOption === undefined && (fromEnv === undefined || fromEnv.trim() === "")) return def;
    const [where, v, u, k] = fromOption !== undefined
      ? [`options.${option}`, typeof fromOption === "number" ? fromOption : NaN, unit, 1]
      : [envName, Number(fromEnv) * scale, envUnit, scale];
    if (!Number.isFinite(v) || v < min || v > max) {
      const got = printableLine(JSON.stringify(fromOption !== undefined ? fromOption : fromEnv) ?? String(fromOption), 80);
      throw new LlmConfigError(`${where} must be a number of ${u} from ${min / k} to ${max / k}, got ${got}.`);
    }
    return Math.floor(v);
  };
  return {
    timeoutMs: pick("sandboxTimeoutMs", "SYNTHLAB_SANDBOX_TIMEOUT_MS", "ms", "ms", 1, DEFAULT_SANDBOX_TIMEOUT_MS, 10, MAX_SANDBOX_TIMEOUT_MS),
    memoryBytes: pick("sandboxMemoryBytes", "SYNTHLAB_SANDBOX_MEMORY_MB", "bytes", "MiB", MiB, DEFAULT_SANDBOX_MEMORY, MiB, MAX_SANDBOX_MEMORY),
    maxRows: pick("sandboxMaxRows", "SYNTHLAB_SANDBOX_MAX_ROWS", "rows", "rows", 1, DEFAULT_SANDBOX_MAX_ROWS, 1, 100_000_000),
    maxOutputBytes: pick("sandboxMaxOutputBytes", "SYNTHLAB_SANDBOX_MAX_OUTPUT_MB", "bytes", "MiB", MiB, DEFAULT_SANDBOX_MAX_OUTPUT_BYTES, MiB, 512 * MiB),
  };
}

/**
 * Runs `source` in a fresh QuickJS instance inside a worker thread and calls its entry function
 * with (rng, faker, ...args); returns the JSON-serialisable result. The worker keeps the caller's
 * event loop (and the kernel) responsive and is terminated outright if the limits do not stop it.
 */
export async function runSandboxed(source: string, opts: SandboxOptions): Promise<unknown> {
  const { Worker } = await import("node:worker_threads");
  const { createRequire } = await import("node:module");
  const limits: SandboxLimits = {
    timeoutMs: opts.timeoutMs ?? DEFAULT_SANDBOX_TIMEOUT_MS,
    memoryBytes: opts.memoryBytes ?? DEFAULT_SANDBOX_MEMORY,
    maxRows: opts.maxRows ?? DEFAULT_SANDBOX_MAX_ROWS,
    maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_SANDBOX_MAX_OUTPUT_BYTES,
  };
  const entry = opts.entry ?? "generate";
  if (!isIdentifier(entry)) throw new SandboxError(`entry "${printableLine(entry, 100)}" is not a function name.`);
  const steps: [string, string][] = [
    [prelude(opts.seed, opts.data ?? {}), "prelude.js"],
    [source, "program.js"],
    [callScript(entry, opts.args ?? [], Math.min(opts.takeRows ?? limits.maxRows, limits.maxRows), limits.maxRows, limits.maxOutputBytes), "call.js"],
  ];
  const qjsPath = createRequire(import.meta.url).resolve("quickjs-emscripten");
  const wasmModule = await quickjsWasm(qjsPath);
  const outputMiB = Math.ceil(limits.maxOutputBytes / 1048576);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { qjsPath, steps, ...limits, overheadBytes: WASM_OVERHEAD_BYTES, messageChars: 4000, wasmModule },
    // The worker's own JS heap holds the QuickJS glue and one or two copies of the result; the
    // program's memory is the WebAssembly memory above, outside this heap.
    resourceLimits: { maxOldGenerationSizeMb: 48 + 3 * outputMiB, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    stdout: true,
    stderr: true,
  });
  const reply = await new Promise<Reply>((resolve) => {
    let started = false;
    let timer = setTimeout(() => resolve({ kind: "infra", message: `it did not start within ${STARTUP_LIMIT_MS / 1000} s` }), STARTUP_LIMIT_MS);
    worker.on("message", (m: Reply | { kind: "started" }) => {
      if (m.kind === "started") {
        started = true;
        clearTimeout(timer);
        timer = setTimeout(() => resolve({ kind: "killed" }), limits.timeoutMs + HARD_KILL_GRACE_MS);
        return;
      }
      clearTimeout(timer);
      resolve(m);
    });
    worker.once("error", (err: Error & { code?: string }) => {
      clearTimeout(timer);
      if (!started && err.code !== "ERR_WORKER_OUT_OF_MEMORY") resolve({ kind: "infra", message: err.message });
      else resolve({ kind: "error", name: err.code ?? err.name, message: err.message, memoryFull: err.code === "ERR_WORKER_OUT_OF_MEMORY" });
    });
    worker.once("exit", (code) => {
      clearTimeout(timer);
      resolve(started ? { kind: "error", message: `the sandbox worker stopped (exit code ${code})` } : { kind: "infra", message: `its worker exited (code ${code})` });
    });
  });
  await worker.terminate();
  if (reply.kind === "infra") throw new LlmError(`The llm-program sandbox could not run: ${printableLine(reply.message, 500)}. Check that quickjs-emscripten is installed.`);
  if (reply.kind !== "ok") throw new SandboxError(explain(reply, limits));
  let out: unknown;
  try {
    out = JSON.parse(reply.json) as unknown;
  } catch {
    throw new SandboxError("the program's result is not JSON-serialisable: return an array of plain row objects.");
  }
  // Checked again here, in case the sandbox's own check was somehow defeated.
  if (Array.isArray(out) && out.length > limits.maxRows) throw new SandboxError(explain({ kind: "limit", limit: "rows", amount: out.length }, limits));
  return out;
}
