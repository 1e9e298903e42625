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

// Secret redaction lives in the stage-neutral src/secrets.ts; re-exported for the LLM engine's callers.
export { scrubSecrets } from "../../secrets.js";

/** The server has no embeddings (HTTP 404 or 400 on /embeddings): callers fall back to what needs none. */
export class EmbeddingsUnsupportedError extends LlmRequestError {
  override name = "EmbeddingsUnsupportedError";
}
