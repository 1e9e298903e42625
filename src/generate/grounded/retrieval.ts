/**
 * Retrieval over a loaded corpus (issue #17): BM25 ranking through minisearch.
 *
 * minisearch scores BM25+ (Lv & Zhai 2011: BM25 plus a floor δ for every matched term; k1 = 1.2,
 * b = 0.7, δ = 0.5) and multiplies a passage's sum by the number of distinct query terms it
 * matched. It has no stemming, so terms go through `normalizeTerm` on both sides: lower case,
 * accents dropped, English stop words removed (they would count as matched terms in that
 * multiplier), plural endings folded by Harman's S-stemmer. Ties are broken by corpus order, so a
 * query always ranks the same way.
 */
import MiniSearch from "minisearch";
import { GenerateError } from "../types.js";
import type { Corpus, Passage, RetrievalHit, Retriever } from "./types.js";

/** Words too common to tell passages apart (English function words). */
const STOP_WORDS = new Set(
  (
    "a an and are as at be been being but by can could did do does doing for from had has have having he her hers him his " +
    "how i if in into is it its itself me my no nor not of on or our ours she should so than that the their theirs them " +
    "then there these they this those to too us was we were what when where which while who whom why will with would " +
    "you your yours about above after again against all am any because before below between both during each few further " +
    "here just more most other over own same some such through under until up very down off once only out"
  ).split(" "),
);

/**
 * Harman's S-stemmer (Harman 1991, "How effective is suffixing?"): folds English plurals only, so
 * "passages" meets "passage" and "queries" meets "query" without the over-stemming of Porter's.
 */
export function sStem(term: string): string {
  if (term.length > 3 && term.endsWith("ies") && !term.endsWith("eies") && !term.endsWith("aies")) return `${term.slice(0, -3)}y`;
  if (term.length > 3 && term.endsWith("es") && !/(aes|ees|oes)$/.test(term)) return term.slice(0, -1);
  if (term.length > 2 && term.endsWith("s") && !/(us|ss)$/.test(term)) return term.slice(0, -1);
  return term;
}

/** One index term from one token, or null to drop it (a stop word, or a lone letter). */
export function normalizeTerm(token: string): string | null {
  const t = token.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
  if (t.length < 2 && !/\p{N}/u.test(t)) return null;
  if (STOP_WORDS.has(t)) return null;
  return /\p{N}/u.test(t) ? t : sStem(t);
}

/** Tokens of a text: runs of letters and digits; a decimal number ("3.5", "1,200") stays one token. */
export function tokenize(text: string): string[] {
  return text.match(/\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{N}]+/gu) ?? [];
}

/** A passage found by BM25: its index in the corpus and its score. */
export interface Bm25Hit {
  index: number;
  score: number;
}

/** How much a title match counts next to a text match: a heading is shared by every passage under it, so it only nudges. */
const TITLE_BOOST = 0.5;

/** A BM25 index over a corpus's passages (text and title). */
export class Bm25Index {
  private readonly search_: MiniSearch<{ id: number; text: string; title: string }>;
  constructor(readonly passages: readonly Passage[]) {
    const processTerm = (t: string): string | null => normalizeTerm(t);
    this.search_ = new MiniSearch({
      idField: "id",
      fields: ["text", "title"],
      tokenize,
      processTerm,
      searchOptions: { tokenize, processTerm, boost: { title: TITLE_BOOST }, combineWith: "OR", prefix: false, fuzzy: false },
    });
    this.search_.addAll(passages.map((p, id) => ({ id, text: p.text, title: p.title ?? "" })));
  }

  /** The `k` best passages for `query`, best first; equal scores in corpus order. */
  search(query: string, k: number): Bm25Hit[] {
    const hits = this.search_.search(query).map((r) => ({ index: r.id as number, score: r.score }));
    hits.sort((a, b) => b.score - a.score || a.index - b.index);
    return hits.slice(0, k);
  }
}

export interface RetrieverOptions {
  /** Most passages one search may return (default 100). */
  maxK?: number;
}

function checkK(k: number, maxK: number): void {
  if (!Number.isInteger(k) || k < 1 || k > maxK) {
    throw new GenerateError(`Retrieval depth k must be a whole number from 1 to ${maxK}, got ${String(k)}.`);
  }
}

/**
 * A retriever over `corpus`. With BM25 alone, a hit's score is its BM25 score and `bm25Rank` its
 * rank. Async because the hybrid ranking embeds the passages once when it is built.
 */
export async function createRetriever(corpus: Corpus, options: RetrieverOptions = {}): Promise<Retriever> {
  const maxK = options.maxK ?? 100;
  const index = new Bm25Index(corpus.passages);
  return {
    methods: ["bm25"],
    async search(query: string, k: number, signal?: AbortSignal): Promise<RetrievalHit[]> {
      checkK(k, maxK);
      if (signal?.aborted) throw new GenerateError("Retrieval was interrupted.");
      return index.search(query, k).map((h, i) => ({ passage: corpus.passages[h.index]!, score: h.score, bm25Rank: i + 1 }));
    },
  };
}
