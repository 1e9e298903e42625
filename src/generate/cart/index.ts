/** The cart mode as a Generator: fit sequential trees on `like`, draw seeded rows; optional dedup against the real rows. */
import type { CellValue, Frame } from "../../data/types.js";
import { dedupMode, dedupTopUp } from "../dedup.js";
import type { GenerateHooks, GenerateRequest, GenerateResult, Generator } from "../types.js";
import { GenerateError } from "../types.js";
import { withMeta } from "../offline/index.js";
import { CartError, fitCart, sampleCart, type CartModel } from "./cart.js";
import type { Sampler } from "../types.js";
import { fillIds } from "../copula/copula.js";

export { fitCart, sampleCart, CartError, SMOOTHINGS } from "./cart.js";
export type { CartModel, CartOptions, Smoothing } from "./cart.js";

/** The cart options of a request, with `order` starting with the held columns. */
function fitFor(like: Frame, request: GenerateRequest, held: readonly string[] = []): CartModel {
  const order = held.length ? [...held, ...(request.order ?? ["*"]).filter((c) => !held.includes(c))] : request.order;
  try {
    return fitCart(like, {
      ...(request.schema ? { schema: request.schema } : {}),
      ...(request.minLeaf !== undefined ? { minLeaf: request.minLeaf } : {}),
      ...(request.smoothing !== undefined ? { smoothing: request.smoothing } : {}),
      ...(order !== undefined ? { order } : {}),
    });
  } catch (e) {
    if (e instanceof CartError) throw new GenerateError(e.message);
    throw e;
  }
}

export function createCartGenerator(): Generator {
  return {
    mode: "cart",
    /**
     * For conditions and constraints (src/generate/conditions/): sequential, so a held column is
     * drawn first: the trees are grown again with the held columns at the head of the visit
     * order (once per set of held columns), and every later column comes from the leaves their
     * values lead to. Exact for every categorical and numeric column.
     */
    async sampler(request: GenerateRequest, hooks: GenerateHooks): Promise<Sampler> {
      const like = request.like;
      if (!like) throw new GenerateError("The cart mode fits real data: pass --like VAR (a DataFrame in the notebook) or --like real.csv.");
      hooks.onProgress({ rows: 0, target: request.rows, rowsPerSecond: 0, phase: "growing trees" });
      const plain = fitFor(like, request);
      const byHeld = new Map<string, CartModel>();
      const exact = new Set(plain.columns.filter((c) => c.type === "categorical" || c.type === "numeric").map((c) => c.name));
      return {
        schema: request.schema ?? { columns: [] },
        warnings: [...plain.warnings],
        exact,
        sample: (rows, seed, fixed) => {
          const held = Object.keys(fixed ?? {});
          let model = plain;
          if (held.length) {
            const key = JSON.stringify([...held].sort());
            model = byHeld.get(key) ?? byHeld.set(key, fitFor(like, request, held)).get(key)!;
          }
          try { return sampleCart(model, rows, seed, fixed ?? {}); } catch (e) {
            if (e instanceof CartError) throw new GenerateError(e.message);
            throw e;
          }
        },
        // Ids of rows drawn in parts would repeat: new ones for the assembled table.
        finish: (frame, seed) => {
          const ids = plain.columns.filter((c): c is Extract<CartModel["columns"][number], { type: "id" }> => c.type === "id");
          if (ids.length === 0) return frame;
          const columns: Record<string, readonly CellValue[]> = { ...frame.columns };
          for (const col of ids) { const v = new Array<CellValue>(frame.rowCount); fillIds(v, col, seed); columns[col.name] = v; }
          return { columnNames: frame.columnNames, columns, rowCount: frame.rowCount };
        },
      };
    },
    async generate(request: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult> {
      const like = request.like;
      if (!like) throw new GenerateError("The cart mode fits real data: pass --like VAR (a DataFrame in the notebook) or --like real.csv.");
      const started = performance.now();
      hooks.onProgress({ rows: 0, target: request.rows, rowsPerSecond: 0, phase: "growing trees" });
      let model: CartModel;
      try {
        model = fitCart(like, {
          ...(request.schema ? { schema: request.schema } : {}),
          ...(request.minLeaf !== undefined ? { minLeaf: request.minLeaf } : {}),
          ...(request.smoothing !== undefined ? { smoothing: request.smoothing } : {}),
          ...(request.order !== undefined ? { order: request.order } : {}),
        });
      } catch (e) {
        if (e instanceof CartError) throw new GenerateError(e.message);
        throw e;
      }
      const warnings = [...model.warnings];
      let frame: Frame = sampleCart(model, request.rows, request.seed);
      let removed = 0;
      const dedup = dedupMode(request.dedup, "none");
      if (dedup !== "none") {
        // Drop rows that copy a real row (or each other), then top up with fresh draws a few times.
        const draw = (n: number, round: number): Frame => sampleCart(model, n, request.seed + round * 7919);
        ({ frame, removed } = dedupTopUp(frame, like, dedup, request.rows, draw, hooks.signal));
        if (frame.rowCount < request.rows) warnings.push(`Only ${frame.rowCount} of ${request.rows} rows are distinct from the real rows and each other; a larger minLeaf or smoothing "density" makes fewer copies.`);
      }
      if (request.meta) {
        const columns = { ...(frame.columns as Record<string, CellValue[]>) };
        withMeta(columns, frame.rowCount, { method: "cart", seed: request.seed, runId: request.runId ?? null });
        frame = { columnNames: [...frame.columnNames, "_meta"], columns, rowCount: frame.rowCount };
      }
      const elapsedMs = performance.now() - started;
      const rowsPerSecond = frame.rowCount / Math.max(elapsedMs / 1000, 1e-9);
      hooks.onProgress({ rows: frame.rowCount, target: request.rows, rowsPerSecond });
      return {
        frame,
        schema: request.schema ?? { columns: [] },
        warnings,
        stats: { rows: frame.rowCount, elapsedMs, rowsPerSecond, ...(dedup !== "none" ? { duplicatesRemoved: removed } : {}) },
        provenance: { method: "cart", seed: request.seed, createdAt: new Date().toISOString(), ...(request.runId ? { runId: request.runId } : {}) },
      };
    },
  };
}
