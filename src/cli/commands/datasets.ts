/**
 * `synthlab datasets list | fetch NAME | info NAME` — manifests in datasets/, files verified by sha256.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

const USAGE = `Usage: synthlab datasets <list | fetch NAME | info NAME> [--cache-dir DIR] [--mirror DIR] [--offline]

  list          the datasets this version knows (name, rows × columns, license)
  fetch NAME    make a verified local copy (cache, else mirror, else download); prints its path
  info NAME     the manifest: source, license, attribution, sha256, cache status, quirks

Environment: SYNTHLAB_CACHE_DIR (default ~/.cache/synthlab/datasets), SYNTHLAB_DATA_MIRROR (a folder
holding the files), SYNTHLAB_OFFLINE=1 (never download).`;

interface Parsed {
  positionals: string[];
  cacheDir?: string;
  mirrorDir?: string;
  offline: boolean;
  help: boolean;
}

function parse(argv: string[]): Parsed {
  const out: Parsed = { positionals: [], offline: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a folder, e.g. ${a} /data/synthlab`);
      return v;
    };
    if (a === "--help" || a === "-h") out.help = true;
    else if (a === "--cache-dir") out.cacheDir = value();
    else if (a === "--mirror") out.mirrorDir = value();
    else if (a === "--offline") out.offline = true;
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else out.positionals.push(a);
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  let p: Parsed;
  try {
    p = parse(argv);
  } catch (err) {
    process.stderr.write(`synthlab datasets: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [sub, name, ...extra] = p.positionals;
  if (p.help || !sub) {
    (p.help ? process.stdout : process.stderr).write(USAGE + "\n");
    return p.help ? 0 : 2;
  }
  const ds = await import("../../datasets/index.js");
  const opts = { cacheDir: p.cacheDir, mirrorDir: p.mirrorDir, offline: p.offline };
  try {
    if (sub === "list") {
      const rows = ds.listDatasets();
      const w = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) {
        const size = r.rows !== undefined ? `${r.rows} × ${r.columns ?? "?"}` : "";
        process.stdout.write(`${r.name.padEnd(w)}  ${size.padEnd(11)}  ${r.license}\n${" ".repeat(w + 2)}${r.title}\n`);
      }
      return 0;
    }
    if ((sub === "fetch" || sub === "info") && (!name || extra.length)) {
      process.stderr.write(`synthlab datasets ${sub}: give exactly one dataset name (see \`synthlab datasets list\`).\n`);
      return 2;
    }
    if (sub === "fetch") {
      const m = ds.getManifest(name!);
      if (m.package) {
        process.stdout.write(`${name} ships in the npm package ${m.package}; nothing to fetch.\n`);
        return 0;
      }
      const path = await ds.fetchDataset(name!, opts);
      process.stdout.write(path + "\n");
      if (m.attributionRequired) process.stderr.write(`${ds.datasetAttribution(name!)}\n`);
      return 0;
    }
    if (sub === "info") {
      const m = ds.getManifest(name!);
      const cacheDir = p.cacheDir ?? ds.defaultCacheDir();
      const lines = [
        `${m.name}: ${m.title}`,
        "",
        m.description,
        "",
        `source page:  ${m.sourcePage}`,
        m.url ? `download:     ${m.url}` : `npm package:  ${m.package}`,
        m.sha256 ? `sha256:       ${m.sha256} (${m.bytes ?? "?"} bytes)` : "",
        m.rows !== undefined ? `shape:        ${m.rows} rows × ${m.columns} columns` : "",
        `license:      ${m.license}${m.licenseUrl ? ` (${m.licenseUrl})` : ""}`,
        `attribution:  ${m.attribution}${m.attributionRequired ? " [required by the license]" : ""}`,
        m.file ? `cached:       ${existsSync(join(cacheDir, m.file)) ? join(cacheDir, m.file) : `no (cache dir ${cacheDir})`}` : "",
        ...(m.notes?.length ? ["", "notes:", ...m.notes.map((n) => `  - ${n}`)] : []),
      ].filter((l, i, all) => l !== "" || (i > 0 && all[i - 1] !== ""));
      process.stdout.write(lines.join("\n") + "\n");
      return 0;
    }
    process.stderr.write(`synthlab datasets: unknown sub-command "${sub}".\n${USAGE}\n`);
    return 2;
  } catch (err) {
    if (err instanceof ds.DatasetError) {
      process.stderr.write(`synthlab datasets: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
