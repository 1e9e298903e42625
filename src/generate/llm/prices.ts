/**
 * Token prices (US dollars per 1M tokens) and cost arithmetic. The built-in table holds list
 * prices of common OpenAI models at the time of writing; users add or correct entries with
 * `registerPrice`. Unknown models (local servers) cost 0 and are reported as unpriced.
 */

export interface Price {
  /** USD per 1M input (prompt) tokens. */
  input: number;
  /** USD per 1M output (completion) tokens. */
  output: number;
}

export interface TokenUsage {
  input: number;
  output: number;
}

const table = new Map<string, Price>([
  ["gpt-4o-mini", { input: 0.15, output: 0.6 }],
  ["gpt-4o", { input: 2.5, output: 10 }],
  ["gpt-4.1-nano", { input: 0.1, output: 0.4 }],
  ["gpt-4.1-mini", { input: 0.4, output: 1.6 }],
  ["gpt-4.1", { input: 2, output: 8 }],
  ["gpt-5-nano", { input: 0.05, output: 0.4 }],
  ["gpt-5-mini", { input: 0.25, output: 2 }],
  ["gpt-5", { input: 1.25, output: 10 }],
  ["o4-mini", { input: 1.1, output: 4.4 }],
  ["o3-mini", { input: 1.1, output: 4.4 }],
  ["gpt-3.5-turbo", { input: 0.5, output: 1.5 }],
]);

/** Model used when none is given (and SYNTHLAB_MODEL is unset). */
export const DEFAULT_MODEL = "gpt-4o-mini";

/** The OpenAI Batch API bills half the synchronous price. */
export const BATCH_DISCOUNT = 0.5;

/** Adds or replaces a model's price (USD per 1M tokens). */
export function registerPrice(model: string, price: Price): void {
  if (!model) throw new RangeError("registerPrice needs a model name, e.g. registerPrice(\"my-model\", { input: 0.2, output: 0.8 }).");
  for (const [k, v] of Object.entries(price)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`registerPrice: ${k} must be a non-negative number of USD per 1M tokens, got ${String(v)}.`);
    }
  }
  table.set(model, { input: price.input, output: price.output });
}

/** Price for a model: exact name first, else the longest registered prefix ("gpt-4o-mini-2024-07-18" → "gpt-4o-mini"). */
export function priceFor(model: string): Price | undefined {
  const exact = table.get(model);
  if (exact) return exact;
  let best: string | undefined;
  for (const k of table.keys()) {
    if (model.startsWith(k) && (!best || k.length > best.length)) best = k;
  }
  return best ? table.get(best) : undefined;
}

/** Cost of a usage at the model's registered price, or at `opts.price` when given (an endpoint's own). */
export function costOf(model: string, usage: TokenUsage, opts: { batch?: boolean; price?: Price } = {}): number {
  const p = opts.price ?? priceFor(model);
  if (!p) return 0;
  const usd = (usage.input * p.input + usage.output * p.output) / 1_000_000;
  return opts.batch ? usd * BATCH_DISCOUNT : usd;
}

/** Rough token count for planning (≈ 4 characters per token for English and JSON). */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export interface CostEstimate {
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** null when the model has no registered price. */
  usd: number | null;
}

/** Estimate before a run: requests × (prompt tokens, expected output tokens). */
export function estimateCost(opts: {
  model: string;
  requests: number;
  inputTokensPerRequest: number;
  outputTokensPerRequest: number;
  batch?: boolean;
  /** The endpoint's own price, over the model's registered one. */
  price?: Price;
}): CostEstimate {
  const inputTokens = Math.round(opts.requests * opts.inputTokensPerRequest);
  const outputTokens = Math.round(opts.requests * opts.outputTokensPerRequest);
  const priced = opts.price !== undefined || priceFor(opts.model) !== undefined;
  return {
    model: opts.model,
    requests: opts.requests,
    inputTokens,
    outputTokens,
    usd: priced ? costOf(opts.model, { input: inputTokens, output: outputTokens }, { batch: opts.batch ?? false, ...(opts.price ? { price: opts.price } : {}) }) : null,
  };
}
