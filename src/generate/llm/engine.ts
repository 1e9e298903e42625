/**
 * The batch engine shared by llm-rows and text mode.
 *
 * Work is split into streams (one per label when text labels are balanced, else one) and each
 * stream into numbered batches. Generation runs in rounds: a round's plan (which batch indices,
 * how many rows each) is a pure function of the results of earlier rounds, so a re-run after a
 * crash re-derives the same plan, takes finished batches from the checkpoint, and gets the rest
 * from the response cache — nothing lost, nothing duplicated, no paid request repeated.
 * Rows are deduplicated in batch order, which keeps the output deterministic under concurrency.
 */
import type { Row } from "../../data/frame.js";
import type { Checkpoint, CheckpointBatch } from "./checkpoint.js";
import type { ChatRequest, LlmClient } from "./client.js";
import { BudgetExceededError, LlmError, StructuredOutputUnsupportedError } from "./errors.js";
import { sha256, canonicalJson } from "./cache.js";
import { ECHO_CHARS, printableLine, printableText } from "../../display/untrusted.js";

export interface StreamSpec {
  id: string;
  target: number;
}

export interface BatchContext {
  stream: string;
  index: number;
  /** Rows asked for in this batch. */
  size: number;
  /** Seed of this batch (varies sampling and few-shot examples). */
  seed: number;
}

export interface ParsedBatch {
  rows: Row[];
  /** One message per rejected row or parse failure, quoted in the correction turn. */
  errors: string[];
  invalid: number;
}

export interface EngineOptions {
  client: LlmClient;
  checkpoint: Checkpoint;
  streams: StreamSpec[];
  batchSize: number;
  seed: number;
  buildRequest(ctx: BatchContext, attempt: number): ChatRequest;
  parse(content: string, ctx: BatchContext): ParsedBatch;
  /** A duplicate filter for one stream: fed its rows in batch order, as batches finish (also checks real rows). */
  deduper(stream: string): StreamDeduper;
  /** Called when the server rejects json_schema; return true to retry with the schema in the prompt. */
  fallbackToPrompt?(): boolean;
  /** Fresh requests per batch after failures (default 3). */
  maxAttempts?: number;
  /** Rounds of top-up batches before giving up on a target (default 6). */
  maxRounds?: number;
  onBatch?(done: CheckpointBatch, summary: EngineProgress): void;
  signal?: AbortSignal;
}

export interface StreamDeduper {
  push(rows: readonly Row[]): void;
  /** Indices (over all rows pushed) to keep, in order, and how many were removed. */
  outcome(): { keep: number[]; removed: number };
}

export interface EngineProgress {
  rows: number;
  target: number;
  invalidRows: number;
  failedBatches: number;
}

export interface StreamResult {
  rows: Row[];
  /** Per kept row: the batch it came from (for provenance). */
  batches: CheckpointBatch[];
}

export interface EngineResult {
  streams: Map<string, StreamResult>;
  invalidRows: number;
  failedBatches: number;
  duplicatesRemoved: number;
  stoppedByBudget: boolean;
  warnings: string[];
}

const CORRECTION_ERRORS = 8;

/** Per-batch seed: stable across re-runs, distinct across streams and indices. */
export function batchSeed(seed: number, stream: string, index: number): number {
  return Number.parseInt(sha256(`${seed}|${stream}|${index}`).slice(0, 8), 16);
}

/** The first round's batches of a stream (what the Batch API submits up front). */
export function firstRound(stream: string, target: number, batchSize: number, seed: number): BatchContext[] {
  const out: BatchContext[] = [];
  for (let index = 0, left = target; left > 0; index++, left -= batchSize) {
    out.push({ stream, index, size: Math.min(batchSize, left), seed: batchSeed(seed, stream, index) });
  }
  return out;
}

function correctionText(errors: string[], size: number): string {
  // Errors quote the model's values: each is cut to one printable line, so the request stays a few KB.
  const shown = errors.slice(0, CORRECTION_ERRORS).map((e) => `- ${printableLine(e, 300)}`).join("\n");
  const more = errors.length > CORRECTION_ERRORS ? `\n- ... and ${errors.length - CORRECTION_ERRORS} more` : "";
  return `Your answer had these problems:\n${shown}${more}\nReturn the corrected answer: exactly ${size} rows, the same JSON format, nothing else.`;
}

export async function runEngine(opts: EngineOptions): Promise<EngineResult> {
  const maxAttempts = opts.maxAttempts ?? 3;
  const maxRounds = opts.maxRounds ?? 6;
  const warnings: string[] = [];
  const done = new Map<string, CheckpointBatch>(); // "stream\u0000index" → batch
  for (const b of opts.checkpoint.batches()) done.set(`${b.stream}\u0000${b.index}`, b);
  let invalidRows = 0;
  let failedBatches = 0;
  let stoppedByBudget = false;
  let fatal: unknown;
  let progressRows = 0;
  const totalTarget = opts.streams.reduce((s, x) => s + x.target, 0);

  /** One batch: request, validate, one correction turn, bounded fresh attempts. */
  async function processBatch(ctx: BatchContext): Promise<CheckpointBatch | undefined> {
    const keys: string[] = [];
    const usage = { input: 0, output: 0 };
    let invalid = 0;
    let firstHash = "";
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      let req = opts.buildRequest(ctx, attempt);
      if (!firstHash) firstHash = sha256(canonicalJson(req.messages)).slice(0, 16);
      let res;
      try {
        res = await opts.client.chat(req);
      } catch (err) {
        if (err instanceof StructuredOutputUnsupportedError && opts.fallbackToPrompt?.()) {
          req = opts.buildRequest(ctx, attempt);
          res = await opts.client.chat(req);
        } else throw err;
      }
      keys.push(res.key);
      usage.input += res.usage.input;
      usage.output += res.usage.output;
      if (res.finishReason === "length" || res.finishReason === "content_filter") continue; // counts as a failed attempt
      const parsed = opts.parse(res.content, ctx);
      invalid += parsed.invalid;
      if (parsed.errors.length === 0 && parsed.rows.length > 0) {
        opts.client.creditRows(res.key, parsed.rows.length);
        return { kind: "batch", stream: ctx.stream, index: ctx.index, keys, rows: parsed.rows, invalidRows: invalid, failed: false, usage, promptHash: firstHash, seed: ctx.seed };
      }
      // One correction turn quoting the errors.
      const fix: ChatRequest = {
        ...req,
        messages: [
          ...req.messages,
          { role: "assistant", content: printableText(res.content, ECHO_CHARS) },
          { role: "user", content: correctionText(parsed.errors.length ? parsed.errors : ["the answer contained no rows"], ctx.size) },
        ],
      };
      const res2 = await opts.client.chat(fix);
      keys.push(res2.key);
      usage.input += res2.usage.input;
      usage.output += res2.usage.output;
      const parsed2 = res2.finishReason === "length" || res2.finishReason === "content_filter" ? undefined : opts.parse(res2.content, ctx);
      if (parsed2) invalid += parsed2.invalid;
      const best = parsed2 && parsed2.rows.length >= parsed.rows.length ? parsed2 : parsed;
      if (best.rows.length > 0) {
        opts.client.creditRows(best === parsed2 ? res2.key : res.key, best.rows.length);
        return { kind: "batch", stream: ctx.stream, index: ctx.index, keys, rows: best.rows, invalidRows: invalid, failed: false, usage, promptHash: firstHash, seed: ctx.seed };
      }
    }
    return { kind: "batch", stream: ctx.stream, index: ctx.index, keys, rows: [], invalidRows: invalid, failed: true, usage, promptHash: firstHash, seed: ctx.seed };
  }

  interface StreamState {
    /** Next batch index to plan. */
    next: number;
    /** Next batch index to hand to the deduper (batches go in index order). */
    pushed: number;
    deduper: StreamDeduper;
    /** Every row pushed, in order, with the batch it came from. */
    ordered: Row[];
    from: CheckpointBatch[];
    result: StreamResult;
    removed: number;
    stalled: boolean;
  }
  const state = new Map<string, StreamState>();
  for (const s of opts.streams) {
    state.set(s.id, { next: 0, pushed: 0, deduper: opts.deduper(s.id), ordered: [], from: [], result: { rows: [], batches: [] }, removed: 0, stalled: false });
  }

  /** Feeds finished batches to the stream's deduper in index order; `skipGaps` at a round's end passes over batches that never came. */
  function advance(stream: string, skipGaps: boolean): void {
    const st = state.get(stream)!;
    while (st.pushed < st.next) {
      const b = done.get(`${stream}\u0000${st.pushed}`);
      if (!b && !skipGaps) return;
      st.pushed += 1;
      if (!b) continue;
      st.deduper.push(b.rows);
      for (const r of b.rows) { st.ordered.push(r); st.from.push(b); }
    }
  }

  /** The stream's kept rows so far (trimmed to the target). */
  function assemble(stream: StreamSpec): void {
    const st = state.get(stream.id)!;
    advance(stream.id, true);
    const { keep, removed } = st.deduper.outcome();
    const idx = keep.slice(0, stream.target);
    st.removed = removed;
    st.result = { rows: idx.map((i) => st.ordered[i]!), batches: idx.map((i) => st.from[i]!) };
  }

  /** One planned batch: from the checkpoint, or requested; then committed, counted and deduplicated. */
  async function runBatch(ctx: BatchContext): Promise<void> {
    const key = `${ctx.stream}\u0000${ctx.index}`;
    let batch = done.get(key);
    if (!batch) {
      if (stoppedByBudget || fatal !== undefined || opts.signal?.aborted) return;
      try {
        batch = await processBatch(ctx);
      } catch (err) {
        if (err instanceof BudgetExceededError) {
          if (!stoppedByBudget) warnings.push(err.message);
          stoppedByBudget = true;
        } else if (fatal === undefined) fatal = err;
        return;
      }
      if (!batch) return;
      try {
        await opts.checkpoint.commit(batch);
      } catch (err) {
        throw new LlmError(
          `Could not write the checkpoint ${opts.checkpoint.file} (${err instanceof Error ? err.message : String(err)}): ` +
            `free disk space or choose another checkpoint directory, then run again (with the response cache on, answers already received are not paid for again).`,
        );
      }
      done.set(key, batch);
    }
    if (batch.failed) failedBatches += 1;
    invalidRows += batch.invalidRows;
    progressRows = Math.min(totalTarget, progressRows + batch.rows.length);
    advance(ctx.stream, false);
    opts.onBatch?.(batch, { rows: progressRows, target: totalTarget, invalidRows, failedBatches });
  }

  // A pool of workers, not one promise per batch: a request is built only when a worker is free
  // to send it, so a run of thousands of batches starts sending at once instead of after building
  // every request. Twice the client's concurrency keeps a built request queued for each slot, so a
  // slot is refilled the moment a response arrives, before that response is parsed.
  const poolSize = 2 * opts.client.concurrency;

  for (let round = 0; round < maxRounds; round++) {
    const plan: BatchContext[] = [];
    for (const s of opts.streams) {
      const st = state.get(s.id)!;
      if (st.stalled) continue;
      let deficit = s.target - st.result.rows.length;
      while (deficit > 0) {
        const size = Math.min(opts.batchSize, deficit);
        const seed = batchSeed(opts.seed, s.id, st.next);
        plan.push({ stream: s.id, index: st.next, size, seed });
        st.next += 1;
        deficit -= size;
      }
    }
    if (plan.length === 0) break;
    const before = new Map([...state].map(([k, v]) => [k, v.result.rows.length]));
    let cursor = 0;
    await Promise.all(
      Array.from({ length: Math.min(poolSize, plan.length) }, async () => {
        while (cursor < plan.length) {
          const ctx = plan[cursor++]!;
          try {
            await runBatch(ctx);
          } catch (err) {
            if (fatal === undefined) fatal = err; // e.g. the checkpoint could not be written
          }
        }
      }),
    );
    if (fatal !== undefined) throw fatal;
    for (const s of opts.streams) assemble(s);
    progressRows = [...state.values()].reduce((sum, st) => sum + st.result.rows.length, 0);
    if (stoppedByBudget || opts.signal?.aborted) break;
    for (const s of opts.streams) {
      const st = state.get(s.id)!;
      if (st.result.rows.length < s.target && st.result.rows.length === before.get(s.id)) st.stalled = true;
    }
  }

  let duplicatesRemoved = 0;
  const streams = new Map<string, StreamResult>();
  for (const s of opts.streams) {
    const st = state.get(s.id)!;
    duplicatesRemoved += st.removed;
    streams.set(s.id, st.result);
    if (st.result.rows.length < s.target && !stoppedByBudget) {
      const what = s.id ? `label "${s.id}"` : "the run";
      warnings.push(
        `Only ${st.result.rows.length} of ${s.target} rows for ${what}: the model's answers kept failing validation or repeating rows; ` +
          `see the invalid/duplicate counts, loosen the schema, or try another model.`,
      );
    }
  }
  if (stoppedByBudget) {
    const got = [...streams.values()].reduce((a, r) => a + r.rows.length, 0);
    warnings.push(`Stopped by the budget cap: returning the ${got} of ${totalTarget} rows generated so far.`);
  }
  return { streams, invalidRows, failedBatches, duplicatesRemoved, stoppedByBudget, warnings };
}
