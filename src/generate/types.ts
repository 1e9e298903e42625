/**
 * The one Generator interface. Every generation mode (offline, copula, cart, llm-rows, llm-program,
 * text) implements it; `generate()` in ./index.ts picks one and wraps its result.
 * Kept free of runtime imports so LLM code and the offline engine can share it cheaply.
 */
import type { CellValue, Frame, Schema } from "../data/types.js";
import type { EvalKind, RowRule } from "../evaluate/index.js";
import { InputError } from "../errors.js";
import type { Corpus } from "./grounded/types.js";

export type GenerateMode = "offline" | "copula" | "cart" | "llm-rows" | "llm-program" | "text" | "grounded";

export const GENERATE_MODES: readonly GenerateMode[] = ["offline", "copula", "cart", "llm-rows", "llm-program", "text", "grounded"];

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
  /** Requests in flight at once, per endpoint (each node of a pool has its own slots). */
  concurrency?: number;
  /**
   * A pool of OpenAI-compatible endpoints used together (docs/llm.md, "A pool of endpoints"): each a
   * string `URL [key=ENV_VAR] [concurrency=N] [name=NAME] [price=IN/OUT]` or an EndpointSpec. Default:
   * SYNTHLAB_ENDPOINTS, else the one endpoint of OPENAI_BASE_URL / OPENAI_API_KEY.
   */
  endpoints?: readonly (string | EndpointSpec)[];
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

  // ---- grounded mode (docs/grounded.md) ----
  /** What data is needed, in words (else `description`, the %%generate cell body). */
  need?: string;
  /** The local corpus: a folder of .txt, .md, .html or .jsonl files, or a loaded Corpus. */
  corpus?: string | Corpus;
  /** Rows the grounding check finds unsupported are dropped (default), flagged in `_grounded`, or not checked. */
  grounding?: "drop" | "flag" | "off";
  /** Questions in the coverage plan (default about rows / 4, 2 to 30). */
  questions?: number;
  /** Subtopics the questions are spread over (default min(4, questions)). */
  subtopics?: number;
  /** Passages retrieved per question (default 4). */
  topK?: number;
  /** Embedding model of the hybrid ranking (default: the endpoint's, see docs/grounded.md); BM25 alone where the endpoint has none. */
  embeddingModel?: string;

  /** Mode-specific extras not worth a field of their own. */
  options?: Readonly<Record<string, unknown>>;

  // ---- conditions and constraints, resolved by generate() (src/generate/conditions/, constraints/) ----
  /** Rows per conditioned value ("cells"); the LLM modes fill them with their own top-up rounds. */
  conditionPlan?: ConditionPlan;
  /** Rules every row must satisfy (declared and mined). */
  constraintSet?: ConstraintSet;
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
  /** A pool of endpoints: its nodes, and how many are cooling down after failures. */
  nodes?: { total: number; cooling: number };
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
  /** Per node of a pool of endpoints (absent for the single-endpoint configuration). */
  endpoints?: EndpointStats[];
  /** Anything else mode-specific (e.g. text quality figures). */
  extra?: Record<string, unknown>;
}

/** One node of a pool of endpoints. Its key is never here: `keyEnv` names the environment variable holding it. */
export interface EndpointSpec {
  /** Base URL including /v1, e.g. http://gpu1:8000/v1. */
  url: string;
  /** Name of the environment variable holding this node's API key (none: a keyless server). */
  keyEnv?: string;
  /** This node's slots (default: the run's concurrency). */
  concurrency?: number;
  /** Shown in statistics (default: host:port). */
  name?: string;
  /** This node's price, USD per 1M input / output tokens (default: the model's). */
  price?: { input: number; output: number };
}

/** What one node of a pool did in a run. */
export interface EndpointStats {
  name: string;
  url: string;
  concurrency: number;
  /** HTTP requests sent to it (every attempt). */
  requests: number;
  /** Requests it answered. */
  successes: number;
  /** Attempts that failed on it (refused, reset, timed out, 5xx, malformed, rate-limited). */
  failures: number;
  rateLimited: number;
  /** Failed attempts re-sent at once to another node (not counted against the request's retries). */
  rerouted: number;
  /** Times it was cooled down after failures. */
  cooldowns: number;
  tokens: { input: number; output: number };
  costUsd: number;
  /** Mean latency of its answered requests (ms). */
  meanLatencyMs: number;
  /** Rows of accepted batches it answered (llm-rows, text). */
  rows: number;
  /** Answered requests per second of the run. */
  completionsPerSecond: number;
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
  /** Lines the run's summary shows after the figures (grounded: the schema, the coverage plan, the grounding counts). */
  details?: string[];
}

export interface Generator {
  mode: GenerateMode | string;
  generate(request: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult>;
  /**
   * Optional: the mode fitted once, drawing rows on demand, so that generate() can honour
   * conditions and constraints by exact conditioning (Sampler.exact) or rejection and top-up.
   * The sampling modes have one; the LLM modes honour `conditionPlan`/`constraintSet` themselves.
   */
  sampler?(request: GenerateRequest, hooks: GenerateHooks): Promise<Sampler>;
}

/** A bad request (wrong option, impossible schema): one clear message naming the problem and the fix. */
export class GenerateError extends InputError {
  override name = "GenerateError";
}

// ---- conditions and constraints (src/generate/conditions/, src/generate/constraints/) ----

/** One group of rows with the same conditioned values, and how many of them to make. */
export interface Cell {
  /** valueKey of each conditioned column's value, joined: matches rows to cells. */
  key: string;
  fixed: Readonly<Record<string, CellValue>>;
  count: number;
  /** e.g. `coffee_name=Latte`. */
  label: string;
  /** Share of reference rows with these values (null: no reference to measure it). */
  share: number | null;
}

export interface ConditionPlan {
  /** Conditioned columns, in key order. */
  columns: string[];
  cells: Cell[];
}

/**
 * A fitted mode that can draw more rows on demand: what conditions and constraints need.
 * `sample` may honour `fixed` exactly for the columns in `exact`; it may ignore the others.
 */
export interface Sampler {
  schema: Schema;
  warnings: string[];
  exact: ReadonlySet<string>;
  sample(rows: number, seed: number, fixed?: Readonly<Record<string, CellValue>>): Frame | Promise<Frame>;
  /** Rewrites identifier columns of the assembled table (separate draws would repeat ids). */
  finish?(frame: Frame, seed: number): Frame | Promise<Frame>;
}

export interface ConstraintSet {
  /** Declared rules, then mined ones (as `ruleText` says them). */
  declared: RowRule[];
  mined: RowRule[];
  kinds: Readonly<Record<string, EvalKind>>;
  /**
   * Recomputes determined columns, then flags each row: `ok[i]` 1 when row i breaks no rule.
   * `broken` counts rejections per rule text.
   */
  enforce(frame: Frame): { frame: Frame; ok: Uint8Array; broken: Map<string, number> };
  /** One line per rule, for prompts and summaries. */
  texts(): string[];
}
