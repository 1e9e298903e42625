/**
 * The same budget for every LLM candidate, enforced by the engine, against local OpenAI-compatible
 * TEST DOUBLES (test/support/openai-server.ts; not models).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frameFromRecords } from "../../src/data/frame.js";
import { compareGenerators } from "../../src/compare/index.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { removeTempDirs, tempDir } from "../generate/llm/helpers.js";

const real = frameFromRecords(Array.from({ length: 80 }, (_, i) => ({ x: i * 1.37, y: (i * 13) % 11 + 0.5, kind: ["a", "b", "c"][i % 3]! })));
let a: OpenAiTestServer;
let b: OpenAiTestServer;
beforeAll(async () => {
  a = await startOpenAiServer();
  b = await startOpenAiServer();
});
afterAll(async () => {
  await a.close();
  await b.close();
  removeTempDirs();
});

describe("budget per candidate (test doubles)", () => {
  it("gives every LLM candidate the same cap: the expensive one stops at it, the cheap one finishes", async () => {
    const dir = tempDir();
    const budget = 0.01;
    const cmp = await compareGenerators({
      candidates: [
        { name: "cheap (test double)", baseURL: a.url, model: "cheap", price: { input: 0.1, output: 0.1 }, batchSize: 10 },
        { name: "dear (test double)", baseURL: b.url, model: "dear", price: { input: 2000, output: 2000 }, batchSize: 10 },
      ],
      real, rows: 40, seed: 1, budget, cache: path.join(dir, "cache"), checkpointDir: path.join(dir, "runs"), checkpoint: false, queries: 20,
    });
    const [cheap, dear] = cmp.candidates;
    expect(cheap!.status).toBe("ok");
    expect(cheap!.rows).toBe(40);
    expect(dear!.costUsd ?? 0).toBeLessThanOrEqual(budget);
    const said = dear!.status === "failed" ? dear!.error! : dear!.warnings.join(" ");
    expect(said).toMatch(/Budget of \$0\.0100 reached|Stopped by the budget cap/);
    expect(dear!.rows).toBeLessThan(40);
  });
});
