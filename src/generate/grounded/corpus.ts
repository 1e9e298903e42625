/**
 * A local corpus for grounded generation (issue #17): a folder of .txt, .md, .html/.htm and .jsonl
 * files becomes passages, each a span of one document's extracted text that carries its source and
 * exact offsets (`documentText.slice(start, end) === text`), so a row's citation can be checked
 * against the words it cites.
 *
 * - .txt and .md: the file's text as is (a byte-order mark dropped); .md headings give titles.
 * - .html/.htm: the visible text (htmlparser2), without script/style, with block breaks kept;
 *   the title is <title>, else the first <h1>; h1–h6 give passage titles.
 * - .jsonl: one document per line; its text is one string field (option `textField`, default the
 *   first of text/content/body); `title` or `id` gives its title. Its source is `file.jsonl:LINE`.
 *
 * Passages are paragraph-aware chunks of at most `maxPassageChars`: paragraphs are packed whole
 * while they fit, a heading starts a new passage, and only a paragraph longer than the limit is
 * cut (at a sentence end, else a space). Ids are "p1", "p2", … in corpus order (files sorted by
 * path), so an unchanged corpus gives the same ids on every load.
 */
import { promises as fsp, type Dirent } from "node:fs";
import path from "node:path";
import { Parser } from "htmlparser2";
import { InputError } from "../../errors.js";
import type { Corpus, Passage } from "./types.js";

/** A corpus that cannot be loaded (missing folder, nothing readable, too large): one line, no stack. */
export class CorpusError extends InputError {
  override name = "CorpusError";
}

export interface CorpusOptions {
  /** Longest passage, in characters (default 1000; 200–20 000). */
  maxPassageChars?: number;
  /** .jsonl: the string field holding each record's text (default: the first of text, content, body). */
  textField?: string;
  /** Refuse a corpus whose readable files add up to more than this many bytes (default 64 MiB). */
  maxBytes?: number;
}

export const DEFAULT_MAX_PASSAGE_CHARS = 1000;
export const DEFAULT_MAX_CORPUS_BYTES = 64 * 1024 * 1024;
/** The file types a corpus may hold (by extension, case-insensitive). */
export const CORPUS_EXTENSIONS = [".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"] as const;
const JSONL_TEXT_FIELDS = ["text", "content", "body"] as const;
/** Per .jsonl file, bad lines listed one by one before the rest are summed up in one note. */
const MAX_LINE_NOTES = 20;

/** A heading of a document: the heading's own span in the extracted text, and its words. */
export interface Section {
  start: number;
  end: number;
  heading: string;
}

/** One document's extracted text: what passages are cut from and what their offsets point into. */
export interface CorpusDocument {
  /** Path relative to the corpus root (posix); `file.jsonl:LINE` for a .jsonl record. */
  source: string;
  text: string;
  title?: string;
  /** Headings in text order (for .md and .html). */
  sections: Section[];
}

type Skipped = Corpus["skipped"];

function errnoOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : err instanceof Error ? err.message : String(err);
}

/** A byte count for a message: "5.9 KiB", "80.3 MiB" (bytes below 1 KiB as is). */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

// ---- extraction ----

/** Elements whose content is not visible text. */
const HIDDEN_ELEMENTS = new Set(["script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object", "canvas"]);
/** Elements that end a paragraph (a blank line in the text). */
const PARAGRAPH_ELEMENTS = new Set([
  "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset", "figcaption", "figure",
  "footer", "form", "header", "hgroup", "hr", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "ul",
  "h1", "h2", "h3", "h4", "h5", "h6", "body", "html",
]);
/** Elements that end a line. */
const LINE_ELEMENTS = new Set(["br", "li", "dt", "dd", "tr", "caption", "option"]);

/**
 * The visible text of an HTML page: script, style and other hidden elements dropped, white space
 * collapsed as a browser does (kept inside <pre>), a blank line between blocks, a line break for
 * <br>, list items and table rows. Headings (h1–h6) are recorded as sections.
 */
export function extractHtml(html: string): { text: string; title?: string; sections: Section[] } {
  let out = "";
  let pendingBreak = 0;
  let pendingSpace = false;
  let hidden = 0;
  let pre = 0;
  let inTitle = false;
  let titleText = "";
  let firstH1: string | undefined;
  let heading: { level: number; start: number } | undefined;
  const sections: Section[] = [];

  const emit = (s: string): void => {
    if (out.length > 0) {
      if (pendingBreak > 0) out += "\n".repeat(pendingBreak);
      else if (pendingSpace) out += " ";
    }
    pendingBreak = 0;
    pendingSpace = false;
    if (heading && heading.start < 0) heading.start = out.length;
    out += s;
  };
  const lineBreak = (n: number): void => {
    pendingBreak = Math.max(pendingBreak, n);
    pendingSpace = false;
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (name === "title") inTitle = true;
        if (HIDDEN_ELEMENTS.has(name)) hidden += 1;
        if (hidden > 0) return;
        if (name === "pre") pre += 1;
        if (PARAGRAPH_ELEMENTS.has(name)) lineBreak(2);
        else if (LINE_ELEMENTS.has(name)) lineBreak(1);
        else if (name === "td" || name === "th") pendingSpace = out.length > 0 && pendingBreak === 0;
        if (/^h[1-6]$/.test(name)) heading = { level: Number(name[1]), start: -1 };
      },
      ontext(data) {
        if (inTitle) {
          titleText += data;
          return;
        }
        if (hidden > 0 || data.length === 0) return;
        if (pre > 0) {
          emit(data);
          return;
        }
        // HTML white space only (a no-break space is text, as in a browser).
        const collapsed = data.replace(/[ \t\n\r\f]+/g, " ");
        const body = collapsed.replace(/^ | $/g, "");
        if (body.length === 0) {
          if (out.length > 0 && pendingBreak === 0) pendingSpace = true;
          return;
        }
        if (collapsed.startsWith(" ") && pendingBreak === 0) pendingSpace = true;
        emit(body);
        if (collapsed.endsWith(" ")) pendingSpace = true;
      },
      onclosetag(name) {
        if (name === "title") inTitle = false;
        if (HIDDEN_ELEMENTS.has(name)) {
          hidden = Math.max(0, hidden - 1);
          return;
        }
        if (hidden > 0) return;
        if (name === "pre") pre = Math.max(0, pre - 1);
        if (heading && /^h[1-6]$/.test(name)) {
          if (heading.start >= 0) {
            const words = out.slice(heading.start).trim();
            if (words) {
              sections.push({ start: heading.start, end: out.length, heading: words });
              if (heading.level === 1 && firstH1 === undefined) firstH1 = words;
            }
          }
          heading = undefined;
        }
        if (PARAGRAPH_ELEMENTS.has(name)) lineBreak(2);
        else if (LINE_ELEMENTS.has(name)) lineBreak(1);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  const title = titleText.replace(/\s+/g, " ").trim() || firstH1;
  return { text: out, ...(title ? { title } : {}), sections };
}

/**
 * The headings of a Markdown text (ATX `# …` and setext `===`/`---` underlines), outside code
 * fences and a leading front-matter block; the title is front matter's `title:`, else the first
 * level-1 heading.
 */
export function extractMarkdown(text: string): { text: string; title?: string; sections: Section[] } {
  const sections: Section[] = [];
  let title: string | undefined;
  let firstH1: string | undefined;
  let fence: string | undefined;
  let pos = 0;
  let prev: { start: number; end: number; line: string } | undefined;
  const lines = text.split("\n");
  let i = 0;
  if (lines[0]?.replace(/\r$/, "") === "---") {
    // Front matter: skipped for headings; its title is the document's.
    const close = lines.findIndex((l, j) => j > 0 && /^(---|\.\.\.)\r?$/.test(l));
    if (close > 0) {
      for (let j = 1; j < close; j += 1) {
        const m = /^title:\s*["']?(.*?)["']?\s*\r?$/.exec(lines[j]!);
        if (m && m[1]) title = m[1];
      }
      for (; i <= close; i += 1) pos += lines[i]!.length + 1;
    }
  }
  for (; i < lines.length; i += 1) {
    const raw = lines[i]!;
    const line = raw.replace(/\r$/, "");
    const start = pos;
    const end = pos + line.length;
    pos += raw.length + 1;
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length) fence = undefined;
      prev = undefined;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      prev = undefined;
      continue;
    }
    const atx = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx && atx[2]) {
      const words = atx[2].trim();
      sections.push({ start, end, heading: words });
      if (atx[1]!.length === 1 && firstH1 === undefined) firstH1 = words;
      prev = undefined;
      continue;
    }
    const setext = /^ {0,3}(=+|-+)[ \t]*$/.exec(line);
    if (setext && prev && !/^\s*([-*+>|]|\d+[.)])/.test(prev.line)) {
      const words = prev.line.trim();
      sections.push({ start: prev.start, end, heading: words });
      if (setext[1]![0] === "=" && firstH1 === undefined) firstH1 = words;
      prev = undefined;
      continue;
    }
    prev = line.trim() ? { start, end, line } : undefined;
  }
  title ??= firstH1;
  return { text, ...(title ? { title } : {}), sections };
}

// ---- chunking ----

interface Span {
  start: number;
  end: number;
  isHeading: boolean;
  heading: string | undefined;
}

/** [start, end) shrunk over white space at both ends. */
function trimSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start]!)) start += 1;
  while (end > start && /\s/.test(text[end - 1]!)) end -= 1;
  return [start, end];
}

/** Where to cut [start, …) so the piece is at most `max` long: the last sentence end, else space, in its second half. */
function cutPoint(text: string, start: number, max: number): number {
  const limit = start + max;
  const window = text.slice(start, limit);
  const floor = Math.floor(max / 2);
  let cut = -1;
  for (const m of window.matchAll(/[.!?…]["'”’)\]]*\s+/g)) {
    const at = (m.index ?? 0) + m[0].length;
    if (at >= floor) cut = at;
  }
  if (cut < 0) {
    const space = window.search(/\s\S*$/);
    if (space >= floor) cut = space + 1;
  }
  if (cut < 0) {
    cut = max;
    // Never split a surrogate pair.
    const code = text.charCodeAt(start + cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  }
  return start + cut;
}

/**
 * Cuts one document into passages (without ids): paragraphs (split at blank lines and around
 * headings) are packed whole while the passage stays within `maxChars`; a heading starts a new
 * passage once the current one has body text; a paragraph longer than `maxChars` is cut at a
 * sentence end or a space, and the piece that ends it is packed with what follows. Offsets index
 * `doc.text`; each passage's title is the heading its first body paragraph falls under, else the
 * document's title.
 */
export function chunkDocument(doc: CorpusDocument, maxChars = DEFAULT_MAX_PASSAGE_CHARS): Omit<Passage, "id">[] {
  const { text, sections } = doc;
  const cuts = new Set<number>();
  for (const s of sections) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const spans: Span[] = [];
  let sectionIndex = -1;
  const pushSpan = (a: number, b: number): void => {
    const [start, end] = trimSpan(text, a, b);
    if (start >= end) return;
    while (sectionIndex + 1 < sections.length && sections[sectionIndex + 1]!.start <= start) sectionIndex += 1;
    const section = sectionIndex >= 0 ? sections[sectionIndex] : undefined;
    const isHeading = section !== undefined && start >= section.start && end <= section.end;
    const heading = section?.heading ?? doc.title;
    spans.push({ start, end, isHeading, heading });
  };
  // Paragraphs: between blank lines, and cut at every heading's start and end.
  const sortedCuts = [...cuts].sort((a, b) => a - b);
  let from = 0;
  const blank = /\n[ \t\r\f\v]*\n(?:[ \t\r\f\v]*\n)*/g;
  const paragraphEnds: [number, number][] = [];
  for (const m of text.matchAll(blank)) {
    const at = m.index ?? 0;
    paragraphEnds.push([from, at]);
    from = at + m[0].length;
  }
  paragraphEnds.push([from, text.length]);
  let c = 0;
  for (const [a, b] of paragraphEnds) {
    let s = a;
    while (c < sortedCuts.length && sortedCuts[c]! <= a) c += 1;
    while (c < sortedCuts.length && sortedCuts[c]! < b) {
      pushSpan(s, sortedCuts[c]!);
      s = sortedCuts[c]!;
      c += 1;
    }
    pushSpan(s, b);
  }

  const passages: Omit<Passage, "id">[] = [];
  let chunk: { start: number; end: number; title: string | undefined; hasBody: boolean } | undefined;
  const flush = (): void => {
    if (!chunk) return;
    const p: Omit<Passage, "id"> = { source: doc.source, start: chunk.start, end: chunk.end, text: text.slice(chunk.start, chunk.end) };
    if (chunk.title) p.title = chunk.title;
    passages.push(p);
    chunk = undefined;
  };
  for (const span of spans) {
    if (chunk && span.isHeading && chunk.hasBody) flush();
    let s = span.start;
    while (s < span.end) {
      if (chunk && span.end - chunk.start <= maxChars) {
        // The rest of the paragraph fits in the open passage.
        chunk.end = span.end;
        if (!chunk.hasBody && !span.isHeading) {
          chunk.title = span.heading;
          chunk.hasBody = true;
        }
        break;
      }
      if (!chunk && span.end - s <= maxChars) {
        chunk = { start: s, end: span.end, title: span.heading, hasBody: !span.isHeading };
        break;
      }
      // Too long for what is open: a passage with body text is closed; headings alone keep the
      // first part of the paragraph (a passage of a few words finds nothing), unless little room is left.
      if (chunk && (chunk.hasBody || maxChars - (s - chunk.start) < maxChars / 4)) {
        flush();
        continue;
      }
      const from = chunk ? chunk.start : s;
      const cut = cutPoint(text, s, maxChars - (s - from));
      const [, pieceEnd] = trimSpan(text, s, cut);
      if (chunk) {
        chunk.end = pieceEnd;
        chunk.title = span.heading;
        chunk.hasBody = true;
      } else {
        chunk = { start: s, end: pieceEnd, title: span.heading, hasBody: true };
      }
      flush();
      [s] = trimSpan(text, cut, span.end);
    }
  }
  flush();
  return passages;
}

// ---- reading ----

/** Decodes UTF-8 text, or says why the bytes are not text. */
function decodeText(bytes: Buffer): { text: string } | { reason: string } {
  if (bytes.subarray(0, 8192).includes(0)) return { reason: "binary file (holds NUL bytes)" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { reason: "not UTF-8 text" };
  }
}

function jsonlDocuments(rel: string, text: string, textField: string | undefined, skipped: Skipped): CorpusDocument[] {
  const documents: CorpusDocument[] = [];
  let bad = 0;
  const note = (line: number, reason: string): void => {
    bad += 1;
    if (bad <= MAX_LINE_NOTES) skipped.push({ source: `${rel}:${line}`, reason });
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (err) {
      note(i + 1, `line is not valid JSON (${(err as Error).message.split("\n")[0]}): fix or remove it`);
      continue;
    }
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      note(i + 1, "line is not a JSON object: each line must be one record like {\"text\": \"…\"}");
      continue;
    }
    const r = record as Record<string, unknown>;
    const field = textField ?? JSONL_TEXT_FIELDS.find((f) => typeof r[f] === "string");
    const value = field === undefined ? undefined : r[field];
    if (typeof value !== "string") {
      const wanted = textField ? `"${textField}"` : "text, content or body";
      note(i + 1, `record has no string field ${wanted}: choose the text field with textField`);
      continue;
    }
    if (!value.trim()) {
      note(i + 1, "record's text is empty");
      continue;
    }
    const t = r["title"] ?? r["id"];
    const title = typeof t === "string" || typeof t === "number" ? String(t) : undefined;
    documents.push({ source: `${rel}:${i + 1}`, text: value, ...(title ? { title } : {}), sections: [] });
  }
  if (bad > MAX_LINE_NOTES) skipped.push({ source: rel, reason: `${bad - MAX_LINE_NOTES} more bad lines not listed` });
  return documents;
}

/**
 * The documents in one corpus file (one, or one per .jsonl record), given its bytes. Files that
 * yield nothing add a line to `skipped` instead of throwing.
 */
export function parseDocuments(rel: string, bytes: Buffer, skipped: Skipped, options: Pick<CorpusOptions, "textField"> = {}): CorpusDocument[] {
  const decoded = decodeText(bytes);
  if ("reason" in decoded) {
    skipped.push({ source: rel, reason: decoded.reason });
    return [];
  }
  const { text } = decoded;
  if (!text.trim()) {
    skipped.push({ source: rel, reason: "empty file" });
    return [];
  }
  const ext = path.posix.extname(rel).toLowerCase();
  let docs: CorpusDocument[];
  if (ext === ".jsonl") docs = jsonlDocuments(rel, text, options.textField, skipped);
  else if (ext === ".html" || ext === ".htm") docs = [{ source: rel, ...extractHtml(text) }];
  else if (ext === ".md" || ext === ".markdown") docs = [{ source: rel, ...extractMarkdown(text) }];
  else docs = [{ source: rel, text, sections: [] }];
  const kept = docs.filter((d) => d.text.trim().length > 0);
  if (kept.length === 0 && ext !== ".jsonl") skipped.push({ source: rel, reason: "no visible text" });
  else if (kept.length === 0) skipped.push({ source: rel, reason: "no usable records" });
  return kept;
}

/** A supported file found under the root, or one passed over with the reason. */
type FoundEntry = { rel: string; abs: string; size: number } | { rel: string; skip: string };

/** Entries under `root` in path order; hidden ones (".git", ".DS_Store") are passed over silently. */
async function walk(root: string): Promise<FoundEntry[]> {
  const found: FoundEntry[] = [];
  const skip = (rel: string, reason: string): void => void found.push({ rel, skip: reason });
  const visit = async (dirRel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fsp.readdir(path.join(root, dirRel), { withFileTypes: true });
    } catch (err) {
      skip(dirRel || ".", `folder not readable (${errnoOf(err)})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const rel = dirRel ? `${dirRel}/${e.name}` : e.name;
      const abs = path.join(root, rel);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = await fsp.stat(abs);
          if (st.isDirectory()) {
            skip(rel, "link to a folder (not followed)");
            continue;
          }
          isFile = st.isFile();
          isDir = false;
        } catch (err) {
          skip(rel, `broken link (${errnoOf(err)})`);
          continue;
        }
      }
      if (isDir) {
        await visit(rel);
        continue;
      }
      if (!isFile) {
        skip(rel, "not a regular file");
        continue;
      }
      const ext = path.posix.extname(e.name).toLowerCase();
      if (!(CORPUS_EXTENSIONS as readonly string[]).includes(ext)) {
        skip(rel, `unsupported type${ext ? ` ${ext}` : ""} (a corpus reads ${CORPUS_EXTENSIONS.join(", ")})`);
        continue;
      }
      try {
        found.push({ rel, abs, size: (await fsp.stat(abs)).size });
      } catch (err) {
        skip(rel, `unreadable (${errnoOf(err)})`);
      }
    }
  };
  await visit("");
  return found;
}

function checkOptions(options: CorpusOptions): { maxChars: number; maxBytes: number } {
  const maxChars = options.maxPassageChars ?? DEFAULT_MAX_PASSAGE_CHARS;
  if (!Number.isInteger(maxChars) || maxChars < 200 || maxChars > 20_000) {
    throw new CorpusError(`maxPassageChars must be a whole number from 200 to 20000, got ${String(maxChars)}.`);
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CORPUS_BYTES;
  if (!(maxBytes > 0) || !Number.isFinite(maxBytes)) {
    throw new CorpusError(`maxBytes must be a positive number of bytes, got ${String(maxBytes)}.`);
  }
  if (options.textField !== undefined && (typeof options.textField !== "string" || !options.textField)) {
    throw new CorpusError(`textField must be the name of a string field of the .jsonl records, got ${JSON.stringify(options.textField)}.`);
  }
  return { maxChars, maxBytes };
}

/**
 * Loads a corpus folder (recursively) into passages. Throws CorpusError (one line) when the folder
 * is missing or not a folder, holds no readable document, or is larger than `maxBytes`; files it
 * cannot use are listed in `skipped` with the reason.
 */
export async function loadCorpus(dir: string, options: CorpusOptions = {}): Promise<Corpus> {
  const { maxChars, maxBytes } = checkOptions(options);
  const root = path.resolve(dir);
  let st;
  try {
    st = await fsp.stat(root);
  } catch (err) {
    const code = errnoOf(err);
    throw new CorpusError(
      code === "ENOENT"
        ? `Corpus folder not found: ${dir}. Give a folder of ${CORPUS_EXTENSIONS.join(", ")} files.`
        : `Corpus folder ${dir} cannot be read (${code}).`,
    );
  }
  if (!st.isDirectory()) {
    throw new CorpusError(`Corpus ${dir} is not a folder: give the folder that holds the documents (${CORPUS_EXTENSIONS.join(", ")}).`);
  }
  const entries = await walk(root);
  const total = entries.reduce((sum, f) => sum + ("size" in f ? f.size : 0), 0);
  if (total > maxBytes) {
    throw new CorpusError(
      `Corpus ${dir} holds ${formatBytes(total)} of documents, above the ${formatBytes(maxBytes)} limit: use a smaller folder, or raise the limit with the corpus option maxBytes (bytes).`,
    );
  }
  const skipped: Skipped = [];
  const passages: Passage[] = [];
  let documents = 0;
  for (const file of entries) {
    if ("skip" in file) {
      skipped.push({ source: file.rel, reason: file.skip });
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await fsp.readFile(file.abs);
    } catch (err) {
      skipped.push({ source: file.rel, reason: `unreadable (${errnoOf(err)})` });
      continue;
    }
    for (const doc of parseDocuments(file.rel, bytes, skipped, options)) {
      documents += 1;
      for (const p of chunkDocument(doc, maxChars)) passages.push({ id: `p${passages.length + 1}`, ...p });
    }
  }
  if (passages.length === 0) {
    const why = skipped.slice(0, 3).map((s) => `${s.source}: ${s.reason}`).join("; ");
    throw new CorpusError(
      `Corpus ${dir} has no readable documents (${CORPUS_EXTENSIONS.join(", ")})${why ? `: ${why}${skipped.length > 3 ? `; and ${skipped.length - 3} more` : ""}` : ": the folder is empty"}.`,
    );
  }
  return { root, passages, documents, skipped };
}
