/**
 * Conditional generation and constraints: what conditioning costs against unconditioned copula
 * rows in the same run, whether conditional runs return exactly the requested counts, whether
 * rebalancing reaches its target shares, and how many rows break the mined rules in every mode's
 * output (a table with ordered date-times, a sum and a lookup).
 *
 *   SYNTHLAB_DATA_MIRROR=../shared/datasets npx tsx bench/conditions.bench.ts   # writes docs/benchmarks/conditions.md
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CellValue, Frame } from "../src/data/types.js";
import { inferSchema } from "../src/data/schema.js";
import { loadDataset } from "../src/datasets/index.js";
import type { EvalKind } from "../src/evaluate/types.js";
import { evalKindOf, validityDiagnostic, withCanonicalDates } from "../src/evaluate/index.js";
import { createCopulaGenerator } from "../src/generate/copula/index.js";
import { generate, type GenerateOptions } from "../src/generate/index.js";
import { startOpenAiServer } from "../test/support/openai-server.js";
import { trips } from "../test/support/trips.js";
import { median } from "./support/timing.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ROWS = 20_000;
const REPS = 3;

function tally(values: readonly CellValue[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(String(v), (m.get(String(v)) ?? 0) + 1);
  return m;
}

/** Median wall and CPU seconds of `reps` runs (after one warm-up). */
async function timed(fn: () => Promise<unknown> | unknown, reps = REPS): Promise<{ wall: number; cpu: number }> {
  await fn();
  const walls: number[] = [], cpus: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn();
    walls.push((performance.now() - t) / 1000);
    const u = process.cpuUsage(c);
    cpus.push((u.user + u.system) / 1e6);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

function brokenRows(real: Frame, synth: Frame): { rules: number; broken: number; text: string } {
  const schema = inferSchema(real);
  const kinds: Record<string, EvalKind> = {};
  for (const c of schema.columns) kinds[c.name] = evalKindOf(c, real.columns[c.name]!);
  const columns = schema.columns.map((c) => c.name).filter((c) => kinds[c] !== "text");
  const d = validityDiagnostic(withCanonicalDates(real, schema, columns), withCanonicalDates(synth, schema, columns), { columns, kinds });
  return { rules: d.rules.length, broken: d.rules.reduce((s, r) => s + r.broken, 0), text: d.rules.map((r) => `${r.text}: ${r.broken}`).join("; ") };
}

async function main(): Promise<void> {
  const load0 = loadavg()[0]!;
  const started = Date.now();
  const coffee = await loadDataset("coffee-sales");
  const lines: string[] = [];
  const speed: string[] = [];
  const rate = (t: { wall: number; cpu: number }, n = ROWS) => `${Math.round(n / t.wall).toLocaleString("en-US")} | ${Math.round(n / t.cpu).toLocaleString("en-US")}`;

  // 1. Sampling speed of the fitted copula: plain rows against rows held at a value (exact conditional normal).
  const sampler = await createCopulaGenerator().sampler!({ rows: ROWS, seed: 1, like: coffee, schema: inferSchema(coffee) }, { onProgress: () => {} });
  const plain = await timed(() => sampler.sample(ROWS, 1));
  const one = await timed(() => sampler.sample(ROWS, 1, { coffee_name: "Latte" }));
  const two = await timed(() => sampler.sample(ROWS, 1, { coffee_name: "Latte", cash_type: "card" }));
  speed.push(`| copula sample, unconditioned | ${rate(plain)} | 1.00× |`);
  speed.push(`| copula sample, coffee_name = Latte (exact, truncated normal) | ${rate(one)} | ${(one.cpu / plain.cpu).toFixed(2)}× |`);
  speed.push(`| copula sample, coffee_name = Latte and cash_type = card (Gibbs, 12 sweeps) | ${rate(two)} | ${(two.cpu / plain.cpu).toFixed(2)}× |`);

  // 2. End to end through generate(): fit, mine, draw, verify.
  const base: GenerateOptions = { like: coffee, rows: ROWS, seed: 1 };
  const e2e: [string, GenerateOptions][] = [
    ["generate, copula, no rules (mineConstraints: false)", { ...base, mineConstraints: false }],
    ["generate, copula, mined rules enforced (default)", base],
    ["generate, copula, counts Latte:10000,Cocoa:10000", { ...base, conditions: "coffee_name=Latte:10000,Cocoa:10000" }],
    ["generate, copula, rebalance coffee_name (uniform)", { ...base, rebalance: "coffee_name" }],
    ["generate, offline, counts Latte:10000,Cocoa:10000 (rejection)", { ...base, mode: "offline", conditions: "coffee_name=Latte:10000,Cocoa:10000" }],
    ["generate, cart, no rules", { ...base, mode: "cart", mineConstraints: false }],
    ["generate, cart, counts Latte:10000,Cocoa:10000 (held column first)", { ...base, mode: "cart", conditions: "coffee_name=Latte:10000,Cocoa:10000" }],
  ];
  const ref = await timed(() => generate(e2e[0]![1]), 1);
  for (const [label, o] of e2e) {
    const t = label === e2e[0]![0] ? ref : await timed(() => generate(o), 1);
    speed.push(`| ${label} | ${rate(t)} | ${(t.cpu / ref.cpu).toFixed(2)}× |`);
  }

  // 3. Goals: exact counts, rebalance shares, mined rules.
  const counts = await generate({ ...base, rows: 600, conditions: "coffee_name=Latte:300,Cocoa:300" });
  const c = tally(counts.frame.columns["coffee_name"]!);
  lines.push(`| copula, --condition "coffee_name=Latte:300,Cocoa:300" | Latte ${c.get("Latte")}, Cocoa ${c.get("Cocoa")} of 600 | exact | ${c.get("Latte") === 300 && c.get("Cocoa") === 300 ? "yes" : "no"} |`);
  const offCounts = await generate({ ...base, rows: 600, mode: "offline", conditions: "coffee_name=Latte:300,Cocoa:300" });
  const oc = tally(offCounts.frame.columns["coffee_name"]!);
  lines.push(`| offline, the same condition (rejection and top-up) | Latte ${oc.get("Latte")}, Cocoa ${oc.get("Cocoa")} of 600 | exact | ${oc.get("Latte") === 300 && oc.get("Cocoa") === 300 ? "yes" : "no"} |`);
  const cartCounts = await generate({ ...base, rows: 600, mode: "cart", conditions: "coffee_name=Latte:300,Cocoa:300" });
  const cc = tally(cartCounts.frame.columns["coffee_name"]!);
  lines.push(`| cart, the same condition (held column drawn first) | Latte ${cc.get("Latte")}, Cocoa ${cc.get("Cocoa")} of 600 | exact | ${cc.get("Latte") === 300 && cc.get("Cocoa") === 300 ? "yes" : "no"} |`);
  const reb = await generate({ ...base, rows: 1000, rebalance: "coffee_name" });
  const rc = tally(reb.frame.columns["coffee_name"]!);
  const realShare = tally(coffee.columns["coffee_name"]!);
  const worst = Math.max(...[...rc.values()].map((n) => Math.abs(n / 1000 - 1 / rc.size))) * 100;
  const realWorst = Math.max(...[...realShare.values()].map((n) => Math.abs(n / coffee.rowCount - 1 / realShare.size))) * 100;
  lines.push(`| copula, --rebalance coffee_name (uniform over ${rc.size} values, 1000 rows) | largest gap to 1/${rc.size}: ${worst.toFixed(2)} pp (real rows: ${realWorst.toFixed(1)} pp) | ≤ 1 pp | ${worst <= 1 ? "yes" : "no"} |`);

  const table = trips(2000, 5);
  const server = await startOpenAiServer({});
  const dir = mkdtempSync(join(tmpdir(), "synthlab-condbench-"));
  try {
    const llm = { options: { baseURL: server.url, apiKey: "sk-bench", cache: false, checkpointDir: dir, env: {} }, model: "gpt-4o-mini" };
    const plainCopula = await generate({ like: table, rows: 2000, seed: 1, mineConstraints: false });
    const pb = brokenRows(table, plainCopula.frame);
    lines.push(`| copula without rules, trips table (2,000 rows) | ${pb.broken} broken rule checks (${pb.text}) | – | (the defect) |`);
    for (const [mode, rows] of [["offline", 2000], ["copula", 2000], ["cart", 2000], ["llm-rows", 100], ["llm-program", 500]] as const) {
      const run = await generate({ like: table, rows, seed: 1, mode, batchSize: 20, ...(mode.startsWith("llm") ? llm : {}) } as GenerateOptions);
      const b = brokenRows(table, run.frame);
      lines.push(`| ${mode}, mined rules, trips table (${rows.toLocaleString("en-US")} rows${mode.startsWith("llm") ? ", local test server" : ""}) | ${b.broken} broken of ${b.rules} rules (${b.text}) | 0 | ${b.broken === 0 ? "yes" : "no"} |`);
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const md = `# Benchmark: conditions and constraints

Command: \`SYNTHLAB_DATA_MIRROR=../shared/datasets npx tsx bench/conditions.bench.ts\` (writes this file). Date: ${new Date().toISOString()}; the run took ${((Date.now() - started) / 1000).toFixed(0)} s.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}; load average ${load0.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end
(a shared machine: wall times are noisy, so CPU time is shown too; the ratios compare runs of the same process).

## Cost of conditioning (coffee-sales, ${ROWS.toLocaleString("en-US")} rows, median of ${REPS} after a warm-up; end to end: one run)

Peer in the same run: unconditioned copula rows. "Cost" is CPU time relative to the first row of each block.

| what | rows/s (wall) | rows/s (CPU) | cost |
|---|---:|---:|---:|
${speed.join("\n")}

## Goals

| what | measured | goal | met |
|---|---|---|---|
${lines.join("\n")}

The LLM modes run against the local OpenAI-compatible test double (test/support/openai-server.ts), a seeded
row synthesizer that follows the JSON schema but knows nothing of the rules: every rule it breaks is rejected
(or, for determined columns, recomputed) by the engine and topped up, which is what a real model's slips get too.
`;
  mkdirSync(join(ROOT, "docs/benchmarks"), { recursive: true });
  writeFileSync(join(ROOT, "docs/benchmarks/conditions.md"), md);
  process.stderr.write(md + "\nwrote docs/benchmarks/conditions.md\n");
}

await main();
