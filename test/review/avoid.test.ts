// Rejected rows go to the next generation as counter-examples: checked in the prompt the local
// OpenAI-compatible test server received (a test double, not a model).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../src/generate/index.js";
import { frameFromRecords } from "../../src/data/frame.js";
import { DecisionStore } from "../../src/review/decisions.js";
import { ReviewSession } from "../../src/review/session.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { SALES_SCHEMA, TEST_KEY, removeTempDirs, tempDir } from "../generate/llm/helpers.js";

let server: OpenAiTestServer;
beforeAll(async () => { server = await startOpenAiServer(); });
afterAll(async () => { await server.close(); });
afterEach(() => { server.resetCounters(); server.requests.length = 0; removeTempDirs(); });

const llm = (dir: string) => ({ baseURL: server.url, apiKey: TEST_KEY, cache: false, checkpointDir: `${dir}/ck`, env: {} });

function userPrompts(): string[] {
  return server.chatRequests().map((r) => {
    const body = JSON.parse(r.body) as { messages: { role: string; content: string }[] };
    return body.messages.filter((m) => m.role === "user").map((m) => m.content).join("\n");
  });
}

describe("counter-examples (avoid)", () => {
  it("llm-rows puts a review's rejected rows in every prompt as 'do not produce rows like these'", async () => {
    const dir = tempDir();
    const first = frameFromRecords([
      { product: "Latte", price: 8.5, quantity: 3, card: true, _meta: "{\"model\":\"x\"}" },
      { product: "Cocoa", price: 1.1, quantity: 1, card: false, _meta: "{}" },
      { product: "Espresso", price: 2, quantity: 2, card: true, _meta: "{}" },
    ]);
    const s = new ReviewSession(first, DecisionStore.open("sales", dir));
    s.command("a 1"); s.command("r 2"); s.command("a 3");
    await generate({ mode: "llm-rows", rows: 10, batchSize: 5, schema: SALES_SCHEMA, avoid: s.framed(["rejected"]), options: llm(dir) });
    const prompts = userPrompts();
    expect(prompts.length).toBe(2);
    for (const p of prompts) {
      expect(p).toContain("do not produce rows like these");
      expect(p).toContain('{"product":"Cocoa","price":1.1,"quantity":1,"card":false}');
      expect(p).not.toContain("Latte\",\"price\":8.5"); // accepted rows are not counter-examples
      expect(p).not.toContain("_meta");
    }
  });

  it("without avoid the prompt has no counter-example block", async () => {
    await generate({ mode: "llm-rows", rows: 5, schema: SALES_SCHEMA, options: llm(tempDir()) });
    expect(userPrompts()[0]).not.toContain("do not produce rows like these");
  });

  it("text mode takes counter-examples too, from a rejected-rows table", async () => {
    const avoid = frameFromRecords([{ text: "BUY NOW!!! limited offer click here", label: "spam" }]);
    await generate({ mode: "text", textTask: "classification", labels: ["spam", "ham"], rows: 4, avoid, options: llm(tempDir()) });
    const p = userPrompts()[0]!;
    expect(p).toContain("do not produce rows like these");
    expect(p).toContain("BUY NOW!!! limited offer click here");
  });

  it("offline and copula refuse avoid with one line saying it needs an LLM mode", async () => {
    const avoid = frameFromRecords([{ a: 1 }]);
    await expect(generate({ mode: "offline", rows: 5, schema: "coffee-shop", avoid })).rejects.toThrow(/avoid .* needs an LLM mode \(llm-rows, llm-program or text\); offline does not read a prompt/);
  });
});
