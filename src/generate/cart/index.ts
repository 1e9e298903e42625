/** The cart mode as a Generator: fit sequential trees on `like`, draw seeded rows; optional dedup against the real rows. */
import type { CellValue, Frame } from "../../data/types.js";
import { dedupMode, dedupTopUp } from "../dedup.js";
import type { GenerateHooks, GenerateRequest, GenerateResult, Generator } from "../types.js";
import { GenerateError } from "../types.js";
import { withMeta } from "../offline/index.js";
import { CartError, fitCart, sampleCart, type CartModel } from "./cart.js";

export { fitCart, sampleCart, CartError, SMOOTHINGS } from "./cart.js";
export type { CartModel, CartOptions, Smoothing } from "./cart.js";

export function createCartGenerator(): Generator {
  return {
    mode: "cart",
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
