/**
 * Retrieval over a loaded corpus (issue #17): BM25 ranking through minisearch, and, where the
 * endpoint has /v1/embeddings, cosine similarity of embeddings, fused by reciprocal rank fusion.
 *
 * minisearch scores BM25+ (Lv & Zhai 2011: BM25 plus a floor δ for every matched term; k1 = 1.2,
 * b = 0.7, δ = 0.5) and multiplies a passage's sum by the number of distinct query terms it
 * matched. It has no stemming, so terms go through `normalizeTerm` on both sides: lower case,
 * accents dropped, English stop words removed (they would count as matched terms in that
 * multiplier), plural endings folded by Harman's S-stemmer. Ties are broken by corpus order, so a
 * query always ranks the same way.
 *
 * Hybrid: RRF(d) = Σ_r 1 / (RRF_K + rank_r(d)) over the rankings r that retrieved d within their
 * first `depth` (Cormack, Clarke & Büttcher 2009, RRF_K = 60). It uses ranks only, so BM25's
 * unbounded scores and cosines in [-1, 1] need no calibration against each other.
 */
import MiniSearch from "minisearch";
import type { LlmClient } from "../llm/client.js";
import { EmbeddingsUnsupportedError } from "../llm/errors.js";
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

/** RRF's rank offset: damps the weight of the very first ranks (the value of the original paper). */
export const RRF_K = 60;

export interface RetrieverOptions {
  /** Most passages one search may return (default 100). */
  maxK?: number;
  /** Embeddings through this client's endpoint (/v1/embeddings); without one, BM25 alone. */
  client?: LlmClient;
  /** Embedding model (default: the client's choice, see LlmClient.embeddingModel). */
  embeddingModel?: string;
  /** How deep each ranking goes into the fusion (default 100, at least k). */
  depth?: number;
  signal?: AbortSignal;
}

/** A retriever, with the notes of how it was built (e.g. that the endpoint had no embeddings). */
export interface CorpusRetriever extends Retriever {
  readonly warnings: readonly string[];
}

function checkK(k: number, maxK: number): void {
  if (!Number.isInteger(k) || k < 1 || k > maxK) {
    throw new GenerateError(`Retrieval depth k must be a whole number from 1 to ${maxK}, got ${String(k)}.`);
  }
}

/** Reciprocal rank fusion of rankings (lists of corpus indices, best first): fused score per index. */
export function reciprocalRankFusion(rankings: readonly (readonly number[])[], k0 = RRF_K): Map<number, number> {
  const fused = new Map<number, number>();
  for (const ranking of rankings) {
    ranking.forEach((index, r) => fused.set(index, (fused.get(index) ?? 0) + 1 / (k0 + r + 1)));
  }
  return fused;
}

/** Unit-length copies of the vectors, packed in one array (row i at i·dim), for cosine as a dot product. */
function packUnit(vectors: readonly Float32Array[]): { dim: number; data: Float32Array } {
  const dim = vectors[0]?.length ?? 0;
  const data = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => {
    if (v.length !== dim) throw new GenerateError(`The embedding endpoint returned vectors of ${v.length} and ${dim} numbers: use one embedding model for a corpus.`);
    let norm = 0;
    for (let j = 0; j < dim; j += 1) norm += v[j]! * v[j]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dim; j += 1) data[i * dim + j] = v[j]! * scale;
  });
  return { dim, data };
}

/** Passage indices by cosine similarity to `query`, best first (ties in corpus order), the first `depth`. */
function cosineRanking(passages: { dim: number; data: Float32Array }, count: number, query: Float32Array, depth: number): number[] {
  const { dim, data } = passages;
  if (query.length !== dim) throw new GenerateError(`The query's embedding has ${query.length} numbers, the passages' ${dim}: use one embedding model for a corpus.`);
  const q = packUnit([query]).data;
  const scores = new Float64Array(count);
  for (let i = 0; i < count; i += 1) {
    let dot = 0;
    for (let j = 0; j < dim; j += 1) dot += data[i * dim + j]! * q[j]!;
    scores[i] = dot;
  }
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, depth);
}

/** The text a passage is embedded as: its title (when it has one) above its text. */
function embeddingText(p: Passage): string {
  return p.title ? `${p.title}\n\n${p.text}` : p.text;
}

/**
 * A retriever over `corpus`. Without a client, or when the endpoint has no embeddings (HTTP 404 or
 * 400 on /embeddings: one note in `warnings`, not an error), it ranks by BM25 alone: a hit's score
 * is its BM25 score. With embeddings, the passages are embedded once here (and cached on disk by
 * the client), each query once per search, and a hit's score is its RRF score.
 */
export async function createRetriever(corpus: Corpus, options: RetrieverOptions = {}): Promise<CorpusRetriever> {
  const maxK = options.maxK ?? 100;
  const depthOpt = options.depth ?? 100;
  if (!Number.isInteger(depthOpt) || depthOpt < 1) throw new GenerateError(`Retrieval depth must be a whole number ≥ 1, got ${String(depthOpt)}.`);
  const index = new Bm25Index(corpus.passages);
  const warnings: string[] = [];
  const { client } = options;
  let packed: { dim: number; data: Float32Array } | undefined;
  let model: string | undefined;
  if (client) {
    model = client.embeddingModel(options.embeddingModel);
    try {
      packed = packUnit(await client.embed(corpus.passages.map(embeddingText), { model }));
    } catch (err) {
      if (!(err instanceof EmbeddingsUnsupportedError)) throw err;
      const why = err.message.charAt(0).toLowerCase() + err.message.slice(1).replace(/\.$/, "");
      warnings.push(`Retrieval uses BM25 alone: ${why}; name an embedding model the endpoint serves for the hybrid ranking.`);
    }
  }
  const interrupted = (signal: AbortSignal | undefined): void => {
    if (signal?.aborted || options.signal?.aborted) throw new GenerateError("Retrieval was interrupted.");
  };
  if (!packed || !client || model === undefined) {
    return {
      methods: ["bm25"],
      warnings,
      async search(query: string, k: number, signal?: AbortSignal): Promise<RetrievalHit[]> {
        checkK(k, maxK);
        interrupted(signal);
        return index.search(query, k).map((h, i) => ({ passage: corpus.passages[h.index]!, score: h.score, bm25Rank: i + 1 }));
      },
    };
  }
  const vectors = packed;
  const embedModel = model;
  return {
    methods: ["bm25", "embeddings"],
    warnings,
    async search(query: string, k: number, signal?: AbortSignal): Promise<RetrievalHit[]> {
      checkK(k, maxK);
      interrupted(signal);
      const depth = Math.max(depthOpt, k);
      const lexical = index.search(query, depth).map((h) => h.index);
      const [queryVector] = await client.embed([query], { model: embedModel });
      interrupted(signal);
      const semantic = cosineRanking(vectors, corpus.passages.length, queryVector!, depth);
      const fused = reciprocalRankFusion([lexical, semantic]);
      const bm25Rank = new Map(lexical.map((i, r) => [i, r + 1]));
      const embeddingRank = new Map(semantic.map((i, r) => [i, r + 1]));
      return [...fused]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, k)
        .map(([i, score]) => {
          const hit: RetrievalHit = { passage: corpus.passages[i]!, score };
          const b = bm25Rank.get(i);
          const e = embeddingRank.get(i);
          if (b !== undefined) hit.bm25Rank = b;
          if (e !== undefined) hit.embeddingRank = e;
          return hit;
        });
    },
  };
}
