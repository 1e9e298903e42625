/**
 * The grounded mode end to end through its three front ends — generate(), %%generate and
 * `synthlab generate` — on real corpora (SpamAssassin messages in a temp folder, the project's
 * docs) with the real corpus loader and retriever, against the local OpenAI test double.
 */
import { promises as fsp } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as generateCli } from "../../../src/cli/commands/generate.js";
import { parseJsonl } from "../../../src/data/csv.js";
import { frameToRecords } from "../../../src/data/frame.js";
import { generate, proposeSchema, type GroundedReport } from "../../../src/generate/index.js";
import { isInputError } from "../../../src/errors.js";
import { registerMagic, unregisterMagic } from "../../../src/magics/index.js";
import generateMagic from "../../../src/magics/library/generate.js";
import { runCli } from "../../support/cli.js";
import { startOpenAiServer, type OpenAiTestServer } from "../../support/openai-server.js";
import { makeContext } from "../../magics/helpers.js";
import { tempDir, writeSpamCorpus, DOCS_DIR, type SpamCorpus } from "./corpus-fixtures.js";

let server: OpenAiTestServer;
let spam: SpamCorpus;
let work: string;
const saved: Record<string, string | undefined> = {};
const ENV = ["OPENAI_BASE_URL", "OPENAI_API_KEY", "SYNTHLAB_CACHE_DIR"] as const;
const NEED = "Phrases from e-mails about money, offers, software and mailing lists, labelled spam or ham.";

beforeAll(async () => {
  registerMagic(generateMagic);
  server = await startOpenAiServer();
  spam = await writeSpamCorpus(40);
  work = await tempDir("synthlab-grounded-fe-");
  for (const k of ENV) saved[k] = process.env[k];
  process.env.OPENAI_BASE_URL = server.url;
  delete process.env.OPENAI_API_KEY;
  process.env.SYNTHLAB_CACHE_DIR = path.join(work, "cache");
});
afterAll(async () => {
  unregisterMagic("generate");
  for (const k of ENV) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
  await server.close();
  await fsp.rm(spam.dir, { recursive: true, force: true });
  await fsp.rm(work, { recursive: true, force: true });
});

describe("grounded mode through generate()", () => {
  it("makes a labelled text table from a spam corpus whose provenance points at the exact source text", async () => {
    const run = await generate({ mode: "grounded", need: NEED, corpus: spam.dir, rows: 16, seed: 2 });
    expect(run.mode).toBe("grounded");
    expect(run.frame.rowCount).toBe(16);
    // No schema given: the model's proposal is used and shown in the summary.
    expect(run.schema.columns.map((c) => [c.name, c.kind])).toEqual([["text", "text"], ["label", "categorical"]]);
    expect(run.toString()).toMatch(/schema \(proposed by the model: review it, then pass it as schema to keep it\): text \(text\), label \(categorical: spam, ham\)/);
    expect(run.toString()).toMatch(/coverage plan: \d+ questions in \d+ subtopics/);
    // The test double serves /v1/embeddings: BM25 fused with embeddings.
    expect(run.toString()).toMatch(/retrieval: bm25 \+ embeddings, top 4 per question/);
    const g = run.stats.extra!["grounded"] as GroundedReport;
    expect(g.grounding.unsupported).toBe(0);
    for (const row of frameToRecords(run.frame)) {
      const meta = JSON.parse(String(row["_meta"])) as { sources: { id: string; source: string; start: number; end: number }[] };
      expect(meta.sources.length).toBeGreaterThan(0);
      const text = meta.sources.map((s) => spam.texts.get(s.source)!.slice(s.start, s.end)).join("\n").replace(/\s+/g, " ");
      expect(text).toContain(String(row["text"]).replace(/\s+/g, " "));
      expect(["spam", "ham"]).toContain(row["label"]);
    }
    expect(Object.keys(g.rowsPerSource).every((s) => spam.texts.has(s))).toBe(true);
  });

  it("ranks by BM25 alone, with one visible note, where the endpoint has no embeddings; --embedding-model reaches the endpoint", async () => {
    const bare = await startOpenAiServer({ embeddings: "none" });
    try {
      const options = { baseURL: bare.url, cache: path.join(work, "cache-bare"), checkpointDir: path.join(work, "cp-bare"), env: {} };
      const run = await generate({ mode: "grounded", need: NEED, corpus: spam.dir, rows: 4, seed: 2, options });
      expect(run.toString()).toMatch(/retrieval: bm25, top 4 per question/);
      expect(run.warnings.some((w) => /BM25 alone/.test(w))).toBe(true);
      expect(run.frame.rowCount).toBe(4);
    } finally {
      await bare.close();
    }
    server.resetCounters();
    await generate({ mode: "grounded", need: NEED, corpus: spam.dir, rows: 4, seed: 2, embeddingModel: "my-embedder" });
    const models = server.embeddingRequests().map((r) => (JSON.parse(r.body) as { model: string }).model);
    expect(models.length).toBeGreaterThan(0);
    expect(new Set(models)).toEqual(new Set(["my-embedder"]));
  });

  it("proposeSchema returns the schema a run would use, and the run takes it back", async () => {
    const schema = await proposeSchema({ need: NEED, seed: 2 });
    expect(schema.columns.map((c) => c.name)).toEqual(["text", "label"]);
    const run = await generate({ mode: "grounded", need: NEED, corpus: spam.dir, rows: 4, seed: 2, schema });
    expect(run.toString()).toMatch(/^schema: text \(text\), label/m);
  });

  it("refuses bad input with one line and no request", async () => {
    server.resetCounters();
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => generate({ mode: "grounded", corpus: spam.dir, rows: 4 }), /^grounded: no need given/],
      [() => generate({ mode: "grounded", need: NEED, rows: 4 }), /^grounded: no corpus given: pass --corpus PATH/],
      [() => generate({ mode: "grounded", need: NEED, corpus: path.join(work, "nope"), rows: 4 }), /^Corpus folder not found/],
      [() => generate({ mode: "grounded", need: NEED, corpus: spam.dir, rows: 4, conditions: "label=spam" }), /^The grounded mode takes no conditions/],
    ];
    for (const [call, re] of cases) {
      const err = await call().then(() => undefined, (e: unknown) => e);
      expect(isInputError(err)).toBe(true);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain("\n");
    }
    const empty = path.join(work, "empty");
    await fsp.mkdir(empty, { recursive: true });
    await fsp.writeFile(path.join(empty, "notes.pdf"), "%PDF");
    const err = await generate({ mode: "grounded", need: NEED, corpus: empty, rows: 4 }).then(() => undefined, (e: unknown) => e as Error);
    expect(isInputError(err)).toBe(true);
    expect(err!.message).not.toContain("\n");
    expect(server.chatRequests()).toHaveLength(0);
  });
});

describe("%%generate --mode grounded", () => {
  it("takes the need from the cell body and binds the grounded table", async () => {
    const t = makeContext(work);
    const outcome = await t.run(`%%generate emails --mode grounded --corpus ${spam.dir} --rows 6 --grounding flag --questions 3 --top-k 2\n${NEED}`);
    expect(outcome).toEqual({ status: "ok" });
    const df = t.scope.get("emails") as { shape: number[]; columns: string[] };
    expect(df.shape[0]).toBe(6);
    expect(df.columns).toEqual(["text", "label", "_grounded", "_meta"]);
    const summary = t.io.events.filter((e) => e.kind === "display").at(-1)!;
    const html = summary.kind === "display" ? String(summary.bundle["text/html"]) : "";
    expect(html).toContain("coverage plan: 3 questions");
    expect(html).toContain("retrieval: bm25 + embeddings, top 2 per question");
    expect(html).toMatch(/grounding check \(flag\)/);
  });

  it("a corpus path is read relative to the notebook's folder; without a provider, the usual one line", async () => {
    const t = makeContext(DOCS_DIR.replace(/\/docs$/, ""));
    expect(await t.run("%%generate d --mode grounded --corpus docs --rows 4 --questions 2\nStatements about checkpoints and caches, labelled cost or quality.")).toEqual({ status: "ok" });
    const url = process.env.OPENAI_BASE_URL;
    delete process.env.OPENAI_BASE_URL;
    try {
      const out = await makeContext(work).run(`%%generate e --mode grounded --corpus ${spam.dir}\n${NEED}`);
      expect(out.status === "error" && out.evalue).toMatch(/^%%generate: No LLM provider configured: set OPENAI_API_KEY/);
    } finally {
      process.env.OPENAI_BASE_URL = url;
    }
  });
});

describe("synthlab generate --mode grounded", () => {
  const cli = (argv: string[]) => runCli(generateCli, argv);

  it("writes JSONL from --need, shows the plan on stderr; --need-file works the same", async () => {
    const out = path.join(work, "g.jsonl");
    const r = await cli(["--mode", "grounded", "--corpus", spam.dir, "--need", NEED, "--rows", "5", "--seed", "4", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^coverage plan: \d+ questions/m);
    expect(r.stderr).toMatch(/^grounding check \(drop\): \d+ rows checked/m);
    const frame = parseJsonl(await fsp.readFile(out, "utf8"));
    expect(frame.rowCount).toBe(5);
    expect(frame.columnNames).toEqual(["text", "label", "_meta"]);
    const needFile = path.join(work, "need.txt");
    await fsp.writeFile(needFile, NEED);
    const out2 = path.join(work, "g2.jsonl");
    expect((await cli(["--corpus", spam.dir, "--need-file", needFile, "--rows", "5", "--seed", "4", "--out", out2, "-q"])).code).toBe(0);
    expect(await fsp.readFile(out2, "utf8")).toBe(await fsp.readFile(out, "utf8")); // --corpus alone picks the grounded mode
  });

  it("bad inputs: one line, exit 2", async () => {
    const out = path.join(work, "x.jsonl");
    const cases: [string[], RegExp][] = [
      [["--mode", "grounded", "--corpus", spam.dir, "--need", "x", "--need-file", "y", "--out", out], /--need and --need-file both give the need/],
      [["--mode", "grounded", "--corpus", spam.dir, "--need-file", path.join(work, "missing.txt"), "--out", out], /--need-file .*missing\.txt: cannot read it \(ENOENT\)/],
      [["--mode", "grounded", "--corpus", spam.dir, "--out", out], /grounded: no need given/],
      [["--mode", "grounded", "--corpus", spam.dir, "--need", "x", "--grounding", "maybe", "--out", out], /--grounding/],
    ];
    for (const [argv, re] of cases) {
      const r = await cli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
