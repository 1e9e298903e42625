/**
 * compareGenerators against several local OpenAI-compatible servers started here. They are TEST
 * DOUBLES (test/support/openai-server.ts), not language models: their rows are seeded fillers of
 * the JSON schema, with scripted latency, error rate and share of broken rows. Nothing here is
 * model output, and no number here says anything about any real model.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as vl from "vega-lite";
import { readCsv } from "../../src/data/csv.js";
import { selectColumns, takeRows } from "../../src/data/frame.js";
import { splitTrainHoldout } from "../../src/data/split.js";
import type { Frame } from "../../src/data/types.js";
import { evaluate } from "../../src/evaluate/index.js";
import { compareGenerators, type Comparison } from "../../src/compare/index.js";
import { displaySymbol } from "../../src/display/protocol.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { tablePath } from "../support/tables.js";
import { readAll, removeTempDirs, tempDir } from "../generate/llm/helpers.js";

const SECRET = "sk-test-double-SECRET-9f8e7d6c5b4a";

let real: Frame;
let holdout: Frame;
const servers: Record<string, OpenAiTestServer> = {};
let dir: string;
let cmp: Comparison;
/** The display bundle, made once (three charts rendered to PNG). */
let bundle: Record<string, unknown>;

beforeAll(async () => {
  const mpg = await readCsv(tablePath("mpg.csv"));
  const table = selectColumns(mpg, mpg.columnNames.filter((c) => c !== "name"));
  const parts = splitTrainHoldout(takeRows(table, Array.from({ length: 200 }, (_, i) => i)), { holdout: 0.3, seed: 1 });
  real = parts.train;
  holdout = parts.holdout;
  // Test doubles with different latencies, error rates and output quality; one needs a key.
  servers.fast = await startOpenAiServer({ latencyMs: 5, apiKey: SECRET });
  servers.slow = await startOpenAiServer({ latencyMs: 60, latencyJitterMs: 20 });
  servers.flaky = await startOpenAiServer({ latencyMs: 5, errorRate: 0.3, badRowRate: 0.3, seed: 2 });
  servers.broken = await startOpenAiServer({ models: ["served-model"], defaultAction: { kind: "content", content: "I'd rather write a poem than JSON." } });
  servers.hang = await startOpenAiServer({ defaultAction: { kind: "hang" } });
  dir = tempDir();
  cmp = await compareGenerators({
    candidates: [
      "offline",
      "copula",
      { name: "fast (test double)", baseURL: servers.fast!.url, model: "double-fast", keyEnv: "FAST_KEY", price: { input: 0.2, output: 0.8 } },
      { name: "slow (test double)", baseURL: servers.slow!.url, model: "double-slow", price: { input: 2, output: 8 } },
      { name: "flaky (test double)", baseURL: servers.flaky!.url, model: "double-flaky", price: { input: 0.1, output: 0.4 } },
      // Another model name than "fast": the same requests would come from the response cache, which (rightly) holds no key.
      { name: "wrong key (test double)", baseURL: servers.fast!.url, model: "double-fast-2", keyEnv: "WRONG_KEY" },
      { name: "unknown model (test double)", baseURL: servers.broken!.url, model: "not-served" },
      { name: "garbage (test double)", baseURL: servers.broken!.url, model: "served-model" },
      { name: "timeout (test double)", baseURL: servers.hang!.url, model: "m", timeoutMs: 150 },
    ],
    real, holdout, target: "mpg", rows: 40, seed: 5, queries: 50,
    env: { FAST_KEY: SECRET, WRONG_KEY: "sk-wrong-key-0000000000", OPENAI_API_KEY: "sk-must-not-be-used-1111" },
    cache: path.join(dir, "cache"), checkpointDir: path.join(dir, "runs"), checkpoint: path.join(dir, "compare.jsonl"),
    retry: { maxRetries: 4, backoffBaseMs: 1, maxAttempts: 2 },
  });
  bundle = await cmp[displaySymbol]();
});

afterAll(async () => {
  for (const s of Object.values(servers)) await s.close();
  removeTempDirs();
});

const row = (name: string) => cmp.candidates.find((c) => c.name === name)!;

describe("compareGenerators against local test-double servers", () => {
  it("runs every candidate with the same rows and keeps failures in their own row", () => {
    expect(cmp.candidates.map((c) => c.name)).toHaveLength(9);
    for (const name of ["offline", "copula", "fast (test double)", "slow (test double)", "flaky (test double)"]) {
      expect(row(name).status, `${name}: ${row(name).error ?? ""}`).toBe("ok");
      expect(row(name).rows).toBe(40);
    }
    expect(row("wrong key (test double)").error).toMatch(/401.*Check OPENAI_API_KEY/);
    expect(row("unknown model (test double)").error).toMatch(/404.*model name \("not-served"\)/);
    expect(row("garbage (test double)").error).toMatch(/^no valid rows: Only 0 of 40 rows/);
    expect(row("timeout (test double)").error).toMatch(/timed out after 150 ms/);
    for (const f of cmp.failures) expect(f.error).not.toContain("\n");
    expect(String(cmp)).toContain("timeout (test double) failed: LLM request failed");
  });

  it("reports requests, tokens and dollars at each endpoint's own price", () => {
    for (const name of ["fast (test double)", "slow (test double)", "flaky (test double)"]) {
      const o = row(name);
      const price = name.startsWith("fast") ? [0.2, 0.8] : name.startsWith("slow") ? [2, 8] : [0.1, 0.4];
      expect(o.requests).toBeGreaterThanOrEqual(2); // 40 rows in batches of 20
      expect(o.tokens.input).toBeGreaterThan(0);
      expect(o.costUsd).toBeCloseTo((o.tokens.input * price[0]! + o.tokens.output * price[1]!) / 1e6, 10);
    }
    expect(row("copula").costUsd).toBe(0);
    expect(row("copula").requests).toBe(0);
    // The flaky double answers 30% of requests with HTTP 500: retried, so more requests than batches.
    expect(row("flaky (test double)").requests).toBeGreaterThan(row("fast (test double)").requests);
  });

  it("measures latency per request: the slow double's p50 is above its 60 ms, above the fast one's", () => {
    const slow = row("slow (test double)").latency;
    const fast = row("fast (test double)").latency;
    expect(slow.samples.length).toBe(row("slow (test double)").requests);
    expect(slow.p50!).toBeGreaterThanOrEqual(60);
    expect(slow.p95!).toBeGreaterThanOrEqual(slow.p50!);
    expect(slow.p50!).toBeGreaterThan(fast.p50!);
    expect(row("copula").latency.p50).toBeNull();
  });

  it("counts valid rows: the double that breaks 30% of rows scores below the clean one", () => {
    expect(row("fast (test double)").validShare).toBe(1);
    expect(row("flaky (test double)").validShare!).toBeLessThan(0.95);
    expect(row("flaky (test double)").validShare!).toBeGreaterThan(0.3);
    expect(row("copula").validShare).toBeNull(); // statistical modes reject nothing
    for (const n of ["offline", "copula", "fast (test double)"]) {
      expect(row(n).duplicateShare).toBeGreaterThanOrEqual(0);
      expect(row(n).copiesOfReal).toBeGreaterThanOrEqual(0);
    }
  });

  it("takes the scores from the report library, unchanged", async () => {
    const direct = await evaluate({ real, synthetic: cmp.frame("copula")!, holdout, target: "mpg", seed: 5, queries: 50 });
    const o = row("copula");
    expect(o.scores).toEqual({ ...direct.scores, validity: direct.toJSON().diagnostic.score });
    expect(o.mae).toEqual({ tstr: direct.toJSON().utility.prediction!.tstr.mae, trtr: direct.toJSON().utility.prediction!.trtr.mae, target: "mpg" });
    expect(o.noiseFloor.utility).toBe(direct.toJSON().utility.noiseFloor);
    // TRTR is the same real-data model for everyone.
    expect(row("fast (test double)").mae!.trtr).toBe(o.mae!.trtr);
  });

  it("runs candidates on different endpoints at the same time, and never two on one endpoint", () => {
    const times = (s: OpenAiTestServer) => s.chatRequests().map((r) => r.at);
    const slow = times(servers.slow!);
    const fast = times(servers.fast!);
    // The fast double's requests arrive while the slow one's are still coming.
    expect(Math.min(...fast)).toBeLessThan(Math.max(...slow));
    // (One candidate at a time per endpoint: test/compare/lanes.test.ts.)
  });

  it("recommends the cheapest candidate within the noise margin of the best", () => {
    const rec = cmp.recommendation;
    expect(cmp.quality).toBe("utility");
    const ok = cmp.candidates.filter((c) => c.status === "ok");
    const best = ok.reduce((a, b) => (b.scores.utility! > a.scores.utility! ? b : a));
    expect(rec.best).toBe(best.name);
    const pick = row(rec.candidate!);
    expect(pick.scores.utility!).toBeGreaterThanOrEqual(best.scores.utility! - rec.margin! - 1e-12);
    for (const o of ok) if (o.scores.utility! >= best.scores.utility! - rec.margin!) expect(pick.costUsd!).toBeLessThanOrEqual(o.costUsd ?? Infinity);
    expect(rec.line).toMatch(new RegExp(`^Recommendation: ${rec.candidate!.replace(/[()]/g, "\\$&")} — `));
  });

  it("displays as HTML with the table and three charts, and as text", () => {
    const html = String(bundle["text/html"]);
    expect(html).toContain("fast (test double)");
    expect(html.match(/<img /g)?.length).toBe(3);
    expect(html).toContain(cmp.recommendation.line.replace(/'/g, "&#39;").replace(/"/g, "&quot;"));
    const text = String(bundle["text/plain"]);
    expect(text).toContain("Generator comparison: 9 candidates × 40 rows, seed 5");
    expect(text).toMatch(/TSTR MAE/);
    const charts = cmp.charts();
    for (const spec of [charts.costQuality, charts.quality, charts.latency]) {
      expect(spec).not.toBeNull();
      expect(vl.compile(spec as unknown as vl.TopLevelSpec).spec).toHaveProperty("marks");
    }
  });

  it("never lets a key reach outputs, the checkpoint, the cache or another endpoint", () => {
    const everything = JSON.stringify(cmp.toJSON()) + String(bundle["text/html"]) + String(bundle["text/plain"]) + readAll(dir);
    for (const secret of [SECRET, "sk-wrong-key-0000000000", "sk-must-not-be-used-1111"]) expect(everything).not.toContain(secret);
    // The process-wide OPENAI_API_KEY is never sent to a candidate's endpoint.
    for (const s of Object.values(servers)) for (const r of s.chatRequests()) expect(r.headers["authorization"] ?? "").not.toContain("sk-must-not-be-used");
  });

  it("skips the candidates that finished when run again (the comparison checkpoint)", async () => {
    for (const s of Object.values(servers)) s.resetCounters();
    const events: string[] = [];
    const again = await compareGenerators({
      candidates: ["offline", "copula", { name: "fast (test double)", baseURL: servers.fast!.url, model: "double-fast", keyEnv: "FAST_KEY", price: { input: 0.2, output: 0.8 } }],
      real, holdout, target: "mpg", rows: 40, seed: 5, queries: 50, env: { FAST_KEY: SECRET },
      cache: path.join(dir, "cache"), checkpointDir: path.join(dir, "runs"), checkpoint: path.join(dir, "compare.jsonl"),
      onProgress: (e) => events.push(`${e.candidate}:${e.phase}`),
    });
    expect(events.filter((e) => e.endsWith(":resumed"))).toEqual(["fast (test double):resumed", "offline:resumed", "copula:resumed"]);
    expect(servers.fast!.chatRequests()).toHaveLength(0);
    expect(again.candidates.map((c) => c.scores)).toEqual(["offline", "copula", "fast (test double)"].map((n) => row(n).scores));
    // The failed candidates were not recorded: they run again next time.
    const lines = fs.readFileSync(path.join(dir, "compare.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(5);
  });
});
