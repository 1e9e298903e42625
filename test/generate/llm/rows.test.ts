import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { frameToRecords } from "../../../src/data/frame.js";
import { validateRow } from "../../../src/data/schema.js";
import { createLlmGenerator, estimateLlmRun, priceFor, registerPrice } from "../../../src/generate/llm/index.js";
import { startOpenAiServer, type OpenAiTestServer } from "../../support/openai-server.js";
import { SALES_SCHEMA, TEST_KEY, llmRequest, readAll, recordingHooks, useLocalServer } from "./helpers.js";

const env = useLocalServer({ apiKey: TEST_KEY });

const gen = createLlmGenerator("llm-rows");

describe("llm-rows", () => {
  it("generates exactly the requested rows, all valid, with derived columns computed", async () => {
    const hooks = recordingHooks();
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 45, batchSize: 20 }), hooks);
    expect(res.frame.rowCount).toBe(45);
    const rows = frameToRecords(res.frame);
    for (const r of rows) {
      expect(validateRow(r, SALES_SCHEMA)).toEqual([]);
      expect(r["amount"]).toBeCloseTo((r["price"] as number) * (r["quantity"] as number), 9);
    }
    // 45 rows at 20 per batch: 3 requests, each with response_format json_schema.
    const bodies = env.server.chatRequests().map((r) => JSON.parse(r.body) as { response_format?: { type: string } });
    expect(bodies).toHaveLength(3);
    expect(bodies.every((b) => b.response_format?.type === "json_schema")).toBe(true);
    expect(hooks.events.length).toBeGreaterThan(0);
    expect(hooks.events.at(-1)!.rows).toBe(45);
    expect(res.stats.tokens!.input).toBeGreaterThan(0);
  });

  it("a cached re-run makes no requests and returns the same rows", async () => {
    const first = await gen.generate(llmRequest(env.server, env.dir, { rows: 30 }, { checkpointDir: `${env.dir}/cp1` }), recordingHooks());
    const n = env.server.chatRequests().length;
    const second = await gen.generate(llmRequest(env.server, env.dir, { rows: 30 }, { checkpointDir: `${env.dir}/cp2` }), recordingHooks());
    expect(env.server.chatRequests().length).toBe(n);
    expect(second.stats.cacheHits).toBe(n);
    expect(second.stats.requests).toBe(0);
    expect(frameToRecords(second.frame)).toEqual(frameToRecords(first.frame));
  });

  it("never puts the API key in request bodies, cache files or checkpoints", async () => {
    await gen.generate(llmRequest(env.server, env.dir, { rows: 10 }), recordingHooks());
    expect(env.server.chatRequests()[0]!.headers["authorization"]).toBe(`Bearer ${TEST_KEY}`);
    for (const r of env.server.requests) expect(r.body).not.toContain(TEST_KEY);
    const stored = readAll(env.dir);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).not.toContain(TEST_KEY);
  });

  it("gives an invalid batch one correction turn quoting the errors", async () => {
    env.server.script({ kind: "wrong-types" });
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 5, batchSize: 5 }), recordingHooks());
    const chats = env.server.chatRequests();
    expect(chats).toHaveLength(2);
    const fix = JSON.parse(chats[1]!.body) as { messages: { role: string; content: string }[] };
    expect(fix.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(fix.messages[3]!.content).toMatch(/column price: expected a number, got "not-a-number"/);
    expect(res.frame.rowCount).toBe(5);
    expect(res.stats.invalidRows).toBe(5);
  });

  it("counts finish_reason length and content_filter as failures and retries with a new seed", async () => {
    env.server.script({ kind: "length" }, { kind: "content_filter" });
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 5, batchSize: 5 }), recordingHooks());
    const seeds = env.server.chatRequests().map((r) => (JSON.parse(r.body) as { seed: number }).seed);
    expect(seeds).toHaveLength(3);
    expect(new Set(seeds).size).toBe(3);
    expect(res.frame.rowCount).toBe(5);
  });

  it("removes duplicate rows and copies of the example rows, topping up with new batches", async () => {
    const like = { columnNames: ["product", "price", "quantity", "card", "amount"], rowCount: 3, columns: {
      product: ["Latte", "Cocoa", "Espresso"], price: [3.5, 4, 2], quantity: [1, 2, 3], card: [true, false, true], amount: [3.5, 8, 6] } };
    env.server.script({ kind: "duplicates" }, { kind: "copy-examples" });
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 6, batchSize: 3, like, examples: 3 }), recordingHooks());
    expect(res.frame.rowCount).toBe(6);
    const rows = frameToRecords(res.frame);
    const keys = rows.map((r) => JSON.stringify(r));
    expect(new Set(keys).size).toBe(6);
    for (const real of [0, 1, 2]) {
      expect(rows.some((r) => r["price"] === like.columns.price[real] && r["product"] === like.columns.product[real] && r["quantity"] === like.columns.quantity[real])).toBe(false);
    }
    expect(res.stats.duplicatesRemoved).toBeGreaterThanOrEqual(2 + 3);
    expect((res.stats.extra as { copiesOfRealRemoved: number }).copiesOfRealRemoved).toBe(3);
    // The few-shot prompt carried the example rows.
    expect(env.server.chatRequests()[0]!.body).toContain("Examples of real rows");
  });

  it("stops topping up when a round adds nothing, with a warning that names the cause", async () => {
    await env.server.close();
    env.server = await startOpenAiServer({ apiKey: TEST_KEY, defaultAction: { kind: "copy-examples" } });
    const like = { columnNames: ["product", "price", "quantity", "card", "amount"], rowCount: 2, columns: {
      product: ["Latte", "Cocoa"], price: [3.5, 4], quantity: [1, 2], card: [true, false], amount: [3.5, 8] } };
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 10, batchSize: 5, like, examples: 2 }), recordingHooks());
    expect(res.frame.rowCount).toBe(0);
    expect(res.frame.columnNames).toEqual(["product", "price", "quantity", "card", "amount"]);
    expect(res.warnings.join(" ")).toMatch(/Only 0 of 10 rows for the run: .*repeating rows/);
    expect(env.server.chatRequests()).toHaveLength(2); // one round of 2 batches, then no endless retrying
  });

  it("falls back to the schema in the prompt when the server rejects json_schema, extracting fenced JSON", async () => {
    await env.server.close();
    env.server = await startOpenAiServer({ apiKey: TEST_KEY, structuredOutputs: "reject", fencedAnswers: true });
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 8, batchSize: 4 }), recordingHooks());
    expect(res.frame.rowCount).toBe(8);
    expect(res.warnings.join(" ")).toMatch(/does not support structured output/);
    const last = JSON.parse(env.server.chatRequests().at(-1)!.body) as { response_format?: unknown; messages: { content: string }[] };
    expect(last.response_format).toBeUndefined();
    expect(last.messages[1]!.content).toContain("JSON Schema:");
  });

  it("stops cleanly at the budget cap and returns the rows generated so far with a warning", async () => {
    registerPrice("test-rows-budget", { input: 2000, output: 2000 });
    const hooks = recordingHooks();
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 200, batchSize: 5, model: "test-rows-budget", budgetUsd: 6, concurrency: 4 }), hooks);
    expect(res.frame.rowCount).toBeGreaterThan(0);
    expect(res.frame.rowCount).toBeLessThan(200);
    expect(res.stats.costUsd).toBeLessThanOrEqual(6);
    expect(res.warnings.join(" ")).toMatch(/Budget of \$6\.0000 reached.*Stopped by the budget cap: returning the \d+ of 200 rows/);
    expect(res.warnings.join(" ")).toMatch(/Estimated cost \$[\d.]+ exceeds the budget/);
    expect(res.stats.extra).toMatchObject({ stoppedByBudget: true });
    expect(hooks.events.some((e) => (e.costUsd ?? 0) > 0)).toBe(true);
  });

  it("fails with one clear error when the server keeps failing, and a re-run resumes from the checkpoint", async () => {
    await env.server.close();
    env.server = await startOpenAiServer({ apiKey: TEST_KEY, latencyMs: 20 });
    // Batch 0 succeeds, batch 1 keeps failing (concurrency 1 keeps the order fixed).
    env.server.script({ kind: "ok" }, { kind: "status", status: 500 }, { kind: "status", status: 500 });
    const req = llmRequest(env.server, env.dir, { rows: 10, batchSize: 5, concurrency: 1, runId: "fail-resume" }, { maxRetries: 1 });
    await expect(gen.generate(req, recordingHooks())).rejects.toThrow(/LLM request failed after 2 attempts: 500/);
    expect(env.server.chatRequests()).toHaveLength(3);
    const res = await gen.generate(req, recordingHooks());
    expect(res.frame.rowCount).toBe(10);
    expect(res.stats.requests).toBe(1); // batch 0 came from the checkpoint
  });

  it("estimates a run's cost before it starts, without any request", async () => {
    const req = llmRequest(env.server, env.dir, { rows: 1000, batchSize: 25 });
    const est = await estimateLlmRun("llm-rows", req);
    expect(est.requests).toBe(40);
    const p = priceFor("gpt-4o-mini")!;
    expect(est.usd).toBeCloseTo((est.inputTokens * p.input + est.outputTokens * p.output) / 1e6, 12);
    expect(est.inputTokens).toBeGreaterThan(40 * 100); // the real prompt: columns, constraints and the JSON schema
    const batch = await estimateLlmRun("llm-rows", { ...req, batchApi: true });
    expect(batch.usd).toBeCloseTo(est.usd! / 2, 12);
    expect(env.server.requests).toHaveLength(0);
  });

  it("adds a _meta provenance column on request", async () => {
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 4, meta: true, runId: "meta-run" }), recordingHooks());
    const meta = JSON.parse(String(res.frame.columns["_meta"]![0])) as Record<string, unknown>;
    expect(meta).toMatchObject({ method: "llm-rows", model: "gpt-4o-mini", runId: "meta-run" });
    expect(String(meta["promptHash"])).toMatch(/^[0-9a-f]{16}$/);
    expect(typeof meta["seed"]).toBe("number");
  });

  it("says how to configure a provider when there is none", async () => {
    const req = llmRequest(env.server, env.dir, { rows: 4 });
    const options = { ...req.options };
    delete options["baseURL"];
    delete options["apiKey"];
    await expect(gen.generate({ ...req, options }, recordingHooks())).rejects.toThrow(
      /OPENAI_API_KEY.*OPENAI_BASE_URL.*--mode offline or --mode copula/,
    );
  });
});
