import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LlmClient, retryAfterMs, resolveProvider } from "../../../src/generate/llm/client.js";
import { BudgetExceededError, LlmConfigError, LlmRequestError, scrubSecrets } from "../../../src/generate/llm/errors.js";
import { costOf, estimateCost, priceFor, registerPrice } from "../../../src/generate/llm/prices.js";
import { startOpenAiServer, type OpenAiTestServer } from "../../support/openai-server.js";
import { TEST_KEY, readAll, useLocalServer } from "./helpers.js";

const env = useLocalServer({ apiKey: TEST_KEY });

const SCHEMA = { type: "object", properties: { rows: { type: "array", items: { type: "object", properties: { x: { type: "integer", minimum: 1, maximum: 5 } }, required: ["x"], additionalProperties: false } } }, required: ["rows"], additionalProperties: false };
const ask = (text = "Return exactly 3 rows") => ({ messages: [{ role: "user" as const, content: text }], jsonSchema: { name: "rows", schema: SCHEMA } });

function client(extra: Partial<ConstructorParameters<typeof LlmClient>[0]> = {}): LlmClient {
  return new LlmClient({ model: "gpt-4o-mini", baseURL: env.server.url, apiKey: TEST_KEY, env: {}, cache: `${env.dir}/cache`, backoffBaseMs: 5, ...extra });
}

describe("provider resolution", () => {
  it("needs OPENAI_API_KEY or OPENAI_BASE_URL and names the offline modes otherwise", () => {
    expect(() => resolveProvider({ env: {} })).toThrow(LlmConfigError);
    expect(() => resolveProvider({ env: {} })).toThrow(/OPENAI_API_KEY.*OPENAI_BASE_URL.*offline.*copula/);
  });
  it("accepts a keyless OpenAI-compatible server with a placeholder key", () => {
    const p = resolveProvider({ env: { OPENAI_BASE_URL: "http://localhost:11434/v1/" } });
    expect(p).toEqual({ apiKey: "not-needed", baseURL: "http://localhost:11434/v1", hasKey: false });
  });
  it("defaults to api.openai.com with a key", () => {
    expect(resolveProvider({ env: { OPENAI_API_KEY: "sk-abc" } }).baseURL).toBe("https://api.openai.com/v1");
  });
});

describe("retry policy", () => {
  it("honours retry-after-ms on 429 and counts the wait as a retry", async () => {
    env.server.script({ kind: "status", status: 429, retryAfterMs: 300 });
    const c = client();
    const t0 = Date.now();
    const res = await c.chat(ask());
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(JSON.parse(res.content).rows).toHaveLength(3);
    expect(c.stats()).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
  });

  it("honours retry-after in seconds on 503", async () => {
    env.server.script({ kind: "status", status: 503, retryAfter: 1 });
    const c = client();
    const t0 = Date.now();
    await c.chat(ask());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(c.stats().rateLimited).toBe(1);
  });

  it("a 429 pauses other requests too (shared gate)", async () => {
    env.server.script({ kind: "status", status: 429, retryAfterMs: 400 });
    const c = client({ concurrency: 1 });
    const t0 = Date.now();
    const done: number[] = [];
    await Promise.all([c.chat(ask("Return exactly 1 rows")), c.chat(ask("Return exactly 2 rows"))].map((p) => p.then(() => done.push(Date.now() - t0))));
    // The second request queued behind the first; neither could finish before the retry-after window.
    expect(Math.min(...done)).toBeGreaterThanOrEqual(390);
  });

  it("retries 500s and malformed bodies with back-off, then succeeds", async () => {
    env.server.script({ kind: "status", status: 500 }, { kind: "malformed" }, { kind: "status", status: 502 });
    const c = client();
    const res = await c.chat(ask());
    expect(res.cached).toBe(false);
    expect(c.stats()).toMatchObject({ requests: 4, retries: 3 });
  });

  it("gives up after maxRetries with one clear error", async () => {
    env.server.script(...Array.from({ length: 5 }, () => ({ kind: "status" as const, status: 500 })));
    const c = client({ maxRetries: 2 });
    await expect(c.chat(ask())).rejects.toThrow(/LLM request failed after 3 attempts: 500/);
    expect(env.server.chatRequests()).toHaveLength(3);
  });

  it("gives up on a server that keeps rate-limiting, saying what to do", async () => {
    env.server.script(...Array.from({ length: 3 }, () => ({ kind: "status" as const, status: 429, retryAfterMs: 10 })));
    const c = client({ maxRateLimitRetries: 2 });
    await expect(c.chat(ask())).rejects.toThrow(/kept rate-limiting .* after 3 waits: lower --concurrency or try later/);
    expect(env.server.chatRequests()).toHaveLength(3);
  });

  it("retries a timed-out request", async () => {
    env.server.script({ kind: "hang" });
    const c = client({ timeoutMs: 300 });
    const res = await c.chat(ask());
    expect(res.content).toContain("rows");
    expect(c.stats().retries).toBe(1);
  });

  it("does not retry a 400 and does not leak the key into errors", async () => {
    env.server.script({ kind: "status", status: 400, message: `bad request for key ${TEST_KEY}` });
    const c = client();
    const err = await c.chat(ask()).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(LlmRequestError);
    expect((err as Error).message).toMatch(/400/);
    expect((err as Error).message).not.toContain(TEST_KEY);
    expect(env.server.chatRequests()).toHaveLength(1);
  });

  it("reports a wrong key as 401 with a hint and without the key", async () => {
    const c = client({ apiKey: "sk-wrong-key-123456789" });
    const err = await c.chat(ask()).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/401.*Check OPENAI_API_KEY/);
    expect((err as Error).message).not.toContain("sk-wrong-key-123456789");
  });

  it("parses retry-after forms", () => {
    const h = (o: Record<string, string>) => ({ get: (k: string) => o[k] ?? null });
    expect(retryAfterMs(h({ "retry-after-ms": "250" }))).toBe(250);
    expect(retryAfterMs(h({ "retry-after": "2" }))).toBe(2000);
    expect(retryAfterMs(h({ "retry-after": new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(retryAfterMs(h({}))).toBeUndefined();
  });
});

describe("concurrency, cache and cost", () => {
  it("never has more requests in flight than the concurrency limit", async () => {
    await env.server.close();
    env.server = await startOpenAiServer({ apiKey: TEST_KEY, latencyMs: 60 });
    const c = client({ concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.chat(ask(`Return exactly ${i + 1} rows`))));
    expect(env.server.maxInFlight).toBe(3);
  });

  it("serves a repeated request from the cache; the cache key ignores the API key", async () => {
    const a = client();
    await a.chat(ask());
    const b = client({ apiKey: "sk-another-key-abcdefgh" });
    const res = await b.chat(ask());
    expect(res.cached).toBe(true);
    expect(env.server.chatRequests()).toHaveLength(1);
    expect(a.key(ask())).toBe(b.key(ask()));
    expect(a.key(ask())).not.toBe(a.key({ ...ask(), temperature: 0.5 }));
    expect(readAll(`${env.dir}/cache`)).not.toContain(TEST_KEY);
  });

  it("accounts tokens and cost per model with the price table", async () => {
    registerPrice("test-priced-model", { input: 1000, output: 2000 });
    const c = client({ model: "test-priced-model" });
    const res = await c.chat(ask());
    const expected = (res.usage.input * 1000 + res.usage.output * 2000) / 1e6;
    expect(c.stats().costUsd).toBeCloseTo(expected, 12);
    expect(c.stats().byModel["test-priced-model"]).toMatchObject({ requests: 1, input: res.usage.input, output: res.usage.output });
    expect(priceFor("gpt-4o-mini-2024-07-18")).toEqual(priceFor("gpt-4o-mini"));
    expect(costOf("unknown-local-model", { input: 1e6, output: 1e6 })).toBe(0);
    expect(estimateCost({ model: "test-priced-model", requests: 10, inputTokensPerRequest: 100, outputTokensPerRequest: 50 }).usd).toBeCloseTo((1000 * 1000 + 500 * 2000) / 1e6, 12);
    expect(() => registerPrice("x", { input: -1, output: 1 })).toThrow(/non-negative/);
  });

  it("stops before a request would exceed the budget", async () => {
    registerPrice("test-budget-model", { input: 10_000, output: 10_000 });
    const c = client({ model: "test-budget-model", budgetUsd: 0.5, cache: false });
    let served = 0;
    let stop: unknown;
    for (let i = 0; i < 50 && !stop; i++) {
      try {
        await c.chat(ask(`Return exactly 2 rows, request ${i}`));
        served += 1;
      } catch (e) {
        stop = e;
      }
    }
    expect(stop).toBeInstanceOf(BudgetExceededError);
    expect(served).toBeGreaterThan(0);
    expect(c.stats().costUsd).toBeLessThanOrEqual(0.5);
    expect(env.server.chatRequests()).toHaveLength(served);
  });

  it("scrubs key-shaped strings", () => {
    expect(scrubSecrets("key sk-proj-ABCDEFGH12345 and mysecret", ["mysecret"])).toBe("key [redacted] and [redacted]");
  });

  it("writes cache entries atomically as readable JSON", async () => {
    const c = client();
    const res = await c.chat(ask());
    const file = `${env.dir}/cache/${res.key.slice(0, 2)}/${res.key}.json`;
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toMatchObject({ v: 1, content: res.content, finishReason: "stop" });
  });
});
