import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { frameToRecords } from "../../../src/data/frame.js";
import { canonicalJson, sha256 } from "../../../src/generate/llm/cache.js";
import { Checkpoint, type CheckpointBatch } from "../../../src/generate/llm/checkpoint.js";
import { createLlmGenerator } from "../../../src/generate/llm/index.js";
import { startOpenAiServer, type OpenAiTestServer } from "../../support/openai-server.js";
import { TEST_KEY, llmRequest, recordingHooks, tempDir, useLocalServer } from "./helpers.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const env = useLocalServer({ apiKey: TEST_KEY, latencyMs: 120 });

function checkpointBatches(file: string): number {
  if (!fs.existsSync(file)) return 0;
  return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.includes('"kind":"batch"')).length;
}

describe("JSONL checkpoint", () => {
  it("resumes after SIGKILL with exactly the requested rows, none lost or duplicated, no completed request repeated", async () => {
    const request = llmRequest(env.server, env.dir, { rows: 60, batchSize: 5, concurrency: 2, runId: "kill-test" });
    const cpFile = path.join(env.dir, "checkpoints", "kill-test.jsonl");
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "fixtures", "child-run.ts")], {
      env: { ...process.env, SYNTHLAB_CHILD_REQUEST: JSON.stringify(request) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    // Kill once a few batches are durably checkpointed, well before the run can finish.
    const t0 = Date.now();
    while (checkpointBatches(cpFile) < 3) {
      if (Date.now() - t0 > 30_000) throw new Error(`child made no progress: ${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const saved = checkpointBatches(cpFile);
    expect(saved).toBeGreaterThanOrEqual(3);
    expect(saved).toBeLessThan(12);
    const killedAt = env.server.chatRequests().length;

    const resumed = await createLlmGenerator("llm-rows").generate(request, recordingHooks());
    const rows = frameToRecords(resumed.frame);
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => JSON.stringify(r))).size).toBe(60);
    // Batches finished before the kill were read back, not requested again.
    expect(resumed.stats.requests).toBeLessThanOrEqual(12 - saved);

    // No request body was sent twice, except those in flight at the kill (at most `concurrency`).
    const keyOf = (body: string): string => sha256(canonicalJson({ v: 1, baseURL: env.server.url, body: JSON.parse(body) as unknown }));
    const keys = env.server.chatRequests().map((r) => keyOf(r.body));
    const repeats = keys.length - new Set(keys).size;
    expect(repeats).toBeLessThanOrEqual(2);
    const cp = Checkpoint.open(path.join(env.dir, "checkpoints"), "kill-test", JSON.parse(fs.readFileSync(cpFile, "utf8").split("\n")[0]!).paramsHash as string);
    const childBatches = cp.batches().slice(0, saved) as CheckpointBatch[];
    const afterKill = new Set(keys.slice(killedAt));
    for (const b of childBatches) for (const k of b.keys) expect(afterKill.has(k)).toBe(false);

    // Same rows as an uninterrupted run from scratch (fresh cache and checkpoint).
    const fresh = tempDir();
    const clean = await createLlmGenerator("llm-rows").generate(llmRequest(env.server, fresh, { rows: 60, batchSize: 5, concurrency: 2, runId: "kill-test" }), recordingHooks());
    expect(rows).toEqual(frameToRecords(clean.frame));
  });

  it("ignores a torn last line and refuses a run id reused with other parameters", () => {
    const d = tempDir();
    const cp = Checkpoint.open(d, "r1", "hash-a");
    cp.append({ kind: "batch", stream: "", index: 0, keys: ["k"], rows: [{ a: 1 }], invalidRows: 0, failed: false, usage: { input: 1, output: 1 }, promptHash: "p", seed: 1 });
    fs.appendFileSync(path.join(d, "r1.jsonl"), '{"kind":"batch","stream":"","ind');
    const again = Checkpoint.open(d, "r1", "hash-a");
    expect(again.batches()).toHaveLength(1);
    expect(() => Checkpoint.open(d, "r1", "hash-b")).toThrow(/different parameters: pass a new run id, or delete/);
    expect(() => Checkpoint.open(d, "../evil", "hash-a")).toThrow(/run id/);
  });
});
