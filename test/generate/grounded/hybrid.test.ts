import { describe, expect, it } from "vitest";
import { LlmClient } from "../../../src/generate/llm/client.js";
import { EmbeddingsUnsupportedError, LlmRequestError } from "../../../src/generate/llm/errors.js";
import { loadCorpus } from "../../../src/generate/grounded/corpus.js";
import { RRF_K, createRetriever, normalizeTerm, reciprocalRankFusion, tokenize } from "../../../src/generate/grounded/retrieval.js";
import type { Corpus, Retriever } from "../../../src/generate/grounded/types.js";
import { startOpenAiServer, testDoubleEmbedding, type OpenAiServerOptions } from "../../support/openai-server.js";
import { TEST_KEY, readAll, useLocalServer } from "../llm/helpers.js";
import { DOCS_DIR, memoryCorpus } from "./corpus-fixtures.js";

const env = useLocalServer({ apiKey: TEST_KEY });

function client(extra: Partial<ConstructorParameters<typeof LlmClient>[0]> = {}): LlmClient {
  return new LlmClient({ model: "local-model", baseURL: env.server.url, apiKey: TEST_KEY, env: {}, cache: `${env.dir}/cache`, backoffBaseMs: 1, ...extra });
}

async function restart(options: OpenAiServerOptions): Promise<void> {
  await env.server.close();
  env.server = await startOpenAiServer({ apiKey: TEST_KEY, ...options });
}

const COFFEE = [
  "The barista brewed the coffee slowly at ninety degrees.",
  "Milk is steamed until it foams, then poured over the espresso.",
  "Beans keep longest in a dry, dark and airtight container.",
  "A grinder set fine suits espresso; coarse suits a French press.",
];

describe("reciprocal rank fusion", () => {
  it("adds 1/(60 + rank) over the rankings that retrieved a passage", () => {
    const fused = reciprocalRankFusion([[3, 1, 2], [2, 3]]);
    expect(RRF_K).toBe(60);
    expect(fused.get(3)).toBeCloseTo(1 / 61 + 1 / 62, 15);
    expect(fused.get(2)).toBeCloseTo(1 / 63 + 1 / 61, 15);
    expect(fused.get(1)).toBeCloseTo(1 / 62, 15);
    // Agreement beats one first place: 2nd + 2nd > 1st alone.
    const f = reciprocalRankFusion([[0, 1], [2, 1]]);
    expect(f.get(1)!).toBeGreaterThan(f.get(0)!);
  });
});

describe("LlmClient.embed against the local test double", () => {
  it("returns one vector per text in order, sends each distinct text once, in batches", async () => {
    const c = client({ cache: false });
    const texts = ["alpha", "beta", "alpha", "gamma", "delta", "epsilon", "zeta"];
    const vectors = await c.embed(texts, { batchSize: 2 });
    expect(vectors).toHaveLength(7);
    vectors.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(Float32Array.from(testDoubleEmbedding(texts[i]!)))));
    // 6 distinct texts in batches of 2.
    const reqs = env.server.embeddingRequests();
    expect(reqs).toHaveLength(3);
    expect(reqs.flatMap((r) => (JSON.parse(r.body) as { input: string[] }).input).sort()).toEqual(["alpha", "beta", "delta", "epsilon", "gamma", "zeta"]);
    expect((JSON.parse(reqs[0]!.body) as { model: string; encoding_format: string })).toMatchObject({ model: "local-model", encoding_format: "float" });
    expect(c.stats().requests).toBe(3);
  });

  it("retries a 500 and a malformed body like a chat request", async () => {
    env.server.scriptEmbeddings({ kind: "status", status: 500 }, { kind: "malformed" });
    const c = client({ cache: false });
    const [v] = await c.embed(["retry me"]);
    expect(v!.length).toBe(256);
    expect(env.server.embeddingRequests()).toHaveLength(3);
    expect(c.stats().retries).toBe(2);
  });

  it("caches vectors on disk by content, never with the key: a re-run sends nothing", async () => {
    const first = await client().embed(COFFEE);
    expect(env.server.embeddingRequests()).toHaveLength(1);
    const second = await client().embed([...COFFEE].reverse());
    expect(env.server.embeddingRequests()).toHaveLength(1);
    expect(second.map((v) => Array.from(v))).toEqual([...first].reverse().map((v) => Array.from(v)));
    const files = readAll(`${env.dir}/cache`);
    expect(files).toMatch(/"kind":"embedding"/);
    expect(files).not.toContain(TEST_KEY);
    expect(files).not.toContain("SECRET");
  });

  it("raises EmbeddingsUnsupportedError on 404 and 400, without retrying", async () => {
    await restart({ embeddings: "none" });
    await expect(client().embed(["x"])).rejects.toThrow(EmbeddingsUnsupportedError);
    expect(env.server.embeddingRequests()).toHaveLength(1);
    await restart({ embeddings: "reject" });
    await expect(client().embed(["x"])).rejects.toThrow(/^The endpoint has no embeddings for model "local-model" \(HTTP 400: .*does not support embeddings/);
  });
});

/**
 * Recall@5 of queries made from 3 words (6+ letters) that a passage shares with 1–30 others, each
 * word changed by `alter`; every other passage, to keep the test quick.
 */
async function recallAt5(corpus: Corpus, retriever: Retriever, alter: (w: string) => string): Promise<number> {
  const df = new Map<string, number>();
  for (const p of corpus.passages) for (const t of new Set(tokenize(p.text).map(normalizeTerm))) if (t) df.set(t, (df.get(t) ?? 0) + 1);
  let n = 0;
  let found = 0;
  for (const p of corpus.passages.filter((_, i) => i % 2 === 0)) {
    const words = new Map<string, string>();
    for (const w of tokenize(p.text)) {
      const t = normalizeTerm(w);
      if (t && /^\p{L}{6,}$/u.test(w) && df.get(t)! >= 2 && df.get(t)! <= 31 && !words.has(t)) words.set(t, w);
    }
    if (words.size < 3) continue;
    const chosen = [...words].sort((a, b) => df.get(a[0])! - df.get(b[0])! || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
    const hits = await retriever.search(chosen.map(([, w]) => alter(w)).join(" "), 5);
    n += 1;
    if (hits.some((h) => h.passage.id === p.id || h.passage.text === p.text)) found += 1;
  }
  return found / n;
}

describe("hybrid retrieval: BM25 fused with embeddings", () => {
  it("finds a passage by a word form BM25 cannot match, through the embedding ranking", async () => {
    const corpus = memoryCorpus(COFFEE);
    const bm25 = await createRetriever(corpus);
    expect(await bm25.search("brewing", 3)).toEqual([]); // "brewed" ≠ "brewing" for BM25
    const hybrid = await createRetriever(corpus, { client: client() });
    expect(hybrid.methods).toEqual(["bm25", "embeddings"]);
    expect(hybrid.warnings).toEqual([]);
    const [top] = await hybrid.search("brewing", 3);
    expect(top!.passage.id).toBe("p1");
    expect(top!.bm25Rank).toBeUndefined();
    expect(top!.embeddingRank).toBe(1);
    expect(top!.score).toBeCloseTo(1 / (RRF_K + 1), 15);
    // A word both rankings find: both ranks recorded, scores summed.
    const [both] = await hybrid.search("espresso grinder", 1);
    expect(both!.passage.id).toBe("p4");
    expect(both).toMatchObject({ bm25Rank: 1, embeddingRank: 1 });
    expect(both!.score).toBeCloseTo(2 / (RRF_K + 1), 15);
  });

  it("on docs/*.md: fusion recovers queries with typos that BM25 misses, and keeps exact ones", async () => {
    const corpus = await loadCorpus(DOCS_DIR);
    const bm25 = await createRetriever(corpus);
    const hybrid = await createRetriever(corpus, { client: client({ cache: false }) });
    const typo = (w: string): string => w.slice(0, -1); // "retrieval" → "retrieva"
    const exact = (w: string): string => w;
    const r = {
      bm25Typo: await recallAt5(corpus, bm25, typo),
      hybridTypo: await recallAt5(corpus, hybrid, typo),
      bm25Exact: await recallAt5(corpus, bm25, exact),
      hybridExact: await recallAt5(corpus, hybrid, exact),
    };
    console.info(`docs corpus recall@5 — typos: BM25 ${r.bm25Typo.toFixed(3)}, hybrid ${r.hybridTypo.toFixed(3)}; exact words: BM25 ${r.bm25Exact.toFixed(3)}, hybrid ${r.hybridExact.toFixed(3)}`);
    expect(r.hybridTypo).toBeGreaterThan(r.bm25Typo + 0.2);
    expect(r.hybridExact).toBeGreaterThanOrEqual(r.bm25Exact - 0.05);
  });

  it("embeds the passages once: a second build and a repeated query send nothing", async () => {
    const corpus = memoryCorpus(COFFEE);
    const r1 = await createRetriever(corpus, { client: client() });
    await r1.search("brewing", 2);
    const sent = env.server.embeddingRequests().length;
    expect(sent).toBe(2); // the passages in one batch, then the query
    const r2 = await createRetriever(corpus, { client: client() });
    expect(await r2.search("brewing", 2)).toEqual(await r1.search("brewing", 2));
    expect(env.server.embeddingRequests()).toHaveLength(sent);
  });

  it("falls back to BM25 with one note when the endpoint has no embeddings (404, 400)", async () => {
    for (const embeddings of ["none", "reject"] as const) {
      await restart({ embeddings });
      const retriever = await createRetriever(memoryCorpus(COFFEE), { client: client() });
      expect(retriever.methods).toEqual(["bm25"]);
      expect(retriever.warnings).toHaveLength(1);
      expect(retriever.warnings[0]).toBe(
        embeddings === "none"
          ? 'Retrieval uses BM25 alone: the endpoint has no embeddings for model "local-model" (HTTP 404: Unknown route POST /v1/embeddings (test double)); name an embedding model the endpoint serves for the hybrid ranking.'
          : 'Retrieval uses BM25 alone: the endpoint has no embeddings for model "local-model" (HTTP 400: model `local-model` does not support embeddings (test double)); name an embedding model the endpoint serves for the hybrid ranking.',
      );
      expect((await retriever.search("espresso", 2)).map((h) => h.passage.id)).toEqual(["p4", "p2"]); // the shorter first
      expect(env.server.embeddingRequests()).toHaveLength(1); // asked once, at build
    }
  });

  it("does not hide other failures: a rejected key is an error, not a fallback", async () => {
    const bad = new LlmClient({ model: "local-model", baseURL: env.server.url, apiKey: "sk-wrong-key-000000", env: {}, cache: false, backoffBaseMs: 1 });
    const err = await createRetriever(memoryCorpus(COFFEE), { client: bad }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LlmRequestError);
    expect(err).not.toBeInstanceOf(EmbeddingsUnsupportedError);
    expect((err as Error).message).toMatch(/401|API key/);
    expect((err as Error).message).not.toContain("sk-wrong-key-000000");
  });
});
