/** The copula mode as a Generator: fit on `like`, sample seeded rows; optional dedup against the real rows. */
import type { CellValue, Frame } from "../../data/types.js";
import { dedupMode, dedupTopUp } from "../dedup.js";
import type { GenerateHooks, GenerateRequest, GenerateResult, Generator } from "../types.js";
import { GenerateError } from "../types.js";
import { CopulaError, fitCopula, sampleCopula, type CopulaModel } from "./copula.js";
import { withMeta } from "../offline/index.js";

export { fitCopula, sampleCopula, CopulaError } from "./copula.js";
export type { CopulaModel } from "./copula.js";
export { normalCdf, normalQuantile, cholesky, repairCorrelation } from "./normal.js";

export function createCopulaGenerator(): Generator {
  return {
    mode: "copula",
    async generate(request: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult> {
      const like = request.like;
      if (!like) throw new GenerateError("The copula mode fits real data: pass --like VAR (a DataFrame in the notebook) or --like real.csv.");
      const started = performance.now();
      const warnings: string[] = [];
      hooks.onProgress({ rows: 0, target: request.rows, rowsPerSecond: 0, phase: "fitting copula" });
      let model: CopulaModel;
      try { model = fitCopula(like, { schema: request.schema, seed: request.seed }); } catch (e) {
        if (e instanceof CopulaError) throw new GenerateError(e.message);
        throw e;
      }
      warnings.push(...model.warnings);
      let frame: Frame = sampleCopula(model, request.rows, request.seed);
      let removed = 0;
      const dedup = dedupMode(request.dedup, "none");
      if (dedup !== "none") {
        // Drop rows that copy a real row (or each other), then top up with fresh draws a few times.
        const draw = (n: number, round: number): Frame => sampleCopula(model, n, request.seed + round * 7919);
        ({ frame, removed } = dedupTopUp(frame, like, dedup, request.rows, draw, hooks.signal));
        if (frame.rowCount < request.rows) warnings.push(`Only ${frame.rowCount} of ${request.rows} rows are distinct from the real rows and each other.`);
      }
      if (request.meta) {
        const columns = { ...(frame.columns as Record<string, CellValue[]>) };
        withMeta(columns, frame.rowCount, { method: "copula", seed: request.seed, runId: request.runId ?? null });
        frame = { columnNames: [...frame.columnNames, "_meta"], columns, rowCount: frame.rowCount };
      }
      const elapsedMs = performance.now() - started;
      hooks.onProgress({ rows: frame.rowCount, target: request.rows, rowsPerSecond: frame.rowCount / Math.max(elapsedMs / 1000, 1e-9) });
      return {
        frame,
        schema: request.schema ?? { columns: [] },
        warnings,
        stats: {
          rows: frame.rowCount, elapsedMs, rowsPerSecond: frame.rowCount / Math.max(elapsedMs / 1000, 1e-9),
          ...(dedup !== "none" ? { duplicatesRemoved: removed } : {}),
        },
        provenance: { method: "copula", seed: request.seed, createdAt: new Date().toISOString(), ...(request.runId ? { runId: request.runId } : {}) },
      };
    },
  };
}
