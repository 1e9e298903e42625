/**
 * The keys of a pool of endpoints never leak: two nodes, each requiring its own fresh random key
 * (read from the environment variable its key= names), a run with the response cache, a checkpoint
 * and the `_meta` column on; servers that echo a key in a reply and in an error. Then the result
 * (rows, stats with the per-node figures, warnings, provenance, summary), the cache and checkpoint
 * files, and the error lines are scanned for any 16-character piece of either key. The servers' own
 * records show each key was really sent to its node, so an empty scan is not an accident.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generate } from "../../src/generate/index.js";
import { LlmClient } from "../../src/generate/llm/client.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { SALES_SCHEMA, readAll } from "../generate/llm/helpers.js";

const fresh = () => `sk-test-${randomBytes(20).toString("hex")}`;
const pieces = (key: string) => Array.from({ length: key.length - 15 }, (_, i) => key.slice(i, i + 16)).filter((p) => !p.startsWith("sk-test"));

let dir: string;
let servers: OpenAiTestServer[] = [];
let keyA: string;
let keyB: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "synthlab-pool-secrets-"));
  keyA = fresh();
  keyB = fresh();
  servers = await Promise.all([startOpenAiServer({ apiKey: keyA, latencyMs: 5 }), startOpenAiServer({ apiKey: keyB, latencyMs: 5 })]);
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

function expectNoKey(text: string): void {
  for (const p of [...pieces(keyA), ...pieces(keyB)]) expect(text).not.toContain(p);
}

describe("a pool's keys never leak", () => {
  it("not into rows, stats, summary, provenance, cache or checkpoint, even when servers echo them", async () => {
    const [a, b] = servers as [OpenAiTestServer, OpenAiTestServer];
    a.script({ kind: "status", status: 500, message: `upstream said Bearer ${keyA} is fine` });
    b.script({ kind: "content", content: `{"rows": []} my key is ${keyB}` });
    const env = { NODE_A_KEY: keyA, NODE_B_KEY: keyB };
    const run = await generate({
      mode: "llm-rows", rows: 40, seed: 3, schema: SALES_SCHEMA, description: "Coffee sales", batchSize: 4, concurrency: 2, meta: true,
      endpoints: [`${a.url} key=NODE_A_KEY`, { url: b.url, keyEnv: "NODE_B_KEY", name: "b" }],
      options: { env, cache: join(dir, "cache"), checkpointDir: join(dir, "checkpoints"), backoffBaseMs: 5, cooldownMs: 20 },
    });
    expect(run.frame.rowCount).toBe(40);
    // Each node got its own key, and only that one.
    expect(new Set(a.chatRequests().map((r) => r.headers["authorization"]))).toEqual(new Set([`Bearer ${keyA}`]));
    expect(new Set(b.chatRequests().map((r) => r.headers["authorization"]))).toEqual(new Set([`Bearer ${keyB}`]));
    expect(run.stats.endpoints).toHaveLength(2);
    expectNoKey(JSON.stringify({ columns: run.frame.columns, stats: run.stats, warnings: run.warnings, provenance: run.provenance }));
    expectNoKey(run.summaryLines().join("\n"));
    expectNoKey(readAll(join(dir, "cache")));
    expectNoKey(readAll(join(dir, "checkpoints")));
  });

  it("not into the errors of a pool: a 401 naming the node, an echoed key, all nodes down", async () => {
    const [a, b] = servers as [OpenAiTestServer, OpenAiTestServer];
    const wrong = new LlmClient({ model: "m", endpoints: [`${a.url} key=NODE_A_KEY`, `${b.url} key=NODE_B_KEY`], env: { NODE_A_KEY: keyB, NODE_B_KEY: keyA }, cache: false });
    const e1 = await wrong.chat({ messages: [{ role: "user", content: "hi" }] }).then(() => undefined, (e: Error) => e);
    expect(e1?.message).toMatch(/Check the key of endpoint 127\.0\.0\.1:\d+ \(the variable its key= names\)/);
    a.script({ kind: "status", status: 400, message: `bad request from ${keyA}` });
    const echo = new LlmClient({ model: "m", endpoints: [`${a.url} key=NODE_A_KEY`], env: { NODE_A_KEY: keyA }, cache: false });
    const e2 = await echo.chat({ messages: [{ role: "user", content: "hi" }] }).then(() => undefined, (e: Error) => e);
    expect(e2?.message).toMatch(/LLM request failed/);
    await Promise.all(servers.map((s) => s.close()));
    const down = new LlmClient({ model: "m", endpoints: [`${a.url} key=NODE_A_KEY`, `${b.url} key=NODE_B_KEY`], env: { NODE_A_KEY: keyA, NODE_B_KEY: keyB }, cache: false, maxRetries: 0, backoffBaseMs: 1 });
    const e3 = await down.chat({ messages: [{ role: "user", content: "hi" }] }).then(() => undefined, (e: Error) => e);
    expect(e3?.message).toMatch(/^All 2 endpoints failed/);
    for (const e of [e1, e2, e3]) expectNoKey(`${e?.message} ${e?.stack}`);
  });
});
