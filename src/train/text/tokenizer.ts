/**
 * Tokenizer and vocabulary for the text classifier. The vocabulary is fitted on training texts
 * only; every token it does not know (rarer than `minCount`, beyond `maxSize`, or first seen at
 * prediction time) maps to the unknown token at index 0, so test data never changes the features.
 */

/** Index 0 of every vocabulary: stands for all tokens the vocabulary does not know. */
export const UNKNOWN_TOKEN = "<unk>";

/** Longer "words" are base64 blobs, URLs' query strings and the like: noise for a bag of words. */
const MAX_TOKEN_LENGTH = 30;

/**
 * Lowercased runs of letters and digits (Unicode aware); punctuation and whitespace separate tokens.
 * Tokens longer than 30 characters are dropped.
 */
export function tokenize(text: string): string[] {
  const raw = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return raw.filter((t) => t.length <= MAX_TOKEN_LENGTH);
}

export interface VocabularyOptions {
  /** Most tokens kept, the unknown token included (default 5000). The most frequent win; ties by token order. */
  maxSize?: number;
  /** A token must occur in at least this many training texts (default 2). */
  minCount?: number;
}

export interface VocabularyJSON {
  tokens: string[];
  documentFrequency: number[];
  documents: number;
}

export class VocabularyError extends Error {
  override name = "VocabularyError";
}

export class Vocabulary {
  private readonly lookup: Map<string, number>;

  private constructor(
    /** tokens[0] is UNKNOWN_TOKEN. */
    readonly tokens: readonly string[],
    /** Training texts containing each token (for index 0: texts with at least one unknown token). */
    readonly documentFrequency: readonly number[],
    /** Training texts the vocabulary was fitted on. */
    readonly documents: number,
  ) {
    this.lookup = new Map(tokens.map((t, i) => [t, i]));
  }

  /** Fits on training texts (each tokenized with `tokenize`). */
  static fit(texts: readonly string[], opts: VocabularyOptions = {}): Vocabulary {
    return Vocabulary.fitTokens(texts.map(tokenize), opts);
  }

  /** Fits on already tokenized training texts (lets a caller tokenize once for the vocabulary and the features). */
  static fitTokens(tokenized: readonly (readonly string[])[], opts: VocabularyOptions = {}): Vocabulary {
    const maxSize = opts.maxSize ?? 5000;
    const minCount = opts.minCount ?? 2;
    if (!Number.isInteger(maxSize) || maxSize < 2) throw new VocabularyError(`maxSize must be a whole number ≥ 2 (the unknown token plus one word), got ${maxSize}.`);
    if (!Number.isInteger(minCount) || minCount < 1) throw new VocabularyError(`minCount must be a whole number ≥ 1, got ${minCount}.`);
    const df = new Map<string, number>();
    const docs = tokenized.map((t) => new Set(t));
    for (const d of docs) for (const tok of d) df.set(tok, (df.get(tok) ?? 0) + 1);
    const kept = [...df.entries()]
      .filter(([tok, c]) => c >= minCount && tok !== UNKNOWN_TOKEN)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, maxSize - 1);
    const keptSet = new Set(kept.map(([t]) => t));
    let unknownDocs = 0;
    for (const d of docs) {
      for (const tok of d) if (!keptSet.has(tok)) { unknownDocs++; break; }
    }
    return new Vocabulary([UNKNOWN_TOKEN, ...kept.map(([t]) => t)], [unknownDocs, ...kept.map(([, c]) => c)], tokenized.length);
  }

  static fromJSON(json: VocabularyJSON): Vocabulary {
    if (json.tokens[0] !== UNKNOWN_TOKEN || json.tokens.length !== json.documentFrequency.length) {
      throw new VocabularyError("Not a saved vocabulary: tokens must start with the unknown token and match documentFrequency in length.");
    }
    return new Vocabulary(json.tokens, json.documentFrequency, json.documents);
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The token's index, 0 (unknown) when the vocabulary does not have it. */
  indexOf(token: string): number {
    return this.lookup.get(token) ?? 0;
  }

  /** The text's token indices, in order (unknown tokens as 0). */
  encode(text: string): number[] {
    return tokenize(text).map((t) => this.indexOf(t));
  }

  toJSON(): VocabularyJSON {
    return { tokens: [...this.tokens], documentFrequency: [...this.documentFrequency], documents: this.documents };
  }
}

/**
 * TF-IDF features: sublinear term frequency 1 + ln(count), smoothed idf ln((1 + N) / (1 + df)) + 1
 * (N training texts, df from the vocabulary), each row scaled to unit L2 length so long and short
 * texts are comparable. A text with no tokens is a row of zeros.
 */
export function idfWeights(vocab: Vocabulary): Float32Array {
  const n = vocab.documents;
  return Float32Array.from(vocab.documentFrequency, (df) => Math.log((1 + n) / (1 + df)) + 1);
}

/** One text's TF-IDF features as a sparse row: vocabulary indices (ascending) and their weights. */
export interface SparseRow {
  indices: Int32Array;
  values: Float32Array;
}

/** TF-IDF rows in sparse form: a bag of words touches a few hundred of thousands of features. */
export function tfidfRows(texts: readonly string[], vocab: Vocabulary, idf: Float32Array = idfWeights(vocab)): SparseRow[] {
  return tfidfRowsFromTokens(texts.map(tokenize), vocab, idf);
}

/** tfidfRows for already tokenized texts. */
export function tfidfRowsFromTokens(tokenized: readonly (readonly string[])[], vocab: Vocabulary, idf: Float32Array = idfWeights(vocab)): SparseRow[] {
  const counts = new Map<number, number>();
  return tokenized.map((tokens) => {
    counts.clear();
    for (const t of tokens) {
      const i = vocab.indexOf(t);
      counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const indices = Int32Array.from(counts.keys()).sort();
    const values = new Float32Array(indices.length);
    let norm = 0;
    indices.forEach((i, k) => {
      const w = (1 + Math.log(counts.get(i)!)) * idf[i]!;
      values[k] = w;
      norm += w * w;
    });
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let k = 0; k < values.length; k++) values[k] = values[k]! * scale;
    }
    return { indices, values };
  });
}

/** Sparse rows written densely into `out` (row-major, `width` columns), which is zeroed first. */
export function densify(rows: readonly SparseRow[], width: number, out: Float32Array = new Float32Array(rows.length * width)): Float32Array {
  out.fill(0, 0, rows.length * width);
  rows.forEach((r, row) => {
    const base = row * width;
    for (let k = 0; k < r.indices.length; k++) out[base + r.indices[k]!] = r.values[k]!;
  });
  return out;
}

/** Rows of TF-IDF features, flattened row-major (texts.length × vocab.size). */
export function tfidfMatrix(texts: readonly string[], vocab: Vocabulary, idf: Float32Array = idfWeights(vocab)): Float32Array {
  return densify(tfidfRows(texts, vocab, idf), vocab.size);
}

/**
 * The body of an RFC 822 e-mail: everything after the header block. A header block is two or more
 * lines before the first blank line, each "Name: value", a folded continuation (leading
 * whitespace) or an mbox "From " line; any other text is returned unchanged.
 */
export function emailBody(text: string): string {
  const m = /\r?\n\r?\n/.exec(text);
  const head = (m ? text.slice(0, m.index) : text).split(/\r?\n/);
  const isHeader = head.length >= 2 && head.every((line, i) => /^[A-Za-z][\w-]*:/.test(line) || (i > 0 && /^[ \t]/.test(line)) || (i === 0 && line.startsWith("From ")));
  if (!isHeader) return text;
  return m ? text.slice(m.index + m[0].length) : "";
}
