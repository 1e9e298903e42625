/**
 * Where the real public tables for tests live: `../shared/datasets/tables/` beside the checkout (CI and the
 * developers' machines), or `$SYNTHLAB_DATA_MIRROR/tables` when the mirror is set. Tests read them from
 * there; they are never copied into the repository.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

function findTablesDir(): string {
  const candidates = [
    process.env.SYNTHLAB_DATA_MIRROR ? join(process.env.SYNTHLAB_DATA_MIRROR, "tables") : "",
    resolve(root, "../shared/datasets/tables"),
    // A git worktree under /work/wt/NAME sits two levels below shared/'s parent.
    resolve(root, "../../shared/datasets/tables"),
  ].filter(Boolean);
  const found = candidates.find((d) => existsSync(join(d, "SOURCES.md")));
  if (!found) throw new Error(`The public test tables are missing: looked in ${candidates.join(", ")}`);
  return found;
}

export const TABLES_DIR = findTablesDir();

/** Absolute path of one public table, e.g. `tablePath("mpg.csv")`. */
export function tablePath(file: string): string {
  return join(TABLES_DIR, file);
}
