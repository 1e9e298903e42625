import { promises as fsp } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isInputError } from "../../../src/errors.js";
import {
  CorpusError,
  chunkDocument,
  extractHtml,
  extractMarkdown,
  loadCorpus,
} from "../../../src/generate/grounded/corpus.js";
import type { Corpus, Passage } from "../../../src/generate/grounded/types.js";
import { DOCS_DIR, tempDir, writeSpamCorpus, type SpamCorpus } from "./corpus-fixtures.js";

/** Every passage is an exact slice of its document, and what lies between passages is white space only. */
function expectExactCover(corpus: Corpus, textOf: (source: string) => string | undefined, maxChars: number): void {
  const bySource = new Map<string, Passage[]>();
  for (const p of corpus.passages) {
    const text = textOf(p.source);
    expect(text, `document text of ${p.source}`).toBeDefined();
    expect(text!.slice(p.start, p.end)).toBe(p.text);
    expect(p.text.length).toBeLessThanOrEqual(maxChars);
    expect(p.text).toBe(p.text.trim());
    (bySource.get(p.source) ?? bySource.set(p.source, []).get(p.source)!).push(p);
  }
  for (const [source, ps] of bySource) {
    const text = textOf(source)!;
    let at = 0;
    for (const p of ps) {
      expect(p.start).toBeGreaterThanOrEqual(at);
      expect(text.slice(at, p.start).trim(), `text lost before ${p.id} in ${source}`).toBe("");
      at = p.end;
    }
    expect(text.slice(at).trim(), `text lost at the end of ${source}`).toBe("");
  }
}

describe("loadCorpus on real text: SpamAssassin messages as .txt and .jsonl", () => {
  let spam: SpamCorpus;
  let corpus: Corpus;
  beforeAll(async () => {
    spam = await writeSpamCorpus(150);
    corpus = await loadCorpus(spam.dir);
  });
  afterAll(async () => fsp.rm(spam.dir, { recursive: true, force: true }));

  it("reads every message into passages with exact offsets and loses no text", () => {
    const emptyRecords = corpus.skipped.filter((s) => s.reason === "record's text is empty").length;
    expect(corpus.documents).toBe(300 - emptyRecords);
    expect(corpus.passages.length).toBeGreaterThan(500);
    expectExactCover(corpus, (s) => spam.texts.get(s), 1000);
  });

  it("gives short, unique, stable ids in corpus order and posix sources", async () => {
    expect(corpus.passages.map((p) => p.id)).toEqual(corpus.passages.map((_, i) => `p${i + 1}`));
    // Files in path order: ham/ before spam/; a .jsonl record is named by its line.
    expect(corpus.passages[0]!.source).toBe("ham/messages.jsonl:1");
    expect(corpus.passages[0]!.title).toBe("ham-0"); // the record's id
    expect(corpus.passages.find((p) => p.source.startsWith("spam/"))!.source).toBe("spam/0000.txt");
    const again = await loadCorpus(spam.dir);
    expect(again.passages).toEqual(corpus.passages);
  });

  it("keeps paragraphs whole while they fit, and honours maxPassageChars", async () => {
    // A paragraph boundary is never inside a passage unless both paragraphs fit in it.
    const small = await loadCorpus(spam.dir, { maxPassageChars: 400 });
    expect(small.passages.length).toBeGreaterThan(corpus.passages.length);
    expectExactCover(small, (s) => spam.texts.get(s), 400);
  });
});

describe("loadCorpus on the project's docs (Markdown) and an HTML page", () => {
  it("reads docs/*.md with headings as titles, skips the screenshot", async () => {
    const corpus = await loadCorpus(DOCS_DIR);
    const mdFiles = (await fsp.readdir(DOCS_DIR, { recursive: true })).filter((f) => String(f).endsWith(".md"));
    expect(corpus.documents).toBe(mdFiles.length);
    expect(corpus.skipped).toContainEqual({ source: "screenshot.png", reason: expect.stringMatching(/unsupported type \.png/) as string });
    const texts = new Map<string, string>();
    for (const f of mdFiles) texts.set(String(f).split(path.sep).join("/"), await fsp.readFile(path.join(DOCS_DIR, String(f)), "utf8"));
    expectExactCover(corpus, (s) => texts.get(s), 1000);
    // A passage that starts at a heading carries that heading as its title.
    const copula = corpus.passages.find((p) => p.source === "generation.md" && p.text.startsWith("## Gaussian copula"));
    expect(copula?.title).toBe("Gaussian copula");
    // Every passage of a document with headings has a title.
    expect(corpus.passages.filter((p) => p.source === "generation.md").every((p) => p.title)).toBe(true);
  });

  it("Markdown: headings in code fences are not headings; setext and front matter are read", () => {
    const md = "---\ntitle: Front\n---\nIntro line.\n\n```sh\n# not a heading\n```\n\nSub\n===\n\nBody text.\n\n## Two ##\nMore.\n";
    const doc = extractMarkdown(md);
    expect(doc.title).toBe("Front");
    expect(doc.sections.map((s) => s.heading)).toEqual(["Sub", "Two"]);
    for (const s of doc.sections) expect(md.slice(s.start, s.end)).toMatch(s.heading === "Sub" ? /^Sub\n===$/ : /^## Two ##$/);
    const passages = chunkDocument({ source: "a.md", ...doc }, 200);
    // Headings start passages: "Sub" and "Two" each open one, with their body.
    expect(passages.map((p) => p.title)).toEqual(["Front", "Sub", "Two"]);
    expect(passages[2]!.text).toBe("## Two ##\nMore.");
  });

  it("HTML: visible text only, block breaks kept, entities decoded, <title> and headings as titles", async () => {
    const dir = await tempDir();
    const html = `<!doctype html><html><head><title>Coffee &amp; tea
      guide</title><style>p { color: red }</style><script>var secret = "hidden";</script></head>
      <body><nav>Home | About</nav><h1>Brewing</h1><p>Water at <b>93&nbsp;°C</b>
      extracts   best.</p><p>Grind fine<br>for espresso.</p>
      <h2>Storage</h2><ul><li>Keep beans dry</li><li>Use within 30 days</li></ul>
      <pre>  cold   brew
  12 h</pre><table><tr><td>Latte</td><td>3.50</td></tr></table><noscript>enable js</noscript></body></html>`;
    await fsp.writeFile(path.join(dir, "guide.html"), html);
    const corpus = await loadCorpus(dir).finally(() => fsp.rm(dir, { recursive: true, force: true }));
    const { text, title, sections } = extractHtml(html);
    expect(title).toBe("Coffee & tea guide");
    expect(text).not.toMatch(/secret|color: red|enable js/);
    expect(text).toBe(
      "Home | About\n\nBrewing\n\nWater at 93\u00a0°C extracts best.\n\nGrind fine\nfor espresso.\n\nStorage\n\nKeep beans dry\nUse within 30 days\n\n  cold   brew\n  12 h\n\nLatte 3.50",
    );
    expect(sections.map((s) => [s.heading, text.slice(s.start, s.end)])).toEqual([["Brewing", "Brewing"], ["Storage", "Storage"]]);
    expect(corpus.passages.map((p) => p.title)).toEqual(["Coffee & tea guide", "Brewing", "Storage"]);
    expectExactCover(corpus, () => text, 1000);
  });

  it("cuts an over-long paragraph at sentence ends, never mid-word when a space exists", () => {
    const sentence = "The grounding check verifies every cited value against its passage. ";
    const text = sentence.repeat(40).trim(); // one paragraph of ~2700 characters
    const passages = chunkDocument({ source: "long.txt", text, sections: [] }, 500);
    expect(passages.length).toBeGreaterThanOrEqual(6);
    for (const p of passages) {
      expect(p.text.length).toBeLessThanOrEqual(500);
      expect(p.text.endsWith("passage.")).toBe(true);
    }
    // A heading never stands alone before a long paragraph: it takes the paragraph's first part.
    const md = `## Grounding\n\n${text}`;
    const withHeading = chunkDocument({ source: "h.md", ...extractMarkdown(md) }, 500);
    expect(withHeading[0]!.text).toMatch(/^## Grounding\n\nThe grounding check verifies/);
    expect(withHeading[0]!.text.length).toBeGreaterThan(400);
    expect(withHeading.every((p) => p.title === "Grounding" && p.text.length <= 500 && md.slice(p.start, p.end) === p.text)).toBe(true);
    // The piece that ends a long paragraph is packed with the next paragraph when both fit.
    const tail = chunkDocument({ source: "t.txt", text: `${"Aaa bbb. ".repeat(60).trim()}\n\nShort next paragraph.`, sections: [] }, 500);
    expect(tail.at(-1)!.text).toMatch(/Aaa bbb\.\n\nShort next paragraph\.$/);
    const noStops = "word ".repeat(300).trim();
    for (const p of chunkDocument({ source: "w.txt", text: noStops, sections: [] }, 203)) {
      expect(p.text).toMatch(/^word( word)*$/);
    }
  });
});

describe("loadCorpus: files it cannot use, and bad input", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => fsp.rm(dir, { recursive: true, force: true }));

  async function folder(name: string, files: Record<string, string | Buffer>): Promise<string> {
    const root = path.join(dir, name);
    for (const [rel, content] of Object.entries(files)) {
      await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fsp.writeFile(path.join(root, rel), content);
    }
    return root;
  }

  it("lists unsupported, empty, binary and non-UTF-8 files in skipped, passes over hidden ones", async () => {
    const root = await folder("mixed", {
      "a.txt": "Some text.",
      "b.pdf": "%PDF-1.4",
      "empty.md": "  \n\n",
      "bin.txt": Buffer.from([0x48, 0x00, 0x49, 0x00]),
      "latin1.txt": Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20]),
      ".git/config": "[core]",
      ".notes.txt": "hidden",
      "scripts-only.html": "<script>x()</script>",
    });
    const corpus = await loadCorpus(root);
    expect(corpus.documents).toBe(1);
    expect(corpus.passages.map((p) => p.text)).toEqual(["Some text."]);
    expect(corpus.skipped).toEqual([
      { source: "b.pdf", reason: expect.stringMatching(/^unsupported type \.pdf/) as string },
      { source: "bin.txt", reason: "binary file (holds NUL bytes)" },
      { source: "empty.md", reason: "empty file" },
      { source: "latin1.txt", reason: "not UTF-8 text" },
      { source: "scripts-only.html", reason: "no visible text" },
    ]);
  });

  it(".jsonl: a malformed line is skipped and named file:line, the rest of the file is kept", async () => {
    const root = await folder("jsonl", {
      "docs.jsonl": [
        JSON.stringify({ id: 7, content: "First record." }),
        "{ not json",
        "",
        JSON.stringify(["an", "array"]),
        JSON.stringify({ title: "Third", body: "Third record." }),
        JSON.stringify({ id: "x", count: 3 }),
      ].join("\n"),
    });
    const corpus = await loadCorpus(root);
    expect(corpus.passages.map((p) => [p.source, p.title, p.text])).toEqual([
      ["docs.jsonl:1", "7", "First record."],
      ["docs.jsonl:5", "Third", "Third record."],
    ]);
    expect(corpus.skipped.map((s) => s.source)).toEqual(["docs.jsonl:2", "docs.jsonl:4", "docs.jsonl:6"]);
    expect(corpus.skipped[0]!.reason).toMatch(/^line is not valid JSON \(.+\): fix or remove it$/);
    expect(corpus.skipped[2]!.reason).toMatch(/no string field text, content or body: choose the text field with textField/);
    // textField picks another field; records without it are named.
    const byField = await loadCorpus(root, { textField: "body" });
    expect(byField.passages.map((p) => p.text)).toEqual(["Third record."]);
    expect(byField.skipped.find((s) => s.source === "docs.jsonl:1")?.reason).toMatch(/no string field "body"/);
  });

  it("many bad .jsonl lines: the first 20 are listed, the rest summed up", async () => {
    const lines = [JSON.stringify({ text: "ok" }), ...Array.from({ length: 30 }, () => "oops")];
    const root = await folder("badlines", { "x.jsonl": lines.join("\n") });
    const corpus = await loadCorpus(root);
    expect(corpus.passages).toHaveLength(1);
    expect(corpus.skipped).toHaveLength(21);
    expect(corpus.skipped.at(-1)).toEqual({ source: "x.jsonl", reason: "10 more bad lines not listed" });
  });

  it("refuses with one clear line: missing folder, a file, nothing readable, too large, bad options", async () => {
    const expectRefusal = async (p: Promise<unknown>, message: RegExp): Promise<void> => {
      const err = await p.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(CorpusError);
      expect(isInputError(err)).toBe(true);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toMatch(/\n/);
    };
    await expectRefusal(loadCorpus(path.join(dir, "nope")), /^Corpus folder not found: .*nope\. Give a folder of \.txt, \.md/);
    const file = await folder("single", { "one.txt": "text" });
    await expectRefusal(loadCorpus(path.join(file, "one.txt")), /is not a folder: give the folder that holds the documents/);
    const emptyDir = path.join(dir, "emptydir");
    await fsp.mkdir(emptyDir);
    await expectRefusal(loadCorpus(emptyDir), /has no readable documents .*: the folder is empty\.$/);
    const unusable = await folder("unusable", { "a.pdf": "x", "b.txt": "", "c.csv": "a,b" });
    await expectRefusal(loadCorpus(unusable), /has no readable documents .*: a\.pdf: unsupported type \.pdf .*; b\.txt: empty file; c\.csv: unsupported type \.csv/);
    const big = await folder("big", { "a.txt": "x".repeat(3000), "b.md": "y".repeat(3000) });
    await expectRefusal(loadCorpus(big, { maxBytes: 4096 }), /holds 5\.9 KiB of documents, above the 4\.0 KiB limit: use a smaller folder, or raise the limit with the corpus option maxBytes \(bytes\)\./);
    await expect(loadCorpus(big, { maxBytes: 10_000 })).resolves.toMatchObject({ documents: 2 });
    await expectRefusal(loadCorpus(big, { maxPassageChars: 50 }), /maxPassageChars must be a whole number from 200 to 20000, got 50/);
    await expectRefusal(loadCorpus(big, { textField: "" }), /textField must be the name of a string field/);
  });
});
