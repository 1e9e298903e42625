/**
 * A pool of endpoints through the real front ends: `--endpoint` (repeatable) on `synthlab generate`
 * and `%%generate`, SYNTHLAB_ENDPOINTS, each node's key from the environment variable its key= names
 * (the test doubles require their own key, so the right one was sent), and the one-line refusals.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { run as generateCli } from "../../src/cli/commands/generate.js";
import { parseCsv } from "../../src/data/csv.js";
import { registerMagic, unregisterMagic } from "../../src/magics/index.js";
import generateMagic from "../../src/magics/library/generate.js";
import { progressText } from "../../src/frontend/progress.js";
import { runCli } from "../support/cli.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { makeContext } from "../magics/helpers.js";
import { SALES_SCHEMA } from "./llm/helpers.js";

const KEY_A = "sk-node-a-Q1w2E3r4T5y6U7i8O9p0";
const KEY_B = "sk-node-b-Z9x8C7v6B5n4M3a2S1d0";
const ENV_NAMES = ["NODE_A_KEY", "NODE_B_KEY", "SYNTHLAB_ENDPOINTS", "SYNTHLAB_CACHE_DIR", "OPENAI_API_KEY", "OPENAI_BASE_URL"];

let dir: string;
let schemaFile: string;
let a: OpenAiTestServer;
let b: OpenAiTestServer;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  registerMagic(generateMagic);
  dir = await mkdtemp(join(tmpdir(), "synthlab-pool-front-"));
  schemaFile = join(dir, "schema.json");
  await writeFile(schemaFile, JSON.stringify(SALES_SCHEMA));
});
afterAll(async () => {
  unregisterMagic("generate");
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  for (const n of ENV_NAMES) saved[n] = process.env[n];
  for (const n of ENV_NAMES) delete process.env[n];
  process.env["NODE_A_KEY"] = KEY_A;
  process.env["NODE_B_KEY"] = KEY_B;
  process.env["SYNTHLAB_CACHE_DIR"] = await mkdtemp(join(dir, "cache-"));
  [a, b] = await Promise.all([startOpenAiServer({ apiKey: KEY_A, latencyMs: 10 }), startOpenAiServer({ apiKey: KEY_B, latencyMs: 10 })]);
});
afterEach(async () => {
  await Promise.all([a.close(), b.close()]);
  for (const n of ENV_NAMES) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
});

const cli = (argv: string[]) => runCli(generateCli, argv);
const llmArgs = (out: string) => ["--mode", "llm-rows", "--schema", schemaFile, "--rows", "40", "--batch-size", "4", "--concurrency", "2", "--description", "Coffee sales", "--out", out];
const bearer = (s: OpenAiTestServer) => [...new Set(s.chatRequests().map((r) => r.headers["authorization"]))];

describe("synthlab generate with a pool", () => {
  it("--endpoint URL key=VAR, repeated: both nodes work with their own key; the summary has a line per node", async () => {
    const out = join(dir, "pool.csv");
    const r = await cli([...llmArgs(out), "--endpoint", `${a.url} key=NODE_A_KEY name=alpha`, "--endpoint", `${b.url} key=NODE_B_KEY`]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(parseCsv(await readFile(out, "utf8")).rowCount).toBe(40);
    expect(bearer(a)).toEqual([`Bearer ${KEY_A}`]);
    expect(bearer(b)).toEqual([`Bearer ${KEY_B}`]);
    expect(r.stderr).toMatch(new RegExp(`^node alpha \\(${a.url.replace(/[./]/g, "\\$&")}\\): \\d+ requests, \\d+ answered, .* rows, [\\d.]+ answers/s$`, "m"));
    expect(r.stderr).toMatch(/^node 127\.0\.0\.1:\d+ \(http:\/\/127\.0\.0\.1:\d+\/v1\): \d+ requests/m);
    expect(r.stderr).toMatch(/2 nodes/); // the progress line
    for (const k of [KEY_A, KEY_B]) expect(r.stderr + r.stdout).not.toContain(k);
  });

  it("SYNTHLAB_ENDPOINTS configures the same pool from the environment", async () => {
    process.env["SYNTHLAB_ENDPOINTS"] = `${a.url} key=NODE_A_KEY; ${b.url} key=NODE_B_KEY`;
    const out = join(dir, "env.csv");
    const r = await cli(llmArgs(out));
    expect(r.code).toBe(0);
    expect(a.chatRequests().length).toBeGreaterThan(0);
    expect(b.chatRequests().length).toBeGreaterThan(0);
    expect(r.stderr.match(/^node /gm)).toHaveLength(2);
  });

  it("a literal key, or an unset key variable, is one line with the fix and nothing is sent", async () => {
    const r1 = await cli([...llmArgs(join(dir, "x.csv")), "--endpoint", `${a.url} key=${KEY_A}`]);
    expect(r1.code).not.toBe(0);
    expect(r1.stderr.trim().split("\n")).toHaveLength(1);
    expect(r1.stderr).toMatch(/key= takes the NAME of an environment variable holding the key, not the key itself/);
    expect(r1.stderr).not.toContain(KEY_A);
    expect(r1.stderr).not.toContain("Q1w2E3r4");
    const r2 = await cli([...llmArgs(join(dir, "y.csv")), "--endpoint", `${a.url} key=NODE_C_KEY`]);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr.trim()).toMatch(/^synthlab generate: .*the environment variable NODE_C_KEY \(named by key=\) is not set; export NODE_C_KEY=<the node's API key>, or drop key= for a keyless server\.$/);
    expect(a.chatRequests()).toHaveLength(0);
  });
});

describe("the progress line of a pool", () => {
  it("counts the nodes, and those up when some are cooling down", () => {
    const p = { rows: 10, target: 40, rowsPerSecond: 5 };
    expect(progressText("s", "llm-rows", { ...p, nodes: { total: 4, cooling: 0 } })).toMatch(/ · 4 nodes$/);
    expect(progressText("s", "llm-rows", { ...p, nodes: { total: 4, cooling: 1 } })).toMatch(/ · 3 of 4 nodes up$/);
    expect(progressText("s", "llm-rows", p)).not.toMatch(/nodes/);
  });
});

describe("%%generate with a pool", () => {
  it("takes quoted --endpoint values, binds the rows and shows a line per node in the summary", async () => {
    const t = makeContext(dir);
    const outcome = await t.run(`%%generate s --mode llm-rows --schema ${schemaFile} --rows 20 --batch-size 4 --endpoint "${a.url} key=NODE_A_KEY" --endpoint "${b.url} key=NODE_B_KEY concurrency=1"\nCoffee sales`);
    expect(outcome).toEqual({ status: "ok" });
    expect((t.scope.get("s") as { shape: number[] }).shape[0]).toBe(20);
    expect(b.maxInFlight).toBe(1);
    const texts = t.io.events.map((e) => (e.kind === "display" ? String(e.bundle["text/html"] ?? e.bundle["text/plain"]) : JSON.stringify(e)));
    const summary = texts.at(-1)!;
    expect(summary).toMatch(/node 127\.0\.0\.1:\d+ \(http:\/\/127\.0\.0\.1:\d+\/v1\): \d+ requests/);
    expect(summary.match(/node 127/g)).toHaveLength(2);
    for (const k of [KEY_A, KEY_B]) expect(texts.join("\n")).not.toContain(k);
  });

  it("refuses a literal key before any progress, in one usage line that does not show it", async () => {
    const t = makeContext(dir);
    const outcome = await t.run(`%%generate s --mode llm-rows --schema ${schemaFile} --rows 20 --endpoint "${a.url} key=${KEY_B}"\nCoffee sales`);
    expect(outcome.status === "error" && outcome.ename).toBe("UsageError");
    expect(outcome.status === "error" && outcome.evalue).toMatch(/not the key itself/);
    expect(JSON.stringify(outcome)).not.toContain(KEY_B);
    expect(t.io.events.filter((e) => e.kind === "display")).toEqual([]);
    expect(t.scope.has("s")).toBe(false);
  });

  it("a bad SYNTHLAB_ENDPOINTS is one usage line before any progress", async () => {
    process.env["SYNTHLAB_ENDPOINTS"] = `${a.url} key=MISSING_KEY`;
    const t = makeContext(dir);
    const outcome = await t.run(`%%generate s --mode llm-rows --schema ${schemaFile} --rows 20\nCoffee sales`);
    expect(outcome.status === "error" && outcome.evalue).toMatch(/MISSING_KEY \(named by key=\) is not set/);
    expect(t.io.events.filter((e) => e.kind === "display")).toEqual([]);
  });
});
