/**
 * Which LLM provider a run talks to: from options, then the environment. Kept apart from the
 * client (and its SDK) so callers can check for a provider cheaply before any work or progress.
 */
import { LlmConfigError } from "./errors.js";

export type Env = Readonly<Record<string, string | undefined>>;

export interface Provider {
  apiKey: string;
  baseURL: string;
  /** Whether the key came from the user (false: placeholder for keyless local servers). */
  hasKey: boolean;
}

export const OPENAI_BASE_URL = "https://api.openai.com/v1";

export const NO_PROVIDER_MESSAGE =
  "No LLM provider configured: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (any OpenAI-compatible server, " +
  "e.g. OPENAI_BASE_URL=http://localhost:11434/v1 for Ollama); the offline modes work now: --mode offline or --mode copula.";

/** Picks the provider from options, then the environment. A base URL alone is enough (keyless local servers). */
export function resolveProvider(opts: { apiKey?: string; baseURL?: string; env?: Env }): Provider {
  const env = opts.env ?? process.env;
  const key = opts.apiKey ?? env["OPENAI_API_KEY"] ?? "";
  const base = opts.baseURL ?? env["OPENAI_BASE_URL"] ?? "";
  if (!key && !base) throw new LlmConfigError(NO_PROVIDER_MESSAGE);
  return {
    apiKey: key || "not-needed",
    baseURL: (base || OPENAI_BASE_URL).replace(/\/+$/, ""),
    hasKey: key !== "",
  };
}

