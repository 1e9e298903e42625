/**
 * Candidates of a comparison: an LLM endpoint (base URL, model, the NAME of the environment
 * variable holding its key, a price) or a statistical generation mode (offline, copula, …: every
 * mode of the generate library that needs no LLM, so a new one joins by its name).
 *
 * Three spellings, one meaning: objects (the library), inline strings (`--candidate` on the CLI
 * and in `%%compare`), and a JSON file holding a list of either. A key itself is never accepted:
 * it would end up in shell history, notebooks and checkpoint files.
 */
import { GENERATE_MODES } from "../generate/types.js";
import { LLM_MODES } from "../generate/llm/index.js";
import type { Price } from "../generate/llm/prices.js";
import { CompareError } from "./errors.js";

/** The generation modes that need no LLM, read from the generate library's list (grounded needs an LLM and a corpus). */
export function statisticalModes(): string[] {
  return GENERATE_MODES.filter((m) => !(LLM_MODES as readonly string[]).includes(m) && m !== "grounded");
}

/** A statistical generator: one of `statisticalModes()`. */
export interface StatisticalCandidate {
  kind: "statistical";
  name: string;
  mode: string;
  /** The mode's own generate() options, e.g. cart's { order: ["*", "money"], minLeaf: 10 } (not rows, seed, like or mode). */
  options?: Readonly<Record<string, unknown>>;
}

/** An OpenAI-compatible endpoint serving one model. */
export interface LlmCandidate {
  kind: "llm";
  name: string;
  /** Base URL including /v1, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. */
  baseURL: string;
  model: string;
  /** Name of the environment variable holding the API key (never the key); none for keyless local servers. */
  keyEnv?: string;
  /** USD per 1M input and output tokens; the model's registered price when absent. */
  price?: Price;
  /** LLM mode for table tasks: llm-rows (default) or llm-program. Text tasks always use text. */
  mode?: string;
  /** Requests in flight at once on this endpoint (the engine's default 8). */
  concurrency?: number;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  /** Rows per request. */
  batchSize?: number;
}

export type Candidate = StatisticalCandidate | LlmCandidate;

/** What callers may pass: a candidate object, a mode name ("copula") or an inline spec string. */
export type CandidateInput = Candidate | string | (Omit<LlmCandidate, "kind"> & { kind?: "llm" }) | (Omit<StatisticalCandidate, "kind" | "name"> & { kind?: "statistical"; name?: string });

const INLINE_KEYS = ["name", "base", "model", "key_env", "price_in", "price_out", "mode", "concurrency", "timeout_ms", "batch"] as const;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function nonNegative(value: string, key: string, spec: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new CompareError(`Candidate "${spec}": ${key}=${value} is not a number ≥ 0; give USD per 1M tokens, e.g. ${key}=0.15.`);
  }
  return n;
}

function wholeNumber(value: number | string, key: string, where: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CompareError(`Candidate ${where}: ${key} must be a whole number ≥ 1, got ${String(value)}.`);
  return n;
}

/**
 * Parses one inline candidate: a mode name (`copula`) or comma-separated `key=value` pairs:
 * `name=gpt,base=https://api.openai.com/v1,model=gpt-4o-mini,key_env=OPENAI_API_KEY,price_in=0.15,price_out=0.6`
 * (optional: `mode=llm-program`, `concurrency=4`, `timeout_ms=30000`, `batch=20`; `name=x,mode=copula`
 * names a statistical mode).
 */
export function parseCandidate(spec: string): Candidate {
  const text = spec.trim();
  if (!text) throw new CompareError("An empty candidate: give a mode name (e.g. copula) or name=...,base=...,model=...");
  if (!text.includes("=")) return toCandidate({ mode: text });
  const fields: Record<string, string> = {};
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? "" : part.slice(eq + 1).trim();
    if (key === "key" || key === "api_key" || key === "apiKey") {
      throw new CompareError(`Candidate "${fields["name"] ?? "?"}": never write the key itself; put it in an environment variable and give its name, e.g. key_env=OPENAI_API_KEY.`);
    }
    if (!(INLINE_KEYS as readonly string[]).includes(key)) {
      throw new CompareError(`Candidate "${text.slice(0, 60)}": unknown field "${key}"; use ${INLINE_KEYS.join(", ")}.`);
    }
    if (eq < 0 || value === "") throw new CompareError(`Candidate "${text.slice(0, 60)}": ${key} has no value; write ${key}=VALUE.`);
    fields[key] = value;
  }
  const llm = fields["base"] !== undefined || fields["model"] !== undefined;
  if (!llm) return toCandidate({ mode: fields["mode"] ?? "", ...(fields["name"] ? { name: fields["name"] } : {}) });
  const input: Record<string, unknown> = { kind: "llm", name: fields["name"], baseURL: fields["base"], model: fields["model"] };
  if (fields["key_env"] !== undefined) input["keyEnv"] = fields["key_env"];
  if (fields["price_in"] !== undefined || fields["price_out"] !== undefined) {
    if (fields["price_in"] === undefined || fields["price_out"] === undefined) {
      throw new CompareError(`Candidate "${fields["name"] ?? fields["model"]}": give both price_in and price_out (USD per 1M tokens), or neither.`);
    }
    input["price"] = { input: nonNegative(fields["price_in"], "price_in", text), output: nonNegative(fields["price_out"], "price_out", text) };
  }
  if (fields["mode"] !== undefined) input["mode"] = fields["mode"];
  if (fields["concurrency"] !== undefined) input["concurrency"] = fields["concurrency"];
  if (fields["timeout_ms"] !== undefined) input["timeoutMs"] = fields["timeout_ms"];
  if (fields["batch"] !== undefined) input["batchSize"] = fields["batch"];
  return toCandidate(input as CandidateInput);
}

/** Checks and completes one candidate (object or string). Throws CompareError with the fix. */
export function toCandidate(input: CandidateInput): Candidate {
  if (typeof input === "string") return parseCandidate(input);
  if (typeof input !== "object" || input === null) throw new CompareError(`A candidate must be an object or a string, got ${String(input)}.`);
  const o = input as Record<string, unknown>;
  for (const k of ["apiKey", "key", "api_key"]) {
    if (k in o) throw new CompareError(`Candidate "${String(o["name"] ?? "?")}": never give the key itself; set keyEnv to the name of the environment variable holding it.`);
  }
  const isLlm = o["kind"] === "llm" || (o["kind"] === undefined && (o["baseURL"] !== undefined || o["model"] !== undefined));
  if (!isLlm) {
    const mode = String(o["mode"] ?? "");
    const modes = statisticalModes();
    if (!modes.includes(mode)) {
      const hint = (LLM_MODES as readonly string[]).includes(mode) ? ` ${mode} needs an endpoint: name=...,base=URL,model=NAME[,key_env=VAR].` : "";
      throw new CompareError(`Unknown statistical candidate "${mode}": use one of ${modes.join(", ")}, or an LLM endpoint (name=...,base=URL,model=NAME).${hint}`);
    }
    const out: StatisticalCandidate = { kind: "statistical", mode, name: typeof o["name"] === "string" && o["name"] ? o["name"] : mode };
    const extra = o["options"];
    if (extra !== undefined) {
      if (typeof extra !== "object" || extra === null || Array.isArray(extra)) throw new CompareError(`Candidate "${out.name}": options must be an object of the mode's generate() options, e.g. { order: ["*", "money"] }.`);
      const shared = ["rows", "seed", "like", "mode", "schema"].filter((k) => k in extra);
      if (shared.length) throw new CompareError(`Candidate "${out.name}": ${shared.join(", ")} are the same for every candidate; set them on the comparison, not in options.`);
      out.options = { ...(extra as Record<string, unknown>) };
    }
    return out;
  }
  const name = typeof o["name"] === "string" && o["name"] ? o["name"] : typeof o["model"] === "string" ? o["model"] : "";
  const where = `"${name || "?"}"`;
  if (typeof o["model"] !== "string" || !o["model"]) throw new CompareError(`Candidate ${where}: no model; add model=NAME (the name the endpoint serves).`);
  if (typeof o["baseURL"] !== "string" || !/^https?:\/\/\S+$/.test(o["baseURL"])) {
    throw new CompareError(`Candidate ${where}: base must be an http(s) URL such as https://api.openai.com/v1, got ${JSON.stringify(o["baseURL"] ?? null)}.`);
  }
  const out: LlmCandidate = { kind: "llm", name, baseURL: o["baseURL"].replace(/\/+$/, ""), model: o["model"] };
  if (o["keyEnv"] !== undefined) {
    if (typeof o["keyEnv"] !== "string" || !ENV_NAME.test(o["keyEnv"])) {
      throw new CompareError(`Candidate ${where}: key_env must be the NAME of an environment variable (letters, digits, _), e.g. OPENAI_API_KEY; never the key itself.`);
    }
    out.keyEnv = o["keyEnv"];
  }
  if (o["price"] !== undefined) {
    const p = o["price"] as Record<string, unknown>;
    const ok = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;
    if (typeof p !== "object" || p === null || !ok(p["input"]) || !ok(p["output"])) {
      throw new CompareError(`Candidate ${where}: price must be { input, output } in USD per 1M tokens (numbers ≥ 0).`);
    }
    out.price = { input: p["input"], output: p["output"] };
  }
  if (o["mode"] !== undefined) {
    const m = String(o["mode"]);
    if (m !== "llm-rows" && m !== "llm-program") throw new CompareError(`Candidate ${where}: mode must be llm-rows or llm-program for an endpoint, got ${m}.`);
    out.mode = m;
  }
  if (o["concurrency"] !== undefined) out.concurrency = wholeNumber(o["concurrency"] as number, "concurrency", where);
  if (o["timeoutMs"] !== undefined) out.timeoutMs = wholeNumber(o["timeoutMs"] as number, "timeout_ms", where);
  if (o["batchSize"] !== undefined) out.batchSize = wholeNumber(o["batchSize"] as number, "batch", where);
  return out;
}

/** All candidates, checked: at least one, names distinct. */
export function toCandidates(inputs: readonly CandidateInput[]): Candidate[] {
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new CompareError("No candidates: give at least one, e.g. candidates: [\"offline\", \"copula\"] or --candidate copula.");
  }
  const out = inputs.map(toCandidate);
  const names = out.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new CompareError(`Two candidates are named "${dup}": give each a distinct name=...`);
  return out;
}

/**
 * Candidates from the text of a JSON file: a list, or `{ "candidates": [...] }`; each entry an
 * object (`{ "name", "base", "model", "key_env", "price_in", "price_out" }` or the camelCase
 * fields of LlmCandidate) or an inline string.
 */
export function candidatesFromJson(text: string, file = "the candidates file"): Candidate[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CompareError(`${file} is not valid JSON (${(e as Error).message}): write a list such as [{"name": "gpt", "base": "https://api.openai.com/v1", "model": "gpt-4o-mini", "key_env": "OPENAI_API_KEY"}, "copula"].`);
  }
  const list = Array.isArray(data) ? data : typeof data === "object" && data !== null && Array.isArray((data as Record<string, unknown>)["candidates"]) ? (data as Record<string, unknown[]>)["candidates"]! : undefined;
  if (!list) throw new CompareError(`${file} must hold a list of candidates (or {"candidates": [...]}).`);
  return toCandidates(list.map((entry) => (typeof entry === "object" && entry !== null ? fromFileFields(entry as Record<string, unknown>) : (entry as CandidateInput))));
}

/** The file's snake_case fields (as on the command line) mapped to LlmCandidate's. */
function fromFileFields(o: Record<string, unknown>): CandidateInput {
  const out: Record<string, unknown> = { ...o };
  const move = (from: string, to: string): void => {
    if (from in out) { out[to] = out[from]; delete out[from]; }
  };
  move("base", "baseURL");
  move("key_env", "keyEnv");
  move("timeout_ms", "timeoutMs");
  move("batch", "batchSize");
  if ("price_in" in out || "price_out" in out) {
    out["price"] = { input: Number(out["price_in"]), output: Number(out["price_out"]) };
    delete out["price_in"];
    delete out["price_out"];
  }
  return out as CandidateInput;
}

/** The candidate in one line, for tables and logs; never a key (there is none to show). */
export function describeCandidate(c: Candidate): string {
  if (c.kind === "statistical") return `${c.mode} (statistical)`;
  const price = c.price ? `, $${c.price.input}/$${c.price.output} per 1M tokens` : "";
  return `${c.model} at ${c.baseURL}${price}`;
}
