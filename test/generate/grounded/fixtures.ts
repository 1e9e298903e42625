/**
 * TEST FIXTURES for the grounded pipeline: a corpus made from the project's own docs/*.md (split at
 * blank lines) and a tiny word-overlap Retriever over it. They stand in for src/generate/grounded's
 * corpus loader and retriever only where a test needs a corpus it controls; never shipped.
 */
import fs from "node:fs";
import path from "node:path";
import type { Corpus, Passage, RetrievalHit, Retriever } from "../../../src/generate/grounded/types.js";

const DOCS = path.resolve(__dirname, "../../../docs");

/** Paragraphs (≥ 80 characters) of the given docs, with their offsets, as a Corpus. */
export function docsCorpus(files: readonly string[] = ["generation.md", "llm.md", "metrics.md"]): Corpus {
  const passages: Passage[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(DOCS, f), "utf8");
    const re = /[^\n](?:[^\n]|\n(?!\n))*/g;
    for (const m of text.matchAll(re)) {
      if (m[0].length < 80) continue;
      passages.push({ id: `p${passages.length + 1}`, source: f, start: m.index!, end: m.index! + m[0].length, text: m[0] });
    }
  }
  return { root: DOCS, passages, documents: files.length, skipped: [] };
}

/** Ranks passages by the number of distinct query words (≥ 4 letters) they contain. */
export function overlapRetriever(corpus: Corpus): Retriever {
  const words = (t: string) => new Set(t.toLowerCase().match(/\p{L}{4,}/gu) ?? []);
  const index = corpus.passages.map((p) => ({ p, w: words(p.text) }));
  return {
    methods: ["bm25"],
    async search(query: string, k: number): Promise<RetrievalHit[]> {
      const q = [...words(query)];
      return index
        .map(({ p, w }) => ({ passage: p, score: q.filter((x) => w.has(x)).length }))
        .filter((h) => h.score > 0)
        .sort((a, b) => b.score - a.score || a.passage.id.localeCompare(b.passage.id, "en", { numeric: true }))
        .slice(0, k)
        .map((h, i) => ({ ...h, bm25Rank: i + 1 }));
    },
  };
}
