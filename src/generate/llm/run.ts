/**
 * What every LLM mode does around its own logic: read the LLM options off the request, build the
 * client, open the checkpoint under a run id derived from the parameters, report progress, and
 * assemble stats / provenance for the result.
 */
import type { CellValue, Frame, Schema } from "../../data/types.js";
import { frameToRecords, normalizeCell, type Row } from "../../data/frame.js";
import { GenerateError, type GenerateHooks, type GenerateMode, type GenerateRequest, type GenerateStats, type Provenance } from "../types.js";
import { canonicalJson, sha256, synthlabCacheDir } from "./cache.js";
import { Checkpoint } from "./checkpoint.js";
import { LlmClient, type Env } from "./client.js";
import { DEFAULT_MODEL, approxTokens, estimateCost, type CostEstimate, type Price } from "./prices.js";

export { DEFAULT_MODEL };

/** LLM settings read from `request.options` (all optional). */
export interface LlmOptions {
  apiKey?: string;
  baseURL?: string;
  env?: Env;
  /** false: no response cache; string: cache directory. */
  cache?: boolean | string;
  checkpointDir?: string;
  /** "auto" tries json_schema and falls back to schema-in-prompt if the server refuses it. */
  structuredOutput?: "auto" | "json_schema" | "prompt";
  maxRetries?: number;
  maxRateLimitRetries?: number;
  timeoutMs?: number;
  backoffBaseMs?: number;
  /** Fresh requests per failing batch (default 3). */
  maxAttempts?: number;
  /** Batch API polling interval (ms, default 10 s). */
  pollIntervalMs?: number;
  /** This endpoint's price (USD per 1M input / output tokens), over the model's registered one. */
  price?: Price;
  /** First cooldown of a failing node of a pool of endpoints (ms, default 1000). */
  cooldownMs?: number;
}

function opt<T>(o: Readonly<Record<string, unknown>>, name: string, check: (v: unknown) => v is T, what: string): T | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (!check(v)) throw new GenerateError(`Option ${name} must be ${what}, got ${JSON.stringify(v)}.`);
  return v;
}
const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;
const isBoolOrStr = (v: unknown): v is boolean | string => typeof v === "boolean" || typeof v === "string";
const isEnv = (v: unknown): v is Env => typeof v === "object" && v !== null;
const isPrice = (v: unknown): v is Price =>
  typeof v === "object" && v !== null && isNum((v as Record<string, unknown>)["input"]) && isNum((v as Record<string, unknown>)["output"]);
const isStructured = (v: unknown): v is LlmOptions["structuredOutput"] => v === "auto" || v === "json_schema" || v === "prompt";

export function readLlmOptions(request: GenerateRequest): LlmOptions {
  const o = request.options ?? {};
  const out: LlmOptions = {};
  const set = <K extends keyof LlmOptions>(k: K, v: LlmOptions[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set("apiKey", opt(o, "apiKey", isStr, "a string"));
  set("baseURL", opt(o, "baseURL", isStr, "a URL string"));
  set("env", opt(o, "env", isEnv, "an object of environment variables"));
  set("cache", opt(o, "cache", isBoolOrStr, "true, false or a directory"));
  set("checkpointDir", opt(o, "checkpointDir", isStr, "a directory"));
  set("structuredOutput", opt(o, "structuredOutput", isStructured, '"auto", "json_schema" or "prompt"'));
  set("maxRetries", opt(o, "maxRetries", isNum, "a number ≥ 0"));
  set("maxRateLimitRetries", opt(o, "maxRateLimitRetries", isNum, "a number ≥ 0"));
  set("timeoutMs", opt(o, "timeoutMs", isNum, "a number of milliseconds"));
  set("backoffBaseMs", opt(o, "backoffBaseMs", isNum, "a number of milliseconds"));
  set("maxAttempts", opt(o, "maxAttempts", isNum, "a number ≥ 1"));
  set("pollIntervalMs", opt(o, "pollIntervalMs", isNum, "a number of milliseconds"));
  set("price", opt(o, "price", isPrice, "{ input, output } in USD per 1M tokens (numbers ≥ 0)"));
  set("cooldownMs", opt(o, "cooldownMs", isNum, "a number of milliseconds"));
  return out;
}

export function checkRowCount(request: GenerateRequest, mode: string): void {
  if (!Number.isInteger(request.rows) || request.rows < 1) {
    throw new GenerateError(`${mode}: rows must be a whole number ≥ 1, got ${String(request.rows)}; pass --rows N.`);
  }
  if (request.batchSize !== undefined && (!Number.isInteger(request.batchSize) || request.batchSize < 1)) {
    throw new GenerateError(`${mode}: batchSize must be a whole number ≥ 1, got ${String(request.batchSize)}.`);
  }
}

export interface LlmRun {
  mode: GenerateMode;
  client: LlmClient;
  checkpoint: Checkpoint;
  runId: string;
  model: string;
  options: LlmOptions;
  startedAt: number;
  paramsHash: string;
  /** Reports progress with the client's live counters. */
  progress(rows: number, target: number, extra?: { invalidRows?: number; phase?: string }): void;
  stats(rows: number, extra: Partial<GenerateStats>): GenerateStats;
  provenance(promptHash?: string): Provenance;
}

/** Fingerprint of real rows for the run id (cheap: sizes, columns and a hash of the first 200 rows). */
function frameFingerprint(frame: Frame | undefined): string | undefined {
  if (!frame) return undefined;
  const head = frameToRecords(frame).slice(0, 200);
  return sha256(canonicalJson({ n: frame.rowCount, c: frame.columnNames, head }));
}

export function startRun(mode: GenerateMode, request: GenerateRequest, hooks: GenerateHooks, params: Record<string, unknown>): LlmRun {
  const options = readLlmOptions(request);
  const env = options.env ?? process.env;
  const model = request.model ?? env["SYNTHLAB_MODEL"] ?? DEFAULT_MODEL;
  const client = new LlmClient({
    model,
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
    ...(request.endpoints !== undefined ? { endpoints: request.endpoints } : {}),
    ...(options.cooldownMs !== undefined ? { cooldownMs: options.cooldownMs } : {}),
    env,
    ...(request.concurrency !== undefined ? { concurrency: request.concurrency } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.maxRateLimitRetries !== undefined ? { maxRateLimitRetries: options.maxRateLimitRetries } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.backoffBaseMs !== undefined ? { backoffBaseMs: options.backoffBaseMs } : {}),
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
    ...(request.budgetUsd !== undefined ? { budgetUsd: request.budgetUsd } : {}),
    ...(options.price ? { price: options.price } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
  });
  const paramsHash = sha256(
    canonicalJson({
      mode,
      model,
      // A pool's identity, not a node's URL: a run resumes whichever nodes the pool has now.
      baseURL: client.identity,
      rows: request.rows,
      seed: request.seed,
      description: request.description ?? "",
      schema: request.schema ?? null,
      like: frameFingerprint(request.like) ?? null,
      batchSize: request.batchSize ?? null,
      examples: request.examples ?? null,
      temperature: request.temperature ?? null,
      dedup: request.dedup ?? null,
      // Only when present, so the run ids (and checkpoints) of runs without them stay as they were.
      ...(request.conditionPlan ? { conditions: request.conditionPlan.cells.map((c) => [c.label, c.count]) } : {}),
      ...(request.constraintSet ? { rules: request.constraintSet.texts() } : {}),
      ...params,
    }),
  );
  const runId = request.runId ?? `${mode}-${paramsHash.slice(0, 16)}`;
  const checkpoint = Checkpoint.open(options.checkpointDir ?? synthlabCacheDir("checkpoints", env), runId, paramsHash);
  const startedAt = Date.now();

  const rate = (rows: number): number => {
    const s = (Date.now() - startedAt) / 1000;
    return s > 0 ? rows / s : 0;
  };
  return {
    mode,
    client,
    checkpoint,
    runId,
    model,
    options,
    startedAt,
    paramsHash,
    progress(rows, target, extra = {}) {
      const s = client.stats();
      hooks.onProgress({
        rows,
        target,
        rowsPerSecond: rate(rows),
        tokens: s.tokens.input + s.tokens.output,
        costUsd: s.costUsd,
        retries: s.retries,
        requests: s.requests,
        cacheHits: s.cacheHits,
        ...(client.nodeHealth() ? { nodes: client.nodeHealth()! } : {}),
        ...(extra.invalidRows !== undefined ? { invalidRows: extra.invalidRows } : {}),
        ...(extra.phase !== undefined ? { phase: extra.phase } : {}),
      });
    },
    stats(rows, extra) {
      const s = client.stats();
      const elapsedMs = Date.now() - startedAt;
      return {
        rows,
        elapsedMs,
        rowsPerSecond: elapsedMs > 0 ? (rows * 1000) / elapsedMs : 0,
        tokens: { ...s.tokens },
        costUsd: s.costUsd,
        requests: s.requests,
        cacheHits: s.cacheHits,
        retries: s.retries,
        ...(s.endpoints ? { endpoints: s.endpoints } : {}),
        ...extra,
        extra: { rateLimited: s.rateLimited, ...(s.endpoints ? { rerouted: s.rerouted } : {}), byModel: s.byModel, runId, checkpoint: checkpoint.file, latenciesMs: client.latenciesMs(), ...(extra.extra ?? {}) },
      };
    },
    provenance(promptHash) {
      return {
        method: mode,
        seed: request.seed,
        runId,
        model,
        ...(promptHash ? { promptHash } : {}),
        createdAt: new Date().toISOString(),
      };
    },
  };
}

/** Pre-run estimate, with a warning when it exceeds the budget. */
export function planEstimate(run: LlmRun, requests: number, promptText: string, outputTokensPerRequest: number, budgetUsd?: number, batch = false): { estimate: CostEstimate; warning?: string } {
  const estimate = estimateCost({ model: run.model, requests, inputTokensPerRequest: approxTokens(promptText), outputTokensPerRequest, batch, ...(run.options.price ? { price: run.options.price } : {}) });
  if (budgetUsd !== undefined && estimate.usd !== null && estimate.usd > budgetUsd) {
    return {
      estimate,
      warning: `Estimated cost $${estimate.usd.toFixed(4)} exceeds the budget $${budgetUsd.toFixed(4)}: the run will stop at the cap with fewer rows.`,
    };
  }
  return { estimate };
}

/** Adds the `_meta` provenance column (a JSON string per row). */
export function withMeta(rows: readonly Row[], metas: readonly Record<string, unknown>[]): Row[] {
  return rows.map((r, i) => ({ ...r, _meta: JSON.stringify(metas[i] ?? {}) }));
}

/** Rows → Frame with the schema's column order first (an empty result still has the columns). */
export function rowsToFrame(rows: readonly Row[], schema: Schema, extraColumns: readonly string[] = []): Frame {
  const names = [...schema.columns.map((c) => c.name), ...extraColumns];
  const columns: Record<string, CellValue[]> = {};
  for (const n of names) {
    const arr = new Array<CellValue>(rows.length);
    for (let i = 0; i < rows.length; i++) arr[i] = normalizeCell(rows[i]![n]);
    columns[n] = arr;
  }
  return { columnNames: names, columns, rowCount: rows.length };
}
