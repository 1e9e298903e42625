/**
 * Errors of the LLM engine. Every message is one line that names the problem and the fix, and
 * passes through `scrubSecrets` so an API key can never reach a log, cache or notebook output.
 */
import { markInputError } from "../../errors.js";

export class LlmError extends Error {
  override name = "LlmError";
}

/** No provider configured, or a bad option. */
export class LlmConfigError extends LlmError {
  override name = "LlmConfigError";
  constructor(message: string) {
    super(message);
    markInputError(this);
  }
}

/** The request failed for good (non-retryable status, or retries exhausted). */
export class LlmRequestError extends LlmError {
  override name = "LlmRequestError";
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/** The server refused response_format json_schema; callers fall back to schema-in-prompt. */
export class StructuredOutputUnsupportedError extends LlmRequestError {
  override name = "StructuredOutputUnsupportedError";
}

/** The budget cap would be exceeded by the next request; generation stops cleanly. */
export class BudgetExceededError extends LlmError {
  override name = "BudgetExceededError";
  constructor(message: string) {
    super(message);
    markInputError(this);
  }
}

/** The generated program failed in the sandbox (escape attempt, time or memory limit, bad output). */
export class SandboxError extends LlmError {
  override name = "SandboxError";
}

// Key shapes of common providers; anything the caller registers as a secret is removed too.
const KEY_PATTERNS = [/sk-[A-Za-z0-9_\-]{8,}/g, /Bearer\s+[A-Za-z0-9_\-.]{8,}/gi];

/**
 * Removes the given secrets (and, unless `shapes` is false, anything shaped like an API key) from
 * text. Model replies are scrubbed of the known key only: their data may hold key-like strings.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = [], opts: { shapes?: boolean } = {}): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  }
  if (opts.shapes !== false) for (const p of KEY_PATTERNS) out = out.replace(p, "[redacted]");
  return out;
}
