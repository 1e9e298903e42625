/**
 * Every CLI option is validated up front, with one line and no stack trace; the magics share the
 * same checks (src/magics/args.ts, declared ranges). Each case here was a defect: a TF.js stack
 * trace, an internal "Invalid typed array length", an unbounded run, a report computed and then
 * lost, "ambiguous" for a negative number, a header-only CSV with exit 0.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as generateCli } from "../../src/cli/commands/generate.js";
import { run as reportCli } from "../../src/cli/commands/report.js";
import { run as trainCli } from "../../src/cli/commands/train.js";
import { evaluate } from "../../src/evaluate/index.js";
import { generate } from "../../src/generate/index.js";
import { formatHelp, parseMagicArgs } from "../../src/magics/args.js";
import { registerMagic } from "../../src/magics/index.js";
import generateMagic from "../../src/magics/library/generate.js";
import reportMagic from "../../src/magics/library/report.js";
import trainMagic from "../../src/magics/library/train.js";
import { trainRegressor } from "../../src/train/models.js";
import { runCli } from "../support/cli.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { makeContext } from "../magics/helpers.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "synthlab-cli-validation-"));
  const rows = Array.from({ length: 80 }, (_, i) => `${i % 10},${(i * 7) % 13},${i % 2 ? "a" : "b"},${2 * (i % 10) + ((i * 7) % 13)}`);
  await writeFile(join(dir, "real.csv"), ["x,z,c,y", ...rows.slice(0, 60)].join("\n") + "\n");
  await writeFile(join(dir, "synth.csv"), ["x,z,c,y", ...rows.slice(20)].join("\n") + "\n");
  await writeFile(join(dir, "a-file"), "not a folder\n");
  registerMagic(trainMagic);
  registerMagic(generateMagic);
  registerMagic(reportMagic);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** One line on stderr naming the problem, and no stack trace. */
function oneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at |Error: /);
}

describe("synthlab train", () => {
  it("caps layer sizes with one line instead of a TF.js stack trace", async () => {
    const r = await runCli(trainCli, ["--data", join(dir, "real.csv"), "--target", "y", "--layers", "100000,100000"]);
    expect(r.code).toBe(2);
    oneLine(r.stderr, /^synthlab train: --layers 100000,100000: a layer may have at most 4096 units, e.g. --layers 64,32\.$/);
  });

  it("says a negative epoch count must be a positive integer (not 'ambiguous')", async () => {
    const r = await runCli(trainCli, ["--data", join(dir, "real.csv"), "--target", "y", "--epochs", "-1"]);
    expect(r.code).toBe(2);
    oneLine(r.stderr, /^synthlab train: --epochs must be an integer from 1 to 100,000; got -1\. Run `synthlab train --help` for the options\.$/);
    const lr = await runCli(trainCli, ["--data", join(dir, "real.csv"), "--target", "y", "--lr", "0"]);
    oneLine(lr.stderr, /--lr must be a number > 0 and ≤ 10; got 0\./);
  });

  it("suggests the option meant", async () => {
    const r = await runCli(trainCli, ["--data", join(dir, "real.csv"), "--target", "y", "--epoch", "3"]);
    oneLine(r.stderr, /unknown option --epoch; did you mean --epochs\?/);
  });

  it("creates the --json folder before training, or fails before it", async () => {
    const bad = await runCli(trainCli, ["--data", join(dir, "real.csv"), "--target", "y", "--json", join(dir, "a-file", "out.json")]);
    expect(bad.code).toBe(2);
    oneLine(bad.stderr, /--json .*a-file\/out\.json: cannot create its folder/);
  });

  it("the library refuses a network too large to allocate, before loading TF.js", async () => {
    const t = { columnNames: ["x", "y"], columns: { x: [1, 2, 3, 4], y: [2, 4, 6, 8] }, rowCount: 4 };
    await expect(trainRegressor(t, { target: "y", layers: [4096, 4096, 4096], log: false })).rejects.toThrow(/would have 33,574,913 weights .*at most 20,000,000/);
  });
});

describe("synthlab generate", () => {
  it("refuses --rows beyond the cap up front (was: 'Invalid typed array length')", async () => {
    const r = await runCli(generateCli, ["--schema", "coffee-shop", "--rows", "1000000000000", "--out", join(dir, "g.csv")]);
    expect(r.code).toBe(2);
    oneLine(r.stderr, /^synthlab generate: --rows must be an integer from 0 to 10,000,000; got 1000000000000\./);
    await expect(generate({ rows: 1e12, schema: "coffee-shop" })).rejects.toThrow(/rows must be at most 10,000,000/);
  });

  it("creates the output folder", async () => {
    const out = join(dir, "new", "deeper", "g.csv");
    const r = await runCli(generateCli, ["--schema", "coffee-shop", "--rows", "5", "--out", out, "--quiet"]);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  describe("against the local OpenAI-compatible server", () => {
    let server: OpenAiTestServer;
    const saved: Record<string, string | undefined> = {};
    beforeAll(async () => {
      server = await startOpenAiServer({ defaultAction: { kind: "content", content: "Sorry, I cannot help with that." } });
      for (const k of ["OPENAI_BASE_URL", "OPENAI_API_KEY", "SYNTHLAB_CACHE_DIR"]) saved[k] = process.env[k];
      process.env.OPENAI_BASE_URL = server.url;
      delete process.env.OPENAI_API_KEY;
      process.env.SYNTHLAB_CACHE_DIR = join(dir, "cache");
    });
    afterAll(async () => {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      await server.close();
    });

    it("a run whose every model reply was invalid exits non-zero with one line and writes no header-only file", async () => {
      const out = join(dir, "llm.csv");
      const r = await runCli(generateCli, ["--mode", "llm-rows", "--schema", "coffee-shop", "--rows", "4", "--batch-size", "4", "--out", out, "--quiet"]);
      expect(r.code).toBe(1);
      oneLine(r.stderr, /^synthlab generate: no valid rows: the llm-rows run produced .*; nothing written to .*llm\.csv\.$/);
      expect(existsSync(out)).toBe(false);
      expect(server.chatRequests().length).toBeGreaterThan(0);
    }, 60_000);

    it("%%generate with no valid rows is a one-line error and binds nothing", async () => {
      const t = makeContext();
      const r = await t.run("%%generate s --mode llm-rows --schema coffee-shop --rows 4 --batch-size 4\nCoffee sales.\n");
      expect(r.status).toBe("error");
      if (r.status === "error") expect(r.evalue).toMatch(/^%%generate: no valid rows: the llm-rows run produced .*; s is not set\.$/);
      expect(t.scope.has("s")).toBe(false);
    }, 60_000);
  });
});

describe("synthlab report", () => {
  it("caps --queries up front (was: unbounded)", async () => {
    const r = await runCli(reportCli, ["--real", join(dir, "real.csv"), "--synth", join(dir, "synth.csv"), "--queries", "1000000000"]);
    expect(r.code).toBe(2);
    oneLine(r.stderr, /^synthlab report: --queries must be an integer from 1 to 10,000; got 1000000000\./);
    expect(r.stdout).toBe("");
    await expect(evaluate({ real: [{ a: 1 }], synthetic: [{ a: 1 }], queries: 1e9 })).rejects.toThrow(/queries must be a whole number from 1 to 10,000/);
  });

  it("fails on an impossible --html folder before computing the report", async () => {
    const r = await runCli(reportCli, ["--real", join(dir, "real.csv"), "--synth", join(dir, "synth.csv"), "--html", join(dir, "a-file", "out.html")]);
    expect(r.code).toBe(2);
    oneLine(r.stderr, /--html .*a-file\/out\.html: cannot create its folder/);
    expect(r.stdout).toBe(""); // no report summary: nothing was computed
  });

  it("creates a missing --html folder (was: computed the report, then 'cannot read …')", async () => {
    const html = join(dir, "missing", "dir", "out.html");
    const r = await runCli(reportCli, ["--real", join(dir, "real.csv"), "--synth", join(dir, "synth.csv"), "--html", html, "--queries", "20"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await readFile(html, "utf8")).toMatch(/<html/i);
  }, 60_000);
});

describe("the magics share the declared ranges", () => {
  it("%%train --epochs -1, %%generate --rows 1e12 and %%report --queries 0 are one-line usage errors; the kernel continues", async () => {
    const t = makeContext();
    t.scope.set("train", { columnNames: ["x", "y"], columns: { x: [1, 2, 3], y: [1, 2, 3] }, rowCount: 3 });
    const cases: [string, RegExp][] = [
      ["%%train --data train --target y --epochs -1\n", /^%%train: --epochs must be an integer from 1 to 100,000; got -1\. See %%train\?$/],
      ["%%train --data train --target y --layers 100000\n", /--layers 100000: a layer may have at most 4096 units/],
      ["%%generate s --schema coffee-shop --rows 1000000000000\n", /--rows must be an integer from 0 to 10,000,000; got 1000000000000/],
      ["%%report --real train --synth train --queries 0\n", /--queries must be an integer from 1 to 10,000; got 0/],
    ];
    for (const [cell, message] of cases) {
      const outcome = await t.run(cell);
      expect(outcome.status).toBe("error");
      if (outcome.status === "error") {
        expect(outcome.ename).toBe("UsageError");
        expect(outcome.evalue).toMatch(message);
      }
    }
    expect((await t.run("%%train --data train --target y --model linear --epochs 2\n")).status).toBe("ok");
  }, 60_000);

  it("the help shows each range", () => {
    const help = formatHelp(trainMagic);
    expect(help).toMatch(/--epochs N .*\(integer from 1 to 100,000\)/);
    expect(help).toMatch(/--lr N .*\(number > 0 and ≤ 10\)/);
    expect(() => parseMagicArgs(trainMagic, "--data d --target y --patience 1.5")).toThrow(/--patience expects an integer from 0 to 100,000, got "1.5"/);
  });
});
