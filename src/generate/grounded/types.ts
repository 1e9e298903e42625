/**
 * The seam between the two halves of grounded generation (issue #17):
 * - corpus and retrieval (src/generate/grounded/corpus.ts, retrieval.ts): a folder of documents
 *   becomes passages that carry their source and offsets, and queries rank them (BM25, plus
 *   embeddings where the endpoint has `/v1/embeddings`, fused into one hybrid ranking);
 * - the pipeline (questions → retrieval → synthesis → grounding check → one table), which only
 *   uses what this file names, so either half can change inside without the other noticing.
 */

/** A span of one corpus document: the unit that is retrieved and cited. */
export interface Passage {
  /** Stable id, unique in the corpus, short enough for a model to copy into a citation (e.g. "p17"). */
  id: string;
  /** Path of the document, relative to the corpus root (posix separators). */
  source: string;
  /** Character offsets of `text` in the document's extracted text: [start, end). */
  start: number;
  end: number;
  /** The passage's text (for .html, the visible text; for .jsonl, the record's text field). */
  text: string;
  /** Title or heading the passage falls under, when the format has one. */
  title?: string;
}

/** A loaded corpus: its passages in document order, and what was skipped and why. */
export interface Corpus {
  root: string;
  passages: Passage[];
  /** Documents read. */
  documents: number;
  /** Files that were not read (unsupported type, unreadable, empty), each with a one-line reason. */
  skipped: { source: string; reason: string }[];
}

/** One retrieved passage and the scores that ranked it. */
export interface RetrievalHit {
  passage: Passage;
  /** Fused score used for the ranking (higher is better). */
  score: number;
  /** Rank in each ranking that contributed (1-based), absent when it did not retrieve the passage. */
  bm25Rank?: number;
  embeddingRank?: number;
}

/** Ranks corpus passages for a query. Built once per corpus; `search` may call an endpoint for embeddings. */
export interface Retriever {
  /** Which rankings this retriever fuses ("bm25" alone when the endpoint has no embeddings). */
  readonly methods: readonly ("bm25" | "embeddings")[];
  search(query: string, k: number, signal?: AbortSignal): Promise<RetrievalHit[]>;
}
