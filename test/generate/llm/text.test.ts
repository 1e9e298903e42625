import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { frameToRecords } from "../../../src/data/frame.js";
import { createLlmGenerator } from "../../../src/generate/llm/index.js";
import { verifySpans, type Entity } from "../../../src/generate/llm/text.js";
import { startOpenAiServer, type OpenAiTestServer } from "../../support/openai-server.js";
import { TEST_KEY, llmRequest, recordingHooks, useLocalServer } from "./helpers.js";

const env = useLocalServer({ apiKey: TEST_KEY });

const gen = createLlmGenerator("text");
const textRequest = (extra: Parameters<typeof llmRequest>[2], options: Record<string, unknown> = {}) => {
  const r = llmRequest(env.server, env.dir, extra, options);
  delete r.schema;
  return r;
};

describe("text mode", () => {
  it("balances labels with per-label request quotas", async () => {
    const res = await gen.generate(textRequest({ rows: 25, textTask: "classification", labels: ["pos", "neg", "neutral"], balanced: true, batchSize: 4 }), recordingHooks());
    const labels = frameToRecords(res.frame).map((r) => r["label"]);
    const count = (l: string) => labels.filter((x) => x === l).length;
    expect([count("pos"), count("neg"), count("neutral")]).toEqual([9, 8, 8]);
    // Each request asked for one label only (its schema enum has just that label).
    for (const r of env.server.chatRequests()) {
      const body = JSON.parse(r.body) as { response_format: { json_schema: { schema: { properties: { items: { items: { properties: { label: { enum: string[] } } } } } } } } };
      expect(body.response_format.json_schema.schema.properties.items.items.properties.label.enum).toHaveLength(1);
    }
    const q = (res.stats.extra as { quality: { labels: { counts: Record<string, number> }; distinct1: number; count: number } }).quality;
    expect(q.count).toBe(25);
    expect(q.distinct1).toBeGreaterThan(0);
    expect(q.labels.counts).toEqual({ pos: 9, neg: 8, neutral: 8 });
  });

  it("a label nested 8,000 levels deep is quoted safely in the correction request (no host stack overflow)", async () => {
    const deep = "[".repeat(8000) + "]".repeat(8000);
    const content = `{"items":[{"text":"fine text","label":${deep}},{"text":"more text","label":"pos"}]}`;
    env.server.script({ kind: "content", content }, { kind: "content", content: '{"items":[{"text":"fine text","label":"pos"},{"text":"more text","label":"neg"}]}' });
    const res = await gen.generate(textRequest({ rows: 2, textTask: "classification", labels: ["pos", "neg"], batchSize: 2 }, { structuredOutput: "prompt" }), recordingHooks());
    expect(res.frame.rowCount).toBe(2);
    const fix = JSON.parse(env.server.chatRequests()[1]!.body).messages.at(-1).content as string;
    expect(fix).toMatch(/item 1: label must be one of pos, neg, got an array/);
  });

  it("needs labels for classification", async () => {
    await expect(gen.generate(textRequest({ rows: 5, textTask: "classification" }), recordingHooks())).rejects.toThrow(/at least two labels: pass --labels/);
  });

  it("verifies NER spans against the text and repairs wrong offsets", async () => {
    const text = "Olena met Taras in Kyiv. Later Taras left.";
    env.server.script({
      kind: "content",
      content: JSON.stringify({
        items: [
          {
            text,
            entities: [
              { text: "Olena", label: "PERSON", start: 0, end: 5 }, // right
              { text: "Kyiv", label: "LOC", start: 17, end: 21 }, // off by two
              { text: "Taras", label: "PERSON", start: 30, end: 35 }, // off by one: nearest occurrence is 31
              { text: "Odesa", label: "LOC", start: 0, end: 5 }, // not in the text: dropped
            ],
          },
        ],
      }),
    });
    const res = await gen.generate(textRequest({ rows: 1, textTask: "ner", batchSize: 1 }), recordingHooks());
    const row = frameToRecords(res.frame)[0]!;
    const ents = JSON.parse(String(row["entities"])) as Entity[];
    for (const e of ents) expect(text.slice(e.start, e.end)).toBe(e.text);
    expect(ents.map((e) => [e.text, e.start])).toEqual([["Olena", 0], ["Kyiv", 19], ["Taras", 31]]);
    expect(res.stats.extra).toMatchObject({ spansFixed: 2, entitiesDropped: 1 });
  });

  it("generates NER data whose spans all check out", async () => {
    const res = await gen.generate(textRequest({ rows: 12, textTask: "ner", labels: ["PERSON", "LOC"] }), recordingHooks());
    expect(res.frame.rowCount).toBe(12);
    for (const r of frameToRecords(res.frame)) {
      for (const e of JSON.parse(String(r["entities"])) as Entity[]) expect(String(r["text"]).slice(e.start, e.end)).toBe(e.text);
    }
  });

  it("generates dialogues with turn counts", async () => {
    const res = await gen.generate(textRequest({ rows: 6, textTask: "dialogue" }), recordingHooks());
    expect(res.frame.rowCount).toBe(6);
    for (const r of frameToRecords(res.frame)) {
      const turns = JSON.parse(String(r["dialogue"])) as { speaker: string; text: string }[];
      expect(turns.length).toBe(r["turns"]);
      expect(String(r["text"]).split("\n")).toHaveLength(turns.length);
    }
  });

  it("verifySpans keeps exact spans and picks the nearest occurrence", () => {
    const v = verifySpans("ab ab ab", [{ text: "ab", label: "X", start: 4, end: 5 }]);
    expect(v.entities[0]).toMatchObject({ start: 3, end: 5 });
    expect(v.fixed).toBe(1);
  });
});
