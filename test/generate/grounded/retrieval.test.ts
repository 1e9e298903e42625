import { promises as fsp } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../../../src/generate/grounded/corpus.js";
import { createRetriever, normalizeTerm, sStem, tokenize } from "../../../src/generate/grounded/retrieval.js";
import type { Corpus, Retriever } from "../../../src/generate/grounded/types.js";
import { DOCS_DIR, memoryCorpus, writeSpamCorpus, type SpamCorpus } from "./corpus-fixtures.js";

/**
 * Recall@k of queries made from each passage's own words: the `terms` rarest words (4+ letters)
 * that the passage shares with at least one and at most 30 other passages, so no query holds a
 * word that names its passage alone. A hit is the passage itself or one with the same text.
 */
async function recallAtK(corpus: Corpus, retriever: Retriever, terms: number): Promise<{ queries: number; at1: number; at5: number }> {
  const df = new Map<string, number>();
  for (const p of corpus.passages) {
    for (const t of new Set(tokenize(p.text).map(normalizeTerm))) if (t) df.set(t, (df.get(t) ?? 0) + 1);
  }
  let queries = 0;
  let at1 = 0;
  let at5 = 0;
  for (const p of corpus.passages) {
    const words = new Map<string, string>();
    for (const w of tokenize(p.text)) {
      const t = normalizeTerm(w);
      if (t && /^\p{L}{4,}$/u.test(w) && df.get(t)! >= 2 && df.get(t)! <= 31 && !words.has(t)) words.set(t, w);
    }
    if (words.size < terms) continue;
    const chosen = [...words].sort((a, b) => df.get(a[0])! - df.get(b[0])! || (a[0] < b[0] ? -1 : 1)).slice(0, terms);
    const hits = await retriever.search(chosen.map(([, w]) => w).join(" "), 5);
    const found = hits.findIndex((h) => h.passage.id === p.id || h.passage.text === p.text);
    queries += 1;
    if (found === 0) at1 += 1;
    if (found >= 0) at5 += 1;
  }
  return { queries, at1: at1 / queries, at5: at5 / queries };
}

describe("BM25 retrieval on real text", () => {
  let spam: SpamCorpus;
  beforeAll(async () => {
    spam = await writeSpamCorpus(150);
  });
  afterAll(async () => fsp.rm(spam.dir, { recursive: true, force: true }));

  it("finds SpamAssassin passages from three of their shared words (recall@1, recall@5 over ~1000 passages)", async () => {
    const corpus = await loadCorpus(spam.dir);
    const retriever = await createRetriever(corpus);
    expect(retriever.methods).toEqual(["bm25"]);
    const r = await recallAtK(corpus, retriever, 3);
    console.info(`spam corpus: ${corpus.passages.length} passages, ${r.queries} queries, recall@1 ${r.at1.toFixed(3)}, recall@5 ${r.at5.toFixed(3)}`);
    expect(r.queries).toBeGreaterThan(800);
    // Measured 0.875 and 0.991; chance is 5/1115.
    expect(r.at1).toBeGreaterThan(0.8);
    expect(r.at5).toBeGreaterThan(0.97);
  });

  it("finds docs/*.md passages the same way", async () => {
    const corpus = await loadCorpus(DOCS_DIR);
    const r = await recallAtK(corpus, await createRetriever(corpus), 3);
    console.info(`docs corpus: ${corpus.passages.length} passages, ${r.queries} queries, recall@1 ${r.at1.toFixed(3)}, recall@5 ${r.at5.toFixed(3)}`);
    expect(r.queries).toBeGreaterThan(300);
    // Measured 0.961 and 1.000.
    expect(r.at1).toBeGreaterThan(0.9);
    expect(r.at5).toBeGreaterThan(0.98);
  });

  it("ranks the section about a topic first for a question in words", async () => {
    const corpus = await loadCorpus(DOCS_DIR);
    const retriever = await createRetriever(corpus);
    const [top] = await retriever.search("How are Gaussian copulas fitted to the real rows?", 3);
    expect(top!.passage.source).toBe("generation.md");
    expect(top!.passage.text).toMatch(/copula/i);
  });
});

describe("BM25 scoring, normalisation and ties", () => {
  it("scores BM25+ as documented (k1 1.2, b 0.7, δ 0.5, times the number of matched terms)", async () => {
    const texts = ["grounded rows cite passages", "rows rows rows of coffee sales", "coffee beans", "a passage about tea and coffee rows"];
    const retriever = await createRetriever(memoryCorpus(texts));
    const hits = await retriever.search("coffee rows", 4);
    // The formula written out (docs/grounded.md): field length = distinct tokens of the passage.
    const len = texts.map((t) => new Set(tokenize(t)).size);
    const avg = len.reduce((a, b) => a + b, 0) / len.length;
    const terms = texts.map((t) => tokenize(t).map(normalizeTerm));
    const bm25 = (term: string, i: number): number => {
      const n = terms.filter((ts) => ts.includes(term)).length;
      const tf = terms[i]!.filter((t) => t === term).length;
      if (tf === 0) return 0;
      const idf = Math.log(1 + (texts.length - n + 0.5) / (n + 0.5));
      return idf * (0.5 + (tf * 2.2) / (tf + 1.2 * (1 - 0.7 + (0.7 * len[i]!) / avg)));
    };
    const expected = texts
      .map((_, i) => {
        const parts = ["coffee", "row"].map((t) => bm25(t, i));
        return { id: `p${i + 1}`, score: parts.reduce((a, b) => a + b, 0) * parts.filter((x) => x > 0).length };
      })
      .sort((a, b) => b.score - a.score);
    expect(hits.map((h) => h.passage.id)).toEqual(expected.map((e) => e.id));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i]!.score, 10));
    expect(hits.map((h) => h.bm25Rank)).toEqual([1, 2, 3, 4]);
  });

  it("folds case, accents and plurals; drops stop words", async () => {
    expect(["queries", "passages", "classes", "status", "bus", "series"].map(sStem)).toEqual(["query", "passage", "classe", "status", "bus", "sery"]);
    expect(tokenize("Café costs 3.50, or 1,200 yen.")).toEqual(["Café", "costs", "3.50", "or", "1,200", "yen"]);
    expect(tokenize("Café costs 3.50").map(normalizeTerm)).toEqual(["cafe", "cost", "3.50"]);
    const retriever = await createRetriever(memoryCorpus(["The query answered", "Cafe menu with prices", "Nothing relevant here"]));
    expect((await retriever.search("QUERIES", 3)).map((h) => h.passage.id)).toEqual(["p1"]);
    expect((await retriever.search("café", 3)).map((h) => h.passage.id)).toEqual(["p2"]);
    expect(await retriever.search("the of and with", 3)).toEqual([]);
  });

  it("breaks ties by corpus order and ranks the same on every build", async () => {
    const texts = ["espresso shot", "latte art", "espresso shot", "espresso shot"];
    const retriever = await createRetriever(memoryCorpus(texts));
    const hits = await retriever.search("espresso", 3);
    expect(hits.map((h) => h.passage.id)).toEqual(["p1", "p3", "p4"]);
    expect(new Set(hits.map((h) => h.score)).size).toBe(1);
    const again = await (await createRetriever(memoryCorpus(texts))).search("espresso", 3);
    expect(again).toEqual(hits);
  });

  it("lets a title match count, at half the weight of the text", async () => {
    const corpus = memoryCorpus(["brewing temperature matters", "grind size matters"], [undefined, "Brewing"]);
    const hits = await (await createRetriever(corpus)).search("brewing", 2);
    // p1 has the word in its text, p2 only in its title: both found, the text match first.
    expect(hits.map((h) => h.passage.id)).toEqual(["p1", "p2"]);
  });

  it("refuses a bad depth k with one line", async () => {
    const retriever = await createRetriever(memoryCorpus(["a passage"]));
    await expect(retriever.search("passage", 0)).rejects.toThrow(/^Retrieval depth k must be a whole number from 1 to 100, got 0\.$/);
    await expect(retriever.search("passage", 2.5)).rejects.toThrow(/got 2\.5/);
  });
});
