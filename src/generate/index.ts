// Public API of the generate stage; re-exported from src/index.ts.
import type { MimeBundle } from "../display/protocol.js";
import { displaySymbol } from "../display/protocol.js";
import { MAX_ROWS } from "../limits.js";
import { FrameError, toFrame, type TableInput } from "../data/frame.js";
import type { CellValue, Frame, Schema } from "../data/types.js";
import { inferSchema } from "../data/schema.js";
import { decimalsOf } from "../data/numbers.js";
import { frameBundle } from "../data/display.js";
import { escapeHtml } from "../display/format.js";
import { toDataFrame, type DataFrame } from "../data/dataframe.js";
import {
  GENERATE_MODES,
  GenerateError,
  type GenerateMode,
  type GenerateRequest,
  type GenerateResult,
  type GenerateStats,
  type GenerateHooks,
  type EndpointStats,
  type Generator,
  type Progress,
  type Provenance,
} from "./types.js";
import { createOfflineGenerator, EXAMPLE_SCHEMAS } from "./offline/index.js";
import { createCopulaGenerator } from "./copula/index.js";
import { createCartGenerator } from "./cart/index.js";
import { toSchema } from "./schema-input.js";
import { printableLine } from "../display/untrusted.js";
import { drawRows, planConditions, rowKey, type ConditionInput, type ConditionPlan, type RebalanceInput } from "./conditions/index.js";
import { resolveConstraints, type ConstraintInput, type ConstraintSet } from "./constraints/index.js";
import type { RowRule } from "../evaluate/index.js";
import { withMeta } from "./offline/index.js";

export * from "./types.js";
export {
  generateOffline, runChecks, checkOfflineSchema, SchemaError, COFFEE_SHOP_SCHEMA, COFFEE_MENU, EXAMPLE_SCHEMAS,
  compilePattern, PatternError, createOfflineGenerator,
} from "./offline/index.js";
export type { OfflineColumn, OfflineSchema, LinkedGroup, DistributionName, OfflineOptions, OfflineOutput } from "./offline/index.js";
export { fitCopula, sampleCopula, CopulaError, normalCdf, normalQuantile, createCopulaGenerator } from "./copula/index.js";
export type { CopulaModel } from "./copula/index.js";
export { fitCart, sampleCart, CartError, createCartGenerator } from "./cart/index.js";
export type { CartModel, CartOptions, Smoothing } from "./cart/index.js";
export { compileExpression, evaluateColumns, evaluateRecord, ExpressionError } from "./expression.js";
export type { CompiledExpression } from "./expression.js";
export { Deduplicator, dedupRows, dedupMode } from "./dedup.js";
export { toSchema, schemaFromZod, schemaFromJsonSchema } from "./schema-input.js";
export type { DedupOptions, DedupResult, DedupReason, DedupMode, RemovedRow } from "./dedup.js";
export { textQuality, duplicateRate, distinctN, lengthStats, labelBalance, normalizeText, tokenize as tokenizeText } from "./text/quality.js";
export type { TextQuality, LengthStats, LabelBalance } from "./text/quality.js";
export { parseCondition, parseRebalance, planConditions, drawRows } from "./conditions/index.js";
export type { ConditionInput, RebalanceInput, ConditionPlan, Cell, Sampler } from "./conditions/index.js";
export { resolveConstraints } from "./constraints/index.js";
export type { ConstraintInput, ConstraintSet } from "./constraints/index.js";

// Cheap to import: the SDK, sandbox and TypeScript load only when an LLM mode runs.
export { registerPrice, priceFor, estimateLlmRun, createLlmClient, LlmConfigError, BudgetExceededError } from "./llm/index.js";
export type { Price, CostEstimate, LlmClientOptions } from "./llm/index.js";

// The grounding check is pure and cheap; the grounded pipeline loads with the LLM engine, on demand.
export { checkRow as checkGrounding, numbersIn, numberSupported, textSupported, isCheckable, LONG_TEXT_TOKENS, PHRASE_OVERLAP } from "./grounded/grounding.js";
export type { GroundingVerdict, GroundingProblem } from "./grounded/grounding.js";
export type { GroundedReport, PlannedQuestion, GroundingPolicy } from "./grounded/pipeline.js";

/**
 * The schema the grounded mode would propose for a need, without generating rows (docs/grounded.md):
 * review or edit it, then pass it as `schema`. Takes the need and the LLM settings (model, seed, options).
 */
export async function proposeSchema(options: Pick<GenerateRequest, "need" | "description" | "model" | "seed" | "options"> & { signal?: AbortSignal }): Promise<Schema> {
  const { proposeSchema: propose } = await import("./grounded/pipeline.js");
  const { signal, ...request } = options;
  return propose(request, signal ? { signal } : {});
}

const LLM_MODES = new Set<string>(["llm-rows", "llm-program", "text", "grounded"]);

/** What `generate()` takes: the request fields, with `like` as any table and `schema` also an example name. */
export interface GenerateOptions extends Omit<GenerateRequest, "schema" | "like" | "seed" | "conditionPlan" | "constraintSet" | "avoid"> {
  /**
   * Fixed values or exact counts per value: "coffee_name=Latte", "coffee_name=Latte:300,Cocoa:300",
   * or objects ({ column, value } / { column, counts }). docs/generation.md#conditions.
   */
  conditions?: ConditionInput | readonly ConditionInput[];
  /** A target distribution for one column: "coffee_name" (uniform) or "coffee_name=Latte:0.5,Cocoa:0.5". */
  rebalance?: RebalanceInput;
  /** Rules every row must satisfy: "pickup<=dropoff", "total=fare+tip", "borough<-zone", … or rule objects. */
  constraints?: readonly ConstraintInput[];
  /** Also enforce the rules mined from `like` (those the report's validity diagnostic checks). Default true. */
  mineConstraints?: boolean;
  mode?: GenerateMode;
  /** A schema object, a zod z.object, a JSON Schema object, or the name of a shipped example ("coffee-shop"). */
  schema?: Schema | string | object;
  /** Real rows: a danfo DataFrame, records or a Frame. */
  like?: TableInput;
  /** Default 0. */
  seed?: number;
  /** Rows a reviewer rejected (a table, or a Review: its rejected rows), shown to the LLM as counter-examples. */
  avoid?: TableInput | { rejected(): unknown };
  /** Date formats for columns of `like` the data cannot settle, e.g. { Date: "dd/mm/yyyy" } (docs/data.md). */
  dates?: Readonly<Record<string, string>>;
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

/** A finished run: the rows plus how they were made. Displays as a summary and the table's head. */
export class GenerationRun implements GenerateResult {
  readonly frame: Frame;
  readonly schema: Schema;
  readonly stats: GenerateStats;
  readonly warnings: string[];
  readonly provenance?: Provenance;
  readonly program?: string;
  /** Lines the mode adds to the summary (grounded: schema, coverage plan, retrieval, grounding counts). */
  readonly details: string[];
  /** The rules the rows satisfy (declared, then mined): pass them to evaluate({ constraints }) to check them. */
  readonly constraints: RowRule[];

  constructor(readonly mode: string, result: GenerateResult, constraints: readonly RowRule[] = []) {
    this.constraints = [...constraints];
    this.frame = result.frame;
    this.schema = result.schema;
    this.stats = result.stats;
    this.warnings = result.warnings;
    if (result.provenance) this.provenance = result.provenance;
    if (result.program !== undefined) this.program = result.program;
    this.details = [...(result.details ?? [])];
  }

  get rowCount(): number {
    return this.frame.rowCount;
  }

  /** The rows as a danfo DataFrame (danfo itself loads on the first call, not on import). */
  toDataFrame(): DataFrame {
    return toDataFrame(this.frame);
  }

  /** One line per fact: rows, speed, tokens and cost where the mode has them. */
  summaryLines(): string[] {
    const s = this.stats;
    const lines = [
      `${this.frame.rowCount.toLocaleString("en-US")} rows × ${this.frame.columnNames.length} columns, mode ${this.mode}` +
        `${this.provenance ? `, seed ${this.provenance.seed}` : ""}, ${(s.elapsedMs / 1000).toFixed(2)} s ` +
        `(${Math.round(s.rowsPerSecond).toLocaleString("en-US")} rows/s)`,
    ];
    const extra: string[] = [];
    if (s.tokens) extra.push(`tokens ${s.tokens.input.toLocaleString("en-US")} in / ${s.tokens.output.toLocaleString("en-US")} out`);
    if (s.costUsd !== undefined) extra.push(`cost $${s.costUsd.toFixed(4)}`);
    if (s.requests !== undefined) extra.push(`requests ${s.requests}`);
    if (s.cacheHits !== undefined) extra.push(`cache hits ${s.cacheHits}`);
    if (s.retries !== undefined) extra.push(`retries ${s.retries}`);
    if (s.invalidRows !== undefined) extra.push(`invalid rows ${s.invalidRows}`);
    if (s.duplicatesRemoved !== undefined) extra.push(`duplicates removed ${s.duplicatesRemoved}`);
    if (extra.length) lines.push(extra.join(", "));
    for (const e of s.endpoints ?? []) lines.push(endpointLine(e));
    for (const d of this.details) lines.push(printableLine(d, 400));
    for (const w of this.warnings) lines.push(`warning: ${printableLine(w)}`);
    return lines;
  }

  toString(): string {
    return this.summaryLines().join("\n");
  }

  [displaySymbol](): MimeBundle {
    const table = frameBundle(this.frame, { head: 5, tail: 0 });
    const [first, ...rest] = this.summaryLines();
    const html =
      `<div class="synthlab-generation"><p><b>Generated</b> ${escapeHtml(first ?? "")}</p>` +
      rest.map((l) => `<p>${escapeHtml(l)}</p>`).join("") +
      (this.program !== undefined ? `<details><summary>generator program</summary><pre>${escapeHtml(this.program)}</pre></details>` : "") +
      `${String(table["text/html"] ?? "")}</div>`;
    return { "text/html": html, "text/plain": `Generated ${this.toString()}\n${String(table["text/plain"] ?? "")}` };
  }
}

/**
 * An inferred schema plus the real numeric columns' precision, so offline rows imitating
 * prices like 38.7 come out as 31.45, not 31.453872…
 */
function withDecimals(schema: Schema, like: Frame): Schema {
  return {
    ...schema,
    columns: schema.columns.map((c) => {
      if (c.kind !== "numeric") return c;
      let d = 0;
      for (const v of like.columns[c.name] ?? []) if (typeof v === "number") d = Math.max(d, decimalsOf(v));
      return { ...c, decimals: d };
    }),
  };
}

/** Resolves `--schema coffee-shop` style names. */
export function exampleSchema(name: string): Schema {
  const s = EXAMPLE_SCHEMAS[name];
  if (!s) throw new GenerateError(`Unknown example schema "${name}"; known: ${Object.keys(EXAMPLE_SCHEMAS).join(", ")}. Pass a schema object or JSON file instead.`);
  return s;
}

/** "node gpu1 (http://gpu1:8000/v1): 120 requests, 118 answered, 2 failed, 1 cooldown, 15,000 tokens, mean 103 ms, 1,180 rows, 9.8/s". */
export function endpointLine(e: EndpointStats): string {
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  const parts = [`${n(e.requests)} requests`, `${n(e.successes)} answered`];
  if (e.failures) parts.push(`${n(e.failures)} failed`);
  if (e.rateLimited) parts.push(`${n(e.rateLimited)} rate-limited`);
  if (e.rerouted) parts.push(`${n(e.rerouted)} re-routed`);
  if (e.cooldowns) parts.push(`${n(e.cooldowns)} cooldown${e.cooldowns === 1 ? "" : "s"}`);
  parts.push(`${n(e.tokens.input + e.tokens.output)} tokens`, `mean ${n(e.meanLatencyMs)} ms`, `${n(e.rows)} rows`, `${e.completionsPerSecond.toFixed(1)} answers/s`);
  return `node ${printableLine(e.name, 60)} (${printableLine(e.url, 120)}): ${parts.join(", ")}`;
}

/** Picks the mode when none is given: a corpus → grounded; a real table → copula; a schema → offline; only a description → llm-rows. */
export function pickMode(options: Pick<GenerateOptions, "mode" | "schema" | "like" | "description" | "corpus">): GenerateMode {
  if (options.mode !== undefined) {
    if (!GENERATE_MODES.includes(options.mode)) {
      throw new GenerateError(`Unknown mode "${String(options.mode)}"; use one of ${GENERATE_MODES.join(", ")}.`);
    }
    return options.mode;
  }
  if (options.corpus !== undefined) return "grounded";
  if (options.like !== undefined) return "copula";
  if (options.schema !== undefined) return "offline";
  if (options.description) return "llm-rows";
  throw new GenerateError("Nothing to generate from: give a schema (offline), a real table via like (copula), a description with an LLM mode, or a corpus and a need (grounded).");
}

/**
 * For an LLM mode, fails at once with the one-line "no provider" error when neither an API key nor
 * a base URL is set (in `options.apiKey` / `options.baseURL` / `options.env`, else the environment),
 * or with the one line naming a bad endpoint of a pool (`endpoints`, else SYNTHLAB_ENDPOINTS: an
 * unset key variable, a literal key), so callers can check before drawing progress. Other modes need nothing.
 */
export async function checkLlmProvider(
  mode: GenerateMode, options: Readonly<Record<string, unknown>> = {}, endpoints?: GenerateRequest["endpoints"],
): Promise<void> {
  if (!LLM_MODES.has(mode)) return;
  const { resolveNodes } = await import("./llm/pool.js");
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  const env = typeof options["env"] === "object" && options["env"] !== null ? (options["env"] as Record<string, string | undefined>) : undefined;
  resolveNodes({
    ...(str(options["apiKey"]) !== undefined ? { apiKey: str(options["apiKey"])! } : {}),
    ...(str(options["baseURL"]) !== undefined ? { baseURL: str(options["baseURL"])! } : {}),
    ...(env ? { env } : {}),
    ...(endpoints ? { endpoints } : {}),
  });
}

/** The Generator for a mode; LLM modes load their engine on demand. */
export async function createGenerator(mode: GenerateMode): Promise<Generator> {
  if (mode === "offline") return createOfflineGenerator();
  if (mode === "copula") return createCopulaGenerator();
  if (mode === "cart") return createCartGenerator();
  if (!LLM_MODES.has(mode)) throw new GenerateError(`Unknown mode "${String(mode)}"; use one of ${GENERATE_MODES.join(", ")}.`);
  if (mode === "grounded") {
    // Loaded on demand, as the LLM engine it runs on.
    const { createGroundedGenerator } = await import("./grounded/index.js");
    return createGroundedGenerator();
  }
  // Loaded on demand: the LLM engine (SDK, sandbox) is heavy and offline users never need it.
  const { createLlmGenerator } = await import("./llm/index.js");
  return createLlmGenerator(mode);
}

/** The counter-example rows of `avoid`: a table as is, or a review's rejected rows. */
function avoidFrame(avoid: NonNullable<GenerateOptions["avoid"]>): Frame {
  const v = typeof (avoid as { rejected?: unknown }).rejected === "function" ? (avoid as { rejected(): unknown }).rejected() : avoid;
  try { return toFrame(v); } catch (e) {
    throw new GenerateError(`avoid must be a table of rejected rows or a review (review(...)): ${(e as Error).message}`);
  }
}

/**
 * Generates rows. Picks the mode (see pickMode), infers the schema from `like` when no schema
 * is given, runs the mode's Generator and wraps the result in a displayable GenerationRun.
 */
export async function generate(options: GenerateOptions): Promise<GenerationRun> {
  if (typeof options !== "object" || options === null) throw new GenerateError("generate() takes an options object, e.g. { rows: 100, schema: \"coffee-shop\" }.");
  const { rows } = options;
  if (!Number.isInteger(rows) || rows < 0) throw new GenerateError(`rows must be a whole number ≥ 0, got ${String(rows)}.`);
  if (rows > MAX_ROWS) throw new GenerateError(`rows must be at most ${MAX_ROWS.toLocaleString("en-US")}, got ${rows.toLocaleString("en-US")}: generate in parts and concatenate them.`);
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new GenerateError(`seed must be a number, got ${String(seed)}.`);
  const mode = pickMode(options);
  const like = options.like !== undefined ? toFrame(options.like) : undefined;
  let schema: Schema | undefined =
    typeof options.schema === "string" ? exampleSchema(options.schema)
    : options.schema !== undefined ? await toSchema(options.schema) : undefined;
  if (options.dates && !like) throw new GenerateError("dates reads the real table's date columns: pass like (a real table) with it, or put the format in the schema.");
  if (!schema && like) {
    try { schema = withDecimals(inferSchema(like, options.dates ? { dates: options.dates } : {}), like); } catch (e) {
      if (e instanceof FrameError) throw new GenerateError(e.message);
      throw e;
    }
  }
  const avoid = options.avoid !== undefined ? avoidFrame(options.avoid) : undefined;
  if (avoid && (!LLM_MODES.has(mode) || mode === "grounded")) {
    throw new GenerateError(`avoid (rejected rows as counter-examples) needs an LLM mode (llm-rows, llm-program or text); ${mode === "grounded" ? "grounded takes its values from the corpus" : `${mode} does not read a prompt`}.`);
  }
  const {
    onProgress, signal, mode: _mode, schema: _schema, like: _like, seed: _seed, dates: _dates, avoid: _avoid,
    conditions, rebalance, constraints, mineConstraints, ...rest
  } = options;
  const request: GenerateRequest = { ...rest, rows, seed, ...(schema ? { schema } : {}), ...(like ? { like } : {}), ...(avoid ? { avoid } : {}) };
  const hooks = { onProgress: onProgress ?? (() => {}), ...(signal ? { signal } : {}) };
  const generator = await createGenerator(mode);
  const declared = conditions !== undefined || rebalance !== undefined || (constraints !== undefined && constraints.length > 0);
  if (mineConstraints !== undefined && typeof mineConstraints !== "boolean") throw new GenerateError(`mineConstraints must be true or false, got ${JSON.stringify(mineConstraints)}.`);
  let result: GenerateResult;
  let rules: RowRule[] = [];
  if (mode === "text" || mode === "grounded" || (!declared && !(like && mineConstraints !== false))) {
    if (mode === "text" && declared) throw new GenerateError("The text mode takes no conditions or constraints: balance its labels with --labels a,b --balanced.");
    if (mode === "grounded" && declared) throw new GenerateError("The grounded mode takes no conditions or constraints: its rows hold what the corpus says; ask for what you need in the need.");
    result = await generator.generate(request, hooks);
  } else {
    const ruled = await generateWithRules(generator, mode, request, hooks, { conditions, rebalance, constraints, mine: mineConstraints });
    result = ruled.result;
    rules = ruled.rules;
  }
  // What inference noticed about the real table (an ambiguous day/month order) is worth a line.
  const notes = schema?.notes ?? [];
  return new GenerationRun(mode, notes.length ? { ...result, warnings: [...notes, ...result.warnings] } : result, rules);
}

/** Pilot rows drawn to learn a schema-only mode's values and shares (what conditions are matched against). */
const PILOT_ROWS = 5_000;

interface RuleInputs {
  conditions: GenerateOptions["conditions"];
  rebalance: GenerateOptions["rebalance"];
  constraints: GenerateOptions["constraints"];
  mine: boolean | undefined;
}

/**
 * A run with conditions and/or constraints: resolved here once for every mode. Sampling modes
 * draw through their Sampler (exact conditioning or rejection and top-up, conditions/index.ts);
 * the LLM modes get the plan and the rules in the request and use their engine's top-up rounds.
 * Either way the rows are checked once more at the end: exact counts, no broken rule.
 */
async function generateWithRules(
  generator: Generator, mode: GenerateMode, request: GenerateRequest, hooks: GenerateHooks, inputs: RuleInputs,
): Promise<{ result: GenerateResult; rules: RowRule[] }> {
  const started = performance.now();
  const like = request.like;
  const resolve = (schema: Schema, pilot: Frame | undefined) => {
    const plan = planConditions({
      ...(inputs.conditions !== undefined ? { conditions: inputs.conditions } : {}),
      ...(inputs.rebalance !== undefined ? { rebalance: inputs.rebalance } : {}),
      rows: request.rows, schema,
      ...(like ?? pilot ? { reference: (like ?? pilot)! } : {}),
      referenceIsReal: !!like,
      referenceName: like ? "the real rows" : pilot ? `a ${PILOT_ROWS.toLocaleString("en-US")}-row pilot sample of the schema` : "the schema",
    });
    const set = resolveConstraints({
      ...(inputs.constraints !== undefined ? { declared: inputs.constraints } : {}),
      mine: inputs.mine ?? true, schema, ...(like ? { like } : {}), ...(plan ? { conditioned: plan.columns } : {}),
    });
    return { plan, set };
  };
  const anyConditions = inputs.conditions !== undefined || inputs.rebalance !== undefined;
  if (!generator.sampler && !LLM_MODES.has(mode)) throw new GenerateError(`The ${mode} mode cannot draw rows on demand, so it takes no conditions or constraints.`);
  // With real rows the table is known before fitting: bad conditions fail before any work.
  let resolved = like && request.schema ? resolve(request.schema, undefined) : undefined;
  const sampler = generator.sampler ? await generator.sampler(request, hooks) : undefined;
  const schema = sampler?.schema ?? request.schema;
  if (!schema) {
    throw new GenerateError(`${mode}: conditions and constraints name columns, and there is no table yet: pass a schema (--schema) or real rows (--like).`);
  }
  if (!resolved) {
    const pilot = !like && sampler && anyConditions ? await sampler.sample(PILOT_ROWS, request.seed + 0x5eed) : undefined;
    resolved = resolve(schema, pilot);
  }
  const { plan, set } = resolved;
  const rules = set ? [...set.declared, ...set.mined] : [];
  let result: GenerateResult;
  if (!plan && !set) {
    result = await generator.generate(request, hooks);
    return { result, rules };
  }
  if (sampler) {
    const drawn = await drawRows(sampler, {
      rows: request.rows, seed: request.seed, mode, hooks, sharesFromReal: !!like,
      ...(plan ? { plan } : {}), ...(set ? { constraints: set } : {}),
      ...(request.dedup && request.dedup !== "none" ? { dedup: request.dedup } : {}), ...(like ? { like } : {}),
    });
    let frame = drawn.frame;
    if (request.meta) {
      const columns = { ...(frame.columns as Record<string, CellValue[]>) };
      withMeta(columns, frame.rowCount, { method: mode, seed: request.seed, runId: request.runId ?? null });
      frame = { columnNames: [...frame.columnNames, "_meta"], columns, rowCount: frame.rowCount };
    }
    const elapsedMs = performance.now() - started;
    const rowsPerSecond = frame.rowCount / Math.max(elapsedMs / 1000, 1e-9);
    hooks.onProgress({ rows: frame.rowCount, target: request.rows, rowsPerSecond });
    result = {
      frame, schema, warnings: [...sampler.warnings, ...drawn.warnings],
      stats: {
        rows: frame.rowCount, elapsedMs, rowsPerSecond,
        ...(request.dedup && request.dedup !== "none" ? { duplicatesRemoved: drawn.duplicatesRemoved } : {}),
        extra: { drawn: drawn.drawn, rejected: drawn.rejected },
      },
      provenance: { method: mode, seed: request.seed, createdAt: new Date().toISOString(), ...(request.runId ? { runId: request.runId } : {}) },
    };
  } else {
    result = await generator.generate({ ...request, schema, ...(plan ? { conditionPlan: plan } : {}), ...(set ? { constraintSet: set } : {}) }, hooks);
  }
  // A run the budget cap stopped returns fewer rows, with its warning; they must still be right.
  const partial = result.stats.extra?.["stoppedByBudget"] === true;
  verifyRows(mode, result.frame, partial ? null : request.rows, plan, set, schema);
  return { result, rules };
}

/** The last word on a conditioned or constrained run: exact counts per cell and no broken rule, or an error (never rows silently wrong). */
function verifyRows(mode: string, frame: Frame, rows: number | null, plan: ConditionPlan | undefined, set: ConstraintSet | undefined, schema: Schema): void {
  if (rows !== null && frame.rowCount !== rows) throw new GenerateError(`${mode}: made ${frame.rowCount} of the ${rows} rows asked for under the conditions and constraints; see the warnings, loosen a constraint or lower the counts.`);
  if (set) {
    const { ok, broken } = set.enforce(frame);
    if (ok.some((x) => x === 0)) {
      throw new GenerateError(`${mode}: ${[...broken].map(([t, n]) => `${n} rows break "${t}"`).join(", ")} after generation; this is a bug, please report it.`);
    }
  }
  if (plan) {
    if (rows === null) return;
    const numeric = plan.columns.map((c) => { const k = schema.columns.find((s) => s.name === c)?.kind; return k === "numeric" || k === "integer"; });
    const tally = new Map<string, number>();
    for (let i = 0; i < frame.rowCount; i++) {
      const k = rowKey(plan.columns, numeric, (c) => frame.columns[c]?.[i] ?? null);
      if (k !== null) tally.set(k, (tally.get(k) ?? 0) + 1);
    }
    for (const c of plan.cells) {
      if ((tally.get(c.key) ?? 0) !== c.count) throw new GenerateError(`${mode}: ${tally.get(c.key) ?? 0} rows with ${c.label} instead of ${c.count}; this is a bug, please report it.`);
    }
  }
}
