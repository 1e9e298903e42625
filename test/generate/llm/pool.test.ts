/**
 * The pool of endpoints (src/generate/llm/pool.ts through the one LlmClient), against several real
 * local OpenAI-compatible test doubles: sharing work, per-node slots, routing by latency, a node that
 * dies mid-run, cooldown and recovery, all nodes down, per-node rate limits, configuration errors.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LlmClient, POOL_IDENTITY } from "../../../src/generate/llm/client.js";
import { canonicalJson, sha256 } from "../../../src/generate/llm/cache.js";
import { LlmConfigError } from "../../../src/generate/llm/errors.js";
import { parseEndpoint, parseEndpointList, resolveNodes } from "../../../src/generate/llm/pool.js";
import { createLlmGenerator } from "../../../src/generate/llm/index.js";
import type { CheckpointBatch } from "../../../src/generate/llm/checkpoint.js";
import type { GenerateRequest } from "../../../src/generate/types.js";
import { startOpenAiServer, type OpenAiServerOptions, type OpenAiTestServer } from "../../support/openai-server.js";
import { SALES_SCHEMA, recordingHooks, removeTempDirs, tempDir } from "./helpers.js";

const servers: OpenAiTestServer[] = [];
async function nodes(...opts: OpenAiServerOptions[]): Promise<OpenAiTestServer[]> {
  const started = await Promise.all(opts.map((o) => startOpenAiServer(o)));
  servers.push(...started);
  return started;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  removeTempDirs();
});

const ask = (i: number) => ({ messages: [{ role: "user" as const, content: `Return exactly 2 rows, request ${i}` }] });

function poolClient(urls: string[], extra: Partial<ConstructorParameters<typeof LlmClient>[0]> = {}): LlmClient {
  return new LlmClient({ model: "gpt-4o-mini", endpoints: urls, env: {}, cache: false, backoffBaseMs: 5, cooldownMs: 50, ...extra });
}

function poolRequest(urls: string[], dir: string, extra: Partial<GenerateRequest> = {}, options: Record<string, unknown> = {}): GenerateRequest {
  return {
    rows: 120, seed: 7, schema: SALES_SCHEMA, model: "gpt-4o-mini", description: "Coffee sales, one row per order.",
    batchSize: 4, concurrency: 2, endpoints: urls, runId: "pool-run", ...extra,
    options: { cache: path.join(dir, "cache"), checkpointDir: path.join(dir, "checkpoints"), backoffBaseMs: 5, cooldownMs: 50, env: {}, ...options },
  };
}

function checkpointBatches(dir: string, runId = "pool-run"): CheckpointBatch[] {
  return fs.readFileSync(path.join(dir, "checkpoints", `${runId}.jsonl`), "utf8").split("\n").filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string }).filter((r): r is CheckpointBatch => r.kind === "batch");
}

/** Bodies of chat requests some node answered (HTTP 200), over all nodes. */
const answeredBodies = (ss: OpenAiTestServer[]) => ss.flatMap((s) => s.chatRequests().filter((r) => r.status === 200).map((r) => r.body));

describe("endpoint syntax", () => {
  it("parses URL key= concurrency= name= price=, and SYNTHLAB_ENDPOINTS lists several", () => {
    expect(parseEndpoint("http://gpu1:8000/v1 key=GPU1_KEY concurrency=4 name=gpu1 price=0.1/0.4")).toEqual({
      url: "http://gpu1:8000/v1", keyEnv: "GPU1_KEY", concurrency: 4, name: "gpu1", price: { input: 0.1, output: 0.4 },
    });
    expect(parseEndpointList("http://a:1/v1 key=A_KEY; http://b:2/v1\nhttp://c:3/v1 , http://d:4/v1").map((e) => e.url))
      .toEqual(["http://a:1/v1", "http://b:2/v1", "http://c:3/v1", "http://d:4/v1"]);
    const set = resolveNodes({ env: { SYNTHLAB_ENDPOINTS: "http://a:1/v1/ key=A_KEY;http://b:2/v1", A_KEY: "sk-node-a-0123456789", OPENAI_BASE_URL: "http://x:9/v1" } });
    expect(set.pooled).toBe(true);
    expect(set.nodes.map((n) => [n.name, n.url, n.hasKey])).toEqual([["a:1", "http://a:1/v1", true], ["b:2", "http://b:2/v1", false]]);
    expect(set.nodes[0]!.apiKey).toBe("sk-node-a-0123456789");
  });

  it("without a pool, OPENAI_BASE_URL is the one endpoint and the cache key is what it always was", () => {
    const set = resolveNodes({ env: { OPENAI_BASE_URL: "http://x:9/v1", SYNTHLAB_ENDPOINTS: "" } });
    expect(set).toEqual({ pooled: false, nodes: [{ name: "x:9", url: "http://x:9/v1", apiKey: "not-needed", hasKey: false }] });
    const c = new LlmClient({ model: "m", env: { OPENAI_BASE_URL: "http://x:9/v1" }, cache: false });
    const req = ask(1);
    expect(c.identity).toBe("http://x:9/v1");
    expect(c.key(req)).toBe(sha256(canonicalJson({ v: 1, baseURL: "http://x:9/v1", body: c.body(req) })));
    const p = poolClient(["http://a:1/v1", "http://b:2/v1"]);
    expect(p.identity).toBe(POOL_IDENTITY);
    expect(p.key(req)).toBe(poolClient(["http://c:3/v1"]).key(req)); // any pool: the same key
    expect(p.key(req)).not.toBe(c.key(req));
  });

  it("refuses a literal key without echoing it, an unset key variable, credentials in the URL, and key objects", () => {
    const literal = "sk-live-AbCdEf0123456789xyz";
    const err = (f: () => unknown): string => {
      try { f(); } catch (e) { expect(e).toBeInstanceOf(LlmConfigError); return (e as Error).message; }
      throw new Error("no error");
    };
    const m1 = err(() => resolveNodes({ endpoints: [`http://a:1/v1 key=${literal}`], env: {} }));
    expect(m1).toMatch(/key= takes the NAME of an environment variable holding the key, not the key itself.*export NODE_KEY=<the key> and write key=NODE_KEY/);
    expect(m1).not.toContain("AbCdEf0123456789");
    const m2 = err(() => resolveNodes({ endpoints: ["http://a:1/v1 key=abcdefghijklmnop1234"], env: {} }));
    expect(m2).not.toContain("abcdefghijklmnop1234");
    expect(err(() => resolveNodes({ endpoints: ["http://a:1/v1 key=NODE_A_KEY"], env: {} })))
      .toBe("Endpoint http://a:1/v1: the environment variable NODE_A_KEY (named by key=) is not set; export NODE_A_KEY=<the node's API key>, or drop key= for a keyless server.");
    const m3 = err(() => resolveNodes({ endpoints: ["http://user:hunter2pass@a:1/v1"], env: {} }));
    expect(m3).toMatch(/carries credentials.*key=ENV_VAR/);
    expect(m3).not.toContain("hunter2pass");
    expect(err(() => resolveNodes({ endpoints: [{ url: "http://a:1/v1", apiKey: literal } as never], env: {} }))).not.toContain(literal);
    expect(err(() => resolveNodes({ endpoints: [`http://a:1/v1 ${literal}`], env: {} }))).not.toContain(literal);
    expect(err(() => resolveNodes({ endpoints: ["http://a:1/v1"], baseURL: "http://b:1/v1", env: {} }))).toMatch(/either baseURL\/apiKey .* or endpoints/);
    expect(err(() => resolveNodes({ endpoints: ["http://a:1/v1", "http://a:1/v1"], env: {} }))).toMatch(/Two endpoints are named "a:1"/);
    for (const m of [m1, m2, m3]) expect(m).not.toContain("\n");
  });
});

describe("a pool of endpoints", () => {
  it("shares the work of an llm-rows run, each node within its own --concurrency, with per-node stats", async () => {
    const ss = await nodes({ latencyMs: 20 }, { latencyMs: 20 }, { latencyMs: 20 });
    const dir = tempDir();
    const hooks = recordingHooks();
    const res = await createLlmGenerator("llm-rows").generate(poolRequest(ss.map((s) => s.url), dir, { concurrency: 2 }), hooks);
    expect(res.frame.rowCount).toBe(120);
    for (const s of ss) {
      expect(s.chatRequests().length).toBeGreaterThan(3);
      expect(s.maxInFlight).toBeLessThanOrEqual(2);
    }
    expect(Math.max(...ss.map((s) => s.maxInFlight))).toBe(2); // the slots were used, not just bounded
    const st = res.stats.endpoints!;
    expect(st.map((e) => e.url)).toEqual(ss.map((s) => s.url));
    expect(st.map((e) => e.requests)).toEqual(ss.map((s) => s.chatRequests().length));
    expect(st.reduce((a, e) => a + e.successes, 0)).toBe(res.stats.requests);
    expect(st.reduce((a, e) => a + e.rows, 0)).toBe(checkpointBatches(dir).reduce((a, b) => a + b.rows.length, 0));
    expect(st.every((e) => e.meanLatencyMs >= 15 && e.tokens.output > 0 && e.completionsPerSecond > 0)).toBe(true);
    expect(hooks.events.some((p) => p.nodes?.total === 3)).toBe(true);
  });

  it("every LLM mode uses the pool with no change of its own: text and llm-program too", async () => {
    const ss = await nodes({ latencyMs: 5 }, { latencyMs: 5 });
    const dir = tempDir();
    const text = poolRequest(ss.map((s) => s.url), dir, { rows: 24, textTask: "classification", labels: ["spam", "ham"], balanced: true, runId: "pool-text" });
    delete text.schema;
    const t = await createLlmGenerator("text").generate(text, recordingHooks());
    expect(t.frame.rowCount).toBe(24);
    expect(ss.every((s) => s.chatRequests().length > 0)).toBe(true);
    expect(t.stats.endpoints?.map((e) => e.successes).reduce((a, b) => a + b)).toBe(t.stats.requests);
    const program = await createLlmGenerator("llm-program").generate(poolRequest(ss.map((s) => s.url), dir, { rows: 30, runId: "pool-program" }), recordingHooks());
    expect(program.frame.rowCount).toBe(30);
    expect(program.stats.endpoints).toHaveLength(2);
  });

  it("a node's own concurrency= overrides --concurrency for that node", async () => {
    const [a, b] = await nodes({ latencyMs: 30 }, { latencyMs: 30 });
    const c = poolClient([`${a!.url} concurrency=1`, b!.url], { concurrency: 3 });
    expect(c.concurrency).toBe(4);
    await Promise.all(Array.from({ length: 24 }, (_, i) => c.chat(ask(i))));
    expect(a!.maxInFlight).toBe(1);
    expect(b!.maxInFlight).toBe(3);
    expect(b!.chatRequests().length).toBeGreaterThan(a!.chatRequests().length);
  });

  it("a slow node gets less work than a fast one, but still some", async () => {
    const [fast, slow] = await nodes({ latencyMs: 5 }, { latencyMs: 150 });
    const c = poolClient([fast!.url, slow!.url], { concurrency: 2 });
    await Promise.all(Array.from({ length: 60 }, (_, i) => c.chat(ask(i))));
    const nf = fast!.chatRequests().length, ns = slow!.chatRequests().length;
    expect(nf + ns).toBe(60);
    expect(ns).toBeGreaterThan(0);
    expect(nf).toBeGreaterThan(3 * ns);
  });

  it("a node killed mid-run: its work is re-routed, the table is complete, no batch twice in the checkpoint, no answered request repeated", async () => {
    const ss = await nodes({ latencyMs: 40 }, { latencyMs: 40 }, { latencyMs: 40 });
    const dir = tempDir();
    const victim = ss[1]!;
    let inFlightAtKill = 0;
    const hooks = {
      onProgress: () => {
        // Killed as a process would be, with requests of its own in flight (sent, not answered).
        const inFlight = victim.chatRequests().filter((r) => r.status === undefined).length;
        if (!victim.dead && victim.chatRequests().length >= 6 && inFlight > 0) {
          inFlightAtKill = inFlight;
          victim.kill();
        }
      },
    };
    const res = await createLlmGenerator("llm-rows").generate(poolRequest(ss.map((s) => s.url), dir, { rows: 240, concurrency: 3 }), hooks);
    expect(victim.dead).toBe(true);
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(res.frame.rowCount).toBe(240);
    const batches = checkpointBatches(dir);
    const ids = batches.map((b) => `${b.stream}/${b.index}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(batches.every((b) => !b.failed)).toBe(true);
    const answered = answeredBodies(ss);
    expect(new Set(answered).size).toBe(answered.length);
    const dead = res.stats.endpoints![1]!;
    expect(dead.failures).toBeGreaterThanOrEqual(inFlightAtKill);
    expect(dead.cooldowns).toBeGreaterThan(0);
    expect(res.stats.extra?.["rerouted"]).toBeGreaterThanOrEqual(inFlightAtKill);
    expect(res.stats.retries).toBe(0); // re-routed, not retried: the requests' budgets are intact
    // A re-run (same cache and checkpoint, the dead node dropped) sends nothing and returns the same rows.
    const again = await createLlmGenerator("llm-rows").generate(poolRequest([ss[0]!.url, ss[2]!.url], dir, { rows: 240, concurrency: 3 }), recordingHooks());
    expect(again.stats.requests).toBe(0);
    expect(again.frame.columns).toEqual(res.frame.columns);
  });

  it("the test double's dieAfter: a node that dies after N answers is refused afterwards and its requests go elsewhere", async () => {
    const [a, b] = await nodes({ latencyMs: 40 }, { dieAfter: 2 }); // b is faster, so preferred while it lives
    const c = poolClient([a!.url, b!.url], { concurrency: 1, cooldownMs: 60_000 });
    for (let i = 0; i < 8; i++) await c.chat(ask(i));
    expect(b!.dead).toBe(true);
    expect(b!.chatRequests().filter((r) => r.status === 200)).toHaveLength(2);
    expect(c.stats().endpoints![1]).toMatchObject({ successes: 2, cooldowns: 1 });
    expect(c.stats().endpoints![0]!.successes).toBe(6);
  });

  it("cools a failing node down, re-routes its requests, then uses it again after the cooldown", async () => {
    const [a, b] = await nodes({}, {});
    const c = poolClient([a!.url, b!.url], { cooldownMs: 150 });
    b!.script({ kind: "status", status: 500 }, { kind: "status", status: 500 });
    await c.chat(ask(1)); // a (first of equals)
    await c.chat(ask(2)); // b, not yet measured: 500, re-routed to a
    await c.chat(ask(3)); // b again: second 500 in a row → cooled down; re-routed to a
    expect(b!.chatRequests().length).toBe(2);
    await c.chat(ask(4)); // b is cooling: a
    expect(b!.chatRequests().length).toBe(2);
    expect(c.nodeHealth()).toEqual({ total: 2, cooling: 1 });
    await new Promise((r) => setTimeout(r, 200));
    await c.chat(ask(5)); // b is back (unmeasured, so preferred) and answers
    expect(b!.chatRequests().length).toBe(3);
    const [sa, sb] = c.stats().endpoints!;
    expect(sb).toMatchObject({ requests: 3, successes: 1, failures: 2, rerouted: 2, cooldowns: 1 });
    expect(sa).toMatchObject({ requests: 4, successes: 4, failures: 0 });
    expect(c.stats()).toMatchObject({ retries: 0, rerouted: 2 });
  });

  it("a cooldown grows on repeated failure and is forgiven by a success", async () => {
    const [a, b] = await nodes({}, {});
    const c = poolClient([a!.url, b!.url], { cooldownMs: 1 });
    const node = c.pool.nodes[1]!;
    b!.script(...Array.from({ length: 6 }, () => ({ kind: "status" as const, status: 500 })));
    const lengths: number[] = [];
    for (let i = 0; lengths.length < 3; i++) {
      while (node.cooling(Date.now())) await new Promise((r) => setTimeout(r, 2));
      const before = node.stats.cooldowns;
      await c.chat(ask(i));
      if (node.stats.cooldowns > before) lengths.push(node.lastCooldownMs);
    }
    expect(lengths).toEqual([1, 2, 4]);
    while (node.cooling(Date.now())) await new Promise((r) => setTimeout(r, 2));
    await c.chat(ask(99)); // b answers: strikes forgiven
    expect(node.strikes).toBe(0);
  });

  it("all nodes down: the request fails with one line naming every node and the fix", async () => {
    const [a, b] = await nodes({}, {});
    await a!.close();
    await b!.close();
    const c = poolClient([`${a!.url} name=left`, `${b!.url} name=right`], { maxRetries: 1, cooldownMs: 10 });
    const err = await c.chat(ask(1)).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/^All 2 endpoints failed the request 2 times over \(left \(http:\/\/127\.0\.0\.1:\d+\/v1\): connection failed .*ECONNREFUSED.*; right \(http:\/\/127\.0\.0\.1:\d+\/v1\): connection failed .*\): check that the servers are running and reachable, or remove the dead ones from --endpoint \/ SYNTHLAB_ENDPOINTS\.$/);
    expect(err?.message).not.toContain("\n");
  });

  it("a 429 holds back only the node that sent it, for its retry-after; the request goes elsewhere", async () => {
    const [a, b] = await nodes({}, {});
    const c = poolClient([a!.url, b!.url]);
    a!.script({ kind: "status", status: 429, retryAfterMs: 5000 });
    await c.chat(ask(1)); // a: 429 → b
    await Promise.all([2, 3, 4].map((i) => c.chat(ask(i))));
    expect(a!.chatRequests().length).toBe(1);
    expect(b!.chatRequests().length).toBe(4);
    expect(c.pool.nodes[0]!.pauseUntil).toBeGreaterThan(Date.now() + 3000);
    expect(c.stats().endpoints![0]).toMatchObject({ rateLimited: 1, failures: 1 });
    expect(c.stats()).toMatchObject({ rateLimited: 1, retries: 1 });
  });

  it("one unreachable endpoint: the line names its URL and the fix", async () => {
    const [a] = await nodes({});
    await a!.close();
    const single = new LlmClient({ model: "m", baseURL: a!.url, env: {}, cache: false, maxRetries: 1, backoffBaseMs: 1 });
    const err = await single.chat(ask(1)).then(() => undefined, (e: Error) => e);
    expect(err?.message).toBe(`LLM request failed after 2 attempts: connection failed (Connection error: connect ECONNREFUSED ${a!.url.replace(/^http:\/\/|\/v1$/g, "")}) at ${a!.url}: start the server there, or point OPENAI_BASE_URL (or --endpoint) at a running one.`);
  });

  it("embeddings go through the pool too: shared, re-routed from a dead node, one cache whichever node answered", async () => {
    const [a, b, c] = await nodes({ latencyMs: 10 }, { latencyMs: 10 }, { latencyMs: 10, dieAfter: 2 });
    const dir = tempDir();
    const texts = Array.from({ length: 60 }, (_, i) => `passage ${i} about coffee number ${i * 7}`);
    const client = poolClient([a!.url, b!.url, c!.url], { concurrency: 2, cache: path.join(dir, "cache") });
    const vectors = await client.embed(texts, { batchSize: 3 });
    expect(vectors).toHaveLength(60);
    expect(c!.dead).toBe(true);
    expect(a!.embeddingRequests().length).toBeGreaterThan(0);
    expect(b!.embeddingRequests().length).toBeGreaterThan(0);
    const st = client.stats();
    expect(st.endpoints!.every((e) => e.successes > 0 && e.tokens.input > 0)).toBe(true);
    expect(st.endpoints!.reduce((n, e) => n + e.successes, 0)).toBe(20);
    expect(st.retries).toBe(0);
    // Another pool, another node order: every vector from the cache, nothing sent.
    const again = poolClient([b!.url, a!.url], { cache: path.join(dir, "cache") });
    expect(await again.embed(texts, { batchSize: 3 })).toEqual(vectors);
    expect(again.stats().requests).toBe(0);
  });

  it("the Batch API is refused for a pool of several nodes with the fix", async () => {
    const [a, b] = await nodes({}, {});
    expect(() => poolClient([a!.url, b!.url]).openai).toThrow(/Batch API submits a job to one server/);
    expect(poolClient([a!.url]).openai).toBeTruthy();
  });
});
