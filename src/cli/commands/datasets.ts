/**
 * `synthlab datasets list | fetch NAME | info NAME`: manifests in datasets/, files verified by sha256.
 * The options are declared in src/frontend/commands/dataset.ts.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../errors.js";
import { commandHelp, EXIT, runCommand } from "../../frontend/cli.js";
import { datasetsCommand } from "../../frontend/commands/dataset.js";
import { stringArg } from "../../frontend/spec.js";

export function run(argv: string[]): Promise<number> {
  return runCommand(datasetsCommand, argv, async (args) => {
    const [sub, name, ...extra] = (args.command as string[] | undefined) ?? [];
    if (!sub) {
      process.stderr.write(`${commandHelp(datasetsCommand)}\n`);
      return EXIT.usage;
    }
    const opts = { cacheDir: stringArg(args, "cache-dir"), mirrorDir: stringArg(args, "mirror"), offline: args.offline === true };
    const ds = await import("../../datasets/index.js");
    if (sub === "list") {
      const rows = ds.listDatasets();
      const w = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) {
        const size = r.rows !== undefined ? `${r.rows} × ${r.columns ?? "?"}` : "";
        process.stdout.write(`${r.name.padEnd(w)}  ${size.padEnd(11)}  ${r.license}\n${" ".repeat(w + 2)}${r.title}\n`);
      }
      return EXIT.ok;
    }
    if ((sub === "fetch" || sub === "info") && (!name || extra.length)) {
      throw new UsageError(`${sub}: give exactly one dataset name (see \`synthlab datasets list\`).`);
    }
    if (sub === "fetch") {
      const m = ds.getManifest(name!);
      if (m.package) {
        process.stdout.write(`${name} ships in the npm package ${m.package}; nothing to fetch.\n`);
        return EXIT.ok;
      }
      const path = await ds.fetchDataset(name!, opts);
      process.stdout.write(path + "\n");
      if (m.attributionRequired) process.stderr.write(`${ds.datasetAttribution(name!)}\n`);
      return EXIT.ok;
    }
    if (sub === "info") {
      const m = ds.getManifest(name!);
      const cacheDir = opts.cacheDir ?? ds.defaultCacheDir();
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
      return EXIT.ok;
    }
    throw new UsageError(`unknown sub-command "${sub}"; use list, fetch NAME or info NAME.`);
  });
}
