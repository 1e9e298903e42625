/** Shared set-up for the LLM tests: a temp cache/checkpoint dir per test and request options for the local server. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Schema } from "../../../src/data/types.js";
import type { GenerateHooks, GenerateRequest, Progress } from "../../../src/generate/types.js";
import { afterEach, beforeEach } from "vitest";
import { startOpenAiServer, type OpenAiTestServer } from "../../support/openai-server.js";

export const TEST_KEY = "sk-test-SECRET-0123456789abcdef";

const made: string[] = [];

export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "synthlab-llm-"));
  made.push(d);
  return d;
}

/** Removes the temp dirs this test file made (call from afterEach). */
export function removeTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export const SALES_SCHEMA: Schema = {
  columns: [
    { name: "product", kind: "categorical", values: ["Latte", "Espresso", "Cocoa"] },
    { name: "price", kind: "numeric", min: 1, max: 9 },
    { name: "quantity", kind: "integer", min: 1, max: 3 },
    { name: "card", kind: "boolean" },
    { name: "amount", kind: "numeric", expression: "price * quantity" },
  ],
};

export function llmRequest(server: OpenAiTestServer, dir: string, extra: Partial<GenerateRequest> = {}, options: Record<string, unknown> = {}): GenerateRequest {
  return {
    rows: 40,
    seed: 7,
    schema: SALES_SCHEMA,
    model: "gpt-4o-mini",
    description: "Coffee sales, one row per order.",
    ...extra,
    options: {
      baseURL: server.url,
      apiKey: TEST_KEY,
      cache: path.join(dir, "cache"),
      checkpointDir: path.join(dir, "checkpoints"),
      backoffBaseMs: 5,
      env: {},
      ...options,
    },
  };
}

export function recordingHooks(): GenerateHooks & { events: Progress[] } {
  const events: Progress[] = [];
  return { events, onProgress: (p) => events.push(p) };
}

/** Every file under dir, concatenated (for "no secret in the cache" checks). */
export function readAll(dir: string): string {
  if (!fs.existsSync(dir)) return "";
  let out = "";
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out += fs.readFileSync(path.join(e.parentPath, e.name), "utf8");
  }
  return out;
}

/**
 * Registers a fresh local OpenAI-compatible test server and a temp dir for every test of the file
 * (closed and removed after each). Tests may replace `env.server` with one started differently.
 */
export function useLocalServer(options: Parameters<typeof startOpenAiServer>[0] = { apiKey: TEST_KEY }): { server: OpenAiTestServer; dir: string } {
  const env = {} as { server: OpenAiTestServer; dir: string };
  beforeEach(async () => {
    env.server = await startOpenAiServer(options);
    env.dir = tempDir();
  });
  afterEach(async () => {
    await env.server.close();
    removeTempDirs();
  });
  return env;
}
