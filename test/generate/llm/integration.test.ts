/** The LLM modes through the stage's public entry point, generate() (src/generate/index.ts). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generate } from "../../../src/generate/index.js";
import type { Progress } from "../../../src/generate/types.js";
import { startOpenAiServer, type OpenAiTestServer } from "../../support/openai-server.js";
import { SALES_SCHEMA, TEST_KEY, llmRequest, useLocalServer } from "./helpers.js";

const env = useLocalServer({ apiKey: TEST_KEY });

describe("generate() with LLM modes", () => {
  it("runs llm-rows, llm-program and text through the same entry point", async () => {
    const { options } = llmRequest(env.server, env.dir);
    const events: Progress[] = [];
    const rows = await generate({ mode: "llm-rows", rows: 12, schema: SALES_SCHEMA, seed: 3, options, onProgress: (p) => events.push(p) });
    expect(rows.frame.rowCount).toBe(12);
    expect(rows.mode).toBe("llm-rows");
    const last = events.at(-1)!;
    expect(last).toMatchObject({ rows: 12, target: 12 });
    expect(last.tokens).toBeGreaterThan(0);
    expect(last.requests).toBe(1);
    const program = await generate({ mode: "llm-program", rows: 12, schema: SALES_SCHEMA, seed: 3, options });
    expect(program.program).toContain("function generate");
    const text = await generate({ mode: "text", rows: 6, seed: 3, textTask: "classification", labels: ["a", "b"], balanced: true, options });
    expect(text.frame.columnNames).toEqual(["text", "label"]);
    expect(text.frame.rowCount).toBe(6);
  });

  it("reports the missing provider in one line naming the offline modes", async () => {
    await expect(generate({ mode: "llm-rows", rows: 5, schema: SALES_SCHEMA, options: { env: {} } })).rejects.toThrow(
      /^No LLM provider configured: set OPENAI_API_KEY .* --mode offline or --mode copula\.$/,
    );
  });
});
