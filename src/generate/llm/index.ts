/**
 * The LLM generation modes (llm-rows, llm-program, text) and their engine. `createLlmGenerator`
 * is what src/generate/index.ts lazy-imports; the rest is public for scripts and notebooks.
 * This module stays light to import: the SDK, the sandbox and TypeScript load on first use.
 */
import type { LlmClient, LlmClientOptions } from "./client.js";
import { DEFAULT_MODEL, type CostEstimate } from "./prices.js";
import { GenerateError, type GenerateHooks, type GenerateRequest, type GenerateResult, type Generator } from "../types.js";

export type LlmMode = "llm-rows" | "llm-program" | "text";

export const LLM_MODES: readonly LlmMode[] = ["llm-rows", "llm-program", "text"];

/** A Generator for one LLM mode. Heavy modules (SDK, sandbox, TypeScript) load on first use. */
export function createLlmGenerator(mode: LlmMode | string): Generator {
  if (!(LLM_MODES as readonly string[]).includes(mode)) {
    throw new GenerateError(`Unknown LLM mode "${mode}": use one of ${LLM_MODES.join(", ")}.`);
  }
  return {
    mode,
    async generate(request: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult> {
      if (mode === "llm-rows") return (await import("./rows.js")).generateLlmRows(request, hooks);
      if (mode === "llm-program") return (await import("./program.js")).generateLlmProgram(request, hooks);
      return (await import("./text.js")).generateLlmText(request, hooks);
    },
  };
}

/**
 * Cost estimate for a run, without a provider or any request: requests × (prompt tokens, expected
 * output tokens) at the model's registered price (usd null when the model has none).
 * llm-rows builds its real first prompt; llm-program is one request; text uses typical item sizes.
 */
export async function estimateLlmRun(mode: LlmMode, request: GenerateRequest): Promise<CostEstimate> {
  const { estimateCost, approxTokens } = await import("./prices.js");
  const model = request.model ?? DEFAULT_MODEL;
  const batch = request.batchApi ?? false;
  if (mode === "llm-rows") {
    const { planRows, promptText } = await import("./rows.js");
    const plan = planRows(request, "auto");
    const sample = plan.buildRequest({ stream: "", index: 0, size: plan.batchSize, seed: request.seed }, 0);
    return estimateCost({ model, requests: Math.ceil(request.rows / plan.batchSize), inputTokensPerRequest: approxTokens(promptText(sample)), outputTokensPerRequest: plan.outputTokensPerRequest, batch });
  }
  if (mode === "llm-program") {
    const columns = request.schema?.columns.length ?? request.like?.columnNames.length ?? 5;
    return estimateCost({ model, requests: 1, inputTokensPerRequest: 400 + columns * 60, outputTokensPerRequest: 300 + columns * 40, batch });
  }
  const task = request.textTask ?? "classification";
  const size = request.batchSize ?? (task === "summary" || task === "dialogue" ? 5 : 10);
  const perItem = task === "summary" ? 200 : task === "dialogue" ? 150 : task === "ner" ? 60 : 40;
  return estimateCost({ model, requests: Math.ceil(request.rows / size), inputTokensPerRequest: 350, outputTokensPerRequest: perItem * size, batch });
}

/** The engine's client (cache, retries, rate limits, cost) for direct use; loads the openai SDK. */
export async function createLlmClient(options: LlmClientOptions): Promise<LlmClient> {
  const { LlmClient: Client } = await import("./client.js");
  return new Client(options);
}

export type { LlmClient, ChatMessage, ChatRequest, ChatResponse, LlmClientOptions, LlmStats, Provider } from "./client.js";
export { registerPrice, priceFor, costOf, estimateCost, BATCH_DISCOUNT, DEFAULT_MODEL } from "./prices.js";
export type { Price, TokenUsage, CostEstimate } from "./prices.js";
export { LlmError, LlmConfigError, LlmRequestError, BudgetExceededError, SandboxError, StructuredOutputUnsupportedError, scrubSecrets } from "./errors.js";
export { Checkpoint } from "./checkpoint.js";
export { runSandboxed } from "./sandbox.js";
export type { SandboxOptions } from "./sandbox.js";
export type { LlmOptions } from "./run.js";
