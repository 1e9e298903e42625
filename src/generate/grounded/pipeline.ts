/**
 * The grounded pipeline (issue #17, docs/grounded.md): a need in words and a local corpus become
 * one table whose rows cite the passages they came from.
 *
 *   need ─► schema (given, or proposed by the model and shown) ─► coverage plan (subtopics ×
 *   questions, near-duplicates removed) ─► retrieval (top-k passages per question) ─► synthesis
 *   (rows citing passage ids) ─► grounding check (grounding.ts) ─► dedup, provenance, statistics
 *
 * Every model call goes through the LLM run machinery of ../llm (client, response cache, retries,
 * budget, progress) and the batch engine, whose checkpoint holds the schema, the plan and each
 * question's rows, so an interrupted run resumes where it stopped and makes the same table.
 * Corpus loading and ranking sit behind the seam of ./types.ts (`Corpus`, `Retriever`).
 */
import type { Row } from "../../data/frame.js";
import type { CellValue, ColumnSchema, Schema } from "../../data/types.js";
import { printableLine } from "../../display/untrusted.js";
import { isVariableName } from "../../identifier.js";
import { createRowDeduper, dedupMode, dedupRecords } from "../dedup.js";
import { GenerateError, type GenerateHooks, type GenerateRequest, type GenerateResult } from "../types.js";
import { canonicalJson, sha256 } from "../llm/cache.js";
import type { ChatRequest, LlmClient } from "../llm/client.js";
import { runEngine, type BatchContext, type EngineResult, type ParsedBatch, type StreamSpec } from "../llm/engine.js";
import { extractJson, extractList } from "../llm/extract.js";
import { describeColumn, listJsonSchema, rowJsonSchema, type JsonSchema } from "../llm/jsonschema.js";
import { schemaBlock, validateItems } from "../llm/rows.js";
import { rowsToFrame, startRun } from "../llm/run.js";
import { checkRow, type GroundingProblem, type GroundingVerdict } from "./grounding.js";
import type { Corpus, Passage, RetrievalHit, Retriever } from "./types.js";

/** What becomes of rows the grounding check finds unsupported. */
export type GroundingPolicy = "drop" | "flag" | "off";
export const GROUNDING_POLICIES: readonly GroundingPolicy[] = ["drop", "flag", "off"];

/** Passages retrieved per question unless `topK` says otherwise. */
export const DEFAULT_TOP_K = 4;
/** A passage's text is cut to this many characters in a prompt (and checked as shown). */
export const MAX_PASSAGE_CHARS = 1_500;
/** The most columns a proposed schema may have. */
export const MAX_PROPOSED_COLUMNS = 12;
/** Extra rows a top-up batch asks for, so that one unsupported answer does not stall a question. */
export const TOP_UP_EXTRA = 2;
/** Passes that replace rows removed as duplicates across questions (each pass one more engine run). */
export const CROSS_DEDUP_PASSES = 2;
/** The field of each synthesized row that lists the passage ids it cites. */
export const CITES = "cites";

/** The corpus and how to rank it; the retriever is built once the run's LLM client exists (it may embed). */
export interface GroundedSources {
  corpus: Corpus;
  /** May carry warnings (e.g. "the endpoint has no embeddings: BM25 alone"), passed on to the result. */
  retriever(client: LlmClient): (Retriever & { warnings?: readonly string[] }) | Promise<Retriever & { warnings?: readonly string[] }>;
}

/** One question of the coverage plan, with what retrieval found for it and how many rows it made. */
export interface PlannedQuestion {
  id: string;
  subtopic: string;
  question: string;
  /** The passages retrieved for it, best first, with their place in their document. */
  hits: { id: string; source: string; start: number; end: number; score: number }[];
  rows: number;
}

/** The figures of a grounded run (also in `stats.extra.grounded`). */
export interface GroundedReport {
  need: string;
  schemaProposed: boolean;
  plan: PlannedQuestion[];
  subtopics: string[];
  questionsRemoved: number;
  retrieval: { methods: string[]; topK: number; passages: number; sources: number };
  grounding: {
    policy: GroundingPolicy;
    checked: number;
    supported: number;
    unsupported: number;
    dropped: number;
    flagged: number;
    problems: Partial<Record<GroundingProblem, number>>;
  };
  rowsPerSource: Record<string, number>;
  rowsPerSubtopic: Record<string, number>;
  rowsPerPassage: Record<string, number>;
}

/** The need: `need`, else the description (the %%generate cell body). */
export function needOf(request: GenerateRequest): string {
  const need = (request.need ?? request.description ?? "").trim();
  if (!need) {
    throw new GenerateError('grounded: no need given: say what data you need in the cell body, --need "..." / --need-file PATH (CLI) or need (library).');
  }
  return need;
}

/** Default questions for a run: about one per four rows, 2 to 30. */
export function defaultQuestions(rows: number): number {
  return Math.min(30, Math.max(2, Math.ceil(rows / 4)));
}

const SYSTEM =
  "You build datasets grounded in a local document collection: every value you write is copied from, or follows " +
  "directly from, the passages you are given. Answer with JSON only.";

// ---- the schema ---------------------------------------------------------------------------------

const PROPOSAL_KINDS = ["text", "categorical", "numeric", "integer", "boolean"] as const;

/** The JSON Schema of a schema proposal. */
function proposalSchema(): JsonSchema {
  const str = { type: "string" };
  return {
    type: "object",
    properties: {
      columns: {
        type: "array",
        items: {
          type: "object",
          properties: { name: str, kind: { type: "string", enum: [...PROPOSAL_KINDS] }, description: str, values: { type: "array", items: str } },
          required: ["name", "kind", "description", "values"],
          additionalProperties: false,
        },
      },
    },
    required: ["columns"],
    additionalProperties: false,
  };
}

/** The request asking the model for a schema that fits the need. */
export function schemaRequest(need: string, seed: number, structured: boolean, attempt = 0): ChatRequest {
  const parts = [
    `Propose the columns of a dataset for this need.\nNeed: ${need}`,
    "Values will be copied from passages of a document collection, so prefer text spans and numbers a document states. " +
      "A label the need asks for is a categorical column with its values listed. Use snake_case names; at most " +
      `${MAX_PROPOSED_COLUMNS} columns; "values" is empty except for categorical columns.`,
  ];
  if (!structured) parts.push(`Reply with JSON matching this ${schemaBlock(proposalSchema())}`);
  parts.push('Return exactly 1 schema as {"columns": [...]}.');
  const req: ChatRequest = { messages: [{ role: "system", content: SYSTEM }, { role: "user", content: parts.join("\n\n") }], temperature: 0.2, seed: (seed + attempt) % 2_147_483_647 };
  if (structured) req.jsonSchema = { name: "schema", schema: proposalSchema() };
  return req;
}

/** A proposal's columns as a Schema, or the problems that make it unusable. */
export function parseProposal(content: string): { schema?: Schema; errors: string[] } {
  const v = extractJson(content);
  const list = v && typeof v === "object" && Array.isArray((v as Record<string, unknown>)["columns"]) ? ((v as Record<string, unknown>)["columns"] as unknown[]) : undefined;
  if (!list) return { errors: ['the answer is not JSON with a "columns" array'] };
  const errors: string[] = [];
  const columns: ColumnSchema[] = [];
  const seen = new Set<string>();
  list.slice(0, MAX_PROPOSED_COLUMNS).forEach((raw, i) => {
    const c = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const name = typeof c["name"] === "string" ? c["name"].trim() : "";
    const kind = c["kind"];
    if (!isVariableName(name) || name.startsWith("_") || name === CITES) return void errors.push(`column ${i + 1}: name ${JSON.stringify(name)} must be a snake_case identifier (not "${CITES}", not starting with _)`);
    if (seen.has(name)) return void errors.push(`column ${i + 1}: ${name} appears twice`);
    if (!(PROPOSAL_KINDS as readonly unknown[]).includes(kind)) return void errors.push(`column ${name}: kind must be one of ${PROPOSAL_KINDS.join(", ")}`);
    seen.add(name);
    const values = Array.isArray(c["values"]) ? [...new Set(c["values"].filter((x): x is string => typeof x === "string" && x.trim() !== "").map((x) => x.trim()))] : [];
    if (kind === "categorical" && values.length < 2) return void errors.push(`column ${name}: a categorical column needs at least 2 values`);
    const col: ColumnSchema = { name, kind: kind as ColumnSchema["kind"], ...(typeof c["description"] === "string" && c["description"].trim() ? { description: c["description"].trim() } : {}) };
    if (kind === "categorical") col.values = values;
    columns.push(col);
  });
  if (columns.length === 0 && errors.length === 0) errors.push("the schema has no columns");
  return errors.length ? { errors } : { schema: { columns }, errors: [] };
}

type EngineBase = Pick<Parameters<typeof runEngine>[0], "client" | "checkpoint" | "seed" | "fallbackToPrompt" | "maxAttempts" | "signal">;

/** The schema proposal as one checkpointed engine stream ("schema"): one request, a correction turn, bounded retries. */
async function proposeWithRun(need: string, engineBase: EngineBase, structured: () => boolean): Promise<Schema> {
  const proposed = await runEngine({
    ...engineBase, streams: [{ id: "schema", target: 1 }], batchSize: 1, deduper: () => createRowDeduper([], { mode: "none" }),
    buildRequest: (ctx, attempt) => schemaRequest(need, ctx.seed, structured(), attempt),
    parse: (content) => {
      const p = parseProposal(content);
      return p.schema ? { rows: [{ schema: JSON.stringify(p.schema) }], errors: [], invalid: 0 } : { rows: [], errors: p.errors, invalid: 1 };
    },
  });
  const row = proposed.streams.get("schema")?.rows[0];
  if (!row) throw new GenerateError(`grounded: the model proposed no usable schema (${printableLine(proposed.warnings[0] ?? "every answer was invalid", 200)}); pass one with --schema.`);
  return JSON.parse(String(row["schema"])) as Schema;
}

/**
 * The schema the model proposes for a need, without generating rows: review it, edit it, and pass
 * it back as `schema`. Same request as a grounded run's first step, so that run finds it in the
 * response cache. Takes the LLM settings of a request (model, seed, options).
 */
export async function proposeSchema(request: Pick<GenerateRequest, "need" | "description" | "model" | "seed" | "options">, hooks: Partial<GenerateHooks> = {}): Promise<Schema> {
  const full: GenerateRequest = { ...request, rows: 1, seed: request.seed ?? 0 };
  const need = needOf(full);
  const run = startRun("grounded", full, { onProgress: hooks.onProgress ?? (() => {}), ...(hooks.signal ? { signal: hooks.signal } : {}) }, { kind: "grounded-schema", need });
  let structured = (run.options.structuredOutput ?? "auto") !== "prompt";
  return proposeWithRun(need, {
    client: run.client, checkpoint: run.checkpoint, seed: full.seed,
    fallbackToPrompt: () => { if ((run.options.structuredOutput ?? "auto") !== "auto") return false; structured = false; return true; },
    ...(hooks.signal ? { signal: hooks.signal } : {}),
  }, () => structured);
}

/** One line per column, as the summary shows a schema: "text (text), label (categorical: spam, ham)". */
export function schemaText(schema: Schema): string {
  return schema.columns.map((c) => `${c.name} (${c.kind}${c.values?.length ? `: ${c.values.map(String).join(", ")}` : ""})`).join(", ");
}

// ---- the coverage plan --------------------------------------------------------------------------

function questionsSchema(): JsonSchema {
  const str = { type: "string" };
  return listJsonSchema({ type: "object", properties: { subtopic: str, question: str }, required: ["subtopic", "question"], additionalProperties: false }, "questions");
}

/** The request for a coverage plan: `count` questions over `subtopics` subtopics of the need. */
export function questionsRequest(need: string, ctx: BatchContext, subtopics: number, structured: boolean, attempt = 0): ChatRequest {
  const parts = [
    `Write a coverage plan for this need: split it into ${subtopics} subtopics and write questions that a document collection could answer, ` +
      "so that together they cover the whole need. Each question asks one specific thing; no two questions ask the same.",
    `Need: ${need}`,
  ];
  if (!structured) parts.push(`Reply with JSON matching this ${schemaBlock(questionsSchema())}`);
  parts.push(`Return exactly ${ctx.size} questions as {"questions": [{"subtopic": ..., "question": ...}]}, spread over the ${subtopics} subtopics.` +
    (ctx.index > 0 ? ` This is batch ${ctx.index + 1}: ask about other aspects than the earlier batches.` : ""));
  const req: ChatRequest = { messages: [{ role: "system", content: SYSTEM }, { role: "user", content: parts.join("\n\n") }], temperature: 0.7, seed: (ctx.seed + attempt) % 2_147_483_647 };
  if (structured) req.jsonSchema = { name: "questions", schema: questionsSchema() };
  return req;
}

/** Items of a coverage-plan answer as rows { subtopic, question }. */
export function parseQuestions(content: string): ParsedBatch {
  const list = extractList(content, "questions");
  if (!list) return { rows: [], errors: ['the answer is not JSON with a "questions" array'], invalid: 0 };
  const rows: Row[] = [];
  const errors: string[] = [];
  list.forEach((raw, i) => {
    const it = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const q = typeof it["question"] === "string" ? it["question"].trim() : "";
    const s = typeof it["subtopic"] === "string" ? it["subtopic"].trim() : "";
    if (!q || !s) return void errors.push(`item ${i + 1}: subtopic and question must be non-empty strings`);
    rows.push({ subtopic: printableLine(s, 120), question: printableLine(q, 300) });
  });
  return { rows, errors, invalid: errors.length };
}

// ---- synthesis ----------------------------------------------------------------------------------

/** A passage's text as a prompt shows it (and as the check reads it): cut to MAX_PASSAGE_CHARS, tags defused. */
export function shownText(passage: Passage): string {
  const t = passage.text.length > MAX_PASSAGE_CHARS ? passage.text.slice(0, MAX_PASSAGE_CHARS) : passage.text;
  return t.replace(/<\/?passage/gi, (m) => m.replace("passage", "passage\u200b"));
}

/** The passages block of a synthesis prompt: one <passage id source> element per hit. */
export function passagesBlock(hits: readonly RetrievalHit[]): string {
  const attr = (s: string): string => s.replace(/["<>\n]/g, " ");
  return `Passages (cite them by id):\n${hits.map((h) => `<passage id="${attr(h.passage.id)}" source="${attr(h.passage.source)}">\n${shownText(h.passage)}\n</passage>`).join("\n")}`;
}

/** The row schema of synthesis: the user's columns plus `cites`, the ids of the passages the row comes from. */
export function synthesisSchema(schema: Schema): JsonSchema {
  const row = rowJsonSchema(schema);
  const props = { ...(row["properties"] as Record<string, unknown>), [CITES]: { type: "array", items: { type: "string" }, description: "ids of the passages this row's values come from" } };
  return listJsonSchema({ ...row, properties: props, required: [...(row["required"] as string[]), CITES] }, "rows");
}

/** The request for rows answering one question from its passages. */
export function synthesisRequest(
  need: string, q: { subtopic: string; question: string }, hits: readonly RetrievalHit[], schema: Schema,
  ctx: BatchContext, structured: boolean, temperature: number, attempt = 0,
): ChatRequest {
  const json = synthesisSchema(schema);
  const parts = [
    `Need: ${need}`,
    `Subtopic: ${q.subtopic}\nQuestion: ${q.question}`,
    passagesBlock(hits),
    `Columns:\n${schema.columns.filter((c) => !c.expression).map((c) => `- ${c.name}: ${describeColumn(c)}`).join("\n")}\n- ${CITES}: the ids of the passages the row's values come from (only ids listed above)`,
    "Every row answers the question from the passages: copy text values as exact phrases of a passage and numbers as the passage writes them; " +
      "never invent a value. Cite every passage a row uses, and no other.",
  ];
  if (!structured) parts.push(`Reply with JSON matching this ${schemaBlock(json)}`);
  parts.push(`Return exactly ${ctx.size} rows as {"rows": [...]}. This is batch ${ctx.index + 1}: make these rows different from other batches.`);
  const req: ChatRequest = { messages: [{ role: "system", content: SYSTEM }, { role: "user", content: parts.join("\n\n") }], temperature, seed: (ctx.seed + attempt) % 2_147_483_647 };
  if (structured) req.jsonSchema = { name: "rows", schema: json };
  return req;
}

/** Hidden fields a synthesized row carries through the checkpoint: what it cites and what its prompt gave. */
const CITED = "__cites";
const GIVEN = "__given";

/** Rows of a synthesis answer, validated against the schema, each with its citations and its prompt's passage ids. */
export function parseSynthesis(content: string, schema: Schema, given: readonly string[]): ParsedBatch {
  const list = extractList(content, "rows");
  if (!list) return { rows: [], errors: ['the answer is not JSON with a "rows" array'], invalid: 0 };
  const rows: Row[] = [];
  const errors: string[] = [];
  let invalid = 0;
  list.forEach((item, i) => {
    const v = validateItems([item], schema);
    if (v.rows.length === 0) {
      invalid += 1;
      errors.push(...v.errors.map((e) => e.replace(/^row 1:/, `row ${i + 1}:`)));
      return;
    }
    const raw = (item as Record<string, unknown>)[CITES];
    const cites = Array.isArray(raw) ? [...new Set(raw.filter((x): x is string => typeof x === "string").map((x) => x.trim()))] : [];
    rows.push({ ...v.rows[0]!, [CITED]: JSON.stringify(cites), [GIVEN]: JSON.stringify(given) });
  });
  return { rows, errors, invalid };
}

function parseIds(v: CellValue | undefined): string[] {
  try {
    const x = JSON.parse(String(v ?? "[]")) as unknown;
    return Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : [];
  } catch {
    return [];
  }
}

// ---- the run ------------------------------------------------------------------------------------

/** Reads and checks the grounded options of a request. */
function groundedOptions(request: GenerateRequest): { policy: GroundingPolicy; topK: number; questions: number; subtopics: number } {
  const policy = request.grounding ?? "drop";
  if (!GROUNDING_POLICIES.includes(policy)) throw new GenerateError(`grounding must be one of ${GROUNDING_POLICIES.join(", ")}, got ${JSON.stringify(policy)}.`);
  const int = (v: number | undefined, name: string, lo: number, hi: number, fallback: number): number => {
    if (v === undefined) return fallback;
    if (!Number.isInteger(v) || v < lo || v > hi) throw new GenerateError(`grounded: ${name} must be a whole number from ${lo} to ${hi}, got ${String(v)}.`);
    return v;
  };
  const topK = int(request.topK, "topK", 1, 50, DEFAULT_TOP_K);
  const questions = int(request.questions, "questions", 1, 500, defaultQuestions(request.rows));
  const subtopics = int(request.subtopics, "subtopics", 1, 50, Math.min(4, questions));
  return { policy, topK, questions, subtopics };
}

/** A cheap fingerprint of a corpus for the run id: its root and every passage's place. */
function corpusFingerprint(corpus: Corpus): string {
  return sha256(canonicalJson({ root: corpus.root, p: corpus.passages.map((p) => [p.id, p.source, p.start, p.end]) }));
}

/** Runs the grounded pipeline over a loaded corpus (the Generator of ./index.ts loads it first). */
export async function generateGrounded(request: GenerateRequest, hooks: GenerateHooks, sources: GroundedSources): Promise<GenerateResult> {
  if (!Number.isInteger(request.rows) || request.rows < 1) throw new GenerateError(`grounded: rows must be a whole number ≥ 1, got ${String(request.rows)}; pass --rows N.`);
  const need = needOf(request);
  const { corpus } = sources;
  if (corpus.passages.length === 0) {
    const why = corpus.skipped.length ? ` (${corpus.skipped.length} files skipped, e.g. ${corpus.skipped[0]!.source}: ${corpus.skipped[0]!.reason})` : "";
    throw new GenerateError(`grounded: the corpus ${corpus.root} has no passages${why}: point --corpus at a folder of .txt, .md, .html or .jsonl files with text in them.`);
  }
  if (request.schema?.columns.some((c) => c.name === CITES)) throw new GenerateError(`grounded: "${CITES}" is the column of citations; rename that schema column.`);
  const opts = groundedOptions(request);
  const run = startRun("grounded", request, hooks, {
    kind: "grounded", need, corpus: corpusFingerprint(corpus), topK: opts.topK, questions: opts.questions, subtopics: opts.subtopics, grounding: opts.policy,
    // Only when given, so run ids of runs without it stay as they are; the ranking it changes picks the prompts' passages.
    ...(request.embeddingModel !== undefined ? { embeddingModel: request.embeddingModel } : {}),
  });
  const warnings: string[] = [...run.client.warnings];
  if (corpus.skipped.length) warnings.push(skippedWarning(corpus));
  const structuredSetting = run.options.structuredOutput ?? "auto";
  let structured = structuredSetting !== "prompt";
  const fallbackToPrompt = (): boolean => {
    if (structuredSetting !== "auto") return false;
    if (structured) warnings.push("The server does not support structured output (json_schema): the schemas now go in the prompts.");
    structured = false;
    return true;
  };
  const byId = new Map(corpus.passages.map((p) => [p.id, p]));
  const engineBase: EngineBase = {
    client: run.client, checkpoint: run.checkpoint, seed: request.seed, fallbackToPrompt,
    ...(run.options.maxAttempts !== undefined ? { maxAttempts: run.options.maxAttempts } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
  };

  // 1. The schema: the user's, or the model's proposal (shown in the progress and the summary).
  let schema = request.schema;
  if (!schema) {
    run.progress(0, request.rows, { phase: "proposing a schema" });
    schema = await proposeWithRun(need, engineBase, () => structured);
  }
  const schemaLine = schemaText(schema);
  run.progress(0, request.rows, { phase: `schema${request.schema ? "" : " (proposed)"}: ${schemaLine}` });

  // 2. The coverage plan: questions over subtopics, near-duplicate questions removed (and topped up).
  const qMode = dedupMode(request.dedup);
  let questionsRemoved = 0;
  const planned = await runEngine({
    ...engineBase, streams: [{ id: "questions", target: opts.questions }], batchSize: opts.questions,
    buildRequest: (ctx, attempt) => questionsRequest(need, ctx, opts.subtopics, structured, attempt),
    parse: (content) => parseQuestions(content),
    deduper: () => {
      const d = createRowDeduper(["question"], { mode: qMode });
      return { push: (rows) => d.push(rows), outcome: () => { const o = d.outcome(); questionsRemoved = o.removed; return o; } };
    },
  });
  const qRows = planned.streams.get("questions")?.rows ?? [];
  if (qRows.length === 0) throw new GenerateError(`grounded: the model wrote no usable question for the need (${printableLine(planned.warnings[0] ?? "every answer was invalid", 200)}); rephrase the need or try another model.`);
  if (qRows.length < opts.questions) warnings.push(`The coverage plan has ${qRows.length} of the ${opts.questions} questions asked for (after removing near-duplicates): the model kept repeating or writing invalid questions.`);
  const subtopics = [...new Set(qRows.map((r) => String(r["subtopic"])))];
  run.progress(0, request.rows, { phase: `coverage plan: ${qRows.length} questions in ${subtopics.length} subtopics` });

  // 3. Retrieval: the top-k passages of each question.
  const retriever = await sources.retriever(run.client);
  warnings.push(...(retriever.warnings ?? []));
  const hitsOf: RetrievalHit[][] = [];
  for (const q of qRows) {
    if (hooks.signal?.aborted) throw new GenerateError("grounded: interrupted during retrieval; run again with the same run id to resume.");
    hitsOf.push(await retriever.search(String(q["question"]), opts.topK, hooks.signal));
  }
  const usable = qRows.map((_, i) => i).filter((i) => hitsOf[i]!.length > 0);
  if (usable.length === 0) throw new GenerateError("grounded: no passage of the corpus matches any question of the plan: check that the corpus is about the need.");
  if (usable.length < qRows.length) warnings.push(`${qRows.length - usable.length} questions found no passage and made no rows.`);
  const retrieved = new Set(usable.flatMap((i) => hitsOf[i]!.map((h) => h.passage.id)));
  run.progress(0, request.rows, { phase: `retrieval: ${retrieved.size} passages for ${usable.length} questions` });

  // 4. Synthesis: rows per question from its passages; the grounding check filters each stream as it fills,
  // so dropped rows are replaced by the engine's top-up rounds.
  const share = (k: number): number => Math.floor(request.rows / usable.length) + (k < request.rows % usable.length ? 1 : 0);
  const streams = usable.map((i, k) => ({ id: `q${i + 1}`, target: share(k) })).filter((s) => s.target > 0);
  const qOf = new Map(usable.map((i) => [`q${i + 1}`, i]));
  const targetOf = new Map(streams.map((s) => [s.id, s.target]));
  const batchSize = request.batchSize ?? 10;
  const temperature = request.temperature ?? 0.7;
  const passageText = (id: string): string | undefined => { const p = byId.get(id); return p ? shownText(p) : undefined; };
  const verdicts = new Map<Row, GroundingVerdict>();
  const names = schema.columns.map((c) => c.name);
  const mode = dedupMode(request.dedup);
  const verdictOf = (r: Row): GroundingVerdict => {
    let v = verdicts.get(r);
    if (!v) {
      v = opts.policy === "off"
        ? { supported: true, problems: [], checked: 0, unchecked: 0 }
        : checkRow(r, parseIds(r[CITED]), new Set(parseIds(r[GIVEN])), passageText, schema!);
      verdicts.set(r, v);
    }
    return v;
  };
  const groundSchema = schema;
  /** The question a stream asks: "q3", or "q3+1" for a later pass's top-up of q3. */
  const questionOf = (stream: string): number => qOf.get(stream.split("+")[0]!)!;
  /** One synthesis pass over `passStreams`; rows duplicating `kept` (earlier passes' rows) are dropped and topped up. */
  const synthesize = (passStreams: StreamSpec[], kept: readonly Row[]): Promise<EngineResult> => runEngine({
    ...engineBase, streams: passStreams, batchSize,
    buildRequest: (ctx, attempt) => {
      const i = questionOf(ctx.stream);
      // A top-up batch (past the first round) asks for twice the rows it needs plus TOP_UP_EXTRA: under "drop" a
      // batch whose rows are all unsupported would stall its question (the engine stops topping up a stream
      // that made no progress in a round); the engine keeps only the target.
      const topUp = ctx.index >= Math.ceil((targetOf.get(ctx.stream) ?? 0) / batchSize);
      const asked = topUp && opts.policy === "drop" ? { ...ctx, size: 2 * ctx.size + TOP_UP_EXTRA } : ctx;
      return synthesisRequest(need, qRows[i] as { subtopic: string; question: string }, hitsOf[i]!, groundSchema, asked, structured, temperature, attempt);
    },
    parse: (content, ctx) => parseSynthesis(content, groundSchema, hitsOf[questionOf(ctx.stream)]!.map((h) => h.passage.id)),
    deduper: () => {
      // Unsupported rows never reach the duplicate filter under "drop": the engine tops the stream up instead.
      const d = createRowDeduper(names, { mode, ...(kept.length ? { real: kept } : {}) });
      const passed: number[] = [];
      let seen = 0;
      return {
        push(rows) {
          const ok: Row[] = [];
          for (const r of rows) {
            const i = seen++;
            const v = verdictOf(r); // every row is checked once, as it arrives (also from the checkpoint)
            if (opts.policy === "drop" && !v.supported) continue;
            passed.push(i);
            ok.push(r);
          }
          d.push(ok);
        },
        outcome() {
          const o = d.outcome();
          return { keep: o.keep.map((k) => passed[k]!), removed: o.removed };
        },
      };
    },
    onBatch: (_b, p) => run.progress(p.rows, p.target, { invalidRows: p.invalidRows }),
  });
  const result = await synthesize(streams, []);
  warnings.push(...result.warnings);

  // 5. Compilation: one table, duplicates across questions removed, provenance and statistics.
  const grounding: GroundedReport["grounding"] = { policy: opts.policy, checked: 0, supported: 0, unsupported: 0, dropped: 0, flagged: 0, problems: {} };
  for (const [, v] of verdicts) {
    if (opts.policy === "off") break;
    grounding.checked += 1;
    if (v.supported) grounding.supported += 1;
    else {
      grounding.unsupported += 1;
      if (opts.policy === "drop") grounding.dropped += 1;
      for (const p of new Set(v.problems.map((x) => x.problem))) grounding.problems[p] = (grounding.problems[p] ?? 0) + 1;
    }
  }
  let rows: Row[] = [];
  let from: { stream: string; promptHash: string; seed: number }[] = [];
  const collect = (passStreams: readonly StreamSpec[], res: EngineResult): void => {
    for (const s of passStreams) {
      const r = res.streams.get(s.id)!;
      rows = rows.concat(r.rows);
      from = from.concat(r.batches.map((b) => ({ stream: s.id, promptHash: b.promptHash, seed: b.seed })));
    }
  };
  collect(streams, result);
  const across = dedupRecords(rows, names, { mode });
  rows = across.keep.map((i) => rows[i]!);
  from = across.keep.map((i) => from[i]!);
  // Rows removed as duplicates across questions are made again, by their own questions, in further passes
  // (each a deterministic function of the earlier ones, so a resumed run re-derives them); the engine's
  // per-question dedup could not see them, as questions run concurrently.
  const totals = { invalidRows: result.invalidRows, failedBatches: result.failedBatches, duplicatesRemoved: result.duplicatesRemoved + across.removed, stoppedByBudget: result.stoppedByBudget };
  for (let pass = 1; pass <= CROSS_DEDUP_PASSES && rows.length < request.rows && !totals.stoppedByBudget; pass++) {
    const short: StreamSpec[] = [];
    for (const s of streams) {
      const have = from.filter((f) => questionOf(f.stream) === qOf.get(s.id)).length;
      if (have < s.target) short.push({ id: `${s.id}+${pass}`, target: s.target - have });
    }
    if (short.length === 0) break;
    for (const s of short) targetOf.set(s.id, s.target);
    run.progress(rows.length, request.rows, { phase: `replacing ${request.rows - rows.length} rows that repeated other questions' rows` });
    const more = await synthesize(short, rows);
    warnings.push(...more.warnings);
    const before = rows.length;
    collect(short, more);
    const again = dedupRecords(rows, names, { mode });
    rows = again.keep.map((i) => rows[i]!);
    from = again.keep.map((i) => from[i]!);
    totals.invalidRows += more.invalidRows;
    totals.failedBatches += more.failedBatches;
    totals.duplicatesRemoved += more.duplicatesRemoved + again.removed;
    totals.stoppedByBudget ||= more.stoppedByBudget;
    if (rows.length === before) break; // the questions have nothing new to say
  }
  const rowsPerSource: Record<string, number> = {};
  const rowsPerSubtopic: Record<string, number> = {};
  const rowsPerPassage: Record<string, number> = {};
  const rowsPerQuestion = new Map<number, number>();
  const out: Row[] = rows.map((r, k) => {
    const i = questionOf(from[k]!.stream);
    const q = qRows[i]!;
    const v = verdictOf(r);
    const given = new Set(parseIds(r[GIVEN]));
    const cited = parseIds(r[CITED]).filter((id) => given.has(id) && byId.has(id)).map((id) => byId.get(id)!);
    if (opts.policy === "flag" && !v.supported) grounding.flagged += 1;
    for (const src of new Set(cited.map((p) => p.source))) rowsPerSource[src] = (rowsPerSource[src] ?? 0) + 1;
    for (const p of cited) rowsPerPassage[p.id] = (rowsPerPassage[p.id] ?? 0) + 1;
    const sub = String(q["subtopic"]);
    rowsPerSubtopic[sub] = (rowsPerSubtopic[sub] ?? 0) + 1;
    rowsPerQuestion.set(i, (rowsPerQuestion.get(i) ?? 0) + 1);
    const meta: Record<string, unknown> = {
      method: "grounded", model: run.model, runId: run.runId, seed: from[k]!.seed, promptHash: from[k]!.promptHash,
      subtopic: sub, question: String(q["question"]),
      sources: cited.map((p) => ({ id: p.id, source: p.source, start: p.start, end: p.end })),
    };
    if (opts.policy !== "off") meta["grounding"] = v.supported ? "supported" : v.problems.map((x) => x.detail);
    const row: Row = {};
    for (const n of names) row[n] = r[n] ?? null;
    if (opts.policy === "flag") row["_grounded"] = v.supported;
    row["_meta"] = JSON.stringify(meta);
    return row;
  });
  const plan: PlannedQuestion[] = qRows.map((q, i) => ({
    id: `q${i + 1}`, subtopic: String(q["subtopic"]), question: String(q["question"]),
    hits: hitsOf[i]!.map((h) => ({ id: h.passage.id, source: h.passage.source, start: h.passage.start, end: h.passage.end, score: h.score })),
    rows: rowsPerQuestion.get(i) ?? 0,
  }));
  const report: GroundedReport = {
    need, schemaProposed: !request.schema, plan, subtopics, questionsRemoved,
    retrieval: { methods: [...retriever.methods], topK: opts.topK, passages: retrieved.size, sources: new Set(usable.flatMap((i) => hitsOf[i]!.map((h) => h.passage.source))).size },
    grounding, rowsPerSource, rowsPerSubtopic, rowsPerPassage,
  };
  if (out.length < request.rows && !totals.stoppedByBudget) {
    warnings.push(`${out.length} of ${request.rows} rows: ${grounding.dropped} unsupported rows were dropped and ${totals.duplicatesRemoved} duplicates removed, and the questions made no new rows to replace them; see stats.extra.grounded.`);
  }
  run.progress(out.length, request.rows, { invalidRows: totals.invalidRows, phase: "done" });
  return {
    frame: rowsToFrame(out, schema, [...(opts.policy === "flag" ? ["_grounded"] : []), "_meta"]),
    schema,
    stats: run.stats(out.length, {
      invalidRows: totals.invalidRows,
      duplicatesRemoved: totals.duplicatesRemoved,
      extra: { grounded: report, failedBatches: totals.failedBatches, stoppedByBudget: totals.stoppedByBudget },
    }),
    warnings,
    details: reportLines(report, schema),
    provenance: run.provenance(sha256(canonicalJson({ need, schema })).slice(0, 16)),
  };
}

/** Files of the corpus that were not read, so a user is not left wondering why a document is never cited. */
export function skippedWarning(corpus: Corpus): string {
  const shown = corpus.skipped.slice(0, 3).map((f) => `${f.source} (${f.reason})`).join("; ");
  const more = corpus.skipped.length > 3 ? `; and ${corpus.skipped.length - 3} more (loadCorpus(path).skipped lists them all)` : "";
  return `${corpus.skipped.length} file(s) of the corpus were not read: ${shown}${more}.`;
}

/** The summary lines of a grounded run: the schema, the coverage plan, retrieval and the grounding counts. */
export function reportLines(r: GroundedReport, schema: Schema): string[] {
  const bySub = r.subtopics.map((s) => `${s} (${r.plan.filter((q) => q.subtopic === s).length})`).join("; ");
  const g = r.grounding;
  const problems = Object.entries(g.problems).map(([k, n]) => `${n} ${k}`).join(", ");
  return [
    `schema${r.schemaProposed ? " (proposed by the model: review it, then pass it as schema to keep it)" : ""}: ${schemaText(schema)}`,
    `coverage plan: ${r.plan.length} questions in ${r.subtopics.length} subtopics${r.questionsRemoved ? ` (${r.questionsRemoved} near-duplicate questions removed)` : ""}: ${bySub}`,
    `retrieval: ${r.retrieval.methods.join(" + ")}, top ${r.retrieval.topK} per question, ${r.retrieval.passages} passages from ${r.retrieval.sources} files`,
    g.policy === "off"
      ? "grounding check: off"
      : `grounding check (${g.policy}): ${g.checked} rows checked, ${g.supported} supported, ${g.unsupported} unsupported` +
        `${g.policy === "drop" ? ` (dropped)` : ` (flagged in _grounded)`}${problems ? `: ${problems}` : ""}`,
  ].map((l) => printableLine(l, 400));
}

