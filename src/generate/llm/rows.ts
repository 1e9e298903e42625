/**
 * llm-rows: the model writes table rows in batches. Zero-shot from schema + description, or
 * few-shot with real rows sampled from `like`. Structured output (json_schema) where the server
 * supports it, else the schema in the prompt and JSON extracted from the reply. Every row is
 * coerced and validated against the schema; derived columns are computed, never trusted.
 */
import { frameToRecords, type Row } from "../../data/frame.js";
import { createRng } from "../../data/random.js";
import { coerceRow, inferSchema } from "../../data/schema.js";
import type { CellValue, Frame, Schema } from "../../data/types.js";
import { compileExpression, evaluateRecord } from "../expression.js";
import { GenerateError, type GenerateHooks, type GenerateRequest, type GenerateResult } from "../types.js";
import { canonicalJson, sha256 } from "./cache.js";
import type { ChatRequest } from "./client.js";
import { createRowDeduper, dedupMode } from "../dedup.js";
import { runEngine, type BatchContext, type ParsedBatch } from "./engine.js";
import { extractList } from "./extract.js";
import { describeColumn, generatedColumns, listJsonSchema, rowJsonSchema } from "./jsonschema.js";
import { prefetchWithBatchApi } from "./batch.js";
import { checkRowCount, planEstimate, rowsToFrame, startRun, withMeta } from "./run.js";
import { approxTokens } from "./prices.js";

export const DEFAULT_BATCH_SIZE = 20;

/** The schema block for prompts (the same JSON Schema that structured output would enforce). */
export function schemaBlock(schema: Record<string, unknown>): string {
  return `JSON Schema:\n\`\`\`json\n${JSON.stringify(schema, null, 1)}\n\`\`\``;
}

export function examplesBlock(rows: readonly Row[]): string {
  return `Examples of real rows (JSON lines; do not copy them, write new rows with the same style and distributions):\n\`\`\`jsonl\n${rows.map((r) => JSON.stringify(r)).join("\n")}\n\`\`\``;
}

/** Counter-examples shown at most per prompt: enough to show a pattern, few enough to keep the prompt small. */
export const MAX_AVOID_ROWS = 20;

/**
 * The prompt block of rows a reviewer rejected ("do not produce rows like these"), or undefined
 * when there are none. Only the generated columns are shown; provenance (`_meta`) never is.
 */
export function avoidBlock(avoid: Frame | undefined, columns?: readonly string[]): string | undefined {
  if (!avoid || avoid.rowCount === 0) return undefined;
  const cols = (columns ?? avoid.columnNames).filter((c) => !c.startsWith("_") && avoid.columnNames.includes(c));
  const n = Math.min(avoid.rowCount, MAX_AVOID_ROWS);
  const rows = Array.from({ length: n }, (_, i) => JSON.stringify(Object.fromEntries(cols.map((c) => [c, avoid.columns[c]![i] ?? null]))));
  return `Rejected by a human reviewer — do not produce rows like these (JSON lines; avoid their mistakes, content and style):\n\`\`\`jsonl\n${rows.join("\n")}\n\`\`\``;
}

/** Coerces, validates and completes (derived columns) each item; collects one message per bad row. */
export function parseRows(content: string, schema: Schema, listKey = "rows"): ParsedBatch {
  const list = extractList(content, listKey);
  if (!list) return { rows: [], errors: [`the answer is not JSON with a "${listKey}" array`], invalid: 0 };
  return validateItems(list, schema);
}

/** Validates items already parsed (from a reply or a generator program). */
export function validateItems(list: readonly unknown[], schema: Schema): ParsedBatch {
  const gen = generatedColumns(schema);
  const derived = schema.columns.filter((c) => c.expression).map((c) => ({ name: c.name, expr: compileExpression(c.expression!) }));
  const rows: Row[] = [];
  const errors: string[] = [];
  let invalid = 0;
  list.forEach((item, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      invalid += 1;
      errors.push(`row ${i + 1}: expected an object, got ${Array.isArray(item) ? "an array" : typeof item}`);
      return;
    }
    // Keep only schema columns: models sometimes add an id or a comment field.
    const rec: Record<string, unknown> = {};
    for (const c of gen) rec[c.name] = (item as Record<string, unknown>)[c.name];
    // Cells are single values. A nested array or object (possibly thousands of levels deep, which
    // would overflow the stack of anything that prints it) is refused without being looked into.
    const nested = gen.find((c) => typeof rec[c.name] === "object" && rec[c.name] !== null);
    if (nested) {
      invalid += 1;
      errors.push(`row ${i + 1}: ${nested.name} must be a single value, got ${Array.isArray(rec[nested.name]) ? "an array" : "an object"}`);
      return;
    }
    const { row, issues } = coerceRow(rec, schema, { extraColumns: false });
    if (issues.length) {
      invalid += 1;
      errors.push(`row ${i + 1}: ${issues.map((x) => x.message).join("; ")}`);
      return;
    }
    const out: Record<string, CellValue> = {};
    for (const c of schema.columns) out[c.name] = row[c.name] ?? null;
    for (const d of derived) {
      const v = evaluateRecord(d.expr, out);
      out[d.name] = typeof v === "number" && !Number.isFinite(v) ? null : v;
    }
    rows.push(out);
  });
  return { rows, errors, invalid };
}

/** How llm-rows builds its requests: shared by the run and by the pre-run estimate. */
export interface RowsPlan {
  schema: Schema;
  real: Row[];
  batchSize: number;
  fullSchema: Record<string, unknown>;
  /** Structured output on (json_schema) or off (schema in the prompt); may flip to off mid-run. */
  structured: boolean;
  buildRequest(ctx: BatchContext, attempt: number): ChatRequest;
  /** Expected output tokens per request. */
  outputTokensPerRequest: number;
}

export function planRows(request: GenerateRequest, structuredSetting: "auto" | "json_schema" | "prompt"): RowsPlan {
  if (!request.schema && !request.like) {
    throw new GenerateError("llm-rows needs a schema or real rows to imitate: pass --schema or --like.");
  }
  const schema: Schema = request.schema ?? inferSchema(request.like!);
  const real = request.like ? frameToRecords(request.like) : [];
  const nExamples = Math.min(real.length, request.examples ?? (real.length ? 5 : 0));
  const batchSize = request.batchSize ?? DEFAULT_BATCH_SIZE;
  const fullSchema = listJsonSchema(rowJsonSchema(schema), "rows");
  const gen = generatedColumns(schema);
  const names = gen.map((c) => c.name);
  const system =
    "You generate realistic synthetic tabular data for machine-learning training sets. " +
    "Follow the column constraints exactly, vary the rows, and answer with JSON only.";
  const columnsText = gen.map((c) => `- ${c.name}: ${describeColumn(c)}`).join("\n");
  const avoid = avoidBlock(request.avoid, names);
  const perRow = real.length ? approxTokens(JSON.stringify(projectRow(real[0]!, names))) + 2 : gen.length * 8;
  const plan: RowsPlan = {
    schema,
    real,
    batchSize,
    fullSchema,
    structured: structuredSetting !== "prompt",
    outputTokensPerRequest: perRow * batchSize,
    buildRequest(ctx, attempt) {
      const rng = createRng(ctx.seed);
      const examples = nExamples ? rng.shuffle([...real.keys()]).slice(0, nExamples).map((i) => projectRow(real[i]!, names)) : [];
      const parts = [
        request.description ? `Data: ${request.description.trim()}` : "Data: rows for the table described below.",
        `Columns:\n${columnsText}`,
      ];
      if (examples.length) parts.push(examplesBlock(examples));
      if (avoid) parts.push(avoid);
      if (!plan.structured) parts.push(`Reply with JSON matching this ${schemaBlock(fullSchema)}`);
      parts.push(`Return exactly ${ctx.size} rows as {"rows": [...]}. This is batch ${ctx.index + 1}: make these rows different from other batches.`);
      const req: ChatRequest = {
        messages: [{ role: "system", content: system }, { role: "user", content: parts.join("\n\n") }],
        temperature: request.temperature ?? 1,
        seed: (ctx.seed + attempt) % 2_147_483_647,
      };
      if (plan.structured) req.jsonSchema = { name: "rows", schema: fullSchema };
      return req;
    },
  };
  return plan;
}

/** Prompt text of a request as billed (messages plus the response schema). */
export function promptText(req: ChatRequest): string {
  return req.messages.map((m) => m.content).join("\n") + (req.jsonSchema ? JSON.stringify(req.jsonSchema.schema) : "");
}

export async function generateLlmRows(request: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult> {
  checkRowCount(request, "llm-rows");
  const run = startRun("llm-rows", request, hooks, { kind: "rows" });
  const structuredSetting = run.options.structuredOutput ?? "auto";
  const plan = planRows(request, structuredSetting);
  const { schema, real, batchSize, buildRequest } = plan;

  // Estimate before the run: one request per batch, output ≈ rows × tokens per row.
  const sample = buildRequest({ stream: "", index: 0, size: batchSize, seed: request.seed }, 0);
  const { estimate, warning } = planEstimate(
    run,
    Math.ceil(request.rows / batchSize),
    promptText(sample),
    plan.outputTokensPerRequest,
    request.budgetUsd,
    request.batchApi ?? false,
  );
  const warnings: string[] = [...run.client.warnings];
  if (warning) warnings.push(warning);
  run.progress(0, request.rows, { phase: estimate.usd === null ? `estimate: ~${estimate.requests} requests` : `estimate: ~${estimate.requests} requests, ~$${estimate.usd.toFixed(4)}` });

  const mode = dedupMode(request.dedup);
  const names = schema.columns.map((c) => c.name);
  let copiesOfReal = 0;
  const engineOpts = {
    client: run.client,
    checkpoint: run.checkpoint,
    streams: [{ id: "", target: request.rows }],
    batchSize,
    seed: request.seed,
    buildRequest,
    parse: (content: string) => parseRows(content, schema),
    deduper: () => {
      const d = createRowDeduper(names, { mode, real });
      return {
        push: (rows: readonly Row[]) => d.push(rows),
        outcome: () => {
          const o = d.outcome();
          copiesOfReal = o.copiesOfReal;
          return o;
        },
      };
    },
    fallbackToPrompt: () => {
      if (structuredSetting !== "auto") return false;
      if (plan.structured) warnings.push("The server does not support structured output (json_schema): the schema now goes in the prompt and JSON is extracted from the reply.");
      plan.structured = false;
      return true;
    },
    ...(run.options.maxAttempts !== undefined ? { maxAttempts: run.options.maxAttempts } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onBatch: (_b: unknown, p: { rows: number; target: number; invalidRows: number }) => run.progress(p.rows, p.target, { invalidRows: p.invalidRows }),
  };
  if (request.batchApi) {
    await prefetchWithBatchApi(run, engineOpts.streams, batchSize, request.seed, buildRequest, hooks);
  }
  const result = await runEngine(engineOpts);
  warnings.push(...result.warnings);
  const stream = result.streams.get("")!;
  let rows = stream.rows;
  let extraCols: string[] = [];
  if (request.meta) {
    rows = withMeta(rows, stream.batches.map((b) => ({ method: "llm-rows", model: run.model, promptHash: b.promptHash, seed: b.seed, runId: run.runId })));
    extraCols = ["_meta"];
  }
  run.progress(rows.length, request.rows, { invalidRows: result.invalidRows, phase: "done" });
  return {
    frame: rowsToFrame(rows, schema, extraCols),
    schema,
    stats: run.stats(rows.length, {
      invalidRows: result.invalidRows,
      duplicatesRemoved: result.duplicatesRemoved,
      extra: { estimate, failedBatches: result.failedBatches, copiesOfRealRemoved: copiesOfReal, stoppedByBudget: result.stoppedByBudget, structuredOutput: plan.structured },
    }),
    warnings,
    provenance: run.provenance(sha256(canonicalJson(sample.messages)).slice(0, 16)),
  };
}

function projectRow(row: Row, names: readonly string[]): Row {
  const out: Row = {};
  for (const n of names) out[n] = row[n] ?? null;
  return out;
}
