/**
 * Gower distance and exact nearest-neighbour search, shared by DCR and membership inference.
 *
 * Gower distance between two rows = mean over columns of a per-column term in [0, 1]:
 * numeric/datetime `min(1, |Δ| / range_real)`; categorical 0 if equal else 1; missing vs value
 * 1; missing vs missing 0. Encoding turns every column into one float per row so the term is
 * always `min(1, |a − b|)`: numbers become (x − min) / range, categories become integer codes
 * (distinct codes differ by ≥ 1), missing becomes 1e30 (far from everything but itself).
 * The all-pairs minimum then runs in a 128-bit SIMD WebAssembly kernel (4 rows per
 * instruction), split over worker threads.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { Frame } from "../../data/types.js";
import type { EvalKind } from "../types.js";
import { categoryOf, isNumericKind, toNumeric } from "../internal/columns.js";
import { GOWER_WASM_BASE64 } from "./wasm/gowerWasm.js";

const MISSING = 1e30;
const CLAMP = 1e20;

export interface GowerEncoder {
  columns: string[];
  /** Row-major rows × columns, scaled so each Gower term is min(1, |a − b|). */
  encode(frame: Frame): Float32Array;
}

/** Fits the encoding on the real training table (numeric ranges, category codes). */
export function createGowerEncoder(train: Frame, columns: readonly string[], kinds: Readonly<Record<string, EvalKind>>): GowerEncoder {
  const plans = columns.map((name) => {
    const kind = kinds[name] ?? "categorical";
    if (isNumericKind(kind)) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of toNumeric(train.columns[name] ?? [], kind).values) {
        if (Number.isNaN(v)) continue;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const range = max - min;
      // A constant real column: any difference is the whole range (term 1), equality is 0.
      const scale = range > 0 ? 1 / range : CLAMP;
      return { name, kind, min: Number.isFinite(min) ? min : 0, scale, codes: null as Map<string, number> | null };
    }
    return { name, kind, min: 0, scale: 1, codes: new Map<string, number>() };
  });
  return {
    columns: [...columns],
    encode(frame: Frame): Float32Array {
      const C = plans.length;
      const out = new Float32Array(frame.rowCount * C);
      plans.forEach((p, c) => {
        const col = frame.columns[p.name] ?? [];
        if (p.codes) {
          for (let i = 0; i < frame.rowCount; i++) {
            const k = categoryOf(col[i] ?? null);
            if (k === null) { out[i * C + c] = MISSING; continue; }
            let code = p.codes.get(k);
            if (code === undefined) { code = p.codes.size; p.codes.set(k, code); }
            out[i * C + c] = code;
          }
        } else {
          const vals = toNumeric(col, p.kind).values;
          for (let i = 0; i < frame.rowCount; i++) {
            const v = vals[i]!;
            out[i * C + c] = Number.isNaN(v) ? MISSING : Math.max(-CLAMP, Math.min(CLAMP, (v - p.min) * p.scale));
          }
        }
      });
      return out;
    },
  };
}

/** Gower distance of two encoded rows (reference implementation, used for small inputs and tests). */
export function gowerDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let c = 0; c < a.length; c++) s += Math.min(1, Math.abs(a[c]! - b[c]!));
  return s / a.length;
}

export interface NearestResult {
  /** For each query row: Gower distance to its nearest reference row. */
  queryMin: Float32Array;
  /** For each reference row: Gower distance to its nearest query row. */
  referenceMin: Float32Array;
}

// The kernel run, as plain JS so the same text runs on the main thread and in workers.
const KERNEL_SOURCE = String.raw`
function runNearest(wasmBytes, q, nq, r, nr, C) {
  const ns = Math.ceil(nr / 16);
  const qBytes = nq * C * 16, rBytes = ns * C * 64, rowBytes = nq * 4, colBytes = ns * 64;
  const need = qBytes + rBytes + rowBytes + colBytes;
  const mod = new WebAssembly.Module(wasmBytes);
  const inst = new WebAssembly.Instance(mod, {});
  const mem = inst.exports.memory;
  const pages = Math.ceil(need / 65536) + 1;
  if (pages > mem.buffer.byteLength / 65536) mem.grow(pages - mem.buffer.byteLength / 65536);
  const f = new Float32Array(mem.buffer);
  const qOff = 0, rOff = qBytes, rowOff = qBytes + rBytes, colOff = rowOff + rowBytes;
  for (let i = 0; i < nq; i++) for (let c = 0; c < C; c++) {
    const v = q[i * C + c], o = (qOff >> 2) + (i * C + c) * 4;
    f[o] = v; f[o + 1] = v; f[o + 2] = v; f[o + 3] = v;
  }
  // Reference row j = 16 * s + 4 * k + lane sits at float (s * C + c) * 16 + k * 4 + lane.
  for (let s = 0; s < ns; s++) for (let c = 0; c < C; c++) for (let t = 0; t < 16; t++) {
    const j = s * 16 + t;
    f[(rOff >> 2) + (s * C + c) * 16 + t] = j < nr ? r[j * C + c] : 3e38;
  }
  f.fill(3e38, colOff >> 2, (colOff >> 2) + ns * 16);
  inst.exports.nearest(qOff, nq, rOff, ns, C, rowOff, colOff);
  const rowMin = new Float32Array(nq), colMin = new Float32Array(nr);
  for (let i = 0; i < nq; i++) rowMin[i] = f[(rowOff >> 2) + i] / C;
  for (let j = 0; j < nr; j++) colMin[j] = f[(colOff >> 2) + j] / C;
  return { rowMin, colMin };
}
`;

const WORKER_SOURCE = `${KERNEL_SOURCE}
const { parentPort, workerData } = require("node:worker_threads");
const d = workerData;
const res = runNearest(d.wasm, d.q, d.nq, d.r, d.nr, d.C);
parentPort.postMessage(res, [res.rowMin.buffer, res.colMin.buffer]);
`;

type KernelFn = (wasm: Uint8Array, q: Float32Array, nq: number, r: Float32Array, nr: number, C: number) => { rowMin: Float32Array; colMin: Float32Array };
let kernel: KernelFn | null = null;
let wasmBytes: Uint8Array | null = null;

function localKernel(): KernelFn {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- our own constant source, shared with workers
  kernel ??= new Function(`${KERNEL_SOURCE}; return runNearest;`)() as KernelFn;
  return kernel;
}

function wasm(): Uint8Array {
  wasmBytes ??= new Uint8Array(Buffer.from(GOWER_WASM_BASE64, "base64"));
  return wasmBytes;
}

/** Below this many pairs the main thread is faster than starting workers. */
const WORKER_MIN_PAIRS = 4_000_000;

/**
 * Exact nearest-neighbour Gower distances between every query row and every reference row
 * (both encoded by the same encoder, `columns` values per row). Splits the queries over
 * `threads` workers (default: all cores) when the job is large.
 */
export async function nearestNeighbors(
  queries: Float32Array, references: Float32Array, columns: number, opts: { threads?: number } = {},
): Promise<NearestResult> {
  const C = columns;
  const nq = queries.length / C;
  const nr = references.length / C;
  if (nq === 0 || nr === 0 || C === 0) {
    return { queryMin: new Float32Array(nq).fill(Number.NaN), referenceMin: new Float32Array(nr).fill(Number.NaN) };
  }
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), Math.ceil(nq / 256)));
  if (threads === 1 || nq * nr < WORKER_MIN_PAIRS) {
    // Chunk the queries so wasm memory stays small for very large inputs.
    const queryMin = new Float32Array(nq);
    const referenceMin = new Float32Array(nr).fill(Infinity);
    const chunk = 16_384;
    for (let s = 0; s < nq; s += chunk) {
      const e = Math.min(nq, s + chunk);
      const res = localKernel()(wasm(), queries.subarray(s * C, e * C), e - s, references, nr, C);
      queryMin.set(res.rowMin, s);
      for (let j = 0; j < nr; j++) if (res.colMin[j]! < referenceMin[j]!) referenceMin[j] = res.colMin[j]!;
    }
    return { queryMin, referenceMin };
  }
  const per = Math.ceil(nq / threads);
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const s = t * per;
      const e = Math.min(nq, s + per);
      return new Promise<{ rowMin: Float32Array; colMin: Float32Array; start: number }>((resolve, reject) => {
        const w = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { wasm: wasm(), q: queries.slice(s * C, e * C), nq: e - s, r: references, nr, C },
        });
        w.once("message", (m: { rowMin: Float32Array; colMin: Float32Array }) => { resolve({ ...m, start: s }); void w.terminate(); });
        w.once("error", reject);
      });
    }),
  );
  const queryMin = new Float32Array(nq);
  const referenceMin = new Float32Array(nr).fill(Infinity);
  for (const p of parts) {
    queryMin.set(p.rowMin, p.start);
    for (let j = 0; j < nr; j++) if (p.colMin[j]! < referenceMin[j]!) referenceMin[j] = p.colMin[j]!;
  }
  return { queryMin, referenceMin };
}
