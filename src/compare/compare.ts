/**
 * `compareGenerators`: one generation task on several candidates (LLM endpoints and statistical
 * modes), each with the same seed, row count and budget, every LLM request through the engine
 * (cache, checkpoint/resume, rate limits, budget). Each candidate's rows are then judged by the
 * same report against the same real and holdout tables. A failing candidate keeps its row with
 * one line saying why; the others go on. Finished candidates are appended to a comparison
 * checkpoint, so a re-run after a kill skips them.
 *
 * Candidates on different endpoints run at once; candidates sharing an endpoint run one after
 * the other, so each endpoint sees at most one candidate's concurrency (its rate limit).
 * Reports are computed one at a time (they are CPU-bound; requests keep flowing meanwhile).
 */
import { toFrame, type TableInput } from "../data/frame.js";
import type { Frame } from "../data/types.js";
import { generate, type GenerateOptions, type GenerationRun } from "../generate/index.js";
import { dedupRows } from "../generate/dedup.js";
import { canonicalJson, sha256, synthlabCacheDir } from "../generate/llm/cache.js";
import { scrubSecrets } from "../generate/llm/errors.js";
import { priceFor } from "../generate/llm/prices.js";
import type { Env } from "../generate/llm/provider.js";
import { evaluate, quantile, type Report } from "../evaluate/index.js";
import { printableLine } from "../display/untrusted.js";
import { MAX_ROWS } from "../limits.js";
import { describeCandidate, toCandidate, toCandidates, type Candidate, type LlmCandidate } from "./candidates.js";
import { CompareCheckpoint } from "./checkpoint.js";
import { CompareError } from "./errors.js";
import { DEFAULT_JUDGE_SAMPLE, DEFAULT_RUBRIC, judgeTexts } from "./judge.js";
import { Comparison } from "./result.js";
import type { CandidateOutcome, CompareGeneratorsOptions, CompareProgress, JudgeVerdict } from "./types.js";
import path from "node:path";

/** Hash of a table's content (the checkpoint must not reuse results made from other data). */
function tableHash(frame: Frame | null): string | null {
  return frame ? sha256(canonicalJson({ names: frame.columnNames, columns: frame.columnNames.map((n) => frame.columns[n]) })) : null;
}

/** The candidate's identity in the checkpoint: every field that changes its rows (never a key: candidates hold none). */
export function candidateFingerprint(c: Candidate): string {
  return sha256(canonicalJson(c)).slice(0, 32);
}

/** One line, scrubbed of the candidate's key and bounded: what a failed row shows. */
function errorLine(err: unknown, secrets: readonly string[]): string {
  const msg = err instanceof Error ? err.message : String(err);
  return printableLine(scrubSecrets(msg, [...secrets]), 400);
}

/** The environment an LLM candidate's engine sees: its own key only, never the process's OPENAI_* fallbacks. */
function candidateEnv(env: Env): Env {
  const { OPENAI_API_KEY: _k, OPENAI_BASE_URL: _b, ...rest } = env;
  return rest;
}

function checkOptions(options: CompareGeneratorsOptions): void {
  if (typeof options !== "object" || options === null) throw new CompareError('compareGenerators() takes an options object, e.g. { candidates: ["offline", "copula"], real, rows: 200 }.');
  const { rows } = options;
  if (!Number.isInteger(rows) || rows < 1) throw new CompareError(`rows must be a whole number ≥ 1 (the same for every candidate), got ${String(rows)}.`);
  if (rows > MAX_ROWS) throw new CompareError(`rows must be at most ${MAX_ROWS.toLocaleString("en-US")}, got ${rows.toLocaleString("en-US")}.`);
  if (options.seed !== undefined && !Number.isFinite(options.seed)) throw new CompareError(`seed must be a number, got ${String(options.seed)}.`);
  if (options.budget !== undefined && !(Number.isFinite(options.budget) && options.budget >= 0)) {
    throw new CompareError(`budget must be a number of US dollars ≥ 0, got ${String(options.budget)}.`);
  }
  if (options.task !== undefined && options.task !== "rows" && options.task !== "text") throw new CompareError(`task must be "rows" or "text", got ${String(options.task)}.`);
  if (options.real === undefined || options.real === null) throw new CompareError("real is missing: pass the real training table every candidate imitates.");
}

function tableOf(input: TableInput, name: string): Frame {
  try {
    return toFrame(input);
  } catch (e) {
    throw new CompareError(`${name}: ${(e as Error).message}`);
  }
}

/**
 * Compares generators on one task. Returns a displayable `Comparison`: one row per candidate
 * (failed ones included), charts, and the recommendation. Throws only for a bad request (no
 * candidates, a bad spec, a missing column); a candidate's own failure stays in its row.
 */
export async function compareGenerators(options: CompareGeneratorsOptions): Promise<Comparison> {
  checkOptions(options);
  const task = options.task ?? "rows";
  const candidates = toCandidates(options.candidates);
  const real = tableOf(options.real, "real");
  const holdout = options.holdout ? tableOf(options.holdout, "holdout") : null;
  if (real.rowCount === 0) throw new CompareError("The real table has 0 rows: pass the real data the candidates imitate.");
  const target = options.target ?? null;
  if (target !== null && !real.columnNames.includes(target)) {
    throw new CompareError(`target "${target}" is not a column of the real table: choose one of ${real.columnNames.join(", ")}.`);
  }
  const seed = options.seed ?? 0;
  const env: Env = options.env ?? process.env;
  let labels: string[] | undefined;
  if (task === "text") {
    if (!real.columnNames.includes("text")) throw new CompareError(`A text task needs a "text" column in the real table; it has ${real.columnNames.join(", ")}.`);
    // The text mode writes a "label" column: the real table's one gives the default labels.
    labels = options.labels ? [...options.labels] : real.columns["label"] ? [...new Set(real.columns["label"]!.filter((v) => v !== null).map(String))].sort() : undefined;
  }
  const judgeEndpoint = options.judge ? toCandidate(options.judge.endpoint) : undefined;
  if (judgeEndpoint && judgeEndpoint.kind !== "llm") throw new CompareError("judge.endpoint must be an LLM endpoint (name=...,base=URL,model=NAME[,key_env=VAR]).");
  if (options.judge && task !== "text") throw new CompareError('The LLM judge scores texts: use it with task: "text".');
  const judgeSample = options.judge?.sample ?? DEFAULT_JUDGE_SAMPLE;
  if (!Number.isInteger(judgeSample) || judgeSample < 1) throw new CompareError(`judge.sample must be a whole number ≥ 1, got ${String(judgeSample)}.`);

  const taskHash = sha256(canonicalJson({
    v: 1, task, rows: options.rows, seed, budget: options.budget ?? null, description: options.description ?? null,
    textTask: options.textTask ?? null, labels: labels ?? null, target, timeColumn: options.timeColumn ?? null, queries: options.queries ?? null,
    real: tableHash(real), holdout: tableHash(holdout),
    judge: judgeEndpoint ? { endpoint: judgeEndpoint, rubric: options.judge?.rubric ?? DEFAULT_RUBRIC, sample: judgeSample } : null,
  }));
  const checkpoint = options.checkpoint === false ? undefined
    : CompareCheckpoint.open(options.checkpoint ?? path.join(synthlabCacheDir("compare", env), `compare-${taskHash.slice(0, 16)}.jsonl`), taskHash);

  const progress = (e: CompareProgress): void => options.onProgress?.(e);
  const generated = new Map<string, { synthetic: Frame; outcome: CandidateOutcome; secrets: string[]; fingerprint: string }>();
  const frames = new Map<string, Frame>();
  const reports = new Map<string, Report>();
  const outcomes = new Map<string, CandidateOutcome>();

  /** Phase 1: a candidate's rows and generation figures (or its failure, or its stored outcome). */
  async function generateOne(c: Candidate): Promise<void> {
    const fingerprint = candidateFingerprint(c);
    const stored = checkpoint?.get(fingerprint);
    if (stored) {
      outcomes.set(c.name, { ...stored, name: c.name });
      progress({ candidate: c.name, phase: "resumed", message: "finished in an earlier run (comparison checkpoint)" });
      return;
    }
    const secrets: string[] = [];
    const mode = c.kind === "statistical" ? c.mode : task === "text" ? "text" : c.mode ?? "llm-rows";
    const blank: CandidateOutcome = {
      name: c.name, kind: c.kind, mode, description: describeCandidate(c), status: "failed", rows: 0, requests: 0, cacheHits: 0,
      tokens: { input: 0, output: 0 }, costUsd: c.kind === "statistical" ? 0 : null, wallMs: 0, latency: { p50: null, p95: null, samples: [] },
      validShare: null, duplicateShare: null, copiesOfReal: null,
      scores: { fidelity: null, utility: null, privacy: null, validity: null }, noiseFloor: { fidelity: null, utility: null, privacy: null },
      mae: null, judge: null, warnings: [], report: null,
    };
    let outcome = blank;
    let started = performance.now();
    try {
      if (options.signal?.aborted) throw new CompareError("The comparison was interrupted before this candidate started.");
      progress({ candidate: c.name, phase: "generating", rows: 0, target: options.rows });
      const request: GenerateOptions = {
        ...(c.kind === "statistical" && c.options ? (c.options as Partial<GenerateOptions>) : {}),
        mode: mode as GenerateOptions["mode"],
        like: real,
        rows: options.rows,
        seed,
        onProgress: (p) => progress({ candidate: c.name, phase: "generating", rows: p.rows, target: p.target }),
        ...(options.signal ? { signal: options.signal } : {}),
      };
      if (c.kind === "llm") {
        let apiKey: string | undefined;
        if (c.keyEnv) {
          apiKey = env[c.keyEnv];
          if (!apiKey) throw new CompareError(`The environment variable ${c.keyEnv} is not set: export it with the key for ${c.baseURL}.`);
          secrets.push(apiKey);
        }
        Object.assign(request, {
          model: c.model,
          ...(options.description ? { description: options.description } : {}),
          ...(options.budget !== undefined ? { budgetUsd: options.budget } : {}),
          ...(c.concurrency ? { concurrency: c.concurrency } : {}),
          ...(c.batchSize ? { batchSize: c.batchSize } : {}),
          ...(task === "text" ? { textTask: options.textTask ?? "classification", ...(labels ? { labels } : {}) } : {}),
          options: {
            baseURL: c.baseURL,
            ...(apiKey !== undefined ? { apiKey } : {}),
            env: candidateEnv(env),
            ...(c.price ? { price: c.price } : {}),
            ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
            ...(options.cache !== undefined ? { cache: options.cache } : {}),
            ...(options.checkpointDir ? { checkpointDir: options.checkpointDir } : {}),
            ...(options.retry?.maxRetries !== undefined ? { maxRetries: options.retry.maxRetries } : {}),
            ...(options.retry?.backoffBaseMs !== undefined ? { backoffBaseMs: options.retry.backoffBaseMs } : {}),
            ...(options.retry?.maxAttempts !== undefined ? { maxAttempts: options.retry.maxAttempts } : {}),
          },
        });
      }
      started = performance.now();
      const run = await generate(request);
      const wallMs = performance.now() - started;
      outcome = { ...blank, ...generationFigures(c, run, real), wallMs, warnings: run.warnings.map((w) => printableLine(scrubSecrets(w, secrets), 400)) };
      if (run.rowCount === 0) {
        // The last warning says why the run ended (the budget cap, answers that kept failing); the first is often the estimate.
        const last = run.warnings[run.warnings.length - 1];
        const why = last ? `: ${last}` : "";
        throw new CompareError(`no valid rows${why}`);
      }
      generated.set(c.name, { synthetic: dropProvenance(run.frame), outcome, secrets, fingerprint });
    } catch (err) {
      // Until the engine answers, the time is all that is known of a failed run.
      fail(c.name, { ...outcome, wallMs: outcome.wallMs || performance.now() - started, status: "failed", error: errorLine(err, secrets) });
    }
  }

  function fail(name: string, outcome: CandidateOutcome): void {
    outcomes.set(name, outcome);
    progress({ candidate: name, phase: "failed", message: outcome.error! });
  }

  /** Phase 2, one candidate at a time: the report (CPU-bound) and the judge; then the checkpoint line. */
  async function scoreOne(name: string): Promise<void> {
    const g = generated.get(name);
    if (!g) return;
    let outcome = g.outcome;
    try {
      if (options.signal?.aborted) throw new CompareError("The comparison was interrupted before this candidate was scored.");
      frames.set(name, g.synthetic);
      progress({ candidate: name, phase: "evaluating" });
      const report = await evaluate({
        real, synthetic: g.synthetic, holdout, target, seed,
        ...(options.timeColumn ? { timeColumn: options.timeColumn } : {}),
        ...(options.queries !== undefined ? { queries: options.queries } : {}),
      });
      reports.set(name, report);
      outcome = { ...outcome, ...reportFigures(report) };
      if (judgeEndpoint && judgeEndpoint.kind === "llm") {
        progress({ candidate: name, phase: "judging" });
        outcome.judge = await judge(judgeEndpoint, g.synthetic);
      }
      outcome.status = "ok";
      checkpoint?.record(g.fingerprint, outcome);
      outcomes.set(name, outcome);
      progress({ candidate: name, phase: "done" });
    } catch (err) {
      fail(name, { ...outcome, status: "failed", error: errorLine(err, g.secrets) });
    }
  }

  async function judge(endpoint: LlmCandidate, synthetic: Frame): Promise<JudgeVerdict> {
    let apiKey: string | undefined;
    if (endpoint.keyEnv) {
      apiKey = env[endpoint.keyEnv];
      if (!apiKey) throw new CompareError(`The judge's environment variable ${endpoint.keyEnv} is not set: export it with the key for ${endpoint.baseURL}.`);
    }
    return judgeTexts(synthetic, {
      endpoint, env: candidateEnv(env), rubric: options.judge?.rubric ?? DEFAULT_RUBRIC, sample: judgeSample, seed,
      ...(apiKey !== undefined ? { apiKey } : {}),
      ...(options.cache !== undefined ? { cache: options.cache } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  // Generation first, reports after: a report is seconds of CPU, and run between generations it
  // would stall the event loop under requests in flight, inflating their measured latency and wall
  // time. One lane per endpoint: lanes run at once, a lane's candidates in turn; the statistical
  // modes (CPU-bound too) run after the LLM lanes for the same reason.
  const lanes = new Map<string, Candidate[]>();
  for (const c of candidates) {
    if (c.kind !== "llm") continue;
    lanes.set(c.baseURL, [...(lanes.get(c.baseURL) ?? []), c]);
  }
  const started = performance.now();
  await Promise.all([...lanes.values()].map(async (lane) => {
    for (const c of lane) await generateOne(c);
  }));
  for (const c of candidates) if (c.kind !== "llm") await generateOne(c);
  for (const c of candidates) await scoreOne(c.name);
  const wallMs = performance.now() - started;
  return new Comparison(candidates.map((c) => outcomes.get(c.name)!), {
    task, rows: options.rows, seed, ...(options.budget !== undefined ? { budget: options.budget } : {}),
    ...(options.quality ? { quality: options.quality } : {}), judged: judgeEndpoint !== undefined,
    wallMs, ...(checkpoint ? { checkpoint: checkpoint.file } : {}), frames, reports,
  });
}

/** The generated table without the `_meta` provenance column (the report compares real columns only). */
function dropProvenance(frame: Frame): Frame {
  if (!frame.columnNames.includes("_meta")) return frame;
  const names = frame.columnNames.filter((n) => n !== "_meta");
  return { columnNames: names, columns: Object.fromEntries(names.map((n) => [n, frame.columns[n]!])), rowCount: frame.rowCount };
}

function num(x: unknown): number {
  return typeof x === "number" && Number.isFinite(x) ? x : 0;
}

/**
 * What the generation itself says about a candidate: requests, tokens, cost, latency, and the
 * shares of valid and duplicate rows and copies of real rows (docs/compare.md defines each).
 * Rows the engine removed count as received; so do duplicates still in the output (statistical
 * modes remove none), found by the stage's one dedup (src/generate/dedup.ts) against the real rows.
 */
function generationFigures(c: Candidate, run: GenerationRun, real: Frame): Partial<CandidateOutcome> {
  const s = run.stats;
  const extra = s.extra ?? {};
  const samples = Array.isArray(extra["latenciesMs"]) ? (extra["latenciesMs"] as number[]).map((x) => Math.round(x * 10) / 10) : [];
  const shared = run.frame.columnNames.filter((n) => !n.startsWith("_") && real.columnNames.includes(n));
  const left = run.rowCount > 0 && shared.length ? dedupRows(run.frame, { columns: shared, against: real }).counts : { removed: 0, matchesReal: 0 };
  const engineRemoved = num(s.duplicatesRemoved);
  const engineCopies = num(extra["copiesOfRealRemoved"]);
  const invalid = num(s.invalidRows);
  const received = run.rowCount + engineRemoved;
  return {
    rows: run.rowCount,
    requests: num(s.requests),
    cacheHits: num(s.cacheHits),
    tokens: { input: num(s.tokens?.input), output: num(s.tokens?.output) },
    // An unpriced model (a local server without price_in/price_out) has an unknown cost, not a zero one.
    costUsd: c.kind === "statistical" ? 0 : c.price || priceFor(c.model) ? num(s.costUsd) : null,
    latency: { p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), samples },
    validShare: c.kind === "statistical" ? null : received + invalid > 0 ? received / (received + invalid) : null,
    duplicateShare: received > 0 ? (engineRemoved - engineCopies + left.removed - left.matchesReal) / received : null,
    copiesOfReal: engineCopies + left.matchesReal,
  };
}

/** The report's headline numbers for the table (the report computes them; nothing is recomputed here). */
function reportFigures(report: Report): Partial<CandidateOutcome> {
  const j = report.toJSON();
  const p = j.utility.prediction;
  return {
    scores: { ...j.scores, validity: j.diagnostic.score },
    noiseFloor: { fidelity: j.fidelity.noiseFloor?.fidelity ?? null, utility: j.utility.noiseFloor, privacy: j.privacy.noiseFloor },
    mae: p ? { tstr: p.tstr.mae, trtr: p.trtr.mae, target: p.target } : null,
    report: j,
  };
}
