/**
 * `synthlab compare` against local OpenAI-compatible TEST DOUBLES (test/support/openai-server.ts,
 * seeded schema fillers, not models), in-process for the outputs and errors, and as a child
 * process killed mid-run and resumed from the comparison checkpoint.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/commands/compare.js";
import { runCli } from "../support/cli.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { tablePath } from "../support/tables.js";
import { removeTempDirs, tempDir } from "../generate/llm/helpers.js";

const root = path.resolve(new URL("../..", import.meta.url).pathname);
const KEY = "sk-test-double-cli-SECRET-123456";
let server: OpenAiTestServer;
let dir: string;
let realCsv: string;

beforeAll(async () => {
  server = await startOpenAiServer({ latencyMs: 20, apiKey: KEY });
  dir = tempDir();
  // 150 rows of mpg without the free-text name: small enough for quick reports.
  const lines = fs.readFileSync(tablePath("mpg.csv"), "utf8").trim().split("\n").slice(0, 151);
  realCsv = path.join(dir, "mpg.csv");
  fs.writeFileSync(realCsv, lines.map((l) => l.split(",").slice(0, 8).join(",")).join("\n") + "\n");
});
afterAll(async () => {
  await server.close();
  removeTempDirs();
});

const double = (name: string, model: string): string => `name=${name},base=${server.url},model=${model},key_env=DOUBLE_KEY,price_in=0.5,price_out=1.5,concurrency=2,batch=10`;

describe("synthlab compare", () => {
  it("prints the table and the recommendation, and writes JSON and HTML", async () => {
    process.env.DOUBLE_KEY = KEY;
    const out = path.join(dir, "out");
    const r = await runCli(run, [
      "--real", realCsv, "--split", "0.25", "--target", "mpg", "--rows", "40", "--seed", "3", "--queries", "50",
      "-c", "copula", "-c", double("double (test double)", "cli-double"), "--checkpoint", path.join(dir, "c1.jsonl"),
      "--json", path.join(out, "cmp.json"), "--html", path.join(out, "cmp.html"), "--quiet",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Generator comparison: 2 candidates × 40 rows, seed 3");
    expect(r.stdout).toMatch(/^Recommendation: /m);
    const json = JSON.parse(fs.readFileSync(path.join(out, "cmp.json"), "utf8")) as { candidates: { name: string; status: string; costUsd: number }[] };
    expect(json.candidates.map((c) => [c.name, c.status])).toEqual([["copula", "ok"], ["double (test double)", "ok"]]);
    expect(json.candidates[1]!.costUsd).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(out, "cmp.html"), "utf8")).toMatch(/<img /);
    for (const f of ["cmp.json", "cmp.html"]) expect(fs.readFileSync(path.join(out, f), "utf8")).not.toContain(KEY);
    expect(r.stdout).not.toContain(KEY);
  });

  it("exits 2 with one line for bad input, and never takes a key on the command line", async () => {
    const noCand = await runCli(run, ["--real", realCsv, "--rows", "10"]);
    expect(noCand.code).toBe(2);
    expect(noCand.stderr).toMatch(/^synthlab compare: No candidates: give at least one/);
    const literalKey = await runCli(run, ["--real", realCsv, "--rows", "10", "-c", `name=x,base=${server.url},model=m,key=sk-live-abc`]);
    expect(literalKey.code).toBe(2);
    expect(literalKey.stderr).toMatch(/never write the key itself/);
    expect(literalKey.stderr).not.toContain("sk-live-abc");
    const both = await runCli(run, ["--real", realCsv, "--holdout", realCsv, "--split", "0.2", "--rows", "10", "-c", "copula"]);
    expect(both.stderr).toMatch(/Give --holdout or --split, not both/);
    const unknownMode = await runCli(run, ["--real", realCsv, "--rows", "10", "-c", "gan"]);
    expect(unknownMode.stderr).toMatch(/Unknown statistical candidate "gan"/);
    for (const r of [noCand, literalKey, both, unknownMode]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a run killed mid-way resumes: finished candidates are skipped, no answered request is sent again", async () => {
    const checkpoint = path.join(dir, "killed.jsonl");
    const cache = path.join(dir, "kill-cache");
    const argv = [
      "--real", realCsv, "--split", "0.25", "--target", "mpg", "--rows", "40", "--seed", "4", "--queries", "50",
      "-c", double("first (test double)", "kill-a"), "-c", double("second (test double)", "kill-b"), "-c", "offline", "-c", "copula",
      "--checkpoint", checkpoint,
    ];
    const script = `const m = await import(${JSON.stringify(pathToFileURL(path.join(root, "src/cli/commands/compare.ts")).href)}); process.exitCode = await m.run(${JSON.stringify(argv)});`;
    const env = { ...process.env, DOUBLE_KEY: KEY, SYNTHLAB_CACHE_DIR: cache };
    const child = spawn(process.execPath, ["--import", pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href, "--input-type=module", "-e", script], { cwd: dir, env });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    // Kill it (no chance to clean up) as soon as the first candidate is in the checkpoint.
    const killed = await new Promise<boolean>((resolve) => {
      const timer = setInterval(() => {
        if (fs.existsSync(checkpoint) && fs.readFileSync(checkpoint, "utf8").split("\n").filter(Boolean).length >= 1) {
          clearInterval(timer);
          child.kill("SIGKILL");
          resolve(true);
        }
      }, 5);
      child.on("exit", () => { clearInterval(timer); resolve(false); });
    });
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.on("exit", r)));
    expect(killed, stderr).toBe(true);
    const finished = fs.readFileSync(checkpoint, "utf8").split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { outcome: { name: string } }).outcome.name);
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished.length).toBeLessThan(4);
    const requestsBefore = server.chatRequests().length;

    process.env.DOUBLE_KEY = KEY;
    process.env.SYNTHLAB_CACHE_DIR = cache;
    const again = await runCli(run, argv);
    delete process.env.SYNTHLAB_CACHE_DIR;
    expect(again.code).toBe(0);
    for (const name of finished) expect(again.stderr).toContain(`${name}: finished in an earlier run (comparison checkpoint), skipped`);
    const skipped = again.stderr.split("\n").filter((l) => l.endsWith("skipped"));
    expect(skipped).toHaveLength(finished.length);
    // Every LLM answer of the killed run came back from the engine's cache and checkpoints.
    expect(server.chatRequests().length).toBe(requestsBefore);
    expect(again.stdout).toContain("Generator comparison: 4 candidates × 40 rows, seed 4");
    expect(again.stdout).not.toMatch(/failed:/);
  }, 120_000);
});
