/**
 * The one Generator interface. Every generation mode (offline, copula, llm-rows, llm-program,
 * text) implements it; `generate()` in ./index.ts picks one and wraps its result.
 * Kept free of runtime imports so LLM code and the offline engine can share it cheaply.
 */
import type { Frame, Schema } from "../data/types.js";
import { InputError } from "../errors.js";

export type GenerateMode = "offline" | "copula" | "llm-rows" | "llm-program" | "text";

export const GENERATE_MODES: readonly GenerateMode[] = ["offline", "copula", "llm-rows", "llm-program", "text"];

/** Text-mode task kinds (DESIGN.md section 6). */
export type TextTask = "classification" | "ner" | "dialogue" | "summary";

export interface GenerateRequest {
  /** Number of rows wanted. */
  rows: number;
  /** Column schema; inferred from `like` when absent. */
  schema?: Schema;
  /** Real rows to imitate (copula fits on them; LLM modes sample few-shot examples). */
  like?: Frame;
  /** Free-text description of the data (the %%generate cell body). */
  description?: string;
  /** Seed for every random choice; same seed + same inputs → same rows (offline, copula). */
  seed: number;

  // ---- LLM modes (llm-rows, llm-program, text); ignored by offline/copula ----
  model?: string;
  /** Stop cleanly once this many US dollars have been spent. */
  budgetUsd?: number;
  concurrency?: number;
  /** Rows per request (llm-rows). */
  batchSize?: number;
  /** Add a `_meta` provenance column (method, model, prompt hash, seed, run id). */
  meta?: boolean;
  /** Use (and write) the JSONL checkpoint with this run id, so an interrupted run resumes. */
  runId?: string;
  /** Few-shot example rows taken from `like` per request (llm-rows). */
  examples?: number;
  temperature?: number;
  /** Remove exact/near duplicates (also against `like`). Default true for LLM modes. */
  dedup?: boolean | "exact" | "near";
  /** Use the OpenAI Batch API. */
  batchApi?: boolean;

  // ---- text mode ----
  textTask?: TextTask;
  labels?: readonly string[];
  /** Balance labels (per-label quotas). */
  balanced?: boolean;

  /** Mode-specific extras not worth a field of their own. */
  options?: Readonly<Record<string, unknown>>;
}

/** Live progress, reported by a generator through hooks.onProgress (throttling is the caller's job). */
export interface Progress {
  rows: number;
  target: number;
  rowsPerSecond: number;
  tokens?: number;
  costUsd?: number;
  retries?: number;
  invalidRows?: number;
  requests?: number;
  cacheHits?: number;
  /** Short human phrase, e.g. "fitting copula". */
  phase?: string;
}

export interface GenerateHooks {
  onProgress(progress: Progress): void;
  signal?: AbortSignal;
}

/** Figures about one run; modes fill what applies. */
export interface GenerateStats {
  rows: number;
  elapsedMs: number;
  rowsPerSecond: number;
  tokens?: { input: number; output: number };
  costUsd?: number;
  requests?: number;
  cacheHits?: number;
  retries?: number;
  invalidRows?: number;
  duplicatesRemoved?: number;
  /** Anything else mode-specific (e.g. text quality figures). */
  extra?: Record<string, unknown>;
}

export interface Provenance {
  method: GenerateMode | string;
  seed: number;
  runId?: string;
  model?: string;
  promptHash?: string;
  createdAt: string;
}

export interface GenerateResult {
  frame: Frame;
  schema: Schema;
  stats: GenerateStats;
  warnings: string[];
  provenance?: Provenance;
  /** llm-program: the generator program the model wrote (shown to the user). */
  program?: string;
}

export interface Generator {
  mode: GenerateMode | string;
  generate(request: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult>;
}

/** A bad request (wrong option, impossible schema): one clear message naming the problem and the fix. */
export class GenerateError extends InputError {
  override name = "GenerateError";
}
