/**
 * Hostile generator programs, served by the local OpenAI-compatible server to llm-program end to
 * end: each limit holds, the breach is one line naming the limit and how to raise it, and the
 * host's memory stays within the stated bound (docs/security.md):
 *   peak RSS growth ≤ memory limit + HOST_OVERHEAD (the WebAssembly allowance, the worker thread
 *   and its copy of QuickJS) + a few copies of the returned JSON.
 * RSS is this test file's own process (vitest runs each file in a forked child).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { frameToRecords } from "../../../src/data/frame.js";
import { validateRow } from "../../../src/data/schema.js";
import { run as generateCli } from "../../../src/cli/commands/generate.js";
import { generate } from "../../../src/generate/index.js";
import { dedupRecords } from "../../../src/generate/dedup.js";
import { fakerData } from "../../../src/generate/llm/program.js";
import { runSandboxed, sandboxLimits, WASM_OVERHEAD_BYTES } from "../../../src/generate/llm/sandbox.js";
import type { GenerateRequest } from "../../../src/generate/types.js";
import { runCli, type CliResult } from "../../support/cli.js";
import { SALES_SCHEMA, TEST_KEY, llmRequest, readAll, useLocalServer } from "./helpers.js";

const env = useLocalServer({ apiKey: TEST_KEY });

// One-time costs (the SDK, faker's data, compiling QuickJS) are paid here, not inside a measured run.
beforeAll(async () => {
  await import("../../../src/generate/llm/client.js");
  await fakerData();
  await runSandboxed("function generate() { return []; }", { seed: 1 });
});
const MiB = 1024 * 1024;
/** Fixed host overhead of one sandbox run beyond the program's limit (see docs/security.md). */
const HOST_OVERHEAD = 64 * MiB;

/** A reply carrying `body` as the model's program. */
const program = (body: string): { kind: "content"; content: string } => ({ kind: "content", content: `\`\`\`javascript\n${body}\n\`\`\`` });

/** Runs llm-program through generate() against the local server and samples this process's RSS throughout. */
async function runMeasured(extra: Partial<GenerateRequest>, options: Record<string, unknown>): Promise<{ run: Awaited<ReturnType<typeof generate>>; growth: number }> {
  const request = llmRequest(env.server, env.dir, { rows: 20, ...extra }, { maxAttempts: 1, ...options });
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
  try {
    const run = await generate({ ...request, mode: "llm-program" });
    return { run, growth: Math.max(peak, process.memoryUsage().rss) - base };
  } finally {
    clearInterval(timer);
  }
}

/** The first program failure of a run (the hostile one; the server's correction then works). */
function failureOf(run: Awaited<ReturnType<typeof generate>>): string {
  const failures = (run.stats.extra as { programFailures: string[] }).programFailures;
  expect(failures.length).toBeGreaterThanOrEqual(1);
  return failures[0]!;
}

/** The correction request the client sent after the hostile program. */
function correctionPrompt(): string {
  const chats = env.server.chatRequests();
  expect(chats.length).toBeGreaterThanOrEqual(2);
  const messages = JSON.parse(chats[1]!.body).messages as { role: string; content: string }[];
  return messages.at(-1)!.content;
}

const MEMORY_LINE = (mib: number): RegExp => new RegExp(`exceeded the ${mib} MiB memory limit and was stopped; to allow more, set SYNTHLAB_SANDBOX_MEMORY_MB`);

describe("llm-program memory limit holds for every allocation kind (end to end, host RSS bounded)", () => {
  const cases: [string, string][] = [
    ["one huge ArrayBuffer", "function generate() { return [new ArrayBuffer(1e9).byteLength]; }"],
    ["typed-array chunks in a loop", "function generate() { const keep = []; for (;;) keep.push(new Uint8Array(1 << 20)); }"],
    ["small typed arrays in a loop", "function generate() { const keep = []; for (;;) keep.push(new Float64Array(512)); }"],
    ["new Array(1e8).fill(0)", "function generate() { return new Array(1e8).fill(0); }"],
    ["1e7 small objects", "function generate() { const a = []; for (let i = 0; i < 1e7; i++) a.push({ i, s: 'x' + i }); return a; }"],
    ["string doubling", "function generate() { let s = 'ab'; for (;;) s = s + s; }"],
    ["a 100 MB string", "function generate() { return ['x'.repeat(1e8)]; }"],
  ];
  for (const [name, body] of cases) {
    it(name, async () => {
      const limit = 32 * MiB;
      env.server.script(program(body));
      const { run, growth } = await runMeasured({}, { sandboxMemoryBytes: limit });
      expect(failureOf(run)).toMatch(MEMORY_LINE(32));
      expect(correctionPrompt()).toMatch(MEMORY_LINE(32));
      expect(run.frame.rowCount).toBe(20); // the corrected program still ran
      expect(growth).toBeLessThan(limit + HOST_OVERHEAD);
    });
  }

  it("holds at the default 64 MiB limit too", async () => {
    env.server.script(program("function generate() { const keep = []; for (;;) keep.push(new Uint8Array(1 << 20)); }"));
    const { run, growth } = await runMeasured({}, {});
    expect(failureOf(run)).toMatch(MEMORY_LINE(64));
    expect(growth).toBeLessThan(64 * MiB + HOST_OVERHEAD);
  });
});

describe("llm-program time, stack and output limits (end to end)", () => {
  it("stops an endless loop at the time limit and names the setting", async () => {
    env.server.script(program("function generate() { for (;;) {} }"));
    const { run } = await runMeasured({}, { sandboxTimeoutMs: 300 });
    expect(failureOf(run)).toMatch(/ran longer than the 300 ms time limit .*set SYNTHLAB_SANDBOX_TIMEOUT_MS/);
  });

  it("stops unbounded recursion with one line", async () => {
    env.server.script(program("function generate() { const f = (n) => f(n + 1) + 1; return f(0); }"));
    const { run, growth } = await runMeasured({}, {});
    expect(failureOf(run)).toMatch(/^the program overflowed its 1 MiB stack \(unbounded recursion\?\) and was stopped$/);
    expect(growth).toBeLessThan(64 * MiB + HOST_OVERHEAD);
  });

  it("refuses more rows than the row limit", async () => {
    env.server.script(program("function generate() { const a = []; for (let i = 0; i < 2000; i++) a.push({ product: 'Latte', price: 2, quantity: 1, card: true }); return a; }"));
    const { run } = await runMeasured({}, { sandboxMaxRows: 1000 });
    expect(failureOf(run)).toMatch(/returned 2,000 rows, more than the 1,000-row output limit; .*set SYNTHLAB_SANDBOX_MAX_ROWS/);
  });

  it("refuses more JSON than the output limit", async () => {
    env.server.script(program("function generate() { return [{ product: 'x'.repeat(3 * 1024 * 1024) }]; }"));
    const { run } = await runMeasured({}, { sandboxMaxOutputBytes: 1024 * 1024 });
    expect(failureOf(run)).toMatch(/returned 3 MiB of JSON, more than the 1 MiB output limit; .*set SYNTHLAB_SANDBOX_MAX_OUTPUT_MB/);
  });

  it("rows whose cells nest 8,000 levels deep are refused, not printed (no host stack overflow)", async () => {
    // Printing such a value overflows V8's stack (JSON.stringify, String); 5 of 20 rows is over the 20% allowed.
    env.server.script(program("function generate(rng, faker, n) { let deep = []; for (let i = 0; i < 8000; i++) deep = [deep]; const out = []; for (let i = 0; i < n; i++) out.push({ product: i < 5 ? deep : 'Latte', price: 2, quantity: 1, card: true }); return out; }"));
    const { run } = await runMeasured({}, { sandboxTimeoutMs: 30_000 });
    expect(failureOf(run)).toMatch(/^5 of 20 rows are invalid:\nrow 1: product must be a single value, got an array\n/);
    expect(run.frame.rowCount).toBe(20);
  });

  it("the output checks cannot be switched off from inside the sandbox", async () => {
    const rows = "const a = []; for (let i = 0; i < 2000; i++) a.push({ product: 'Latte', price: 2, quantity: 1, card: true });";
    const tamper = "Array.isArray = () => false; Array.prototype.slice = function () { return this; }; JSON.stringify = () => '[]';";
    await expect(runSandboxed(`function generate() { ${rows} ${tamper} return a; }`, { seed: 1, maxRows: 1000 })).rejects.toThrow(/returned 2,000 rows, more than the 1,000-row output limit/);
    const taken = await runSandboxed(`function generate() { ${rows} ${tamper} return a; }`, { seed: 1, takeRows: 5 });
    expect(taken).toHaveLength(5);
    // Replacing the checker is ignored (its property is read-only); declaring it fails.
    expect(await runSandboxed("globalThis.__synthlab_finish = () => 'J[1]'; function generate() { return []; }", { seed: 1 })).toEqual([]);
    await expect(runSandboxed("function __synthlab_finish() { return 'J[]'; }\nfunction generate() { return []; }", { seed: 1 })).rejects.toThrow(/the program failed: TypeError/);
  });

  it("takes the first n of 250,000 valid rows without crashing the host", async () => {
    env.server.script(program([
      "function generate(rng, faker, n) {",
      "  const out = [];",
      "  for (let i = 0; i < 250000; i++) out.push({ product: ['Latte', 'Espresso', 'Cocoa'][i % 3], price: 1 + (i % 800) / 100, quantity: 1 + (i % 3), card: i % 2 === 0 });",
      "  return out;",
      "}",
    ].join("\n")));
    const { run, growth } = await runMeasured({ rows: 300 }, { sandboxMemoryBytes: 96 * MiB });
    expect(run.frame.rowCount).toBe(300);
    for (const r of frameToRecords(run.frame)) expect(validateRow(r, SALES_SCHEMA)).toEqual([]);
    // Only the 300 rows asked for left the sandbox, so the fixed bound holds.
    expect(growth).toBeLessThan(96 * MiB + HOST_OVERHEAD);
  });
});

describe("model-written text is bounded and printable", () => {
  it("a 5 MiB error with escape sequences reaches the prompt and the error line as a few clean KB", async () => {
    const hostile = program("function generate() { throw new Error('\\u001b[31mRED\\u001b]0;pwned\\u0007\\r\\nFAKE LINE\\u009b2J' + 'y'.repeat(5 * 1024 * 1024)); }");
    env.server.script(hostile, hostile);
    const request = llmRequest(env.server, env.dir, { rows: 5 }, { maxAttempts: 1 });
    const err = await generate({ ...request, mode: "llm-program", schema: SALES_SCHEMA }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message.length).toBeLessThan(4_000);
    expect(message).toMatch(/no working generator program after 1 attempts; last problem: the program failed: Error: RED +FAKE LINEy+… 5\.\d MB more/);
    expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    const chats = env.server.chatRequests();
    expect(chats).toHaveLength(2);
    expect(chats[1]!.body.length).toBeLessThan(32_000); // not 5 MB resent
    const fix = correctionPrompt();
    expect(fix).toContain("RED");
    expect(fix).not.toMatch(/\u001b|\u0007|\u009b|\r/);
  });

  it("synthlab generate prints it as one bounded line without escape sequences", async () => {
    const hostile = program("function generate() { throw new Error('\\u001b]0;pwned\\u0007\\u001b[2J\\rsynthlab generate: all good\\n' + 'z'.repeat(3 * 1024 * 1024)); }");
    env.server.script(hostile, hostile, hostile, hostile, hostile, hostile);
    const saved = { ...process.env };
    Object.assign(process.env, { OPENAI_BASE_URL: env.server.url, OPENAI_API_KEY: TEST_KEY, SYNTHLAB_CACHE_DIR: env.dir });
    let r: CliResult;
    try {
      r = await runCli(generateCli, ["--mode", "llm-program", "--schema", "coffee-shop", "--rows", "5", "--out", `${env.dir}/out.csv`, "--quiet"]);
    } finally {
      for (const k of ["OPENAI_BASE_URL", "OPENAI_API_KEY", "SYNTHLAB_CACHE_DIR"]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
    expect(r.code).not.toBe(0);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^synthlab generate: llm-program: no working generator program after 3 attempts; last problem: the program failed: Error: +synthlab generate: all good z+… 3\.\d MB more/);
    expect(r.stderr.length).toBeLessThan(3_000);
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it("a 5 MB program is refused before it is compiled or run, and not resent whole", async () => {
    env.server.script(program(`function generate() { return [${"1,".repeat(2_500_000)}1]; }`));
    const { run } = await runMeasured({}, {});
    expect(failureOf(run)).toBe("the program has 5,000,035 characters, more than the 200,000 a generator program may have; write a short program that computes its rows");
    expect(env.server.chatRequests()[1]!.body.length).toBeLessThan(64_000);
    expect(run.frame.rowCount).toBe(20);
  });

  it("a chat reply over 16 MiB is cut off, not buffered, and the run fails with one line", async () => {
    const huge = { kind: "content" as const, content: "x".repeat(17 * 1024 * 1024) };
    env.server.script(huge, huge);
    const request = llmRequest(env.server, env.dir, { rows: 5 }, { maxRetries: 1, maxAttempts: 1 });
    const err = await generate({ ...request, mode: "llm-program" }).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/^LLM request failed after 2 attempts: connection failed \(Connection error: the server's reply is larger than 16 MiB, more than any chat completion\)\.$/);
    expect(readAll(`${env.dir}/cache`)).toBe("");
  });

  it("a reply containing the API key is scrubbed before it is cached or used", async () => {
    env.server.script(program(`// key: ${TEST_KEY}\nfunction generate(rng, faker, n) { const a = []; for (let i = 0; i < n; i++) a.push({ product: 'Latte', price: 1 + i, quantity: 1, card: true }); return a; }`));
    const request = llmRequest(env.server, env.dir, { rows: 5 });
    const run = await generate({ ...request, mode: "llm-program", schema: SALES_SCHEMA });
    expect(run.frame.rowCount).toBe(5);
    expect(run.program).toContain("// key: [redacted]");
    const cached = readAll(`${env.dir}/cache`);
    expect(cached).toContain("[redacted]"); // the entry is there ...
    expect(cached).not.toContain(TEST_KEY); // ... without the key
    expect(readAll(`${env.dir}/checkpoints`)).not.toContain(TEST_KEY);
  });
});

describe("the sandbox's clock and randomness come from the seed", () => {
  const clockProgram = program([
    "function generate(rng, faker, n) {",
    "  const out = [];",
    "  const t0 = Date.now(), p0 = performance.now();",
    "  for (let i = 0; i < n; i++) {",
    "    const d = new Date();",
    "    out.push({ product: ['Latte', 'Espresso', 'Cocoa'][(d.getTime() + i) % 3], price: 1 + Math.random() * 8, quantity: 1 + ((Date.now() - t0 + Math.round(performance.now() - p0)) % 3), card: String(Date()).length % 2 === 0 });",
    "  }",
    "  return out;",
    "}",
  ].join("\n"));

  it("same seed ⇒ identical rows; another seed ⇒ other rows", async () => {
    const rowsFor = async (seed: number, sub: string): Promise<unknown[]> => {
      env.server.script(clockProgram);
      const request = llmRequest(env.server, env.dir, { rows: 30, seed }, { cache: false, checkpointDir: `${env.dir}/${sub}` });
      const run = await generate({ ...request, mode: "llm-program", schema: SALES_SCHEMA });
      return frameToRecords(run.frame);
    };
    const a = await rowsFor(3, "a");
    await new Promise((r) => setTimeout(r, 20)); // the real clock moves on; the sandbox's must not
    const b = await rowsFor(3, "b");
    const c = await rowsFor(4, "c");
    expect(a).toHaveLength(30);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it("reads a fixed, seeded clock inside the sandbox", async () => {
    const src = "function generate() { return [Date.now(), Date.now(), new Date().toISOString(), typeof performance.now(), new Date(0).toISOString(), new Date(2020, 0, 2).getFullYear(), new Date() instanceof Date]; }";
    const out = (await runSandboxed(src, { seed: 1 })) as unknown[];
    expect(out).toEqual([Date.UTC(2025, 0, 1) + 1, Date.UTC(2025, 0, 1) + 2, "2025-01-01T00:00:00.003Z", "number", "1970-01-01T00:00:00.000Z", 2020, true]);
  });
});

describe("sandbox settings", () => {
  it("come from options, then the environment, and a bad value is one clear line", () => {
    expect(sandboxLimits({}, {})).toMatchObject({ timeoutMs: 5000, memoryBytes: 64 * MiB });
    expect(sandboxLimits({}, { SYNTHLAB_SANDBOX_MEMORY_MB: "128", SYNTHLAB_SANDBOX_TIMEOUT_MS: "9000" })).toMatchObject({ timeoutMs: 9000, memoryBytes: 128 * MiB });
    expect(sandboxLimits({ sandboxMemoryBytes: 16 * MiB }, { SYNTHLAB_SANDBOX_MEMORY_MB: "128" }).memoryBytes).toBe(16 * MiB);
    expect(() => sandboxLimits({}, { SYNTHLAB_SANDBOX_MEMORY_MB: "lots" })).toThrow(/^SYNTHLAB_SANDBOX_MEMORY_MB must be a number of MiB from 1 to 1024, got "lots"\.$/);
    expect(() => sandboxLimits({ sandboxTimeoutMs: -1 }, {})).toThrow(/options\.sandboxTimeoutMs must be a number of ms from 10 to 600000, got -1/);
    expect(WASM_OVERHEAD_BYTES + 48 * MiB).toBeLessThanOrEqual(HOST_OVERHEAD); // the stated bound covers the allowance
  });
});

describe("no spread push over unbounded arrays", () => {
  it("deduplicates 250,000 rows without overflowing the call stack", () => {
    // 100,000 distinct (a, b) pairs, each seen two or three times.
    const rows = Array.from({ length: 250_000 }, (_, i) => ({ a: i % 1000, b: Math.floor(i / 1000) % 100 }));
    const d = dedupRecords(rows, ["a", "b"], { mode: "exact" });
    expect(d.keep).toHaveLength(100_000);
    expect(d.removed).toBe(150_000);
  });
});
