/**
 * Content-addressed on-disk cache of chat completions, so a re-run makes no requests.
 * Key: sha256 over base URL, model, messages, response format and sampling parameters — never
 * the API key. Entries are written atomically (temp file + rename), one file per key.
 */
import { createHash, randomBytes } from "node:crypto";
import fs, { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TokenUsage } from "./prices.js";

export interface CachedCompletion {
  v: 1;
  model: string;
  content: string;
  finishReason: string;
  usage: TokenUsage;
  createdAt: string;
  /** Came from the Batch API (billed at the batch price). */
  batch?: boolean;
}

/** Stable JSON: object keys sorted, so equal requests hash equally (undefined members dropped, as JSON does). */
export function canonicalJson(value: unknown): string {
  // A replacer that re-creates plain objects with sorted keys: the native serializer does the rest,
  // several times faster than a hand-written recursive one on large schemas.
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(src).sort()) out[k] = src[k];
      return out;
    }) ?? "null"
  );
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** $SYNTHLAB_CACHE_DIR/<sub> when set, else ~/.cache/synthlab/<sub>. */
export function synthlabCacheDir(sub: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const root = env["SYNTHLAB_CACHE_DIR"] || path.join(os.homedir(), ".cache", "synthlab");
  return path.join(root, sub);
}

export class CompletionCache {
  private readonly madeDirs = new Set<string>();
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedCompletion | undefined> {
    try {
      // A synchronous read of a few KB takes microseconds; the thread-pool round trip of an
      // async read costs more than that, which dominates a fully cached re-run.
      const parsed = JSON.parse(fs.readFileSync(this.file(key), "utf8")) as CachedCompletion;
      return parsed.v === 1 && typeof parsed.content === "string" ? parsed : undefined;
    } catch {
      return undefined; // missing or half-written entry: treat as a miss
    }
  }

  async put(key: string, entry: CachedCompletion): Promise<void> {
    await this.putRaw(key, JSON.stringify(entry));
  }

  /** Writes one entry's JSON text atomically (temp file + rename). */
  async putRaw(key: string, json: string): Promise<void> {
    const file = this.file(key);
    const dir = path.dirname(file);
    if (!this.madeDirs.has(dir)) {
      await fsp.mkdir(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    await fsp.writeFile(tmp, json);
    await fsp.rename(tmp, file);
  }
}

/** One cached embedding vector (Float32, little-endian, base64), keyed like a completion: never by the key. */
export interface CachedEmbedding {
  v: 1;
  kind: "embedding";
  model: string;
  dim: number;
  vector: string;
}

/**
 * Content-addressed on-disk cache of embedding vectors, one file per text (a corpus that grows by
 * one document re-embeds only that document). Shares the completion cache's folder and layout: its
 * keys hash a different request, so the two never meet.
 */
export class EmbeddingCache {
  private readonly files: CompletionCache;
  constructor(readonly dir: string) {
    this.files = new CompletionCache(dir);
  }

  get(key: string): Float32Array | undefined {
    try {
      const entry = JSON.parse(fs.readFileSync(path.join(this.dir, key.slice(0, 2), `${key}.json`), "utf8")) as CachedEmbedding;
      if (entry.v !== 1 || entry.kind !== "embedding" || typeof entry.vector !== "string") return undefined;
      const bytes = Buffer.from(entry.vector, "base64");
      if (bytes.length !== entry.dim * 4) return undefined;
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    } catch {
      return undefined; // missing or half-written entry: a miss
    }
  }

  async put(key: string, model: string, vector: Float32Array): Promise<void> {
    const entry: CachedEmbedding = { v: 1, kind: "embedding", model, dim: vector.length, vector: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64") };
    await this.files.putRaw(key, JSON.stringify(entry));
  }
}
