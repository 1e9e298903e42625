import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { frameToRecords } from "../../../src/data/frame.js";
import { createLlmGenerator } from "../../../src/generate/llm/index.js";
import { registerPrice } from "../../../src/generate/llm/prices.js";
import { startOpenAiServer, type OpenAiTestServer } from "../../support/openai-server.js";
import { TEST_KEY, llmRequest, recordingHooks, useLocalServer } from "./helpers.js";

const env = useLocalServer({ apiKey: TEST_KEY, batchPolls: 3 });

const gen = createLlmGenerator("llm-rows");
const paths = () => env.server.requests.map((r) => `${r.method} ${r.path.replace(/(batch|file)[-_][\w-]+$/, "$1_ID")}`);

describe("OpenAI Batch API mode", () => {
  it("submits the first round as one batch job and builds the rows from its output via the cache", async () => {
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 30, batchSize: 10, batchApi: true }, { pollIntervalMs: 5 }), recordingHooks());
    expect(res.frame.rowCount).toBe(30);
    const p = paths();
    expect(p.filter((x) => x === "POST /v1/files")).toHaveLength(1);
    expect(p.filter((x) => x === "POST /v1/batches")).toHaveLength(1);
    expect(p.filter((x) => x.startsWith("GET /v1/batches/"))).toHaveLength(3);
    expect(p).toContain("GET /v1/files/file_ID/content".replace("file_ID", p.find((x) => x.endsWith("/content"))!.split("/")[3]!));
    expect(env.server.chatRequests()).toHaveLength(0); // every batch came from the job's output
    expect(res.stats.cacheHits).toBe(3);
    const upload = env.server.requests.find((r) => r.path === "/v1/files")!;
    expect(upload.body).toContain('name="purpose"');
    expect(upload.body).toContain("batch");
    expect(upload.body).not.toContain(TEST_KEY);
    const lines = upload.body.split("\n").filter((l) => l.startsWith("{"));
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ method: "POST", url: "/v1/chat/completions" });
  });

  it("bills batch results at half price", async () => {
    registerPrice("test-batch-model", { input: 100, output: 100 });
    const sync = await gen.generate(llmRequest(env.server, env.dir, { rows: 10, batchSize: 10, model: "test-batch-model" }, { checkpointDir: `${env.dir}/a`, cache: `${env.dir}/c1` }), recordingHooks());
    const batch = await gen.generate(llmRequest(env.server, env.dir, { rows: 10, batchSize: 10, model: "test-batch-model", batchApi: true }, { pollIntervalMs: 5, checkpointDir: `${env.dir}/b`, cache: `${env.dir}/c2` }), recordingHooks());
    expect(batch.stats.costUsd).toBeCloseTo(sync.stats.costUsd! / 2, 12);
    expect(frameToRecords(batch.frame)).toEqual(frameToRecords(sync.frame));
  });

  it("resumes a submitted job by its id from the checkpoint instead of submitting again", async () => {
    const request = llmRequest(env.server, env.dir, { rows: 20, batchSize: 10, batchApi: true, runId: "batch-resume" }, { pollIntervalMs: 60_000 });
    const ctrl = new AbortController();
    const first = gen.generate(request, { onProgress: (p) => { if (p.phase?.startsWith("batch job")) ctrl.abort(); }, signal: ctrl.signal });
    await expect(first).rejects.toThrow(/interrupted/);
    expect(paths().filter((x) => x === "POST /v1/batches")).toHaveLength(1);
    const res = await gen.generate({ ...request, options: { ...request.options, pollIntervalMs: 5 } }, recordingHooks());
    expect(res.frame.rowCount).toBe(20);
    expect(paths().filter((x) => x === "POST /v1/batches")).toHaveLength(1);
    expect(paths().filter((x) => x === "POST /v1/files")).toHaveLength(1);
    expect(env.server.chatRequests()).toHaveLength(0);
  });
});
