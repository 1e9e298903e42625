/**
 * A pool of OpenAI-compatible endpoints ("nodes") behind the one LLM client: which node a request
 * goes to, how many requests each node has in flight, and which nodes are cooling down.
 *
 * Configuration (docs/llm.md, "A pool of endpoints"): `endpoints` (library), `--endpoint` (repeatable)
 * or SYNTHLAB_ENDPOINTS, each node written `URL [key=ENV_VAR] [concurrency=N] [name=NAME] [price=IN/OUT]`.
 * A node's key is always read from the environment variable named by `key=`, never written inline.
 * Without any of these the client talks to one endpoint (OPENAI_BASE_URL / OPENAI_API_KEY) exactly as before.
 */
import { LlmConfigError, LlmError } from "./errors.js";
import { resolveProvider, type Env } from "./provider.js";
import type { Price } from "./prices.js";
import type { EndpointSpec, EndpointStats } from "../types.js";
import { scrubSecrets } from "../../secrets.js";

export type { EndpointSpec, EndpointStats } from "../types.js";

/** One node as configured: its key resolved from the environment (kept here only, never shown). */
export interface ResolvedEndpoint {
  name: string;
  url: string;
  apiKey: string;
  /** false: a keyless local server (a placeholder key is sent). */
  hasKey: boolean;
  concurrency?: number;
  price?: Price;
}

/** The nodes of a run, and whether they came from a pool configuration (endpoints / SYNTHLAB_ENDPOINTS). */
export interface NodeSet {
  nodes: ResolvedEndpoint[];
  /** true: configured as a pool (even of one node): cache keys and run ids use the pool's identity, not a URL. */
  pooled: boolean;
}

const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Environment variable names by convention: what `key=` is checked against before it may be echoed. */
const CONVENTIONAL_ENV_VAR = /^[A-Z_][A-Z0-9_]*$/;
const ENDPOINT_FIELDS = ["key", "concurrency", "name", "price"] as const;
const SYNTAX = '"URL key=ENV_VAR concurrency=N name=NAME" (all but URL optional)';

function fail(where: string, problem: string): never {
  // The message may quote what the user wrote: key-shaped text never leaves.
  throw new LlmConfigError(scrubSecrets(`Endpoint ${where}: ${problem}`));
}

/** A node's base URL, checked: http(s), no credentials or query (a key belongs in an environment variable). */
function checkUrl(raw: string, where: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(where, `"${raw.slice(0, 80)}" is not a URL; write the base URL, e.g. http://gpu1:8000/v1.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(where, `the URL must start with http:// or https://, e.g. http://gpu1:8000/v1.`);
  if (url.username || url.password || url.search) {
    fail(`${url.protocol}//${url.host}`, "the URL carries credentials or a query; put the key in an environment variable and name it with key=ENV_VAR.");
  }
  return raw.replace(/\/+$/, "");
}

/**
 * One node from its text form: `URL [key=ENV_VAR] [concurrency=N] [name=NAME] [price=IN/OUT]`
 * (fields separated by spaces; price in USD per 1M input/output tokens).
 */
export function parseEndpoint(text: string): EndpointSpec {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  const url = parts.shift();
  if (!url) throw new LlmConfigError(`An empty endpoint: write ${SYNTAX}.`);
  if (url.includes("=")) fail(`"${url.slice(0, 40)}"`, `the first field must be the base URL; write ${SYNTAX}.`);
  const out: EndpointSpec = { url };
  for (const part of parts) {
    const eq = part.indexOf("=");
    const field = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : part.slice(eq + 1);
    if (!(ENDPOINT_FIELDS as readonly string[]).includes(field)) {
      // Not echoed: a stray token may be the key itself.
      fail(url, `unknown field ${field.length <= 20 && CONVENTIONAL_ENV_VAR.test(field.toUpperCase()) ? `"${field}"` : "(not shown)"}; use ${ENDPOINT_FIELDS.map((f) => `${f}=`).join(", ")}.`);
    }
    if (!value) fail(url, `${field} has no value; write ${field}=VALUE.`);
    if (field === "key") out.keyEnv = value;
    else if (field === "name") out.name = value;
    else if (field === "concurrency") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 256) fail(url, `concurrency must be a whole number from 1 to 256, got ${value.slice(0, 20)}.`);
      out.concurrency = n;
    } else {
      const m = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(value);
      if (!m) fail(url, `price must be INPUT/OUTPUT in USD per 1M tokens, e.g. price=0.15/0.6.`);
      out.price = { input: Number(m[1]), output: Number(m[2]) };
    }
  }
  return out;
}

/** SYNTHLAB_ENDPOINTS: nodes separated by ";", "," or new lines, each in the `--endpoint` syntax. */
export function parseEndpointList(text: string): EndpointSpec[] {
  return text.split(/[;,\n]/).map((s) => s.trim()).filter(Boolean).map(parseEndpoint);
}

/** The key of a node from the environment variable `keyEnv` names; one line naming the fix otherwise. */
function keyFrom(keyEnv: string, env: Env, where: string): string {
  const value = env[keyEnv];
  if (ENV_VAR.test(keyEnv) && value) return value;
  if (!CONVENTIONAL_ENV_VAR.test(keyEnv)) {
    // Not a set variable and not shaped like a variable name: most likely the key itself. Never echoed.
    fail(where, "key= takes the NAME of an environment variable holding the key, not the key itself (the value given is not shown); export NODE_KEY=<the key> and write key=NODE_KEY.");
  }
  fail(where, `the environment variable ${keyEnv} (named by key=) is not set; export ${keyEnv}=<the node's API key>, or drop key= for a keyless server.`);
}

function isEndpointSpec(v: unknown): v is EndpointSpec {
  return typeof v === "object" && v !== null && typeof (v as Record<string, unknown>)["url"] === "string";
}

/** Checks one node (text or object) and reads its key from the environment. */
export function resolveEndpoint(input: string | EndpointSpec, env: Env): ResolvedEndpoint {
  if (typeof input !== "string" && !isEndpointSpec(input)) {
    throw new LlmConfigError(`An endpoint must be a string ${SYNTAX} or an object { url, keyEnv?, concurrency?, name?, price? }.`);
  }
  if (typeof input !== "string") {
    for (const k of ["apiKey", "key", "api_key"]) {
      if (k in input) fail(String(input.url).slice(0, 80), "never give the key itself; set keyEnv to the name of the environment variable holding it.");
    }
  }
  const spec = typeof input === "string" ? parseEndpoint(input) : input;
  const url = checkUrl(spec.url, spec.url.slice(0, 80));
  const out: ResolvedEndpoint = { name: spec.name ?? new URL(url).host, url, apiKey: "not-needed", hasKey: false };
  if (spec.keyEnv !== undefined) {
    out.apiKey = keyFrom(spec.keyEnv, env, url);
    out.hasKey = true;
  }
  if (spec.concurrency !== undefined) {
    if (!Number.isInteger(spec.concurrency) || spec.concurrency < 1) fail(url, `concurrency must be a whole number ≥ 1, got ${String(spec.concurrency)}.`);
    out.concurrency = spec.concurrency;
  }
  if (spec.price !== undefined) out.price = { input: spec.price.input, output: spec.price.output };
  return out;
}

/**
 * The nodes of a run: `endpoints` if given, else an explicit apiKey/baseURL (one endpoint, as before),
 * else SYNTHLAB_ENDPOINTS, else OPENAI_BASE_URL / OPENAI_API_KEY (one endpoint, as before).
 */
export function resolveNodes(opts: { endpoints?: readonly (string | EndpointSpec)[]; apiKey?: string; baseURL?: string; env?: Env }): NodeSet {
  const env = opts.env ?? process.env;
  let specs: readonly (string | EndpointSpec)[] | undefined = opts.endpoints && opts.endpoints.length > 0 ? opts.endpoints : undefined;
  if (specs && (opts.apiKey !== undefined || opts.baseURL !== undefined)) {
    throw new LlmConfigError("Give either baseURL/apiKey (one server) or endpoints (a pool), not both.");
  }
  if (!specs && opts.apiKey === undefined && opts.baseURL === undefined && env["SYNTHLAB_ENDPOINTS"]?.trim()) {
    specs = parseEndpointList(env["SYNTHLAB_ENDPOINTS"]);
  }
  if (!specs) {
    const p = resolveProvider(opts);
    return { nodes: [{ name: new URL(p.baseURL).host, url: p.baseURL, apiKey: p.apiKey, hasKey: p.hasKey }], pooled: false };
  }
  const nodes = specs.map((s) => resolveEndpoint(s, env));
  const names = nodes.map((n) => n.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new LlmConfigError(`Two endpoints are named "${dup}": list each server once, or give each a distinct name=NAME.`);
  return { nodes, pooled: true };
}

// ---------------------------------------------------------------------------------------------
// Routing, per-node capacity and cooldown.

/** How a failed attempt reflects on the node that answered it. */
export type NodeFault = "down" | "error";

export interface PoolOptions {
  /** Slots per node unless the node sets its own (the client's --concurrency). */
  concurrency: number;
  /** First cooldown of a failing node (ms, default 1000); doubles with each further strike. */
  cooldownMs?: number;
  cooldownMaxMs?: number;
}

/** A node at run time: its slots, measured latency and health. */
export class PoolNode {
  active = 0;
  /** Smoothed latency of answered requests (ms); undefined until the first answer. */
  ewmaMs: number | undefined;
  /** Rate-limit gate: nothing is sent to this node before this time. */
  pauseUntil = 0;
  coolUntil = 0;
  /** Length of the latest cooldown (ms). */
  lastCooldownMs = 0;
  /** Consecutive cooldowns without a success in between (the next one lasts longer). */
  strikes = 0;
  /** Consecutive server errors (5xx, malformed bodies) since the last success. */
  errorsInRow = 0;
  lastProblem = "";
  latencySumMs = 0;
  readonly stats: EndpointStats;

  constructor(readonly index: number, readonly endpoint: ResolvedEndpoint, readonly concurrency: number) {
    this.stats = {
      name: endpoint.name, url: endpoint.url, concurrency, requests: 0, successes: 0, failures: 0, rateLimited: 0,
      rerouted: 0, cooldowns: 0, tokens: { input: 0, output: 0 }, costUsd: 0, meanLatencyMs: 0, rows: 0, completionsPerSecond: 0,
    };
  }

  cooling(now: number): boolean {
    return this.coolUntil > now;
  }

  /** Free to take a request now: a slot open, not cooling, not rate-limited. */
  free(now: number): boolean {
    return this.active < this.concurrency && !this.cooling(now) && this.pauseUntil <= now;
  }
}

interface Waiter {
  avoid: ReadonlySet<PoolNode>;
  resolve(node: PoolNode): void;
  reject(err: unknown): void;
  signal: AbortSignal | undefined;
  onAbort?: () => void;
}

const EWMA_WEIGHT = 0.3;

/**
 * Routing rule: a request goes to the node expected to answer it soonest — among the nodes with a
 * free slot (each node has `concurrency` slots, its own capacity), the one with the lowest smoothed
 * latency; a node not yet measured counts as fastest, so every node is probed. When no slot is free
 * the request waits in one FIFO queue and takes the first slot that frees, on whichever node: a node
 * then receives work at its own pace (slots ÷ latency), so a slow node gets less, yet every healthy
 * node is used whenever the faster ones are full. Cooling and rate-limited nodes take nothing.
 */
export class EndpointPool {
  readonly nodes: PoolNode[];
  private readonly waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private readonly cooldownMs: number;
  private readonly cooldownMaxMs: number;

  constructor(set: NodeSet, opts: PoolOptions) {
    this.nodes = set.nodes.map((e, i) => new PoolNode(i, e, e.concurrency ?? opts.concurrency));
    this.cooldownMs = opts.cooldownMs ?? 1000;
    this.cooldownMaxMs = opts.cooldownMaxMs ?? 60_000;
  }

  /** Slots over all nodes. */
  get capacity(): number {
    return this.nodes.reduce((s, n) => s + n.concurrency, 0);
  }

  /** Nodes not cooling down now. */
  healthy(now = Date.now()): PoolNode[] {
    return this.nodes.filter((n) => !n.cooling(now));
  }

  /** The best free node for a waiter, or undefined. Nodes in `avoid` (already failed this request) are used only when no other node is healthy. */
  private pick(avoid: ReadonlySet<PoolNode>, now: number): PoolNode | undefined {
    const others = avoid.size > 0 && this.nodes.some((n) => !avoid.has(n) && !n.cooling(now));
    let best: PoolNode | undefined;
    for (const n of this.nodes) {
      if (!n.free(now) || (others && avoid.has(n))) continue;
      if (!best || (n.ewmaMs ?? 0) < (best.ewmaMs ?? 0) || ((n.ewmaMs ?? 0) === (best.ewmaMs ?? 0) && n.active < best.active)) best = n;
    }
    return best;
  }

  /** A slot on the node chosen for this request; resolves once the request may be sent. */
  acquire(avoid: ReadonlySet<PoolNode>, signal?: AbortSignal): Promise<PoolNode> {
    return new Promise<PoolNode>((resolve, reject) => {
      if (signal?.aborted) return reject(new LlmError("Generation was interrupted."));
      const w: Waiter = { avoid, resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.waiting.indexOf(w);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(new LlmError("Generation was interrupted."));
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.waiting.push(w);
      this.dispatch();
    });
  }

  release(node: PoolNode): void {
    node.active -= 1;
    this.dispatch();
  }

  /** Hands free slots to waiters in arrival order; arms a timer for the next cooldown or rate-limit end. */
  private dispatch(): void {
    const now = Date.now();
    for (let i = 0; i < this.waiting.length; ) {
      const w = this.waiting[i]!;
      const node = this.pick(w.avoid, now);
      if (!node) {
        i += 1;
        continue;
      }
      this.waiting.splice(i, 1);
      node.active += 1;
      if (w.onAbort) w.signal?.removeEventListener("abort", w.onAbort);
      w.resolve(node);
    }
    if (this.waiting.length === 0) return;
    // Slots held by requests free themselves on release; a cooling or paused node frees only with time.
    const ends = this.nodes.flatMap((n) => [n.coolUntil, n.pauseUntil]).filter((t) => t > now);
    if (ends.length === 0) return;
    const at = Math.min(...ends) + 1;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dispatch();
    }, at - now);
  }

  /** An answered request: the node's latency estimate moves toward it and its strikes are forgiven. */
  succeeded(node: PoolNode, latencyMs: number): void {
    node.ewmaMs = node.ewmaMs === undefined ? latencyMs : (1 - EWMA_WEIGHT) * node.ewmaMs + EWMA_WEIGHT * latencyMs;
    node.strikes = 0;
    node.errorsInRow = 0;
    node.stats.successes += 1;
    node.latencySumMs += latencyMs;
    node.stats.meanLatencyMs = node.latencySumMs / node.stats.successes;
  }

  /**
   * A failed attempt. A node that is down (refused, reset, timed out) is cooled down at once; one
   * that answers with server errors after the second in a row. Each further cooldown without a
   * success in between lasts twice as long (capped). A pool of one node never cools: its requests
   * have nowhere else to go, and the retry back-off already spaces them. Returns whether it cooled.
   */
  failed(node: PoolNode, fault: NodeFault, problem: string): boolean {
    node.stats.failures += 1;
    node.lastProblem = problem;
    if (this.nodes.length < 2) return false;
    if (fault === "error" && ++node.errorsInRow < 2) return false;
    const now = Date.now();
    if (node.cooling(now)) return true; // requests in flight when it failed: one cooldown, not many
    node.errorsInRow = 0;
    const ms = Math.min(this.cooldownMaxMs, this.cooldownMs * 2 ** node.strikes);
    node.strikes += 1;
    node.coolUntil = now + ms;
    node.lastCooldownMs = ms;
    node.stats.cooldowns += 1;
    this.dispatch();
    return true;
  }

  /** A 429/503 from a node: nothing more goes to it before `untilMs`; others keep working. */
  pause(node: PoolNode, untilMs: number): void {
    node.pauseUntil = Math.max(node.pauseUntil, untilMs);
    node.stats.rateLimited += 1;
  }

  /** Whether a request that failed on the nodes in `tried` has a healthy node left to go to. */
  hasUntried(tried: ReadonlySet<PoolNode>, now = Date.now()): boolean {
    return this.nodes.some((n) => !tried.has(n) && !n.cooling(now));
  }

  /** "a (http://a:8000/v1): connection failed (…); b (…): timed out …": each node's last problem, for the all-nodes-down line. */
  problems(): string {
    return this.nodes.map((n) => `${n.endpoint.name} (${n.endpoint.url}): ${n.lastProblem || "no answer"}`).join("; ");
  }

  /** Per-node figures, with throughput over `elapsedMs` of the run. */
  stats(elapsedMs: number): EndpointStats[] {
    return this.nodes.map((n) => ({
      ...n.stats,
      tokens: { ...n.stats.tokens },
      completionsPerSecond: elapsedMs > 0 ? (n.stats.successes * 1000) / elapsedMs : 0,
    }));
  }
}
