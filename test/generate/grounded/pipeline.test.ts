import path from "node:path";
import { describe, expect, it } from "vitest";
import { frameToRecords } from "../../../src/data/frame.js";
import type { Schema } from "../../../src/data/types.js";
import { generateGrounded, type GroundedReport } from "../../../src/generate/grounded/pipeline.js";
import type { GenerateRequest } from "../../../src/generate/types.js";
import { isInputError } from "../../../src/errors.js";
import { startOpenAiServer, type OpenAiTestServer } from "../../support/openai-server.js";
import { readAll, recordingHooks, TEST_KEY, useLocalServer } from "../llm/helpers.js";
import { loadCorpus } from "../../../src/generate/grounded/corpus.js";
import { createRetriever } from "../../../src/generate/grounded/retrieval.js";
import { DOCS_DIR, memoryCorpus } from "./corpus-fixtures.js";

const env = useLocalServer({ apiKey: TEST_KEY });
// The project's docs, loaded and ranked (BM25 alone: no client is given to the retriever) by the shipped code.
const corpus = await loadCorpus(DOCS_DIR);
const sources = { corpus, retriever: () => createRetriever(corpus) };
const NEED = "Sentences about checkpoint, cache and budget behaviour of LLM generation, labelled as reliability or cost.";
const SCHEMA: Schema = {
  columns: [
    { name: "text", kind: "text" },
    { name: "label", kind: "categorical", values: ["reliability", "cost"] },
  ],
};
const NUMBERED: Schema = { columns: [...SCHEMA.columns, { name: "figure", kind: "numeric" }] };

function request(server: OpenAiTestServer, dir: string, extra: Partial<GenerateRequest> = {}, options: Record<string, unknown> = {}): GenerateRequest {
  return {
    rows: 24, seed: 3, need: NEED, schema: SCHEMA, model: "gpt-4o-mini", ...extra,
    options: { baseURL: server.url, apiKey: TEST_KEY, cache: path.join(dir, "cache"), checkpointDir: path.join(dir, "cp"), backoffBaseMs: 5, env: {}, ...options },
  };
}
const report = (r: { stats: { extra?: Record<string, unknown> } }) => r.stats.extra!["grounded"] as GroundedReport;
const meta = (row: Record<string, unknown>) => JSON.parse(String(row["_meta"])) as { sources: { id: string; source: string; start: number; end: number }[]; question: string; subtopic: string; grounding: unknown };

describe("grounded pipeline (local test double, docs corpus)", () => {
  it("plans questions, retrieves, synthesizes rows that cite their passages, with provenance and statistics", async () => {
    const hooks = recordingHooks();
    const res = await generateGrounded(request(env.server, env.dir), hooks, sources);
    expect(res.frame.rowCount).toBe(24);
    expect(res.frame.columnNames).toEqual(["text", "label", "_meta"]);
    const r = report(res);
    // Coverage plan: 6 questions (rows / 4) over 4 subtopics; the double's planted near-duplicate question was removed.
    expect(r.plan).toHaveLength(6);
    expect(r.questionsRemoved).toBe(1);
    expect(new Set(r.plan.map((q) => q.question.toLowerCase())).size).toBe(6);
    expect(r.subtopics.length).toBeGreaterThan(1);
    expect(r.plan.every((q) => q.hits.length > 0 && q.hits.length <= 4)).toBe(true);
    expect(r.grounding).toMatchObject({ policy: "drop", supported: r.grounding.checked, unsupported: 0, dropped: 0 });
    const byId = new Map(corpus.passages.map((p) => [p.id, p]));
    for (const row of frameToRecords(res.frame)) {
      const m = meta(row);
      expect(m.sources.length).toBeGreaterThan(0);
      for (const s of m.sources) {
        const p = byId.get(s.id)!;
        expect(s).toEqual({ id: p.id, source: p.source, start: p.start, end: p.end });
        // The row's text is a phrase of the passage it cites (the double copies spans).
        expect(p.text.replace(/\s+/g, " ")).toContain(String(row["text"]));
      }
      expect(m.grounding).toBe("supported");
      expect(r.plan.map((q) => q.question)).toContain(m.question);
    }
    expect(Object.values(r.rowsPerSubtopic).reduce((a, b) => a + b, 0)).toBe(24);
    expect(Object.keys(r.rowsPerSource).every((s) => corpus.passages.some((p) => p.source === s))).toBe(true);
    // Shown to the user: the summary lines and the progress phases.
    expect(res.details!.join("\n")).toMatch(/coverage plan: 6 questions in \d+ subtopics \(1 near-duplicate questions removed\)/);
    expect(res.details!.join("\n")).toMatch(/grounding check \(drop\): \d+ rows checked, \d+ supported, 0 unsupported/);
    expect(hooks.events.some((e) => /coverage plan: 6 questions/.test(e.phase ?? ""))).toBe(true);
    expect(hooks.events.some((e) => /retrieval: \d+ passages for 6 questions/.test(e.phase ?? ""))).toBe(true);
  });

  it("flags every planted unsupported row and no supported one (--grounding flag)", async () => {
    env.server = await startOpenAiServer({ apiKey: TEST_KEY, plantUnsupported: 0.4 });
    const res = await generateGrounded(request(env.server, env.dir, { rows: 48, schema: NUMBERED, grounding: "flag", dedup: "none" }), recordingHooks(), sources);
    const planted = env.server.plantedRows();
    expect(new Set(planted.map((p) => p.kind))).toEqual(new Set(["invented-text", "half-invented-text", "altered-number", "wrong-citation"]));
    const key = (r: Record<string, unknown>) => JSON.stringify([r["text"], r["figure"], r["label"]]);
    const plantedKeys = new Set(planted.map((p) => key(p.row)));
    const rows = frameToRecords(res.frame);
    expect(rows).toHaveLength(48);
    let caught = 0;
    for (const row of rows) {
      if (plantedKeys.has(key(row))) { expect(row["_grounded"]).toBe(false); caught += 1; }
      else expect(row["_grounded"]).toBe(true);
    }
    expect(caught).toBeGreaterThan(5);
    const g = report(res).grounding;
    expect(g.flagged).toBe(caught);
    expect(g.problems["citation-not-given"]).toBe(planted.filter((p) => p.kind === "wrong-citation").length);
    // A row citing only a passage it was not given has no support for its values either: counts overlap.
    const wrong = planted.filter((p) => p.kind === "wrong-citation").length;
    // (and a planted row whose passage wrote no number misses its number too): at least, not exactly.
    expect(g.problems["number-not-found"]).toBeGreaterThanOrEqual(planted.filter((p) => p.kind === "altered-number").length + wrong);
    expect(g.problems["text-not-found"]).toBeGreaterThanOrEqual(planted.filter((p) => p.kind.endsWith("invented-text")).length + wrong);
    expect(g.unsupported).toBe(planted.length);
  });

  it("drops unsupported rows by default and tops the run up with supported ones", async () => {
    env.server = await startOpenAiServer({ apiKey: TEST_KEY, plantUnsupported: 0.3, plantKinds: ["wrong-citation"] });
    const res = await generateGrounded(request(env.server, env.dir, { rows: 30 }), recordingHooks(), sources);
    const planted = env.server.plantedRows();
    expect(planted.length).toBeGreaterThan(0);
    expect(res.frame.rowCount).toBe(30);
    const g = report(res).grounding;
    expect(g.dropped).toBe(planted.length);
    expect(g.problems).toEqual({ "citation-not-given": planted.length, "text-not-found": planted.length });
    const given = new Set(corpus.passages.map((p) => p.id));
    for (const row of frameToRecords(res.frame)) for (const s of meta(row).sources) expect(given.has(s.id)).toBe(true);
    expect(res.details!.join("\n")).toMatch(new RegExp(`${planted.length} unsupported \\(dropped\\): ${planted.length} citation-not-given`));
  });

  it("replaces rows that repeat another question's rows, so the table still has the rows asked for", async () => {
    // One short passage that every question retrieves: the questions' rows (spans of it) repeat each other often.
    const tiny = memoryCorpus(["checkpoint cache budget sentences alpha beta gamma delta epsilon zeta eta theta iota kappa"]);
    const res = await generateGrounded(
      request(env.server, env.dir, { rows: 20, questions: 2, subtopics: 2, dedup: "exact" }),
      recordingHooks(), { corpus: tiny, retriever: () => createRetriever(tiny) },
    );
    const rows = frameToRecords(res.frame);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => JSON.stringify([r["text"], r["label"]]))).size).toBe(20);
    // Duplicates across the questions were removed and made again by the question that lost them.
    expect(res.stats.duplicatesRemoved).toBeGreaterThan(0);
    expect(res.warnings.join(" ")).not.toMatch(/of 20 rows/);
    const perQuestion = new Map<string, number>();
    for (const r of rows) { const q = meta(r).question; perQuestion.set(q, (perQuestion.get(q) ?? 0) + 1); }
    expect([...perQuestion.values()]).toEqual([10, 10]);
  });

  it("warns about corpus files that were not read", async () => {
    const withSkipped = { ...memoryCorpus(["checkpoint cache budget sentences alpha beta gamma delta epsilon"]), skipped: [
      { source: "logo.png", reason: "not a supported file type (.png)" }, { source: "empty.txt", reason: "empty" },
    ] };
    const res = await generateGrounded(request(env.server, env.dir, { rows: 2, questions: 1 }), recordingHooks(), { corpus: withSkipped, retriever: () => createRetriever(withSkipped) });
    expect(res.warnings).toContain("2 file(s) of the corpus were not read: logo.png (not a supported file type (.png)); empty.txt (empty).");
  });

  it("proposes a schema when none is given, and shows it before the rows", async () => {
    const hooks = recordingHooks();
    const res = await generateGrounded(request(env.server, env.dir, { rows: 8, schema: undefined, need: "Short texts from the docs about the cache or the checkpoint, labelled cache or checkpoint." }), hooks, sources);
    expect(res.schema.columns).toEqual([
      { name: "text", kind: "text", description: "a sentence or phrase quoted from a passage" },
      { name: "label", kind: "categorical", description: "the label of the text", values: ["cache", "checkpoint"] },
    ]);
    const firstRows = hooks.events.findIndex((e) => e.rows > 0);
    const shown = hooks.events.findIndex((e) => /^schema \(proposed\): text \(text\), label \(categorical: cache, checkpoint\)/.test(e.phase ?? ""));
    expect(shown).toBeGreaterThanOrEqual(0);
    expect(firstRows === -1 || shown < firstRows).toBe(true);
    expect(res.details![0]).toMatch(/^schema \(proposed by the model: review it, then pass it as schema to keep it\): text \(text\), label/);
    expect(res.frame.rowCount).toBe(8);
  });

  it("resumes an interrupted run from its checkpoint and makes the same table", async () => {
    const opts = { cache: false, concurrency: 1 };
    const fresh = await generateGrounded(request(env.server, env.dir, { rows: 20, runId: "g-fresh", concurrency: 1 }, { cache: false }), recordingHooks(), sources);
    const total = env.server.chatRequests().length;
    env.server.resetCounters();
    // The fifth request fails for good: the run stops with questions and some rows checkpointed.
    env.server.script({ kind: "ok" }, { kind: "ok" }, { kind: "ok" }, { kind: "ok" }, { kind: "status", status: 401, message: "scripted" });
    await expect(generateGrounded(request(env.server, env.dir, { rows: 20, runId: "g-resume", concurrency: 1 }, opts), recordingHooks(), sources)).rejects.toThrow(/401|scripted/);
    const before = env.server.chatRequests().length;
    env.server.resetCounters();
    const resumed = await generateGrounded(request(env.server, env.dir, { rows: 20, runId: "g-resume", concurrency: 1 }, opts), recordingHooks(), sources);
    // No cache: every request the first try answered came from the checkpoint, none was asked again.
    expect(env.server.chatRequests().length).toBeLessThanOrEqual(total - (before - 1));
    const strip = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, _meta: { ...meta(r), runId: undefined } }));
    expect(strip(frameToRecords(resumed.frame))).toEqual(strip(frameToRecords(fresh.frame)));
  });

  it("falls back to schemas in the prompt where the server refuses structured output, and never sends or stores the key", async () => {
    env.server = await startOpenAiServer({ apiKey: TEST_KEY, structuredOutputs: "reject" });
    const res = await generateGrounded(request(env.server, env.dir, { rows: 6, schema: undefined }), recordingHooks(), sources);
    expect(res.frame.rowCount).toBe(6);
    expect(res.warnings.some((w) => /schemas now go in the prompts/.test(w))).toBe(true);
    expect(report(res).grounding.unsupported).toBe(0);
    const last = JSON.parse(env.server.chatRequests().at(-1)!.body) as { response_format?: unknown; messages: { content: string }[] };
    expect(last.response_format).toBeUndefined();
    expect(last.messages.at(-1)!.content).toMatch(/JSON Schema:/);
    for (const r of env.server.requests) expect(r.body).not.toContain(TEST_KEY);
    expect(readAll(env.dir)).not.toContain(TEST_KEY);
    expect(JSON.stringify(frameToRecords(res.frame))).not.toContain(TEST_KEY);
  });

  it("tops up a plan whose questions repeat, and says so when the model keeps repeating", async () => {
    const one = JSON.stringify({ questions: [{ subtopic: "cache", question: "What does the response cache store for each request?" }] });
    const again = JSON.stringify({ questions: [{ subtopic: "cache", question: "what does the response cache store, for each request?" }] });
    env.server.script({ kind: "content", content: one }, { kind: "content", content: again });
    const res = await generateGrounded(request(env.server, env.dir, { rows: 8 }), recordingHooks(), sources);
    const r = report(res);
    expect(r.plan.map((q) => q.question)).toEqual(["What does the response cache store for each request?"]);
    expect(r.questionsRemoved).toBe(1);
    expect(res.warnings).toContain("The coverage plan has 1 of the 2 questions asked for (after removing near-duplicates): the model kept repeating or writing invalid questions.");
    expect(res.frame.rowCount).toBe(8);
  });

  it("refuses bad input with one line", async () => {
    const run = (extra: Partial<GenerateRequest>, src = sources) => generateGrounded(request(env.server, env.dir, extra), recordingHooks(), src);
    const empty = { corpus: { root: "/tmp/empty", passages: [], documents: 0, skipped: [{ source: "a.pdf", reason: "unsupported type" }] }, retriever: sources.retriever };
    const cases: [Promise<unknown>, RegExp][] = [
      [run({ need: "  " }), /^grounded: no need given: say what data you need in the cell body/],
      [run({}, empty), /^grounded: the corpus \/tmp\/empty has no passages \(1 files skipped, e\.g\. a\.pdf: unsupported type\)/],
      [run({ grounding: "maybe" as never }), /^grounding must be one of drop, flag, off/],
      [run({ topK: 0 }), /^grounded: topK must be a whole number from 1 to 50/],
      [run({ schema: { columns: [{ name: "cites", kind: "text" }] } }), /"cites" is the column of citations/],
    ];
    for (const [p, re] of cases) {
      const err = await p.then(() => undefined, (e: unknown) => e);
      expect(isInputError(err)).toBe(true);
      expect(String((err as Error).message)).toMatch(re);
      expect(String((err as Error).message)).not.toContain("\n");
    }
    expect(env.server.chatRequests()).toHaveLength(0);
  });
});
