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

/** Stable JSON: object keys sorted, so equal requests hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
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
    const file = this.file(key);
    const dir = path.dirname(file);
    if (!this.madeDirs.has(dir)) {
      await fsp.mkdir(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    await fsp.writeFile(tmp, JSON.stringify(entry));
    await fsp.rename(tmp, file);
  }
}
