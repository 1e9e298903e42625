/**
 * fetchDataset: a sha256-verified local copy of a dataset file. Lookup order:
 *   1. cache dir ($SYNTHLAB_CACHE_DIR, else ~/.cache/synthlab/datasets)
 *   2. mirror dir ($SYNTHLAB_DATA_MIRROR), copied into the cache
 *   3. the manifest's URL (global fetch), written into the cache
 * Every source is hashed before use; a mismatch is an error and the bytes are not kept.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { DatasetError, getManifest, type DatasetManifest } from "./manifest.js";

export interface FetchOptions {
  cacheDir?: string;
  /** Folder holding the dataset files under their manifest `file` names. */
  mirrorDir?: string;
  /** Folder of manifests (tests use their own). */
  manifestDir?: string;
  /** Never download (also env SYNTHLAB_OFFLINE=1). */
  offline?: boolean;
  /** Download timeout in ms (default 60 000). */
  timeoutMs?: number;
}

export function defaultCacheDir(): string {
  return process.env.SYNTHLAB_CACHE_DIR || join(homedir(), ".cache", "synthlab", "datasets");
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function verify(m: DatasetManifest, bytes: Uint8Array, from: string): void {
  const actual = sha256(bytes);
  if (actual !== m.sha256) {
    throw new DatasetError(
      `Dataset ${m.name}: ${from} has sha256 ${actual} (${bytes.length} bytes) but the manifest expects ${m.sha256}` +
        `${m.bytes ? ` (${m.bytes} bytes)` : ""}; the file was not used. Replace it with the original, byte-identical file from ${m.url}.`,
    );
  }
}

/** Writes via a temporary name so a crash never leaves a half-written file under the real name. */
async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.partial`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/** Local path of a verified copy of the dataset's file (see the module comment for the order). */
export async function fetchDataset(name: string, opts: FetchOptions = {}): Promise<string> {
  const m = getManifest(name, opts.manifestDir);
  if (m.loader.format !== "csv" || !m.file || !m.sha256 || !m.url) {
    throw new DatasetError(`Dataset ${name} is not a downloadable file (${m.package ? `it ships in the npm package ${m.package}` : "no url"}); load it with loadDataset("${name}").`);
  }
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const cached = join(cacheDir, m.file);
  if (existsSync(cached)) {
    const bytes = await readFile(cached);
    if (sha256(bytes) === m.sha256) return cached;
    // A corrupt or stale cache entry is discarded and fetched again below.
    await rm(cached, { force: true });
  }
  await mkdir(cacheDir, { recursive: true });

  const mirrorDir = opts.mirrorDir ?? process.env.SYNTHLAB_DATA_MIRROR;
  if (mirrorDir) {
    const mirrored = join(mirrorDir, m.file);
    if (existsSync(mirrored)) {
      const bytes = await readFile(mirrored);
      verify(m, bytes, mirrored);
      await writeAtomic(cached, bytes);
      return cached;
    }
  }

  const mirrorNote = mirrorDir ? ` (now ${mirrorDir}, which has no ${m.file})` : "";
  if (opts.offline || process.env.SYNTHLAB_OFFLINE === "1") {
    throw new DatasetError(
      `Dataset ${name} is not in the cache (${cacheDir}) and downloads are off. ` +
        `Save ${m.url} as ${m.file} in a folder and set SYNTHLAB_DATA_MIRROR=<that folder>${mirrorNote}.`,
    );
  }
  let bytes: Uint8Array;
  try {
    const res = await fetch(m.url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000), redirect: "follow" });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new DatasetError(
      `Cannot download dataset ${name} from ${m.url} (${reason}). No network? Save that file as ${m.file} in a folder ` +
        `and set SYNTHLAB_DATA_MIRROR=<that folder>${mirrorNote}.`,
    );
  }
  verify(m, bytes, m.url);
  await writeAtomic(cached, bytes);
  return cached;
}
