/** The offline mode as a Generator: schema (given or inferred from `like`) → seeded rows. */
import type { CellValue, Frame, Schema } from "../../data/types.js";
import type { Sampler } from "../conditions/index.js";
import type { GenerateHooks, GenerateRequest, GenerateResult, Generator } from "../types.js";
import { GenerateError } from "../types.js";
import { generateOffline } from "./generator.js";
import { SchemaError } from "./schema.js";

export { generateOffline, runChecks } from "./generator.js";
export type { OfflineOptions, OfflineOutput } from "./generator.js";
export { checkOfflineSchema, SchemaError } from "./schema.js";
export type { OfflineColumn, OfflineSchema, LinkedGroup, DistributionName } from "./schema.js";
export { COFFEE_SHOP_SCHEMA, COFFEE_MENU, EXAMPLE_SCHEMAS } from "./coffee-shop.js";
export { compilePattern, PatternError } from "./pattern.js";

/** Adds a `_meta` provenance column (the same JSON text on every row). */
export function withMeta(columns: Record<string, CellValue[]>, rows: number, meta: Record<string, unknown>): void {
  const text = JSON.stringify(meta);
  columns._meta = new Array<CellValue>(rows).fill(text);
}

export function createOfflineGenerator(): Generator {
  return {
    mode: "offline",
    /** Draws more rows on demand; it holds no column exactly, so conditions are met by rejection. */
    async sampler(request: GenerateRequest): Promise<Sampler> {
      const schema: Schema | undefined = request.schema;
      if (!schema) throw new GenerateError("The offline mode needs a schema (--schema PATH or an example such as coffee-shop) or a --like table to infer one from.");
      const draw = async (rows: number, seed: number) => {
        try { return await generateOffline(schema, { rows, seed }); } catch (e) {
          if (e instanceof SchemaError) throw new GenerateError(e.message);
          throw e;
        }
      };
      const first = await draw(0, request.seed);
      const ids = first.schema.columns.filter((c) => c.kind === "id").map((c) => c.name);
      return {
        schema: first.schema,
        warnings: [...first.warnings],
        exact: new Set<string>(),
        sample: async (rows, seed) => (await draw(rows, seed)).frame,
        // Ids of rows drawn in parts would repeat: one fresh draw of the final size supplies them.
        finish: async (frame: Frame, seed: number) => {
          if (ids.length === 0) return frame;
          const fresh = (await draw(frame.rowCount, seed)).frame;
          const columns: Record<string, readonly CellValue[]> = { ...frame.columns };
          for (const c of ids) columns[c] = fresh.columns[c]!;
          return { columnNames: frame.columnNames, columns, rowCount: frame.rowCount };
        },
      };
    },
    async generate(request: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult> {
      const schema: Schema | undefined = request.schema;
      if (!schema) throw new GenerateError("The offline mode needs a schema (--schema PATH or an example such as coffee-shop) or a --like table to infer one from.");
      const started = performance.now();
      let out;
      try {
        out = await generateOffline(schema, {
          rows: request.rows,
          seed: request.seed,
          signal: hooks.signal,
          onColumn: (done, total, column) => {
            const elapsed = (performance.now() - started) / 1000;
            const rows = Math.round((request.rows * done) / total);
            hooks.onProgress({ rows, target: request.rows, rowsPerSecond: elapsed > 0 ? rows / elapsed : 0, phase: `column ${column}` });
          },
        });
      } catch (e) {
        if (e instanceof SchemaError) throw new GenerateError(e.message);
        throw e;
      }
      const elapsedMs = performance.now() - started;
      const createdAt = new Date().toISOString();
      let frame = out.frame;
      if (request.meta) {
        const columns = { ...(frame.columns as Record<string, CellValue[]>) };
        withMeta(columns, frame.rowCount, { method: "offline", seed: request.seed, runId: request.runId ?? null });
        frame = { columnNames: [...frame.columnNames, "_meta"], columns, rowCount: frame.rowCount };
      }
      return {
        frame,
        schema: out.schema,
        warnings: out.warnings,
        stats: { rows: frame.rowCount, elapsedMs, rowsPerSecond: elapsedMs > 0 ? frame.rowCount / (elapsedMs / 1000) : 0 },
        provenance: { method: "offline", seed: request.seed, createdAt, ...(request.runId ? { runId: request.runId } : {}) },
      };
    },
  };
}
