/**
 * Candidates run at once across endpoints and one at a time on an endpoint (its rate limit),
 * against local OpenAI-compatible TEST DOUBLES (test/support/openai-server.ts; not models).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frameFromRecords } from "../../src/data/frame.js";
import { compareGenerators } from "../../src/compare/index.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { removeTempDirs, tempDir } from "../generate/llm/helpers.js";

const real = frameFromRecords(Array.from({ length: 60 }, (_, i) => ({ a: i * 0.7, b: (i * 7) % 13 + 0.25, c: ["p", "q"][i % 2]! })));
let shared: OpenAiTestServer;
let other: OpenAiTestServer;
beforeAll(async () => {
  shared = await startOpenAiServer({ latencyMs: 40 });
  other = await startOpenAiServer({ latencyMs: 40 });
});
afterAll(async () => {
  await shared.close();
  await other.close();
  removeTempDirs();
});

describe("lanes (test doubles)", () => {
  it("never has two candidates in flight on one endpoint, and runs endpoints at the same time", async () => {
    const dir = tempDir();
    const llm = (name: string, url: string, model: string) => ({ name, baseURL: url, model, concurrency: 2, batchSize: 5 });
    const cmp = await compareGenerators({
      candidates: [llm("one (test double)", shared.url, "m1"), llm("two (test double)", shared.url, "m2"), llm("three (test double)", other.url, "m3")],
      real, rows: 30, seed: 1, queries: 20, cache: path.join(dir, "cache"), checkpointDir: path.join(dir, "runs"), checkpoint: false,
    });
    expect(cmp.candidates.map((c) => c.status)).toEqual(["ok", "ok", "ok"]);
    // 6 requests per candidate, 2 in flight each: the two candidates on one endpoint would make 4 at once if they overlapped.
    expect(shared.chatRequests().length).toBeGreaterThanOrEqual(12);
    expect(shared.maxInFlight).toBe(2);
    const bodies = shared.chatRequests().map((r) => (JSON.parse(r.body) as { model: string }).model);
    expect(bodies.lastIndexOf("m1")).toBeLessThan(bodies.indexOf("m2")); // m1 finished before m2 began
    // The other endpoint's candidate ran meanwhile: its first request came before the shared endpoint's last.
    const last = Math.max(...shared.chatRequests().map((r) => r.at));
    expect(Math.min(...other.chatRequests().map((r) => r.at))).toBeLessThan(last);
  });
});
