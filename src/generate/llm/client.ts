/**
 * The one LLM client: every request of every LLM mode goes through `LlmClient.chat`.
 *
 * It owns what the SDK would otherwise hide: the concurrency limit, rate-limit back-off that
 * honours retry-after / retry-after-ms, bounded retries with jittered exponential back-off (the
 * SDK's own retries are off, maxRetries: 0, so counts are ours), the on-disk cache, token and cost
 * accounting, and the budget cap. Secrets never leave it: errors are scrubbed, the key is not
 * part of any cache key or file.
 */
import OpenAI from "openai";
import { CompletionCache, EmbeddingCache, canonicalJson, sha256, synthlabCacheDir, type CachedCompletion } from "./cache.js";
import {
  BudgetExceededError,
  EmbeddingsUnsupportedError,
  LlmConfigError,
  LlmError,
  LlmRequestError,
  StructuredOutputUnsupportedError,
} from "./errors.js";
import { scrubSecrets } from "../../secrets.js";
import { approxTokens, costOf, priceFor, type Price, type TokenUsage } from "./prices.js";
import { nodeHttpFetch } from "./transport.js";
import { OPENAI_BASE_URL, resolveProvider, type Env, type Provider } from "./provider.js";
import { printableLine } from "../../display/untrusted.js";

export type { Env } from "./provider.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Structured output: response_format json_schema (strict). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
}

export interface ChatResponse {
  content: string;
  finishReason: string;
  usage: TokenUsage;
  costUsd: number;
  cached: boolean;
  /** Content address of the request (cache key). */
  key: string;
}

export interface EmbedOptions {
  /** Embedding model (default: text-embedding-3-small on OpenAI, else the client's model, as a local server serves one). */
  model?: string;
  /** Texts per request (default 64). */
  batchSize?: number;
}

export interface LlmClientOptions {
  model: string;
  apiKey?: string;
  baseURL?: string;
  /** Environment to read OPENAI_API_KEY / OPENAI_BASE_URL / SYNTHLAB_CACHE_DIR from (default process.env). */
  env?: Env;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Retries for 5xx, timeouts, connection errors and malformed bodies (default 4). */
  maxRetries?: number;
  /** Waits after 429 / 503 before giving up (default 10). */
  maxRateLimitRetries?: number;
  /** Per-request timeout (default 120 s). */
  timeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** false disables the cache; a string is the cache directory. Default $SYNTHLAB_CACHE_DIR/llm or ~/.cache/synthlab/llm. */
  cache?: boolean | string;
  /** Stop before spending more than this (USD). */
  budgetUsd?: number;
  /** This endpoint's price (USD per 1M tokens), over the model's registered one: two servers may bill one model name differently. */
  price?: Price;
  signal?: AbortSignal;
  /** HTTP transport under the SDK: lean node:http (default) or the built-in fetch. */
  transport?: "node-http" | "fetch";
}

export interface ModelUsage {
  requests: number;
  input: number;
  output: number;
  costUsd: number;
}

export interface LlmStats {
  /** HTTP requests sent (every attempt counts). */
  requests: number;
  cacheHits: number;
  retries: number;
  rateLimited: number;
  tokens: TokenUsage;
  costUsd: number;
  byModel: Record<string, ModelUsage>;
}

export { NO_PROVIDER_MESSAGE, OPENAI_BASE_URL, resolveProvider, type Provider } from "./provider.js";

/** A counting semaphore: at most `limit` holders at once, FIFO. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next(); // hand the slot over directly
    else this.active -= 1;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmError("Generation was interrupted."));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new LlmError("Generation was interrupted."));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Milliseconds the server asked us to wait (retry-after-ms, retry-after seconds or HTTP date), if any. */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get("retry-after");
  if (!ra) return undefined;
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The embedding model named when none is given and the endpoint is OpenAI's. */
export const DEFAULT_OPENAI_EMBEDDING_MODEL = "text-embedding-3-small";

/**
 * The vectors of an /embeddings answer, in input order (by `index`), checked: one per input, all
 * of one length, finite numbers. A malformed answer is a SyntaxError, which the client retries.
 */
export function embeddingVectors(res: { data?: unknown }, count: number): Float32Array[] {
  const data = Array.isArray(res.data) ? (res.data as { index?: unknown; embedding?: unknown }[]) : undefined;
  if (!data || data.length !== count) throw new SyntaxError(`embeddings response has ${data ? data.length : "no"} vectors for ${count} inputs`);
  const out = new Array<Float32Array>(count);
  data.forEach((item, j) => {
    const at = typeof item.index === "number" ? item.index : j;
    const e = item.embedding;
    if (!Array.isArray(e) || e.length === 0 || !e.every((x) => typeof x === "number" && Number.isFinite(x))) {
      throw new SyntaxError("embeddings response holds a vector that is not a list of numbers");
    }
    if (at < 0 || at >= count || out[at]) throw new SyntaxError(`embeddings response has a bad or repeated index ${String(at)}`);
    out[at] = Float32Array.from(e as number[]);
  });
  if (out.some((v) => v.length !== out[0]!.length)) throw new SyntaxError("embeddings response holds vectors of different lengths");
  return out;
}

type Failure =
  | { kind: "rate-limit"; waitMs: number | undefined; message: string }
  | { kind: "retry"; message: string }
  | { kind: "fatal"; error: LlmError };

export class LlmClient {
  readonly model: string;
  readonly provider: Provider;
  /** Requests in flight at once. */
  readonly concurrency: number;
  readonly warnings: string[] = [];
  private readonly sdk: OpenAI;
  private readonly cache: CompletionCache | undefined;
  private readonly embeddingCache: EmbeddingCache | undefined;
  private readonly semaphore: Semaphore;
  private readonly opts: Required<Pick<LlmClientOptions, "maxRetries" | "maxRateLimitRetries" | "timeoutMs" | "backoffBaseMs" | "backoffMaxMs">>;
  private readonly budgetUsd: number | undefined;
  private readonly signal: AbortSignal | undefined;
  /** Rate-limit gate shared by all requests: nobody sends before this time. */
  private pauseUntil = 0;
  /** Cost reserved by requests in flight, so concurrent requests cannot jointly overshoot the budget. */
  private reservedUsd = 0;
  private outputTokensSeen = 0;
  private responsesSeen = 0;
  /** Wall time of each answered HTTP request (ms), for latency percentiles. */
  private readonly latencies: number[] = [];
  private readonly price: Price | undefined;
  private readonly stats_: LlmStats = { requests: 0, cacheHits: 0, retries: 0, rateLimited: 0, tokens: { input: 0, output: 0 }, costUsd: 0, byModel: {} };

  constructor(options: LlmClientOptions) {
    if (!options.model) throw new LlmConfigError("No model given: pass --model (e.g. gpt-4o-mini, or the name your local server serves).");
    this.model = options.model;
    this.provider = resolveProvider(options);
    const env = options.env ?? process.env;
    const concurrency = options.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new LlmConfigError(`concurrency must be a whole number ≥ 1, got ${String(concurrency)}.`);
    }
    if (options.budgetUsd !== undefined && !(options.budgetUsd >= 0)) {
      throw new LlmConfigError(`budget must be a non-negative number of US dollars, got ${String(options.budgetUsd)}.`);
    }
    this.concurrency = concurrency;
    this.semaphore = new Semaphore(concurrency);
    this.opts = {
      maxRetries: options.maxRetries ?? 4,
      maxRateLimitRetries: options.maxRateLimitRetries ?? 10,
      timeoutMs: options.timeoutMs ?? 120_000,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
    };
    this.budgetUsd = options.budgetUsd;
    this.signal = options.signal;
    this.price = options.price ?? priceFor(this.model);
    if (this.budgetUsd !== undefined && !this.price) {
      this.warnings.push(
        `No price is known for model "${this.model}", so the budget cap cannot be enforced: call registerPrice("${this.model}", { input, output }) with USD per 1M tokens.`,
      );
    }
    const cacheOpt = options.cache ?? true;
    this.cache = cacheOpt === false ? undefined : new CompletionCache(typeof cacheOpt === "string" ? cacheOpt : synthlabCacheDir("llm", env));
    this.embeddingCache = this.cache ? new EmbeddingCache(this.cache.dir) : undefined;
    this.sdk = new OpenAI({
      apiKey: this.provider.apiKey,
      baseURL: this.provider.baseURL,
      maxRetries: 0, // retry policy and counts are ours
      timeout: this.opts.timeoutMs,
      ...(options.transport === "fetch" ? {} : { fetch: nodeHttpFetch as typeof fetch }),
    });
  }

  /** The raw SDK (for the Batch API's file and batch endpoints). */
  get openai(): OpenAI {
    return this.sdk;
  }

  get cacheEnabled(): boolean {
    return this.cache !== undefined;
  }

  /** The request body sent to /chat/completions (also the Batch API line body). */
  body(req: ChatRequest): Record<string, unknown> {
    const body: Record<string, unknown> = { model: this.model, messages: req.messages };
    if (req.jsonSchema) {
      body["response_format"] = { type: "json_schema", json_schema: { name: req.jsonSchema.name, strict: true, schema: req.jsonSchema.schema } };
    }
    if (req.temperature !== undefined) body["temperature"] = req.temperature;
    if (req.topP !== undefined) body["top_p"] = req.topP;
    if (req.maxTokens !== undefined) body["max_tokens"] = req.maxTokens;
    if (req.seed !== undefined) body["seed"] = req.seed;
    return body;
  }

  /** Content address of a request: base URL + the body (model, messages, format, sampling). Never the key. */
  key(req: ChatRequest): string {
    return sha256(canonicalJson({ v: 1, baseURL: this.provider.baseURL, body: this.body(req) }));
  }

  stats(): LlmStats {
    const s = this.stats_;
    return { ...s, tokens: { ...s.tokens }, byModel: Object.fromEntries(Object.entries(s.byModel).map(([k, v]) => [k, { ...v }])) };
  }

  /** Scrubs our secret (and key-shaped strings) from server text, and bounds it to one printable line. */
  scrub(text: string): string {
    return printableLine(scrubSecrets(text, this.provider.hasKey ? [this.provider.apiKey] : []), 500);
  }

  /** A model reply without our key (a server may echo it): applied before the reply is cached or used. */
  scrubReply(content: string): string {
    return this.provider.hasKey ? scrubSecrets(content, [this.provider.apiKey], { shapes: false }) : content;
  }

  async cached(key: string): Promise<CachedCompletion | undefined> {
    return this.cache?.get(key);
  }

  /** Stores a completion obtained elsewhere (the Batch API) and accounts for its cost. */
  async store(key: string, entry: CachedCompletion): Promise<void> {
    this.account(entry.usage, entry.batch ?? false);
    await this.cache?.put(key, { ...entry, content: this.scrubReply(entry.content) });
  }

  /** Milliseconds each answered request took (server latency plus transfer), in arrival order. */
  latenciesMs(): number[] {
    return [...this.latencies];
  }

  private costOf(usage: TokenUsage, batch = false): number {
    return costOf(this.model, usage, { batch, ...(this.price ? { price: this.price } : {}) });
  }

  private account(usage: TokenUsage, batch: boolean): number {
    const cost = this.costOf(usage, batch);
    const s = this.stats_;
    s.tokens.input += usage.input;
    s.tokens.output += usage.output;
    s.costUsd += cost;
    const m = (s.byModel[this.model] ??= { requests: 0, input: 0, output: 0, costUsd: 0 });
    m.requests += 1;
    m.input += usage.input;
    m.output += usage.output;
    m.costUsd += cost;
    this.outputTokensSeen += usage.output;
    this.responsesSeen += 1;
    return cost;
  }

  /**
   * Expected cost of one request: its prompt plus the mean output seen so far. Before the first
   * answer we guess output ≈ prompt size (or max_tokens), which suits batch generation prompts.
   */
  private estimate(req: ChatRequest): number {
    const input = approxTokens(req.messages.map((m) => m.content).join("\n"));
    const output = this.responsesSeen > 0 ? this.outputTokensSeen / this.responsesSeen : req.maxTokens ?? input;
    return this.costOf({ input, output });
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** attempt);
    return exp / 2 + Math.random() * (exp / 2); // "equal jitter": spreads retries of concurrent requests
  }

  private classify(err: unknown): Failure {
    if (err instanceof OpenAI.APIUserAbortError || this.signal?.aborted) {
      return { kind: "fatal", error: new LlmError("Generation was interrupted.") };
    }
    if (err instanceof OpenAI.APIConnectionTimeoutError) return { kind: "retry", message: `timed out after ${this.opts.timeoutMs} ms` };
    if (err instanceof OpenAI.APIConnectionError) {
      // The SDK says only "Connection error."; the transport's reason (refused, reset, reply too large) is the cause.
      const cause = (err as { cause?: unknown }).cause;
      const why = cause instanceof Error && cause.message ? `${err.message.replace(/\.$/, "")}: ${cause.message}` : err.message;
      return { kind: "retry", message: `connection failed (${this.scrub(String(why))})` };
    }
    if (err instanceof OpenAI.APIError) {
      const status = err.status ?? 0;
      const msg = this.scrub(err.message).replace(/\.$/, ""); // the hint adds its own full stop
      if (status === 429 || status === 503) return { kind: "rate-limit", waitMs: retryAfterMs(err.headers), message: msg };
      if (status >= 500 || status === 408 || status === 409) return { kind: "retry", message: msg };
      if (status === 400 && /response_format|json_schema/i.test(err.message)) {
        return { kind: "fatal", error: new StructuredOutputUnsupportedError(`The server rejected structured output (${msg}).`, status) };
      }
      const hint =
        status === 401 ? " Check OPENAI_API_KEY (and OPENAI_BASE_URL)." :
        status === 404 ? ` Check the model name ("${this.model}") and OPENAI_BASE_URL.` : "";
      return { kind: "fatal", error: new LlmRequestError(`LLM request failed: ${msg}.${hint}`, status) };
    }
    // A 200 with a body that is not JSON surfaces as a SyntaxError from the SDK's parser: retry it.
    if (err instanceof SyntaxError) return { kind: "retry", message: `malformed response body (${this.scrub(err.message)})` };
    return { kind: "fatal", error: new LlmRequestError(`LLM request failed: ${this.scrub(err instanceof Error ? err.message : String(err))}`) };
  }

  /** One chat completion: from the cache, else from the server under the retry and budget policy. */
  async chat(req: ChatRequest): Promise<ChatResponse> {
    const key = this.key(req);
    const hit = await this.cache?.get(key);
    if (hit) {
      this.stats_.cacheHits += 1;
      return { content: this.scrubReply(hit.content), finishReason: hit.finishReason, usage: hit.usage, costUsd: 0, cached: true, key };
    }
    const body = this.body(req);
    let errors = 0;
    let waits = 0;
    for (;;) {
      if (this.signal?.aborted) throw new LlmError("Generation was interrupted.");
      const gate = this.pauseUntil - Date.now();
      if (gate > 0) await sleep(gate, this.signal);
      const estimate = this.estimate(req);
      if (this.budgetUsd !== undefined && this.stats_.costUsd + this.reservedUsd + estimate > this.budgetUsd) {
        throw new BudgetExceededError(
          `Budget of $${this.budgetUsd.toFixed(4)} reached ($${this.stats_.costUsd.toFixed(4)} spent): stopped before the next request; raise --budget to continue.`,
        );
      }
      this.reservedUsd += estimate;
      await this.semaphore.acquire();
      let completion: OpenAI.Chat.Completions.ChatCompletion | undefined;
      let failure: Failure | undefined;
      try {
        // Re-check the gate: a 429 may have arrived while we queued for a slot.
        const late = this.pauseUntil - Date.now();
        if (late > 0) await sleep(late, this.signal);
        this.stats_.requests += 1;
        const sent = performance.now();
        completion = await this.sdk.chat.completions.create(
          body as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming,
          { signal: this.signal ?? null },
        );
        if (!completion || !Array.isArray(completion.choices)) throw new SyntaxError("response has no choices array");
        this.latencies.push(performance.now() - sent);
      } catch (err) {
        failure = this.classify(err);
      } finally {
        this.semaphore.release();
        this.reservedUsd -= estimate;
      }
      if (failure || !completion) {
        // Back off outside the semaphore, so other requests keep their slots.
        const f = failure ?? { kind: "retry" as const, message: "empty response" };
        if (f.kind === "fatal") throw f.error;
        if (f.kind === "rate-limit") {
          this.stats_.rateLimited += 1;
          if (waits++ >= this.opts.maxRateLimitRetries) {
            throw new LlmRequestError(`LLM server kept rate-limiting (${f.message}) after ${waits} waits: lower --concurrency or try later.`, 429);
          }
          this.stats_.retries += 1;
          const wait = Math.min(f.waitMs ?? this.backoff(waits - 1), 120_000);
          this.pauseUntil = Math.max(this.pauseUntil, Date.now() + wait);
        } else {
          if (errors++ >= this.opts.maxRetries) {
            throw new LlmRequestError(`LLM request failed after ${errors} attempts: ${f.message}.`);
          }
          this.stats_.retries += 1;
          await sleep(this.backoff(errors - 1), this.signal);
        }
        continue;
      }
      const choice = completion.choices[0];
      const usage: TokenUsage = {
        input: completion.usage?.prompt_tokens ?? approxTokens(req.messages.map((m) => m.content).join("\n")),
        output: completion.usage?.completion_tokens ?? approxTokens(choice?.message?.content ?? ""),
      };
      const costUsd = this.account(usage, false);
      const content = this.scrubReply(choice?.message?.content ?? "");
      const finishReason = choice?.finish_reason ?? "stop";
      // Cache before the caller checkpoints, so a crash in between never repeats a paid request.
      await this.cache?.put(key, { v: 1, model: this.model, content, finishReason, usage, createdAt: new Date().toISOString() });
      return { content, finishReason, usage, costUsd, cached: false, key };
    }
  }

  /** The embedding model `embed` uses when none is named. */
  embeddingModel(model?: string): string {
    return model ?? (this.provider.baseURL === OPENAI_BASE_URL ? DEFAULT_OPENAI_EMBEDDING_MODEL : this.model);
  }

  /** Content address of one text's embedding: base URL, model and text. Never the key. */
  embeddingKey(text: string, model: string): string {
    return sha256(canonicalJson({ v: 1, kind: "embedding", baseURL: this.provider.baseURL, model, input: text }));
  }

  /**
   * Embedding vectors of `texts` (one per text, in order) through the endpoint's /embeddings, in
   * batches, under the same concurrency, rate-limit, retry and budget policy as `chat`; each vector
   * is cached on disk by content, so a re-run sends nothing. A server without embeddings (HTTP 404
   * or 400) raises EmbeddingsUnsupportedError, for callers that can do without.
   */
  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const model = this.embeddingModel(options.model);
    const batchSize = options.batchSize ?? 64;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 2048) {
      throw new LlmConfigError(`embedding batch size must be a whole number from 1 to 2048, got ${String(batchSize)}.`);
    }
    const out: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(texts.length);
    // Each distinct text missing from the cache is sent once, whatever its repeats.
    const missing = new Map<string, { key: string; at: number[] }>();
    texts.forEach((text, i) => {
      const key = this.embeddingKey(text, model);
      const hit = this.embeddingCache?.get(key);
      if (hit) {
        out[i] = hit;
        return;
      }
      const m = missing.get(text);
      if (m) m.at.push(i);
      else missing.set(text, { key, at: [i] });
    });
    const todo = [...missing.entries()];
    const batches: (typeof todo)[] = [];
    for (let i = 0; i < todo.length; i += batchSize) batches.push(todo.slice(i, i + batchSize));
    await Promise.all(
      batches.map(async (batch) => {
        const vectors = await this.embedBatch(batch.map(([text]) => text), model);
        await Promise.all(
          batch.map(async ([, { key, at }], j) => {
            const v = vectors[j]!;
            for (const i of at) out[i] = v;
            await this.embeddingCache?.put(key, model, v);
          }),
        );
      }),
    );
    return out as Float32Array[];
  }

  /** One /embeddings request for `input` (already missing from the cache), retried like a chat request. */
  private async embedBatch(input: string[], model: string): Promise<Float32Array[]> {
    let errors = 0;
    let waits = 0;
    const estimate = costOf(model, { input: approxTokens(input.join("\n")), output: 0 });
    for (;;) {
      if (this.signal?.aborted) throw new LlmError("Generation was interrupted.");
      const gate = this.pauseUntil - Date.now();
      if (gate > 0) await sleep(gate, this.signal);
      if (this.budgetUsd !== undefined && this.stats_.costUsd + this.reservedUsd + estimate > this.budgetUsd) {
        throw new BudgetExceededError(
          `Budget of $${this.budgetUsd.toFixed(4)} reached ($${this.stats_.costUsd.toFixed(4)} spent): stopped before the next request; raise --budget to continue.`,
        );
      }
      this.reservedUsd += estimate;
      await this.semaphore.acquire();
      let vectors: Float32Array[] | undefined;
      let usage = 0;
      let failure: Failure | undefined;
      try {
        const late = this.pauseUntil - Date.now();
        if (late > 0) await sleep(late, this.signal);
        this.stats_.requests += 1;
        const sent = performance.now();
        // encoding_format "float": every OpenAI-compatible server (Ollama, vLLM, llama.cpp) speaks it.
        const res = await this.sdk.embeddings.create({ model, input, encoding_format: "float" }, { signal: this.signal ?? null });
        vectors = embeddingVectors(res, input.length);
        usage = res.usage?.prompt_tokens ?? approxTokens(input.join("\n"));
        this.latencies.push(performance.now() - sent);
      } catch (err) {
        if (err instanceof OpenAI.APIError && (err.status === 404 || err.status === 400) && !this.signal?.aborted) {
          const why = this.scrub(err.message).replace(/^\d{3} /, "").replace(/\.$/, "");
          failure = { kind: "fatal", error: new EmbeddingsUnsupportedError(`The endpoint has no embeddings for model "${model}" (HTTP ${err.status}: ${why}).`, err.status) };
        } else {
          failure = this.classify(err);
        }
      } finally {
        this.semaphore.release();
        this.reservedUsd -= estimate;
      }
      if (vectors) {
        const cost = costOf(model, { input: usage, output: 0 });
        this.stats_.tokens.input += usage;
        this.stats_.costUsd += cost;
        return vectors;
      }
      const f = failure ?? { kind: "retry" as const, message: "empty response" };
      if (f.kind === "fatal") throw f.error;
      if (f.kind === "rate-limit") {
        this.stats_.rateLimited += 1;
        if (waits++ >= this.opts.maxRateLimitRetries) {
          throw new LlmRequestError(`LLM server kept rate-limiting (${f.message}) after ${waits} waits: lower --concurrency or try later.`, 429);
        }
        this.stats_.retries += 1;
        this.pauseUntil = Math.max(this.pauseUntil, Date.now() + Math.min(f.waitMs ?? this.backoff(waits - 1), 120_000));
      } else {
        if (errors++ >= this.opts.maxRetries) throw new LlmRequestError(`Embedding request failed after ${errors} attempts: ${f.message}.`);
        this.stats_.retries += 1;
        await sleep(this.backoff(errors - 1), this.signal);
      }
    }
  }
}
