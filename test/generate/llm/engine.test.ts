/**
 * The batch engine on its own, with the real client against the local OpenAI-compatible test
 * double: how many batches it works on at once, the order it feeds the duplicate filter in, and
 * what happens when the checkpoint cannot be written.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Row } from "../../../src/data/frame.js";
import { Checkpoint } from "../../../src/generate/llm/checkpoint.js";
import { LlmClient } from "../../../src/generate/llm/client.js";
import { createRowDeduper, dedupRecords } from "../../../src/generate/dedup.js";
import { runEngine, type EngineOptions } from "../../../src/generate/llm/engine.js";
import { parseRows, planRows } from "../../../src/generate/llm/rows.js";
import { startOpenAiServer } from "../../support/openai-server.js";
import { SALES_SCHEMA, TEST_KEY, useLocalServer } from "./helpers.js";

const env = useLocalServer({ apiKey: TEST_KEY, latencyMs: 15 });

function engineOptions(concurrency: number, dir: string, overrides: Partial<EngineOptions> = {}): EngineOptions {
  const plan = planRows({ rows: 0, seed: 3, schema: SALES_SCHEMA, model: "gpt-4o-mini", description: "Coffee sales." }, "auto");
  const client = new LlmClient({ model: "gpt-4o-mini", baseURL: env.server.url, apiKey: TEST_KEY, env: {}, cache: false, concurrency });
  return {
    client,
    checkpoint: Checkpoint.open(dir, "run", "params"),
    streams: [{ id: "", target: 200 }],
    batchSize: 5,
    seed: 3,
    buildRequest: (ctx, attempt) => plan.buildRequest(ctx, attempt),
    parse: (content) => parseRows(content, SALES_SCHEMA),
    deduper: () => createRowDeduper(["product", "price", "quantity", "card"], { mode: "near" }),
    ...overrides,
  };
}

describe("batch engine", () => {
  it("works on at most twice the client's concurrency batches at once and sends at most the concurrency", async () => {
    let started = 0;
    let finished = 0;
    let most = 0;
    const base = engineOptions(3, path.join(env.dir, "cp"));
    const res = await runEngine({
      ...base,
      buildRequest: (ctx, attempt) => {
        if (attempt === 0) { started += 1; most = Math.max(most, started - finished); }
        return base.buildRequest(ctx, attempt);
      },
      onBatch: () => { finished += 1; },
    });
    expect(res.streams.get("")!.rows).toHaveLength(200);
    // 40 batches of 5; never all 40 built up front.
    expect(started).toBeGreaterThanOrEqual(40);
    expect(most).toBeLessThanOrEqual(6);
    expect(most).toBeGreaterThan(3); // requests queue ahead of the free slots
    expect(env.server.maxInFlight).toBeLessThanOrEqual(3);
  });

  it("feeds the duplicate filter batch by batch, in batch order, while requests are still in flight", async () => {
    const pushes: { first: unknown; requestsSoFar: number }[] = [];
    const seen: Row[] = [];
    const base = engineOptions(4, path.join(env.dir, "cp"));
    const res = await runEngine({
      ...base,
      deduper: () => {
        const d = createRowDeduper(["product", "price", "quantity", "card"], { mode: "near" });
        return {
          push: (rows) => { pushes.push({ first: rows[0], requestsSoFar: env.server.chatRequests().length }); seen.push(...rows); d.push(rows); },
          outcome: () => d.outcome(),
        };
      },
    });
    const rows = res.streams.get("")!.rows;
    expect(rows).toHaveLength(200);
    // One push per batch, the first long before the last request was sent.
    expect(pushes.length).toBe(env.server.chatRequests().length);
    expect(pushes[0]!.requestsSoFar).toBeLessThan(env.server.chatRequests().length / 2);
    // Pushed in batch order: the kept rows are exactly what a one-shot dedup of that order keeps.
    const oneShot = dedupRecords(seen, ["product", "price", "quantity", "card"], { mode: "near" });
    expect(rows).toEqual(oneShot.keep.slice(0, 200).map((i) => seen[i]));
    expect(res.duplicatesRemoved).toBe(oneShot.removed);
  });

  it("gives the same rows whatever the concurrency (batch order, not arrival order)", async () => {
    const a = await runEngine(engineOptions(1, path.join(env.dir, "a")));
    // Eight at a time against a second, faster server: answers finish in whatever order they come.
    const jittery = await startOpenAiServer({ apiKey: TEST_KEY, latencyMs: 1 });
    try {
      const base = engineOptions(8, path.join(env.dir, "b"));
      const client = new LlmClient({ model: "gpt-4o-mini", baseURL: jittery.url, apiKey: TEST_KEY, env: {}, cache: false, concurrency: 8 });
      const b = await runEngine({ ...base, client });
      expect(b.streams.get("")!.rows).toEqual(a.streams.get("")!.rows);
    } finally {
      await jittery.close();
    }
  });

  it("fails with one clear error when the checkpoint cannot be written, instead of losing batches silently", async () => {
    const dir = path.join(env.dir, "gone");
    let removed = false;
    const run = runEngine({
      ...engineOptions(2, dir),
      onBatch: (_b: unknown, p: { rows: number }) => {
        if (!removed && p.rows > 0) { removed = true; fs.rmSync(dir, { recursive: true, force: true }); }
      },
    });
    await expect(run).rejects.toThrow(/Could not write the checkpoint .*run\.jsonl \(ENOENT.*choose another checkpoint directory/);
  });
});
