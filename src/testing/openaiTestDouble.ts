/**
 * A REAL local HTTP server speaking the OpenAI REST API, for tests and benchmarks.
 *
 * THIS IS A TEST DOUBLE, NOT A LANGUAGE MODEL. Its "model" is a deterministic, seeded synthesizer
 * that reads the JSON schema of the request (response_format json_schema, or the schema block the
 * prompt carries) and fills it with values of the right types. Its output must never be presented
 * as a model's. Responses carry model / system_fingerprint "synthlab-test-double" to make that plain.
 *
 * Grounded prompts (src/generate/grounded/pipeline.ts) get plausible answers: a schema proposal
 * (a text column and a label), a coverage plan whose questions are built from the need's words
 * (with one planted near-duplicate question), and rows whose values are spans and numbers copied
 * from the passages in the prompt, citing their ids. `plantUnsupported` makes a share of those rows
 * unsupported on purpose (invented text, half-invented text, an altered number, a citation of a passage not given);
 * `plantedRows()` lists them, so tests and benchmarks know which rows the grounding check must catch.
 *
 * Endpoints: POST /v1/chat/completions (non-streaming), POST /v1/embeddings, POST /v1/files
 * (multipart), GET /v1/files/:id/content, POST /v1/batches, GET /v1/batches/:id, GET /v1/models.
 *
 * Its embeddings are NOT a model's either: hashed character trigrams of the words (signed feature
 * hashing into `embeddingDim` buckets, L2-normalised), so texts that share word pieces ("brewed",
 * "brewing") are near, and nothing else is. Deterministic; `embeddings: "none"` (404) or
 * `"reject"` (400) plays a server without them.
 *
 * Server-wide knobs (for comparisons of several servers): latency and its seeded jitter, an error
 * rate (HTTP 500), a share of broken rows (output quality), the model names served (else 404), and
 * death after N answers (`dieAfter`, or `kill()`: a node of a pool killed mid-run).
 * Misbehaviour is scripted per chat request in arrival order (`server.script(...)`): latency,
 * HTTP errors with retry-after, malformed bodies, truncated or filtered output, wrong types,
 * duplicate rows, copies of the prompt's example rows, arbitrary content (programs, malicious
 * ones included), or a request that never answers. Every request is recorded so tests can count
 * them and check that no secret leaked into them.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type ChatAction =
  | { kind: "ok"; latencyMs?: number }
  /** An HTTP error status; retryAfter in seconds (or an HTTP date string), retryAfterMs as the OpenAI header. */
  | { kind: "status"; status: number; retryAfter?: number | string; retryAfterMs?: number; message?: string; latencyMs?: number }
  /** HTTP 200 with a body that is not valid JSON. */
  | { kind: "malformed" }
  /** Output cut off: half the content, finish_reason "length". */
  | { kind: "length" }
  /** Empty content with finish_reason "content_filter". */
  | { kind: "content_filter" }
  /** Rows whose values have the wrong types (numbers as words, strings as numbers). */
  | { kind: "wrong-types" }
  /** Every row a copy of the first. */
  | { kind: "duplicates" }
  /** The example rows found in the prompt, returned as the answer. */
  | { kind: "copy-examples" }
  /** Literal message content (a program, prose, broken JSON ...). */
  | { kind: "content"; content: string; finishReason?: string; latencyMs?: number }
  /** Never answers (until the server closes): for client timeouts. */
  | { kind: "hang" };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
  /** The HTTP status written back; absent while in flight, or when the connection was cut first. */
  status?: number;
}

export interface OpenAiServerOptions {
  /** Latency added to every chat completion (ms). */
  latencyMs?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** How the server treats response_format json_schema: honour it, reject it with 400, or ignore it. */
  structuredOutputs?: "honour" | "reject" | "ignore";
  /** Wrap schema-in-prompt answers in prose and a code fence, like chatty models do. */
  fencedAnswers?: boolean;
  /** GET /v1/batches/:id polls before a batch reports "completed". */
  batchPolls?: number;
  /** Fallback action when the script is empty. */
  defaultAction?: ChatAction;
  /** Extra latency per chat completion, uniform in [0, latencyJitterMs) (seeded), for latency spreads. */
  latencyJitterMs?: number;
  /** Share of unscripted chat requests answered with HTTP 500 (seeded, so runs repeat). */
  errorRate?: number;
  /** Output quality: share of rows whose values get the wrong types (the client rejects them). */
  badRowRate?: number;
  /** Model names this server serves; a request for another gets 404 "model not found". Default: any. */
  models?: readonly string[];
  /** Seed of the jitter, error and bad-row draws (default 0). */
  seed?: number;
  /**
   * A node killed mid-run: after answering this many chat completions and embedding requests the server dies at once: it
   * stops listening (later connections are refused) and cuts every open connection, requests in flight included.
   */
  dieAfter?: number;
  /** Grounded prompts: share of synthesized rows made unsupported on purpose (0..1, default 0). */
  plantUnsupported?: number;
  /** Which kinds of unsupported rows to plant (default all four). */
  plantKinds?: readonly PlantKind[];
  /** POST /v1/embeddings: served (default), absent (404, as most chat-only servers), or refused (400, "model does not support embeddings"). */
  embeddings?: "serve" | "none" | "reject";
  /** Length of the test double's embedding vectors (default 256). */
  embeddingDim?: number;
}

/**
 * Kinds of planted unsupported rows: a text value found in no passage, a copied phrase whose second
 * half is invented (a model running on past its source), a number changed, a citation of a passage
 * the prompt did not give.
 */
export type PlantKind = "invented-text" | "half-invented-text" | "altered-number" | "wrong-citation";
export const PLANT_KINDS: readonly PlantKind[] = ["invented-text", "half-invented-text", "altered-number", "wrong-citation"];

/** A row the double made unsupported on purpose: the kind, and the row as answered (with its `cites`). */
export interface PlantedRow {
  kind: PlantKind;
  row: Record<string, unknown>;
}

export interface OpenAiTestServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:PORT/v1 */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queue actions for the next chat requests, in order. */
  script(...actions: ChatAction[]): void;
  /** Chat completion requests received (including failed ones). */
  chatRequests(): RecordedRequest[];
  /** Queue actions for the next embedding requests, in order (only "ok", "status" and "malformed" apply). */
  scriptEmbeddings(...actions: ChatAction[]): void;
  /** Embedding requests received (including failed ones). */
  embeddingRequests(): RecordedRequest[];
  /** Highest number of chat requests in flight at once. */
  readonly maxInFlight: number;
  /** Rows of grounded answers made unsupported on purpose (see `plantUnsupported`), in answer order. */
  plantedRows(): PlantedRow[];
  /** TCP connections accepted so far (keep-alive reuse shows as few connections). */
  readonly connections: number;
  /** Whether the server has died (`dieAfter`, or `kill()`). */
  readonly dead: boolean;
  resetCounters(): void;
  /** Dies at once, as a killed process would: stops listening and cuts every connection, requests in flight included. */
  kill(): void;
  close(): Promise<void>;
}

export const TEST_DOUBLE_MODEL = "synthlab-test-double";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** Deterministic PRNG (mulberry32) so the same request always gets the same answer. */
function rngFrom(seedText: string): () => number {
  let a = createHash("sha256").update(seedText).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "amber", "basil", "cedar", "delta", "ember", "fjord", "grove", "harbor", "indigo", "juniper", "kestrel", "lumen",
  "meadow", "nectar", "onyx", "pepper", "quartz", "river", "saffron", "timber", "umber", "violet", "willow", "yarrow",
];
const NAMES = ["Olena", "Taras", "Iryna", "Mykola", "Sofia", "Andrii", "Daria", "Bohdan"];
const PLACES = ["Kyiv", "Lviv", "Odesa", "Dnipro", "Kharkiv", "Poltava"];

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

function asObject(v: unknown): JsonObject | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

function typesOf(schema: JsonObject): string[] {
  const t = schema["type"];
  if (typeof t === "string") return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === "string");
  if (schema["enum"]) return ["enum"];
  if (schema["properties"]) return ["object"];
  return ["string"];
}

/** Fills a JSON schema with values of the right types. `count` sizes the top-level rows array. */
function synthesize(schema: JsonObject, rng: () => number, count: number, depth = 0): Json {
  const anyOf = schema["anyOf"];
  if (Array.isArray(anyOf) && anyOf.length) {
    const nonNull = anyOf.map(asObject).filter((s): s is JsonObject => !!s && s["type"] !== "null");
    return nonNull.length ? synthesize(nonNull[0]!, rng, count, depth) : null;
  }
  const enumValues = schema["enum"];
  if (Array.isArray(enumValues) && enumValues.length) return pick(rng, enumValues);
  const types = typesOf(schema);
  const nonNull = types.filter((t) => t !== "null");
  if (types.includes("null") && rng() < 0.05) return null;
  const type = nonNull[0] ?? "string";
  switch (type) {
    case "object": {
      const props = asObject(schema["properties"]) ?? {};
      if ("text" in props && "entities" in props) return synthesizeNer(props, rng);
      const out: JsonObject = {};
      for (const [k, sub] of Object.entries(props)) out[k] = synthesize(asObject(sub) ?? {}, rng, count, depth + 1);
      return out;
    }
    case "array": {
      const items = asObject(schema["items"]) ?? {};
      const n = depth === 1 ? count : 2 + Math.floor(rng() * 3);
      return Array.from({ length: n }, () => synthesize(items, rng, count, depth + 1));
    }
    case "integer": {
      const lo = typeof schema["minimum"] === "number" ? schema["minimum"] : 0;
      const hi = typeof schema["maximum"] === "number" ? schema["maximum"] : 100;
      return Math.floor(lo + rng() * (hi - lo + 1));
    }
    case "number": {
      const lo = typeof schema["minimum"] === "number" ? schema["minimum"] : 0;
      const hi = typeof schema["maximum"] === "number" ? schema["maximum"] : 100;
      return Math.round((lo + rng() * (hi - lo)) * 100) / 100;
    }
    case "boolean":
      return rng() < 0.5;
    default: {
      const format = schema["format"];
      // Ranges of date/time strings travel in the description ("between A and B"): strict JSON
      // schema has no keyword for them.
      const range = /between ([\d:.TZ+-]+) and ([\d:.TZ+-]+)/.exec(String(schema["description"] ?? ""));
      if (format === "time") {
        const sec = (t: string): number => { const [h, m, x] = t.split(":").map(Number); return (h ?? 0) * 3600 + (m ?? 0) * 60 + Math.floor(x ?? 0); };
        const lo = range ? sec(range[1]!) : 0;
        const hi = range ? sec(range[2]!) : 86_399;
        const v = lo + Math.floor(rng() * Math.max(1, hi - lo));
        const pad = (n: number): string => String(n).padStart(2, "0");
        return `${pad(Math.floor(v / 3600))}:${pad(Math.floor((v % 3600) / 60))}:${pad(v % 60)}`;
      }
      if (format === "date-time" || format === "date") {
        const lo = range ? Date.parse(range[1]!) : Date.UTC(2022, 0, 1);
        const hi = range ? Date.parse(range[2]!) : Date.UTC(2022, 11, 31);
        const d = new Date(lo + Math.floor(rng() * Math.max(1, hi - lo) / 1000) * 1000);
        return format === "date" ? d.toISOString().slice(0, 10) : d.toISOString();
      }
      const len = 2 + Math.floor(rng() * 6);
      return Array.from({ length: len }, () => pick(rng, WORDS)).join(" ");
    }
  }
}

/** NER items: text built from words and entity mentions, with correct character offsets. */
function synthesizeNer(props: JsonObject, rng: () => number): Json {
  const entSchema = asObject(asObject(asObject(props["entities"])?.["items"])?.["properties"]);
  const labelEnum = asObject(entSchema?.["label"])?.["enum"];
  const labels = Array.isArray(labelEnum) && labelEnum.length ? labelEnum.map(String) : ["PERSON", "LOC"];
  let text = "";
  const entities: Json[] = [];
  const parts = 3 + Math.floor(rng() * 3);
  for (let i = 0; i < parts; i++) {
    if (text) text += " ";
    if (rng() < 0.4) {
      const label = pick(rng, labels);
      const mention = label.toUpperCase().startsWith("LOC") ? pick(rng, PLACES) : pick(rng, NAMES);
      entities.push({ text: mention, label, start: text.length, end: text.length + mention.length });
      text += mention;
    } else {
      text += pick(rng, WORDS);
    }
  }
  const out: JsonObject = { text: text + ".", entities };
  return out;
}

/** FNV-1a, 32 bits: a fast, stable hash for feature hashing. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The test double's "embedding" of a text (NOT a model's): each lower-cased word, padded as
 * "#word#", adds ±1 for each of its character trigrams to a hashed bucket (the sign from another
 * bit of the hash, so collisions cancel rather than pile up); the vector is L2-normalised.
 */
export function testDoubleEmbedding(text: string, dim = 256): number[] {
  const v = new Float64Array(dim);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const padded = `#${word}#`;
    for (let i = 0; i + 3 <= padded.length; i += 1) {
      const h = fnv1a(padded.slice(i, i + 3));
      v[h % dim] += h & 0x80000000 ? -1 : 1;
    }
  }
  const norm = Math.hypot(...v);
  return Array.from(v, (x) => (norm > 0 ? x / norm : 0));
}

interface ChatBody {
  model?: string;
  messages?: { role: string; content: unknown }[];
  response_format?: { type?: string; json_schema?: { schema?: unknown } };
  seed?: number;
}

function messageText(body: ChatBody): string {
  return (body.messages ?? []).map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content))).join("\n");
}

function lastUserText(body: ChatBody): string {
  const users = (body.messages ?? []).filter((m) => m.role === "user");
  const last = users[users.length - 1];
  return last ? (typeof last.content === "string" ? last.content : JSON.stringify(last.content)) : "";
}

function schemaFromPrompt(text: string): JsonObject | undefined {
  const m = /JSON Schema:\s*```json\s*\n([\s\S]*?)\n```/.exec(text);
  if (!m) return undefined;
  try {
    return asObject(JSON.parse(m[1]!));
  } catch {
    return undefined;
  }
}

function examplesFromPrompt(text: string): Json[] {
  const m = /```jsonl\s*\n([\s\S]*?)\n```/.exec(text);
  if (!m) return [];
  return m[1]!.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Json);
}

/** The name of the top-level array property (e.g. "rows" or "items"). */
function rowsKey(schema: JsonObject): string | undefined {
  const props = asObject(schema["properties"]) ?? {};
  return Object.keys(props).find((k) => asObject(props[k])?.["type"] === "array");
}

/** For llm-program prompts: a JavaScript generator written from the row schema. */
function programFor(rowSchema: JsonObject): string {
  const props = asObject(rowSchema["properties"]) ?? {};
  const fields = Object.entries(props).map(([name, raw]) => {
    const s = asObject(raw) ?? {};
    const types = typesOf(s).filter((t) => t !== "null");
    const e = s["enum"];
    let expr: string;
    if (Array.isArray(e)) expr = `pick(${JSON.stringify(e)})`;
    else if (types[0] === "integer") {
      const lo = typeof s["minimum"] === "number" ? s["minimum"] : 0;
      const hi = typeof s["maximum"] === "number" ? s["maximum"] : 100;
      expr = `${lo} + Math.floor(rng() * ${hi - lo + 1})`;
    } else if (types[0] === "number") {
      const lo = typeof s["minimum"] === "number" ? s["minimum"] : 0;
      const hi = typeof s["maximum"] === "number" ? s["maximum"] : 100;
      expr = `Math.round((${lo} + rng() * ${hi - lo}) * 100) / 100`;
    } else if (types[0] === "boolean") expr = `rng() < 0.5`;
    else if (s["format"] === "date" || s["format"] === "date-time" || s["format"] === "time") {
      const range = /between ([\d:.TZ+-]+) and ([\d:.TZ+-]+)/.exec(String(s["description"] ?? ""));
      if (s["format"] === "time") {
        const sec = (t: string): number => { const [h, m, x] = t.split(":").map(Number); return (h ?? 0) * 3600 + (m ?? 0) * 60 + Math.floor(x ?? 0); };
        const lo = range ? sec(range[1]!) : 0;
        const hi = range ? sec(range[2]!) : 86_399;
        expr = `hms(${lo} + Math.floor(rng() * ${Math.max(1, hi - lo)}))`;
      } else {
        const lo = range ? Date.parse(range[1]!) : Date.UTC(2022, 0, 1);
        const hi = range ? Date.parse(range[2]!) : Date.UTC(2022, 11, 31);
        expr = `new Date(${lo} + Math.floor(rng() * ${Math.max(1, Math.floor((hi - lo) / 1000))}) * 1000).toISOString()${s["format"] === "date" ? ".slice(0, 10)" : ""}`;
      }
    } else expr = `faker.pick(faker.words) + " " + faker.pick(faker.words) + " " + i`;
    return `      ${JSON.stringify(name)}: ${expr},`;
  });
  return [
    "Here is the generator:",
    "```javascript",
    "function generate(rng, faker, n) {",
    "  const pick = (xs) => xs[Math.floor(rng() * xs.length)];",
    "  const hms = (v) => [Math.floor(v / 3600), Math.floor((v % 3600) / 60), v % 60].map((x) => String(x).padStart(2, \"0\")).join(\":\");",
    "  const rows = [];",
    "  for (let i = 0; i < n; i++) {",
    "    rows.push({",
    ...fields,
    "    });",
    "  }",
    "  return rows;",
    "}",
    "```",
  ].join("\n");
}

// ---- grounded prompts (src/generate/grounded/pipeline.ts) ----

const STOP = new Set(["about", "that", "this", "with", "from", "have", "they", "their", "there", "which", "what", "when", "where", "into",
  "each", "some", "data", "dataset", "need", "needs", "rows", "text", "texts", "labelled", "labeled", "label", "labels", "would", "should", "could", "using"]);

/** Content words of a need, in order of first appearance. */
function needWords(need: string): string[] {
  const words = (need.toLowerCase().match(/\p{L}{4,}/gu) ?? []).filter((w) => !STOP.has(w));
  return [...new Set(words)];
}

/** Two labels named in a need ("spam or ham", "positive vs negative"), else a neutral pair. */
function needLabels(need: string): string[] {
  const m = /\blabel(?:l?ed)?\s+(?:as\s+)?([\p{L}-]+)\s+(?:or|vs\.?|versus)\s+([\p{L}-]+)\b/iu.exec(need) ?? /\b([\p{L}-]+)\s+(?:or|vs\.?|versus)\s+([\p{L}-]+)\b/iu.exec(need);
  return m && m[1]!.toLowerCase() !== m[2]!.toLowerCase() ? [m[1]!.toLowerCase(), m[2]!.toLowerCase()] : ["relevant", "background"];
}

function proposalAnswer(need: string): Json {
  return {
    columns: [
      { name: "text", kind: "text", description: "a sentence or phrase quoted from a passage", values: [] },
      { name: "label", kind: "categorical", description: "the label of the text", values: needLabels(need) },
    ],
  };
}

const QUESTION_TEMPLATES = [
  (a: string, b: string) => `What does the corpus say about ${a} and ${b}?`,
  (a: string, b: string) => `How is ${a} related to ${b} in the documents?`,
  (a: string, b: string) => `Which passages describe ${a} together with ${b}?`,
  (a: string, b: string) => `What examples of ${a} mention ${b}?`,
];

/** A coverage plan from the need's words; batch 1 also repeats its first question (a near-duplicate to remove). */
function questionsAnswer(need: string, count: number, subtopics: number, firstBatch: boolean, rng: () => number): Json {
  const words = needWords(need);
  if (words.length === 0) words.push("topic", "details");
  if (words.length === 1) words.push("details");
  const subs = words.slice(0, Math.max(1, Math.min(subtopics, words.length)));
  const out: Json[] = [];
  const seen = new Set<string>();
  const offset = Math.floor(rng() * 1000);
  for (let j = 0; out.length < count && j < count * 20; j++) {
    const sub = subs[j % subs.length]!;
    const other = words[(offset + j * 7 + 1) % words.length]!;
    if (other === sub) continue;
    const q = QUESTION_TEMPLATES[(offset + j) % QUESTION_TEMPLATES.length]!(sub, other);
    if (seen.has(q)) continue;
    seen.add(q);
    out.push({ subtopic: sub, question: q });
  }
  if (firstBatch && out.length >= 3) {
    const first = out[0] as JsonObject;
    out.push({ subtopic: first["subtopic"]!, question: String(first["question"]).toUpperCase().replace(/\?$/, " ??") });
  }
  return { questions: out };
}

interface PromptPassage { id: string; text: string; numbers: number[] }

/**
 * Plain numbers a passage writes (1,200 → 1200), as a reader copying them would: whole numbers only,
 * so no part of a time, date or version ("02:54:37.683Z", "v1.2.3") is taken for a number.
 */
function plainNumbers(text: string): number[] {
  return [...text.matchAll(/(?<![\p{L}\p{N}.,:])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\p{L}\p{N}]|[.,:]\d)/gu)].map((m) => Number(m[1]!.replace(/,/g, "") + (m[2] ?? "")));
}

function passagesFromPrompt(text: string): PromptPassage[] {
  return [...text.matchAll(/<passage id="([^"]*)" source="[^"]*">\n([\s\S]*?)\n<\/passage>/g)].map((m) => ({ id: m[1]!, text: m[2]!, numbers: plainNumbers(m[2]!) }));
}

/** A number no reading of the passage's numbers gives (not within 1 of any, nor of any ×/÷ 100, ×1000, …). */
function alteredNumber(v: number, nums: readonly number[], integer: boolean, rng: () => number): number {
  const near = nums.flatMap((n) => [n, n * 100, n / 100, n * 1e3, n * 1e6, n * 1e9]);
  let delta = 7 + Math.floor(rng() * 50);
  for (;;) {
    const x = integer ? Math.round(v + delta) : Math.round((v + delta + 0.37) * 100) / 100;
    if (near.every((n) => Math.abs(Math.abs(x) - n) >= 1)) return x;
    delta += 13;
  }
}

/** Rows copied from the prompt's passages, citing them; a share planted unsupported (recorded in `planted`). */
function groundedRowsAnswer(
  passages: readonly PromptPassage[], rowSchema: JsonObject, count: number, rng: () => number,
  plantShare: number, kinds: readonly PlantKind[], planted: PlantedRow[],
): Json {
  const props = asObject(rowSchema["properties"]) ?? {};
  const typeOf = (k: string): string => typesOf(asObject(props[k]) ?? {}).filter((t) => t !== "null")[0] ?? "string";
  const numeric = Object.keys(props).filter((k) => k !== "cites" && (typeOf(k) === "number" || typeOf(k) === "integer") && !asObject(props[k])?.["enum"]);
  const texts = Object.keys(props).filter((k) => k !== "cites" && typeOf(k) === "string" && !asObject(props[k])?.["enum"]);
  const withNumbers = passages.filter((p) => p.numbers.length > 0);
  const pool = numeric.length && withNumbers.length ? withNumbers : passages;
  const given = new Set(passages.map((p) => p.id));
  const rows: Json[] = [];
  for (let j = 0; j < count; j++) {
    const p = pool[Math.floor(rng() * pool.length)]!;
    const words = p.text.split(/\s+/).filter(Boolean);
    const row: JsonObject = {};
    for (const [k, raw] of Object.entries(props)) {
      const sub = asObject(raw) ?? {};
      if (k === "cites") { row[k] = [p.id]; continue; }
      const e = sub["enum"];
      if (Array.isArray(e) && e.length) { row[k] = pick(rng, e.filter((x) => x !== null)); continue; }
      const t = typeOf(k);
      if (t === "number" || t === "integer") {
        const nums = t === "integer" ? p.numbers.filter(Number.isInteger) : p.numbers;
        row[k] = nums.length ? pick(rng, nums) : p.numbers.length ? Math.round(pick(rng, p.numbers)) : synthesize(sub, rng, 1);
      } else if (t === "boolean") row[k] = rng() < 0.5;
      else {
        const len = Math.min(words.length, 4 + Math.floor(rng() * 9));
        const start = Math.floor(rng() * Math.max(1, words.length - len + 1));
        row[k] = words.slice(start, start + len).join(" ") || p.text.slice(0, 40);
      }
    }
    if (plantShare > 0 && rng() < plantShare) {
      const can = kinds.filter((kind) => kind === "wrong-citation" || (kind.endsWith("invented-text") ? texts.length > 0 : numeric.some((k) => typeof row[k] === "number")));
      if (can.length) {
        const kind = pick(rng, can);
        if (kind === "invented-text") {
          row[texts[0]!] = Array.from({ length: 6 }, () => pick(rng, WORDS)).join(" ");
        } else if (kind === "half-invented-text") {
          const kept = String(row[texts[0]!]).split(" ");
          const half = Math.max(1, Math.ceil(kept.length / 2));
          row[texts[0]!] = [...kept.slice(0, half), ...Array.from({ length: Math.max(2, kept.length - half) }, () => pick(rng, WORDS))].join(" ");
        } else if (kind === "altered-number") {
          const k = numeric.find((c) => typeof row[c] === "number")!;
          row[k] = alteredNumber(row[k] as number, p.numbers, typeOf(k) === "integer", rng);
        } else {
          const m = /^(.*?)(\d+)$/.exec(p.id);
          let n = 1000 + j;
          let id = m ? `${m[1]}${Number(m[2]) + n}` : `${p.id}-x${n}`;
          while (given.has(id)) id = m ? `${m[1]}${Number(m[2]) + ++n}` : `${p.id}-x${++n}`;
          row["cites"] = [id];
        }
        planted.push({ kind, row: JSON.parse(JSON.stringify(row)) as Record<string, unknown> });
      }
    }
    rows.push(row);
  }
  return { rows };
}

function breakTypes(value: Json, rng: () => number): Json {
  if (Array.isArray(value)) return value.map((v) => breakTypes(v, rng));
  const obj = asObject(value);
  if (obj) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === "number") out[k] = "not-a-number";
      else if (typeof v === "string") out[k] = 12345;
      else if (typeof v === "boolean") out[k] = "maybe";
      else out[k] = breakTypes(v, rng);
    }
    return out;
  }
  return value;
}

function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

interface Completion {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiTestServer> {
  const queue: ChatAction[] = [];
  const embeddingQueue: ChatAction[] = [];
  const requests: RecordedRequest[] = [];
  const files = new Map<string, { content: string; filename: string; purpose: string }>();
  const batches = new Map<string, { record: JsonObject; polls: number }>();
  const pending = new Set<http.ServerResponse>();
  const planted: PlantedRow[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let counter = 0;
  let answered = 0;
  let dead = false;
  let dying = false;
  const structured = options.structuredOutputs ?? "honour";
  // One seeded stream for the server's own draws (jitter, error rate), in request arrival order.
  const draws = rngFrom(`server|${options.seed ?? 0}`);

  const json = (status: number, value: unknown, headers: Record<string, string> = {}): Completion => ({
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(value),
  });
  const apiError = (status: number, message: string, type = "invalid_request_error", headers: Record<string, string> = {}) =>
    json(status, { error: { message, type, code: null, param: null } }, headers);

  /** The synthesizer's answer to one chat body (content + finish reason), before misbehaviour. */
  function answer(body: ChatBody, action: ChatAction): { content: string; finish: string } {
    const text = messageText(body);
    const rng = rngFrom(JSON.stringify(body.messages ?? []) + "|" + String(body.seed ?? ""));
    const countMatch = /exactly (\d+) (?:rows|items|examples|records)/i.exec(lastUserText(body)) ?? /exactly (\d+) (?:rows|items|examples|records)/i.exec(text);
    const count = countMatch ? Number(countMatch[1]) : 5;

    if (/function generate\(rng, faker, n\)/.test(text) && /Write a (?:JavaScript|TypeScript) program/i.test(text)) {
      const schema = schemaFromPrompt(text) ?? {};
      return { content: programFor(schema), finish: "stop" };
    }
    const fromFormat = structured === "honour" ? asObject(body.response_format?.json_schema?.schema) : undefined;
    const schema = fromFormat ?? schemaFromPrompt(text);
    const fence = (v: Json): { content: string; finish: string } => {
      const raw = JSON.stringify(v);
      return { content: !fromFormat && (options.fencedAnswers ?? true) ? `Sure! Here is the data:\n\`\`\`json\n${raw}\n\`\`\`\nLet me know if you need more.` : raw, finish: "stop" };
    };
    const user = lastUserText(body);
    const need = /^Need: (.*)$/m.exec(user)?.[1] ?? "";
    if (/^Propose the columns of a dataset for this need\./.test(user)) return fence(proposalAnswer(need));
    if (/^Write a coverage plan for this need/.test(user)) {
      const q = /exactly (\d+) questions/.exec(user);
      const subs = /split it into (\d+) subtopics/.exec(user);
      return fence(questionsAnswer(need, q ? Number(q[1]) : 5, subs ? Number(subs[1]) : 3, !/This is batch \d+/.test(user), rng));
    }
    const passages = passagesFromPrompt(user);
    const rowSchema = asObject(asObject(asObject(schema?.["properties"])?.["rows"])?.["items"]);
    if (passages.length && rowSchema) {
      return fence(groundedRowsAnswer(passages, rowSchema, count, rng, options.plantUnsupported ?? 0, options.plantKinds ?? PLANT_KINDS, planted));
    }
    if (!schema) return { content: "I am a test double and found no JSON schema in this request.", finish: "stop" };
    let value = synthesize(schema, rng, count);
    const key = rowsKey(schema);
    const obj = asObject(value);
    if (key && obj && Array.isArray(obj[key])) {
      const rows = obj[key] as Json[];
      if (action.kind === "wrong-types") obj[key] = breakTypes(rows, rng);
      else if ((options.badRowRate ?? 0) > 0) obj[key] = rows.map((r) => (rng() < options.badRowRate! ? breakTypes(r, rng) : r));
      if (action.kind === "duplicates" && rows.length) obj[key] = rows.map(() => rows[0]!);
      if (action.kind === "copy-examples") {
        const ex = examplesFromPrompt(text);
        if (ex.length) obj[key] = ex.slice(0, count);
      }
      value = obj;
    }
    const raw = JSON.stringify(value);
    const fenced = !fromFormat && (options.fencedAnswers ?? true);
    return { content: fenced ? `Sure! Here is the data:\n\`\`\`json\n${raw}\n\`\`\`\nLet me know if you need more.` : raw, finish: "stop" };
  }

  function completionBody(body: ChatBody, content: string | null, finish: string): string {
    counter += 1;
    const prompt = approxTokens(messageText(body));
    const completion = content ? approxTokens(content) : 0;
    return JSON.stringify({
      id: `chatcmpl-test-${counter}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: TEST_DOUBLE_MODEL,
      system_fingerprint: TEST_DOUBLE_MODEL,
      choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, finish_reason: finish, logprobs: null }],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    });
  }

  /** Runs one chat completion (also used for batch lines, which never misbehave). */
  function chat(body: ChatBody, action: ChatAction): Completion {
    if (!Array.isArray(body.messages) || body.messages.length === 0) return apiError(400, "messages must be a non-empty array");
    if (body.response_format?.type === "json_schema" && structured === "reject") {
      return apiError(400, "response_format json_schema is not supported by this server");
    }
    switch (action.kind) {
      case "status": {
        const headers: Record<string, string> = {};
        if (action.retryAfter !== undefined) headers["retry-after"] = String(action.retryAfter);
        if (action.retryAfterMs !== undefined) headers["retry-after-ms"] = String(action.retryAfterMs);
        const type = action.status === 429 ? "rate_limit_exceeded" : "server_error";
        return apiError(action.status, action.message ?? `scripted ${action.status}`, type, headers);
      }
      case "malformed":
        return { status: 200, headers: { "content-type": "application/json" }, body: '{"id": "chatcmpl-broken", "choices": [ {"mess' };
      case "content_filter":
        return { status: 200, headers: { "content-type": "application/json" }, body: completionBody(body, null, "content_filter") };
      case "content":
        return { status: 200, headers: { "content-type": "application/json" }, body: completionBody(body, action.content, action.finishReason ?? "stop") };
      case "length": {
        const { content } = answer(body, action);
        return { status: 200, headers: { "content-type": "application/json" }, body: completionBody(body, content.slice(0, Math.floor(content.length / 2)), "length") };
      }
      default: {
        const { content, finish } = answer(body, action);
        return { status: 200, headers: { "content-type": "application/json" }, body: completionBody(body, content, finish) };
      }
    }
  }

  function parseMultipart(contentType: string, raw: Buffer): Map<string, { filename?: string; content: string }> {
    const parts = new Map<string, { filename?: string; content: string }>();
    const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
    if (!m) return parts;
    const boundary = `--${m[1] ?? m[2]}`;
    for (const chunk of raw.toString("utf8").split(boundary)) {
      const sep = chunk.indexOf("\r\n\r\n");
      if (sep < 0) continue;
      const head = chunk.slice(0, sep);
      let content = chunk.slice(sep + 4);
      if (content.endsWith("\r\n")) content = content.slice(0, -2);
      const name = /name="([^"]+)"/.exec(head)?.[1];
      const filename = /filename="([^"]*)"/.exec(head)?.[1];
      if (name) parts.set(name, filename === undefined ? { content } : { filename, content });
    }
    return parts;
  }

  function completeBatch(record: JsonObject): void {
    const input = files.get(String(record["input_file_id"]));
    const lines = (input?.content ?? "").split("\n").filter((l) => l.trim());
    const out: string[] = [];
    let failed = 0;
    for (const line of lines) {
      const req = JSON.parse(line) as { custom_id: string; body: ChatBody };
      const res = chat(req.body, { kind: "ok" });
      counter += 1;
      if (res.status !== 200) failed += 1;
      out.push(JSON.stringify({
        id: `batch_req_${counter}`,
        custom_id: req.custom_id,
        response: res.status === 200 ? { status_code: 200, request_id: `req_${counter}`, body: JSON.parse(res.body) as Json } : null,
        error: res.status === 200 ? null : { code: "server_error", message: res.body },
      }));
    }
    const fileId = `file-out-${++counter}`;
    files.set(fileId, { content: out.join("\n") + "\n", filename: "output.jsonl", purpose: "batch_output" });
    record["status"] = "completed";
    record["output_file_id"] = fileId;
    record["completed_at"] = Math.floor(Date.now() / 1000);
    record["request_counts"] = { total: lines.length, completed: lines.length - failed, failed };
  }

  async function route(req: http.IncomingMessage, raw: Buffer): Promise<Completion | "hang"> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    if (options.apiKey && req.headers["authorization"] !== `Bearer ${options.apiKey}`) {
      return apiError(401, "Incorrect API key provided (test double).", "invalid_api_key");
    }
    if (req.method === "POST" && path === "/v1/chat/completions") {
      const scripted = queue.shift();
      const fault = !scripted && (options.errorRate ?? 0) > 0 && draws() < options.errorRate!;
      const action: ChatAction = scripted ?? (fault ? { kind: "status", status: 500, message: "scripted error rate (test double)" } : options.defaultAction ?? { kind: "ok" });
      const jitter = (options.latencyJitterMs ?? 0) > 0 ? Math.floor(draws() * options.latencyJitterMs!) : 0;
      const latency = (("latencyMs" in action ? action.latencyMs : undefined) ?? options.latencyMs ?? 0) + jitter;
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      if (action.kind === "hang") return "hang";
      let body: ChatBody;
      try {
        body = JSON.parse(raw.toString("utf8")) as ChatBody;
      } catch {
        return apiError(400, "request body is not JSON");
      }
      if (options.models && !options.models.includes(String(body.model))) {
        return apiError(404, `The model \`${String(body.model)}\` does not exist (test double serves ${options.models.join(", ")}).`, "model_not_found");
      }
      return chat(body, action);
    }
    if (req.method === "POST" && path === "/v1/embeddings" && (options.embeddings ?? "serve") !== "none") {
      const action = embeddingQueue.shift() ?? { kind: "ok" };
      if ("latencyMs" in action && action.latencyMs) await new Promise((r) => setTimeout(r, action.latencyMs));
      if (action.kind === "status") {
        const headers: Record<string, string> = {};
        if (action.retryAfterMs !== undefined) headers["retry-after-ms"] = String(action.retryAfterMs);
        return apiError(action.status, action.message ?? `scripted ${action.status}`, action.status === 429 ? "rate_limit_exceeded" : "server_error", headers);
      }
      if (action.kind === "malformed") return { status: 200, headers: { "content-type": "application/json" }, body: '{"object": "list", "data": [ {"emb' };
      let body: { model?: unknown; input?: unknown; encoding_format?: unknown };
      try {
        body = JSON.parse(raw.toString("utf8")) as typeof body;
      } catch {
        return apiError(400, "request body is not JSON");
      }
      if (options.embeddings === "reject") return apiError(400, `model \`${String(body.model)}\` does not support embeddings (test double)`);
      if (options.models && !options.models.includes(String(body.model))) {
        return apiError(404, `The model \`${String(body.model)}\` does not exist (test double serves ${options.models.join(", ")}).`, "model_not_found");
      }
      const inputs = typeof body.input === "string" ? [body.input] : Array.isArray(body.input) && body.input.every((x) => typeof x === "string") ? (body.input as string[]) : undefined;
      if (!inputs || inputs.length === 0) return apiError(400, "input must be a string or a non-empty array of strings");
      const base64 = body.encoding_format === "base64";
      const data = inputs.map((text, index) => {
        const vector = testDoubleEmbedding(text, options.embeddingDim ?? 256);
        const embedding = base64 ? Buffer.from(Float32Array.from(vector).buffer).toString("base64") : vector;
        return { object: "embedding", index, embedding };
      });
      const tokens = inputs.reduce((sum, t) => sum + approxTokens(t), 0);
      return json(200, { object: "list", data, model: TEST_DOUBLE_MODEL, usage: { prompt_tokens: tokens, total_tokens: tokens } });
    }
    if (req.method === "GET" && path === "/v1/models") {
      return json(200, { object: "list", data: [{ id: TEST_DOUBLE_MODEL, object: "model", created: 0, owned_by: "synthlab-tests" }] });
    }
    if (req.method === "POST" && path === "/v1/files") {
      const parts = parseMultipart(String(req.headers["content-type"] ?? ""), raw);
      const file = parts.get("file");
      if (!file) return apiError(400, "multipart field 'file' is required");
      const id = `file-${++counter}`;
      const purpose = parts.get("purpose")?.content ?? "";
      files.set(id, { content: file.content, filename: file.filename ?? "upload", purpose });
      return json(200, { id, object: "file", bytes: Buffer.byteLength(file.content), created_at: Math.floor(Date.now() / 1000), filename: file.filename ?? "upload", purpose, status: "processed" });
    }
    const fileContent = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (req.method === "GET" && fileContent) {
      const f = files.get(fileContent[1]!);
      if (!f) return apiError(404, `No such file: ${fileContent[1]}`);
      return { status: 200, headers: { "content-type": "application/octet-stream" }, body: f.content };
    }
    if (req.method === "POST" && path === "/v1/batches") {
      const b = JSON.parse(raw.toString("utf8")) as { input_file_id?: string; endpoint?: string; completion_window?: string };
      if (!b.input_file_id || !files.has(b.input_file_id)) return apiError(400, "input_file_id does not name an uploaded file");
      const id = `batch_${++counter}`;
      const record: JsonObject = {
        id, object: "batch", endpoint: b.endpoint ?? "/v1/chat/completions", input_file_id: b.input_file_id,
        completion_window: b.completion_window ?? "24h", status: "validating", output_file_id: null, error_file_id: null,
        created_at: Math.floor(Date.now() / 1000), errors: null, request_counts: { total: 0, completed: 0, failed: 0 },
      };
      batches.set(id, { record, polls: 0 });
      return json(200, record);
    }
    const batchGet = /^\/v1\/batches\/([^/]+)$/.exec(path);
    if (req.method === "GET" && batchGet) {
      const b = batches.get(batchGet[1]!);
      if (!b) return apiError(404, `No such batch: ${batchGet[1]}`);
      b.polls += 1;
      if (b.record["status"] !== "completed") {
        if (b.polls >= (options.batchPolls ?? 2)) completeBatch(b.record);
        else b.record["status"] = "in_progress";
      }
      return json(200, b.record);
    }
    return apiError(404, `Unknown route ${req.method} ${path} (test double)`);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : String(v ?? "");
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      requests.push({ method: req.method ?? "GET", path, headers, body: raw.toString("utf8"), at: Date.now() });
      const isChat = path === "/v1/chat/completions";
      if (isChat) {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
      }
      pending.add(res);
      const record = requests[requests.length - 1]!;
      route(req, raw)
        .then((out) => {
          if (out === "hang" || dead || dying) return;
          res.writeHead(out.status, out.headers);
          res.end(out.body);
          record.status = out.status;
          if ((isChat || path === "/v1/embeddings") && out.status === 200 && ++answered === options.dieAfter) {
            // The last answer reaches the client (it counts as answered); nothing after it does.
            dying = true;
            res.once("finish", kill);
          }
        })
        .catch((err: unknown) => {
          if (dead || dying) return;
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: `test double failed: ${String(err)}`, type: "server_error" } }));
        })
        .finally(() => {
          if (isChat) inFlight -= 1;
        });
      res.on("close", () => pending.delete(res));
    });
  });
  function kill(): void {
    if (dead) return;
    dead = true;
    server.close();
    for (const res of pending) res.destroy();
    server.closeAllConnections();
  }
  server.keepAliveTimeout = 30_000;
  let connections = 0;
  server.on("connection", () => { connections += 1; });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...actions) => { queue.push(...actions); },
    chatRequests: () => requests.filter((r) => r.path === "/v1/chat/completions"),
    scriptEmbeddings: (...actions) => { embeddingQueue.push(...actions); },
    embeddingRequests: () => requests.filter((r) => r.path === "/v1/embeddings"),
    get maxInFlight() { return maxInFlight; },
    plantedRows: () => [...planted],
    get connections() { return connections; },
    get dead() { return dead; },
    resetCounters: () => { requests.length = 0; maxInFlight = 0; },
    kill,
    close: async () => {
      for (const res of pending) res.destroy();
      server.closeAllConnections();
      if (!server.listening) return;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
