/**
 * The one Generator interface. Every generation mode (offline, copula, cart, llm-rows, llm-program,
 * text) implements it; `generate()` in ./index.ts picks one and wraps its result.
 * Kept free of runtime imports so LLM code and the offline engine can share it cheaply.
 */
import type { Frame, Schema } from "../data/types.js";
import { InputError } from "../errors.js";

export type GenerateMode = "offline" | "copula" | "cart" | "llm-rows" | "llm-program" | "text";

export const GENERATE_MODES: readonly GenerateMode[] = ["offline", "copula", "cart", "llm-rows", "llm-program", "text"];

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
  /** Seed for every random choice; same seed + same inputs → same rows (offline, copula, cart). */
  seed: number;

  // ---- cart (sequential trees, docs/generation.md); ignored by other modes ----
  /** Smallest number of real rows in a tree leaf (synthpop's minbucket); larger → fewer copies of real rows. Default 5. */
  minLeaf?: number;
  /** "density": Gaussian noise around continuous numeric donor values (synthpop's smoothing). Default "none". */
  smoothing?: "none" | "density";
  /** Visit sequence: these columns are drawn first, in this order; the rest follow in table order, or stand where "*" is (["*", "money"]: money last). */
  order?: readonly string[];

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
  /**
   * Remove exact or near duplicates (also of `like`'s rows), or "none" to keep them; `true` is
   * "near", `false` an alias of "none". Default "near" for LLM modes, "none" for copula.
   */
  dedup?: "exact" | "near" | "none" | boolean;
  /** Use the OpenAI Batch API. */
  batchApi?: boolean;
  /**
   * Counter-examples: rows a reviewer rejected (src/review/). The LLM modes show them in the prompt
   * as "do not produce rows like these"; offline and copula refuse the option.
   */
  avoid?: Frame;

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
