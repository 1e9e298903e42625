/**
 * The LLM generation modes (llm-rows, llm-program, text) and their engine. `createLlmGenerator`
 * is what src/generate/index.ts lazy-imports; the rest is public for scripts and notebooks.
 */
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

export { LlmClient, resolveProvider, retryAfterMs, NO_PROVIDER_MESSAGE } from "./client.js";
export type { ChatMessage, ChatRequest, ChatResponse, LlmClientOptions, LlmStats, Provider } from "./client.js";
export { registerPrice, priceFor, costOf, estimateCost, BATCH_DISCOUNT } from "./prices.js";
export type { Price, TokenUsage, CostEstimate } from "./prices.js";
export { LlmError, LlmConfigError, LlmRequestError, BudgetExceededError, SandboxError, StructuredOutputUnsupportedError, scrubSecrets } from "./errors.js";
export { Checkpoint } from "./checkpoint.js";
export { runSandboxed } from "./sandbox.js";
export type { SandboxOptions } from "./sandbox.js";
export type { LlmOptions } from "./run.js";
