/** The engine's per-endpoint price and per-request latencies (used by compareGenerators), against the local test-double server. */
import { describe, expect, it } from "vitest";
import { LlmClient } from "../../../src/generate/llm/client.js";
import { BudgetExceededError } from "../../../src/generate/llm/errors.js";
import { costOf } from "../../../src/generate/llm/prices.js";
import { TEST_KEY, useLocalServer } from "./helpers.js";

const env = useLocalServer({ apiKey: TEST_KEY, latencyMs: 40 });
const ask = (n: number) => ({ messages: [{ role: "user" as const, content: `Say hello number ${n}` }] });

function client(extra: Partial<ConstructorParameters<typeof LlmClient>[0]> = {}): LlmClient {
  return new LlmClient({ model: "gpt-4o-mini", baseURL: env.server.url, apiKey: TEST_KEY, env: {}, cache: false, backoffBaseMs: 5, ...extra });
}

describe("an endpoint's own price", () => {
  it("bills at the given price, not the model's registered one", async () => {
    const c = client({ price: { input: 10, output: 20 } });
    const res = await c.chat(ask(1));
    expect(res.costUsd).toBeCloseTo((res.usage.input * 10 + res.usage.output * 20) / 1e6, 12);
    expect(res.costUsd).not.toBeCloseTo(costOf("gpt-4o-mini", res.usage), 12);
  });

  it("enforces the budget at that price, and prices an unregistered model", async () => {
    const c = client({ model: "local-model-without-price", price: { input: 1e6, output: 1e6 }, budgetUsd: 1 });
    expect(c.warnings).toEqual([]); // priced, so the cap can be enforced
    await expect(c.chat(ask(2))).rejects.toThrow(BudgetExceededError);
  });
});

describe("request latencies", () => {
  it("records one latency per answered request, at least the server's delay", async () => {
    const c = client();
    await Promise.all([1, 2, 3].map((n) => c.chat(ask(n))));
    const lat = c.latenciesMs();
    expect(lat).toHaveLength(3);
    for (const ms of lat) expect(ms).toBeGreaterThanOrEqual(39);
  });
});
