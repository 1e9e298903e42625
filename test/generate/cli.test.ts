import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as generateCli } from "../../src/cli/commands/generate.js";
import { parseCsv, parseJsonl } from "../../src/data/csv.js";
import { runCli } from "../support/cli.js";

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "synthlab-gencli-")); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const cli = (argv: string[]) => runCli(generateCli, argv);

describe("synthlab generate", () => {
  it("writes CSV for an example schema, progress on stderr, same seed same file", async () => {
    const out = join(dir, "a.csv");
    const r = await cli(["--schema", "coffee-shop", "--rows", "400", "--seed", "3", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^Generated a\.csv \(offline\): 400 \/ 400 rows/m); // the magics' progress text (src/frontend/progress.ts)
    expect(r.stderr).toMatch(/wrote 400 rows to .*a\.csv/);
    const frame = parseCsv(await readFile(out, "utf8"));
    expect(frame.rowCount).toBe(400);
    expect(frame.columnNames[0]).toBe("id");
    const out2 = join(dir, "b.csv");
    expect((await cli(["--schema", "coffee-shop", "--rows", "400", "--seed", "3", "--out", out2, "--quiet"])).stderr).toBe("");
    expect(await readFile(out2, "utf8")).toBe(await readFile(out, "utf8"));
  });

  it("fits a copula on a CSV and writes JSONL", async () => {
    const real = join(dir, "real.csv");
    await writeFile(real, "x,y,c\n" + Array.from({ length: 50 }, (_, i) => `${i % 20},${2 * (i % 20) + (i % 3)},${i % 2 ? "odd" : "even"}`).join("\n") + "\n");
    const out = join(dir, "s.jsonl");
    const r = await cli(["--like", real, "--rows", "120", "--seed", "1", "--out", out]);
    expect(r.code).toBe(0);
    const frame = parseJsonl(await readFile(out, "utf8"));
    expect(frame.rowCount).toBe(120);
    expect(frame.columnNames).toEqual(["x", "y", "c"]);
    const xs = frame.columns.x as number[];
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(19);
    expect(xs.every(Number.isInteger)).toBe(true);
  });

  it("fits a copula on a named dataset (through the dataset loader)", async () => {
    const saved = process.env.SYNTHLAB_DATA_MIRROR, savedCache = process.env.SYNTHLAB_CACHE_DIR;
    process.env.SYNTHLAB_DATA_MIRROR = resolve(saved ?? "../shared/datasets");
    process.env.SYNTHLAB_CACHE_DIR = join(dir, "cache");
    try {
      const r = await cli(["--like", "coffee-sales", "--rows", "30", "--out", "-", "--quiet"]);
      expect(r.code).toBe(0);
      const frame = parseCsv(r.stdout);
      expect(frame.rowCount).toBe(30);
      expect(frame.columnNames).toContain("coffee_name");
    } finally {
      if (saved === undefined) delete process.env.SYNTHLAB_DATA_MIRROR; else process.env.SYNTHLAB_DATA_MIRROR = saved;
      if (savedCache === undefined) delete process.env.SYNTHLAB_CACHE_DIR; else process.env.SYNTHLAB_CACHE_DIR = savedCache;
    }
  });

  it("usage errors exit 2 with one clear line", async () => {
    const cases: [string[], RegExp][] = [
      [["--schema", "coffee-shop", "--rows", "ten", "--out", "-"], /--rows expects an integer from 0 to 10,000,000, got "ten"/],
      [["--schema", "coffee-shop"], /--out is required/],
      [["--schema", "coffee-shop", "--out", "x.parquet"], /must end in .csv or .jsonl/],
      [["--schema", "nope.json", "--out", "-"], /--schema nope.json: no example \(coffee-shop\) or JSON file of that name\./],
      [["--like", "nope.csv", "--out", "-"], /--like nope.csv: no such file\./],
      [["--mode", "magic", "--schema", "coffee-shop", "--out", "-"], /--mode must be one of offline, copula, cart, llm-rows, llm-program, text, grounded; got "magic"/],
      [["--mode", "copula", "--schema", "coffee-shop", "--out", "-"], /copula mode fits real data/],
      [["--frobnicate"], /unknown option --frobnicate/],
    ];
    for (const [argv, re] of cases) {
      const r = await cli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr.split("\n")[0], argv.join(" ")).toMatch(re);
      expect(r.stderr, argv.join(" ")).not.toMatch(/\n\s+at /); // no stack
    }
    expect((await cli(["--help"])).stdout).toMatch(/^Usage: synthlab generate/);
  });
});
