/**
 * OpenAI Batch API mode: the first round of requests goes out as one batch job (half price,
 * up to 24 h). Requests are written as JSONL, uploaded (files.create, purpose "batch"), submitted
 * (batches.create), polled, and the output file is parsed into the response cache under the same
 * keys the synchronous path uses — so the normal engine then runs on cache hits. The job id is
 * stored in the checkpoint, so a re-run resumes polling instead of submitting (and paying) again.
 */
import { toFile } from "openai";
import type { GenerateHooks } from "../types.js";
import type { ChatRequest } from "./client.js";
import { LlmConfigError, LlmRequestError } from "./errors.js";
import { firstRound, type BatchContext } from "./engine.js";
import type { LlmRun } from "./run.js";

const TERMINAL = new Set(["completed", "failed", "expired", "cancelled"]);

interface BatchOutputLine {
  custom_id?: string;
  response?: { status_code?: number; body?: { choices?: { message?: { content?: string | null }; finish_reason?: string }[]; usage?: { prompt_tokens?: number; completion_tokens?: number } } } | null;
  error?: { message?: string } | null;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmRequestError("Generation was interrupted."));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => { clearTimeout(t); reject(new LlmRequestError("Generation was interrupted.")); }, { once: true });
  });
}

/** Submits (or resumes) one batch job for the given requests and fills the cache from its output. */
export async function runBatchJob(run: LlmRun, requests: readonly ChatRequest[], hooks: GenerateHooks): Promise<{ stored: number; failed: number; jobId?: string }> {
  const client = run.client;
  if (!client.cacheEnabled) {
    throw new LlmConfigError("Batch API mode stores its results in the response cache: turn the cache on (remove cache: false).");
  }
  const byKey = new Map<string, ChatRequest>();
  for (const r of requests) byKey.set(client.key(r), r);
  const missing: string[] = [];
  for (const k of byKey.keys()) if (!(await client.cached(k))) missing.push(k);

  let job = run.checkpoint.batchJobs().filter((j) => !j.done).pop();
  if (!job && missing.length === 0) return { stored: 0, failed: 0 };
  const sdk = client.openai;
  let jobId: string;
  if (job) {
    jobId = job.id; // resume: never submit (and pay for) the same requests twice
  } else {
    const lines = missing.map((k) => JSON.stringify({ custom_id: k, method: "POST", url: "/v1/chat/completions", body: client.body(byKey.get(k)!) }));
    const file = await sdk.files.create({ file: await toFile(Buffer.from(lines.join("\n") + "\n"), "synthlab-requests.jsonl"), purpose: "batch" });
    const created = await sdk.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
    jobId = created.id;
    job = { kind: "batch-job", id: jobId, keys: missing, done: false };
    run.checkpoint.append(job);
  }
  const interval = run.options.pollIntervalMs ?? 10_000;
  for (;;) {
    const b = await sdk.batches.retrieve(jobId);
    const counts = b.request_counts;
    run.progress(0, requests.length, { phase: `batch job ${jobId}: ${b.status}${counts ? ` (${counts.completed}/${counts.total})` : ""}` });
    if (TERMINAL.has(b.status)) {
      let stored = 0;
      let failed = 0;
      if (b.output_file_id) {
        const text = await (await sdk.files.content(b.output_file_id)).text();
        for (const line of text.split("\n")) {
          if (!line.trim()) continue;
          const out = JSON.parse(line) as BatchOutputLine;
          const choice = out.response?.body?.choices?.[0];
          if (!out.custom_id || out.response?.status_code !== 200 || !choice) {
            failed += 1;
            continue;
          }
          await client.store(out.custom_id, {
            v: 1,
            model: run.model,
            content: choice.message?.content ?? "",
            finishReason: choice.finish_reason ?? "stop",
            usage: { input: out.response.body?.usage?.prompt_tokens ?? 0, output: out.response.body?.usage?.completion_tokens ?? 0 },
            createdAt: new Date().toISOString(),
            batch: true,
          });
          stored += 1;
        }
      }
      run.checkpoint.append({ kind: "batch-job", id: jobId, keys: job.keys, done: true });
      return { stored, failed, jobId };
    }
    await sleep(interval, hooks.signal);
  }
}

/** Builds the first round's requests (attempt 0) and runs them through one batch job. */
export async function prefetchWithBatchApi(
  run: LlmRun,
  streams: readonly { id: string; target: number }[],
  batchSize: number,
  seed: number,
  buildRequest: (ctx: BatchContext, attempt: number) => ChatRequest,
  hooks: GenerateHooks,
): Promise<void> {
  const reqs: ChatRequest[] = [];
  for (const s of streams) for (const ctx of firstRound(s.id, s.target, batchSize, seed)) reqs.push(buildRequest(ctx, 0));
  await runBatchJob(run, reqs, hooks);
}
