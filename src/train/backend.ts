/**
 * TF.js loading and backend choice: tfjs-node (native TensorFlow) when a real one is installed,
 * else the WebAssembly backend, else the pure-JS "cpu" backend.
 *
 * TF.js takes ~1 s to load, so it is imported lazily on first use; importing "synthlab" stays fast.
 * Everything goes through the CommonJS builds via `createRequire`, so the tfjs-core instance that
 * @tensorflow/tfjs uses is the very one the wasm backend registers with (one engine, one registry).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export type TF = typeof import("@tensorflow/tfjs");
export type BackendName = "tensorflow" | "wasm" | "cpu";

export interface BackendInfo {
  /** The backend TF.js runs on now. */
  name: BackendName;
  /** wasm only: SIMD instructions and threads in use. */
  simd?: boolean;
  threads?: number;
  /** Why a faster backend was not used (one line per backend skipped). */
  notes: string[];
}

const require = createRequire(import.meta.url);
let tfModule: TF | undefined;
let selected: Promise<BackendInfo> | undefined;

/** The TF.js module (loaded once). Call `selectBackend()` (or `loadTf()`) before training. */
export function tfjs(): TF {
  if (!tfModule) tfModule = require("@tensorflow/tfjs") as TF;
  return tfModule;
}

const BACKENDS: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

function wanted(): BackendName | undefined {
  const env = process.env.SYNTHLAB_TF_BACKEND?.trim().toLowerCase();
  if (!env) return undefined;
  if (!(BACKENDS as readonly string[]).includes(env)) {
    throw new Error(`SYNTHLAB_TF_BACKEND="${env}" is not a TF.js backend: use one of ${BACKENDS.join(", ")} (or unset it).`);
  }
  return env as BackendName;
}

/** True when requiring tfjs-node registered the native "tensorflow" backend (the npm alias here registers nothing). */
function tryNative(tf: TF, notes: string[]): boolean {
  try {
    require("@tensorflow/tfjs-node");
  } catch (e) {
    notes.push(`tensorflow: @tensorflow/tfjs-node is not installed (${(e as Error).message.split("\n")[0]})`);
    return false;
  }
  if (tf.findBackendFactory("tensorflow") === null) {
    notes.push("tensorflow: @tensorflow/tfjs-node resolves to a pure-JS alias, no native backend registered");
    return false;
  }
  return true;
}

async function tryWasm(tf: TF, notes: string[]): Promise<boolean> {
  try {
    const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    // The .wasm binaries ship in the package's dist folder; Node loads them from a file path.
    const dist = join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/";
    wasm.setWasmPaths(dist);
    return await tf.setBackend("wasm");
  } catch (e) {
    notes.push(`wasm: ${(e as Error).message.split("\n")[0]}`);
    return false;
  }
}

async function choose(prefer: BackendName | undefined): Promise<BackendInfo> {
  const tf = tfjs();
  const notes: string[] = [];
  const order = prefer ? [prefer, ...BACKENDS.filter((b) => b !== prefer)] : BACKENDS;
  for (const name of order) {
    let ok = false;
    if (name === "tensorflow") ok = tryNative(tf, notes) && (await tf.setBackend("tensorflow"));
    else if (name === "wasm") ok = await tryWasm(tf, notes);
    else ok = await silentCpu(tf);
    if (!ok) continue;
    await tf.ready();
    const info: BackendInfo = { name, notes };
    if (name === "wasm") {
      info.simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
      const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
      info.threads = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT") ? wasm.getThreadsCount() : 1;
    }
    return info;
  }
  throw new Error("No TF.js backend could be started (tried tensorflow, wasm, cpu): reinstall @tensorflow/tfjs.");
}

/** The cpu backend prints a "install tfjs-node" banner once; we already report the backend ourselves. */
async function silentCpu(tf: TF): Promise<boolean> {
  const warn = console.warn;
  const log = console.log;
  console.warn = () => undefined;
  console.log = () => undefined;
  try {
    const ok = await tf.setBackend("cpu");
    if (ok) tf.tensor1d([0]).dispose(); // the banner is printed when the backend is first used
    return ok;
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

/**
 * Picks the fastest available backend once per process (tensorflow → wasm → cpu) and returns it.
 * `prefer` (or env SYNTHLAB_TF_BACKEND) tries one backend first; passing a different `prefer`
 * later switches backend (used by the benchmark to compare them).
 */
export async function selectBackend(prefer?: BackendName): Promise<BackendInfo> {
  const want = prefer ?? wanted();
  if (selected && want) {
    const current = await selected;
    if (current.name !== want) selected = undefined;
  }
  if (!selected) {
    selected = choose(want);
    selected.catch(() => { selected = undefined; });
  }
  return selected;
}

/** Loads TF.js with the selected backend. */
export async function loadTf(): Promise<{ tf: TF; backend: BackendInfo }> {
  const backend = await selectBackend();
  return { tf: tfjs(), backend };
}

/** One line for logs: "TF.js backend: wasm (SIMD, 1 thread)". */
export function describeBackend(info: BackendInfo): string {
  if (info.name !== "wasm") return `TF.js backend: ${info.name}`;
  const simd = info.simd ? "SIMD" : "no SIMD";
  const threads = `${info.threads ?? 1} thread${(info.threads ?? 1) === 1 ? "" : "s"}`;
  return `TF.js backend: wasm (${simd}, ${threads})`;
}
