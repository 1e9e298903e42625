/**
 * text mode: labeled text for NLP training sets — classification, NER (entity spans checked
 * against the text, offsets repaired by searching when the model miscounted), dialogues and
 * summaries. Balanced labels use one request stream per label with its own quota. Quality
 * figures (duplicates, distinct-n, lengths, label balance) come from ../text/quality.ts.
 */
import { frameToRecords, type Row } from "../../data/frame.js";
import type { Schema } from "../../data/types.js";
import { GenerateError, type GenerateHooks, type GenerateRequest, type GenerateResult, type TextTask } from "../types.js";
import { textQuality } from "../text/quality.js";
import { canonicalJson, sha256 } from "./cache.js";
import type { ChatRequest } from "./client.js";
import { createRowDeduper, dedupMode } from "../dedup.js";
import { runEngine, type BatchContext, type ParsedBatch, type StreamSpec } from "./engine.js";
import { extractList } from "./extract.js";
import { listJsonSchema, type JsonSchema } from "./jsonschema.js";
import { prefetchWithBatchApi } from "./batch.js";
import { avoidBlock, examplesBlock, schemaBlock } from "./rows.js";
import { checkRowCount, planEstimate, rowsToFrame, startRun, withMeta } from "./run.js";
import { quoteValue } from "../../display/untrusted.js";

export const TEXT_TASKS: readonly TextTask[] = ["classification", "ner", "dialogue", "summary"];
const DEFAULT_NER_LABELS = ["PERSON", "ORG", "LOC"];

export interface Entity {
  start: number;
  end: number;
  label: string;
  text: string;
}

/**
 * Checks each entity span against the text: `text.slice(start, end)` must equal the entity text.
 * A wrong span is moved to the occurrence of the entity text nearest the claimed start; an entity
 * whose text does not occur at all is dropped.
 */
export function verifySpans(text: string, entities: readonly Entity[]): { entities: Entity[]; fixed: number; dropped: number } {
  const out: Entity[] = [];
  let fixed = 0;
  let dropped = 0;
  for (const e of entities) {
    if (e.text && text.slice(e.start, e.end) === e.text) {
      out.push(e);
      continue;
    }
    if (!e.text) { dropped += 1; continue; }
    let best = -1;
    for (let at = text.indexOf(e.text); at >= 0; at = text.indexOf(e.text, at + 1)) {
      if (best < 0 || Math.abs(at - e.start) < Math.abs(best - e.start)) best = at;
    }
    if (best < 0) { dropped += 1; continue; }
    out.push({ ...e, start: best, end: best + e.text.length });
    fixed += 1;
  }
  out.sort((a, b) => a.start - b.start || a.end - b.end);
  return { entities: out, fixed, dropped };
}

function outputSchema(task: TextTask, labels: readonly string[]): Schema {
  const label = labels.length ? [{ name: "label", kind: "categorical" as const, values: [...labels] }] : [];
  switch (task) {
    case "classification":
      return { columns: [{ name: "text", kind: "text" }, ...label] };
    case "ner":
      return { columns: [{ name: "text", kind: "text" }, { name: "entities", kind: "text", description: "JSON array of {start, end, label, text}" }] };
    case "dialogue":
      return { columns: [{ name: "text", kind: "text" }, { name: "dialogue", kind: "text", description: "JSON array of {speaker, text}" }, { name: "turns", kind: "integer" }, ...label] };
    case "summary":
      return { columns: [{ name: "document", kind: "text" }, { name: "text", kind: "text", description: "the summary" }] };
  }
}

function itemSchema(task: TextTask, labels: readonly string[]): JsonSchema {
  const str = { type: "string" };
  const obj = (props: Record<string, unknown>): JsonSchema => ({ type: "object", properties: props, required: Object.keys(props), additionalProperties: false });
  switch (task) {
    case "classification":
      return obj({ text: str, label: { type: "string", enum: [...labels] } });
    case "ner":
      return obj({
        text: str,
        entities: { type: "array", items: obj({ text: str, label: { type: "string", enum: [...labels] }, start: { type: "integer" }, end: { type: "integer" } }) },
      });
    case "dialogue":
      return obj({
        ...(labels.length ? { label: { type: "string", enum: [...labels] } } : {}),
        turns: { type: "array", items: obj({ speaker: { type: "string", enum: ["user", "assistant"] }, text: str }) },
      });
    case "summary":
      return obj({ document: str, summary: str });
  }
}

function instructions(task: TextTask, labels: readonly string[]): string {
  switch (task) {
    case "classification":
      return `Write short, realistic texts for a text-classification training set. Labels: ${labels.join(", ")}. Vary length, tone and vocabulary.`;
    case "ner":
      return `Write realistic sentences for a named-entity-recognition training set with entity types ${labels.join(", ")}. ` +
        "For every entity give its exact text and its character offsets: start is the 0-based index of its first character in text, end is one past its last character.";
    case "dialogue":
      return `Write realistic multi-turn dialogues between a user and an assistant${labels.length ? `, each with one label of ${labels.join(", ")}` : ""}. 2 to 8 turns each.`;
    case "summary":
      return "Write realistic short documents (one or two paragraphs) and a faithful one- or two-sentence summary of each.";
  }
}

const isStr = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

export async function generateLlmText(request: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult> {
  checkRowCount(request, "text");
  const task: TextTask = request.textTask ?? "classification";
  if (!TEXT_TASKS.includes(task)) throw new GenerateError(`Unknown text task "${String(task)}": use one of ${TEXT_TASKS.join(", ")}.`);
  const labels = [...(request.labels ?? (task === "ner" ? DEFAULT_NER_LABELS : []))];
  if (task === "classification" && labels.length < 2) {
    throw new GenerateError("text classification needs at least two labels: pass --labels positive,negative (for example).");
  }
  if (new Set(labels).size !== labels.length) throw new GenerateError(`Labels must be distinct, got ${labels.join(", ")}.`);
  const balanced = (request.balanced ?? false) && task !== "ner" && labels.length > 0;
  const batchSize = request.batchSize ?? (task === "summary" || task === "dialogue" ? 5 : 10);
  const run = startRun("text", request, hooks, { task, labels, balanced });
  const schema = outputSchema(task, labels);
  let structured = (run.options.structuredOutput ?? "auto") !== "prompt";
  const warnings: string[] = [...run.client.warnings];

  // Per-label quotas: equal shares, the remainder to the first labels.
  const streams: StreamSpec[] = balanced
    ? labels.map((l, i) => ({ id: l, target: Math.floor(request.rows / labels.length) + (i < request.rows % labels.length ? 1 : 0) })).filter((s) => s.target > 0)
    : [{ id: "", target: request.rows }];
  const real = request.like ? frameToRecords(request.like) : [];
  const nExamples = Math.min(real.length, request.examples ?? (real.length ? 3 : 0));

  const avoid = avoidBlock(request.avoid);
  function buildRequest(ctx: BatchContext, attempt: number): ChatRequest {
    const streamLabels = ctx.stream ? [ctx.stream] : labels;
    const schemaFull = listJsonSchema(itemSchema(task, streamLabels), "items");
    const parts = [instructions(task, labels)];
    if (request.description) parts.push(`Domain: ${request.description.trim()}`);
    if (ctx.stream) parts.push(`Every item in this answer has label "${ctx.stream}".`);
    if (nExamples) {
      const start = ctx.seed % Math.max(1, real.length);
      parts.push(examplesBlock(Array.from({ length: nExamples }, (_, i) => real[(start + i) % real.length]!)));
    }
    if (avoid) parts.push(avoid);
    if (!structured) parts.push(`Reply with JSON matching this ${schemaBlock(schemaFull)}`);
    parts.push(`Return exactly ${ctx.size} items as {"items": [...]}. This is batch ${ctx.index + 1}: make the items different from other batches.`);
    const req: ChatRequest = {
      messages: [{ role: "system", content: "You write realistic, diverse synthetic text data for NLP training sets and answer with JSON only." }, { role: "user", content: parts.join("\n\n") }],
      temperature: request.temperature ?? 1,
      seed: (ctx.seed + attempt) % 2_147_483_647,
    };
    if (structured) req.jsonSchema = { name: "items", schema: schemaFull };
    return req;
  }

  let spansFixed = 0;
  let entitiesDropped = 0;
  function parse(content: string, ctx: BatchContext): ParsedBatch {
    const list = extractList(content, "items");
    if (!list) return { rows: [], errors: ['the answer is not JSON with an "items" array'], invalid: 0 };
    const allowed = new Set(ctx.stream ? [ctx.stream] : labels);
    const rows: Row[] = [];
    const errors: string[] = [];
    const bad = (i: number, msg: string): void => { errors.push(`item ${i + 1}: ${msg}`); };
    list.forEach((raw, i) => {
      const it = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
      if (task === "classification") {
        if (!isStr(it["text"])) return bad(i, "text must be a non-empty string");
        if (!isStr(it["label"]) || !allowed.has(it["label"])) return bad(i, `label must be one of ${[...allowed].join(", ")}, got ${quoteValue(it["label"])}`);
        rows.push({ text: it["text"].trim(), label: it["label"] });
      } else if (task === "ner") {
        if (!isStr(it["text"])) return bad(i, "text must be a non-empty string");
        if (!Array.isArray(it["entities"])) return bad(i, "entities must be an array");
        const ents: Entity[] = [];
        for (const e of it["entities"] as unknown[]) {
          const x = (typeof e === "object" && e !== null ? e : {}) as Record<string, unknown>;
          if (!isStr(x["label"]) || !allowed.has(x["label"])) return bad(i, `entity label must be one of ${[...allowed].join(", ")}, got ${quoteValue(x["label"])}`);
          ents.push({ text: typeof x["text"] === "string" ? x["text"] : "", label: x["label"], start: Number(x["start"]) || 0, end: Number(x["end"]) || 0 });
        }
        const v = verifySpans(it["text"], ents);
        spansFixed += v.fixed;
        entitiesDropped += v.dropped;
        rows.push({ text: it["text"], entities: JSON.stringify(v.entities) });
      } else if (task === "dialogue") {
        const turns = it["turns"];
        if (!Array.isArray(turns) || turns.length < 2) return bad(i, "turns must be an array of at least 2 {speaker, text}");
        const clean: { speaker: string; text: string }[] = [];
        for (const t of turns as unknown[]) {
          const x = (typeof t === "object" && t !== null ? t : {}) as Record<string, unknown>;
          if (!isStr(x["speaker"]) || !isStr(x["text"])) return bad(i, "every turn needs a speaker and a non-empty text");
          clean.push({ speaker: x["speaker"], text: x["text"] });
        }
        if (labels.length && (!isStr(it["label"]) || !allowed.has(it["label"]))) return bad(i, `label must be one of ${[...allowed].join(", ")}`);
        rows.push({
          text: clean.map((t) => `${t.speaker}: ${t.text}`).join("\n"),
          dialogue: JSON.stringify(clean),
          turns: clean.length,
          ...(labels.length ? { label: it["label"] as string } : {}),
        });
      } else {
        if (!isStr(it["document"]) || !isStr(it["summary"])) return bad(i, "document and summary must be non-empty strings");
        if (it["summary"].length >= it["document"].length) return bad(i, "the summary must be shorter than the document");
        rows.push({ document: it["document"], text: it["summary"] });
      }
    });
    return { rows, errors, invalid: errors.length };
  }

  const sample = buildRequest({ stream: streams[0]!.id, index: 0, size: batchSize, seed: request.seed }, 0);
  const perItem = task === "summary" ? 200 : task === "dialogue" ? 150 : task === "ner" ? 60 : 40;
  const { estimate, warning } = planEstimate(run, Math.ceil(request.rows / batchSize), sample.messages.map((m) => m.content).join("\n"), perItem * batchSize, request.budgetUsd, request.batchApi ?? false);
  if (warning) warnings.push(warning);
  const mode = dedupMode(request.dedup);
  const keyCol = task === "summary" ? "document" : "text";
  if (request.batchApi) await prefetchWithBatchApi(run, streams, batchSize, request.seed, buildRequest, hooks);
  // Copies of real example texts among the removed duplicates, per stream (each outcome covers all of its stream's rows so far).
  const copiesOfReal = new Map<string, number>();
  const result = await runEngine({
    client: run.client,
    checkpoint: run.checkpoint,
    streams,
    batchSize,
    seed: request.seed,
    buildRequest,
    parse,
    deduper: (stream: string) => {
      const d = createRowDeduper([keyCol], { mode, real });
      return {
        push: (rows: readonly Row[]) => d.push(rows),
        outcome: () => {
          const o = d.outcome();
          copiesOfReal.set(stream, o.copiesOfReal);
          return o;
        },
      };
    },
    fallbackToPrompt: () => {
      if ((run.options.structuredOutput ?? "auto") !== "auto") return false;
      if (structured) warnings.push("The server does not support structured output (json_schema): the schema now goes in the prompt.");
      structured = false;
      return true;
    },
    ...(run.options.maxAttempts !== undefined ? { maxAttempts: run.options.maxAttempts } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onBatch: (_b, p) => run.progress(p.rows, p.target, { invalidRows: p.invalidRows }),
  });
  warnings.push(...result.warnings);
  let rows: Row[] = [];
  const metas: Record<string, unknown>[] = [];
  for (const s of streams) {
    const r = result.streams.get(s.id)!;
    rows = rows.concat(r.rows);
    for (const b of r.batches) metas.push({ method: "text", model: run.model, promptHash: b.promptHash, seed: b.seed, runId: run.runId });
  }
  if (request.meta) rows = withMeta(rows, metas);
  const texts = rows.map((r) => String(r["text"] ?? ""));
  const quality = textQuality(texts, labels.length && task !== "ner" ? rows.map((r) => (r["label"] as string | null) ?? null) : undefined);
  run.progress(rows.length, request.rows, { invalidRows: result.invalidRows, phase: "done" });
  return {
    frame: rowsToFrame(rows, schema, request.meta ? ["_meta"] : []),
    schema,
    stats: run.stats(rows.length, {
      invalidRows: result.invalidRows,
      duplicatesRemoved: result.duplicatesRemoved,
      extra: {
        task, quality, estimate, spansFixed, entitiesDropped, balanced, failedBatches: result.failedBatches, stoppedByBudget: result.stoppedByBudget,
        copiesOfRealRemoved: [...copiesOfReal.values()].reduce((a, b) => a + b, 0),
      },
    }),
    warnings,
    provenance: run.provenance(sha256(canonicalJson(sample.messages)).slice(0, 16)),
  };
}
