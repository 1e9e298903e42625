/** The test double itself: it must behave like the OpenAI REST API where the engine relies on it. */
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TEST_DOUBLE_MODEL, startOpenAiServer, type OpenAiTestServer } from "../../support/openai-server.js";

let server: OpenAiTestServer;
let sdk: OpenAI;
beforeEach(async () => {
  server = await startOpenAiServer();
  sdk = new OpenAI({ apiKey: "unused", baseURL: server.url, maxRetries: 0 });
});
afterEach(async () => server.close());

const schema = {
  type: "object",
  properties: {
    rows: {
      type: "array",
      items: {
        type: "object",
        properties: {
          n: { type: "integer", minimum: 3, maximum: 5 },
          x: { type: ["number", "null"], minimum: -1, maximum: 1 },
          c: { type: "string", enum: ["a", "b"] },
          d: { type: "string", format: "date", description: "between 2024-03-01 and 2024-03-31" },
          t: { type: "string", format: "time", description: "between 06:00:00 and 07:00:00" },
        },
      },
    },
  },
};

describe("OpenAI-compatible test double", () => {
  it("lists its model, clearly labelled as a test double", async () => {
    const models = await sdk.models.list();
    expect(models.data.map((m) => m.id)).toEqual([TEST_DOUBLE_MODEL]);
  });

  it("fills a json_schema response format with values of the right types and ranges, deterministically", async () => {
    const ask = () => sdk.chat.completions.create({
      model: "any",
      messages: [{ role: "user", content: "Return exactly 30 rows" }],
      response_format: { type: "json_schema", json_schema: { name: "rows", schema, strict: true } },
      seed: 1,
    });
    const a = await ask();
    expect(a.model).toBe(TEST_DOUBLE_MODEL);
    const rows = (JSON.parse(a.choices[0]!.message.content!) as { rows: Record<string, unknown>[] }).rows;
    expect(rows).toHaveLength(30);
    for (const r of rows) {
      expect(Number.isInteger(r["n"]) && (r["n"] as number) >= 3 && (r["n"] as number) <= 5).toBe(true);
      expect(r["x"] === null || (typeof r["x"] === "number" && Math.abs(r["x"]) <= 1)).toBe(true);
      expect(["a", "b"]).toContain(r["c"]);
      expect(String(r["d"]) >= "2024-03-01" && String(r["d"]) <= "2024-03-31").toBe(true);
      expect(String(r["t"]) >= "06:00:00" && String(r["t"]) <= "07:00:00").toBe(true);
    }
    expect((await ask()).choices[0]!.message.content).toBe(a.choices[0]!.message.content);
    expect(a.usage!.prompt_tokens).toBeGreaterThan(0);
  });

  it("serves scripted misbehaviour in order, then behaves", async () => {
    server.script({ kind: "status", status: 429, retryAfter: 3 }, { kind: "content", content: "hello", finishReason: "length" });
    const err = await sdk.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as { headers?: Headers }).headers?.get("retry-after")).toBe("3");
    const cut = await sdk.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] });
    expect(cut.choices[0]).toMatchObject({ finish_reason: "length", message: { content: "hello" } });
    expect(server.chatRequests()).toHaveLength(2);
  });
});
