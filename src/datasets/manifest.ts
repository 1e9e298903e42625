/**
 * Dataset manifests: datasets/<name>.json at the package root. A manifest names the upstream
 * URL, the expected sha256 and size, the license and attribution, and the loader options that
 * undo the file's quirks (missing header line, mixed time formats) without editing the file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CsvOptions } from "../data/csv.js";
import type { DateTimeShape } from "../data/datetime.js";
import { InputError } from "../errors.js";

export interface DatasetLoaderOptions {
  /** "csv": a downloaded file; "npm-package": data shipped inside an npm dependency. */
  format: "csv" | "npm-package";
  csv?: Pick<CsvOptions, "header" | "names" | "skipBlankLines" | "delimiter" | "keepStrings" | "nullValues">;
  /** Columns whose date/time text is rewritten to one canonical format (see formatDateTimeMs). */
  timeColumns?: Record<string, DateTimeShape>;
}

export interface DatasetManifest {
  name: string;
  title: string;
  description: string;
  sourcePage: string;
  /** Upstream download URL (pinned to a commit). Absent for npm-shipped datasets. */
  url?: string;
  /** File name in the cache and in a mirror folder. */
  file?: string;
  sha256?: string;
  bytes?: number;
  /** npm package that ships the data (format "npm-package"). */
  package?: string;
  rows?: number;
  columns?: number;
  license: string;
  licenseUrl?: string;
  /** The license requires this text to be shown (CC BY-SA): printed once per process on load. */
  attributionRequired: boolean;
  attribution: string;
  loader: DatasetLoaderOptions;
  notes?: string[];
}

export class DatasetError extends InputError {
  override name = "DatasetError";
}

/** datasets/ at the package root: two levels above both src/datasets and dist/datasets. */
export function defaultManifestDir(): string {
  return fileURLToPath(new URL("../../datasets/", import.meta.url));
}

function checkManifest(m: Partial<DatasetManifest>, path: string): DatasetManifest {
  const need = ["name", "title", "description", "sourcePage", "license", "attribution", "loader"] as const;
  const missing = need.filter((k) => m[k] === undefined);
  if (m.loader?.format === "csv") {
    for (const k of ["url", "file", "sha256"] as const) if (!m[k]) missing.push(k as never);
  }
  if (missing.length) throw new DatasetError(`Dataset manifest ${path} lacks ${missing.join(", ")}: add those fields.`);
  if (m.sha256 && !/^[0-9a-f]{64}$/.test(m.sha256)) throw new DatasetError(`Dataset manifest ${path}: sha256 must be 64 lowercase hex digits.`);
  return { attributionRequired: false, ...m } as DatasetManifest;
}

export function readManifests(dir = defaultManifestDir()): DatasetManifest[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  } catch {
    throw new DatasetError(`No dataset manifests folder at ${dir}: the package install is incomplete (datasets/ is missing).`);
  }
  return files.map((f) => {
    const path = join(dir, f);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, "utf8"));
    } catch (err) {
      throw new DatasetError(`Dataset manifest ${path} is not valid JSON: ${(err as Error).message}.`);
    }
    return checkManifest(data as Partial<DatasetManifest>, path);
  });
}

export function getManifest(name: string, dir = defaultManifestDir()): DatasetManifest {
  const all = readManifests(dir);
  const m = all.find((x) => x.name === name);
  if (!m) throw new DatasetError(`Unknown dataset "${name}". Available: ${all.map((x) => x.name).join(", ")} (run \`synthlab datasets list\`).`);
  return m;
}
