/**
 * llm-program: the model writes a generator program once — `generate(rng, faker, n)` returning
 * rows — and we run it in the QuickJS sandbox as often as needed. One request can yield any number
 * of rows; the program is kept in the result (`program`) for the user to read. Its rows are
 * validated like any others; a failing program gets one correction turn quoting the error.
 */
import { frameToRecords, type Row } from "../../data/frame.js";
import { inferSchema } from "../../data/schema.js";
import type { Schema } from "../../data/types.js";
import { GenerateError, type GenerateHooks, type GenerateRequest, type GenerateResult } from "../types.js";
import { canonicalJson, sha256 } from "./cache.js";
import type { ChatMessage, ChatRequest } from "./client.js";
import { createRowDeduper, dedupMode } from "../dedup.js";
import { SandboxError } from "./errors.js";
import { extractProgram } from "./extract.js";
import { describeColumn, generatedColumns, rowJsonSchema } from "./jsonschema.js";
import { avoidBlock, examplesBlock, schemaBlock, validateItems } from "./rows.js";
import { checkRowCount, planEstimate, readLlmOptions, rowsToFrame, startRun, withMeta } from "./run.js";
import { runSandboxed, sandboxLimits } from "./sandbox.js";
import { ECHO_CHARS, printableLine, printableText } from "../../display/untrusted.js";

/** Rows per sandbox run: keeps each run well inside the memory limit. */
const CHUNK_ROWS = 5_000;
/** Longest program source accepted from the model (characters): generators are a few KB. */
export const MAX_PROGRAM_CHARS = 200_000;
/** A program whose output has more invalid rows than this share is sent back for correction. */
const MAX_INVALID_SHARE = 0.2;

let fakerDataCache: Record<string, string[]> | undefined;

/** Faker's English data arrays (a few hundred entries each), passed into the sandbox as plain data. */
export async function fakerData(): Promise<Record<string, string[]>> {
  if (fakerDataCache) return fakerDataCache;
  const { en } = await import("@faker-js/faker");
  const cap = (xs: unknown): string[] => (Array.isArray(xs) ? xs.filter((x): x is string => typeof x === "string").slice(0, 300) : []);
  const generic = (v: unknown): unknown => (v && typeof v === "object" && "generic" in v ? (v as { generic: unknown }).generic : v);
  fakerDataCache = {
    firstNames: cap(generic(en.person?.first_name)),
    lastNames: cap(generic(en.person?.last_name)),
    cities: cap(en.location?.city_name),
    countries: cap(en.location?.country),
    companies: cap(en.company?.noun),
    products: cap(en.commerce?.product_name?.product),
    departments: cap(en.commerce?.department),
    colors: cap(en.color?.human),
    foods: cap(en.food?.dish),
    words: cap(en.word?.noun),
    adjectives: cap(en.word?.adjective),
  };
  return fakerDataCache;
}

/** TypeScript (or ESM) source → script the sandbox can run; plain JavaScript passes through. */
export async function toSandboxScript(source: string, language?: string): Promise<string> {
  const looksTs =
    /^(ts|typescript|tsx)$/i.test(language ?? "") ||
    /^\s*(export|import)\s/m.test(source) ||
    /\binterface\s+\w+|\btype\s+\w+\s*=|:\s*(number|string|boolean|unknown|any|void|Record<|Array<|\w+\[\])|\)\s*:\s*\w+/.test(source);
  if (!looksTs) return source;
  let ts: typeof import("typescript");
  try {
    ts = (await import("typescript")).default;
  } catch {
    throw new SandboxError("the program is TypeScript, and stripping its types needs the typescript package (npm install typescript); ask for JavaScript instead.");
  }
  const out = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, strict: false },
    reportDiagnostics: true,
  });
  const diag = out.diagnostics?.[0];
  if (diag) {
    throw new SandboxError(`the program does not parse: ${printableLine(ts.flattenDiagnosticMessageText(diag.messageText, " "), 500)}`);
  }
  return out.outputText;
}

function fenceLanguage(text: string): string | undefined {
  return /```([A-Za-z]+)[ \t]*\n/.exec(text)?.[1];
}

export async function generateLlmProgram(request: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult> {
  checkRowCount(request, "llm-program");
  if (!request.schema && !request.like) {
    throw new GenerateError("llm-program needs a schema or real rows to imitate: pass --schema or --like.");
  }
  const schema: Schema = request.schema ?? inferSchema(request.like!);
  const real = request.like ? frameToRecords(request.like) : [];
  const gen = generatedColumns(schema);
  const nExamples = Math.min(real.length, request.examples ?? (real.length ? 5 : 0));
  const o = request.options ?? {};
  const limits = sandboxLimits(o, readLlmOptions(request).env ?? process.env);
  // The run id keeps hashing only the limits given as options (null otherwise), as before, so old checkpoints still resume.
  const given = (name: string): unknown => o[name] ?? null;
  const run = startRun("llm-program", request, hooks, { kind: "program", timeoutMs: given("sandboxTimeoutMs"), memoryBytes: given("sandboxMemoryBytes") });
  const maxAttempts = run.options.maxAttempts ?? 3;
  const data = await fakerData();
  const warnings: string[] = [...run.client.warnings];

  const examples = real.slice(0, nExamples).map((r) => Object.fromEntries(gen.map((c) => [c.name, r[c.name] ?? null])));
  const user = [
    request.description ? `Data: ${request.description.trim()}` : "Data: rows for the table described below.",
    `Columns:\n${gen.map((c) => `- ${c.name}: ${describeColumn(c)}`).join("\n")}`,
    `Each row must match this ${schemaBlock(rowJsonSchema(schema))}`,
    ...(examples.length ? [examplesBlock(examples)] : []),
    ...(request.avoid && request.avoid.rowCount ? [avoidBlock(request.avoid, gen.map((c) => c.name))!] : []),
    [
      "Write a JavaScript program that defines `function generate(rng, faker, n)` and returns an array of n row objects.",
      "- rng() returns a seeded uniform number in [0, 1); use it for ALL randomness (Math.random is the same source).",
      `- faker holds data arrays (${Object.keys(data).join(", ")}) and helpers pick(array), int(lo, hi), float(lo, hi, digits), bool(p), date(fromIso, toIso), fullName().`,
      "- Model realistic distributions and relationships between columns (not just uniform noise).",
      "- No imports, require, I/O, network, timers or async code: the program runs in an isolated sandbox.",
      "Reply with the whole program in one ```javascript code block.",
    ].join("\n"),
  ].join("\n\n");
  const system = "You write small, self-contained JavaScript programs that generate realistic synthetic tabular data.";
  const base: ChatRequest = {
    messages: [{ role: "system", content: system }, { role: "user", content: user }],
    temperature: request.temperature ?? 0.7,
  };
  const { estimate, warning } = planEstimate(run, 1, user, 800, request.budgetUsd);
  if (warning) warnings.push(warning);

  const sandboxOpts = { ...limits, data };
  /** Runs a program for `n` rows with a seed; returns validated rows or the reason it failed (bounded, printable). */
  async function tryProgram(script: string, n: number, seed: number): Promise<{ rows: Row[]; invalid: number; error?: string }> {
    try {
      // Only the n rows asked for leave the sandbox: a program that ignores n costs the host no more.
      const out = await runSandboxed(script, { ...sandboxOpts, seed, args: [n], takeRows: n });
      if (!Array.isArray(out)) return { rows: [], invalid: 0, error: `generate returned ${out === null ? "null" : typeof out}, not an array of rows` };
      const parsed = validateItems(out, schema);
      if (parsed.rows.length === 0 || parsed.invalid > MAX_INVALID_SHARE * out.length) {
        const shown = parsed.errors.slice(0, 8).map((e) => printableLine(e, 300)).join("\n");
        return { rows: parsed.rows, invalid: parsed.invalid, error: `${parsed.invalid} of ${out.length} rows are invalid:\n${shown}` };
      }
      return { rows: parsed.rows, invalid: parsed.invalid };
    } catch (err) {
      if (err instanceof SandboxError) return { rows: [], invalid: 0, error: err.message };
      throw err;
    }
  }

  // 1. Get a working program (from the checkpoint on a re-run, else from the model).
  let source: string | undefined;
  let script = "";
  let invalidRows = 0;
  const firstChunk = Math.min(request.rows, CHUNK_ROWS);
  let firstRows: Row[] | undefined;
  const saved = run.checkpoint.program();
  if (saved) {
    source = saved.source;
    script = await toSandboxScript(source);
  }
  const keys: string[] = [];
  const failures: string[] = [];
  for (let attempt = 0; !source && attempt < maxAttempts; attempt++) {
    const req: ChatRequest = { ...base, seed: (request.seed + attempt) % 2_147_483_647 };
    let messages: ChatMessage[] = req.messages;
    for (let turn = 0; turn < 2 && !source; turn++) {
      const res = await run.client.chat({ ...req, messages });
      keys.push(res.key);
      run.progress(0, request.rows, { phase: turn === 0 ? "program written" : "program corrected" });
      if (res.finishReason === "length" || res.finishReason === "content_filter") {
        failures.push(`the reply was cut off (finish_reason ${res.finishReason})`);
        break;
      }
      const candidate = extractProgram(res.content);
      let error: string | undefined;
      try {
        // Checked before TypeScript or the sandbox see it: a hostile reply can be any size.
        if (candidate.length > MAX_PROGRAM_CHARS) {
          throw new SandboxError(`the program has ${candidate.length.toLocaleString("en-US")} characters, more than the ${MAX_PROGRAM_CHARS.toLocaleString("en-US")} a generator program may have; write a short program that computes its rows`);
        }
        const sc = await toSandboxScript(candidate, fenceLanguage(res.content));
        const tried = await tryProgram(sc, firstChunk, request.seed);
        invalidRows += tried.invalid;
        if (!tried.error) {
          source = candidate;
          script = sc;
          firstRows = tried.rows;
        } else error = tried.error;
      } catch (err) {
        if (!(err instanceof SandboxError)) throw err;
        error = err.message;
      }
      if (error) {
        failures.push(error);
        // One correction turn quoting the error, then a fresh attempt.
        // The model's own reply and the error are quoted back bounded: a 5 MB error is not resent three times.
        messages = [
          ...req.messages,
          { role: "assistant", content: printableText(res.content, ECHO_CHARS) },
          { role: "user", content: `Running your program failed: ${printableText(error)}\nFix it and reply with the whole corrected program in one \`\`\`javascript code block.` },
        ];
      }
    }
  }
  if (!source) {
    throw new GenerateError(
      `llm-program: no working generator program after ${maxAttempts} attempts; last problem: ${printableLine(failures[failures.length - 1] ?? "none")}. ` +
        "Try llm-rows, another model, or a simpler schema.",
    );
  }
  if (!saved) run.checkpoint.append({ kind: "program", source, keys });
  run.progress(0, request.rows, { phase: `running the generator program (${source.split("\n").length} lines) in the sandbox` });

  // 2. Run it in chunks (seeded per chunk) until enough unique valid rows exist.
  const mode = dedupMode(request.dedup);
  const names = schema.columns.map((c) => c.name);
  // One incremental deduper over all chunks: each chunk is judged once, against everything before it.
  const deduper = createRowDeduper(names, { mode, real });
  const all: Row[] = [];
  let kept: Row[] = [];
  let removed = 0;
  let copiesOfReal = 0;
  for (let chunk = 0, stale = 0; kept.length < request.rows && chunk < Math.ceil(request.rows / CHUNK_ROWS) * 3 + 3 && stale < 3; chunk++) {
    const want = Math.min(CHUNK_ROWS, Math.max(1, Math.ceil((request.rows - kept.length) * 1.1)));
    let rows: Row[];
    if (chunk === 0 && firstRows) rows = firstRows;
    else {
      const tried = await tryProgram(script, want, request.seed + chunk * 7919);
      invalidRows += tried.invalid;
      if (tried.error && tried.rows.length === 0) {
        warnings.push(`A run of the generator program failed: ${printableLine(tried.error)}`);
        stale += 1;
        continue;
      }
      rows = tried.rows;
    }
    for (const r of rows) all.push(r);
    deduper.push(rows);
    const before = kept.length;
    const d = deduper.outcome();
    kept = d.keep.map((i) => all[i]!);
    removed = d.removed;
    copiesOfReal = d.copiesOfReal;
    stale = kept.length === before ? stale + 1 : 0;
    run.progress(Math.min(kept.length, request.rows), request.rows, { invalidRows });
  }
  if (kept.length < request.rows) {
    warnings.push(`Only ${kept.length} of ${request.rows} unique valid rows: the program repeats itself; ask for more variety or use llm-rows.`);
  }
  let rows = kept.slice(0, request.rows);
  const promptHash = sha256(canonicalJson(base.messages)).slice(0, 16);
  if (request.meta) {
    rows = withMeta(rows, rows.map(() => ({ method: "llm-program", model: run.model, promptHash, seed: request.seed, runId: run.runId })));
  }
  run.progress(rows.length, request.rows, { invalidRows, phase: "done" });
  return {
    frame: rowsToFrame(rows, schema, request.meta ? ["_meta"] : []),
    schema,
    stats: run.stats(rows.length, { invalidRows, duplicatesRemoved: removed, extra: { estimate, programFailures: failures, copiesOfRealRemoved: copiesOfReal } }),
    warnings,
    provenance: run.provenance(promptHash),
    program: source,
  };
}
