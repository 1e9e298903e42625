import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as datasetsCli } from "../../src/cli/commands/datasets.js";
import dataset, { defaultVariableName } from "../../src/magics/library/dataset.js";
import { MagicUsageError } from "../../src/magics/types.js";
import { fakeMagicContext } from "../support/magic-context.js";
import { runCli } from "../support/cli.js";

const MIRROR = resolve(process.env.SYNTHLAB_DATA_MIRROR ?? "../shared/datasets");
let cacheDir = "";
const saved = { cache: process.env.SYNTHLAB_CACHE_DIR, mirror: process.env.SYNTHLAB_DATA_MIRROR };
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "synthlab-cache-"));
  process.env.SYNTHLAB_CACHE_DIR = cacheDir;
  process.env.SYNTHLAB_DATA_MIRROR = MIRROR;
});
afterAll(async () => {
  for (const [k, v] of [["SYNTHLAB_CACHE_DIR", saved.cache], ["SYNTHLAB_DATA_MIRROR", saved.mirror]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await rm(cacheDir, { recursive: true, force: true });
});

const fakeContext = () => fakeMagicContext();

describe("%dataset", () => {
  it("stores a DataFrame under --as and shows the table and the attribution", async () => {
    const { ctx, vars, out } = fakeContext();
    await dataset.run({ name: "coffee-sales", as: "sales", frame: false }, undefined, ctx);
    const df = vars.get("sales") as { shape: number[]; constructor: { name: string } };
    expect(df.constructor.name).toBe("DataFrame");
    expect(df.shape).toEqual([3547, 11]);
    expect(String(out.displays[0]!["text/html"])).toContain("3547 rows × 11 columns");
    expect(out.stdout).toContain("Navjot Kaushal");
    expect(out.stdout).toContain("CC BY-SA 4.0");
  });

  it("stores a Frame with --frame under the default name", async () => {
    const { ctx, vars } = fakeContext();
    await dataset.run({ name: "coffee-sales-raw-index_1", frame: true }, undefined, ctx);
    expect(defaultVariableName("coffee-sales-raw-index_1")).toBe("coffee_sales_raw_index_1");
    expect((vars.get("coffee_sales_raw_index_1") as { rowCount: number }).rowCount).toBe(3636);
  });

  it("answers an unknown name or a bad variable with a usage error", async () => {
    const { ctx } = fakeContext();
    await expect(dataset.run({ name: "nope" }, undefined, ctx)).rejects.toThrow(MagicUsageError);
    await expect(dataset.run({ name: "nope" }, undefined, ctx)).rejects.toThrow(/Available: coffee-sales-raw-index_1, coffee-sales, spam-assassin/);
    await expect(dataset.run({ name: "coffee-sales", as: "1x" }, undefined, ctx)).rejects.toThrow(/--as 1x: not a valid variable name/);
  });

  it("turns a missing file into a one-line usage error naming SYNTHLAB_DATA_MIRROR", async () => {
    const { ctx } = fakeContext();
    const env = { cache: process.env.SYNTHLAB_CACHE_DIR, mirror: process.env.SYNTHLAB_DATA_MIRROR };
    process.env.SYNTHLAB_CACHE_DIR = join(cacheDir, "empty-cache");
    process.env.SYNTHLAB_DATA_MIRROR = join(cacheDir, "no-mirror");
    process.env.SYNTHLAB_OFFLINE = "1";
    try {
      const err = await dataset.run({ name: "coffee-sales-raw-index_1" }, undefined, ctx).catch((e: Error) => e);
      expect(err).toBeInstanceOf(MagicUsageError);
      expect((err as Error).message).toContain("SYNTHLAB_DATA_MIRROR");
      expect((err as Error).message).not.toContain("\n");
    } finally {
      process.env.SYNTHLAB_CACHE_DIR = env.cache;
      process.env.SYNTHLAB_DATA_MIRROR = env.mirror;
      delete process.env.SYNTHLAB_OFFLINE;
    }
  });
});

const cli = (argv: string[]) => runCli(datasetsCli, argv);

describe("synthlab datasets", () => {
  it("lists datasets", async () => {
    const r = await cli(["list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^coffee-sales\s+3547 × 11\s+CC BY-SA 4\.0$/m);
    expect(r.stdout).toMatch(/^spam-assassin\s+6046 × 3/m);
  });

  it("fetches into the cache and prints the path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "synthlab-cli-"));
    try {
      const r = await cli(["fetch", "coffee-sales", "--cache-dir", dir]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(join(dir, "coffee-sales.csv"));
      expect(r.stderr).toContain("CC BY-SA 4.0");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("shows info with license, sha256 and quirks", async () => {
    const r = await cli(["info", "coffee-sales-raw-index_1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("sha256:       5fd3185e8cef01ad72458d72b5af7d6a2dfb58b8779077ccbd88cc39d6dd82ce (279323 bytes)");
    expect(r.stdout).toContain("CC0");
    expect(r.stdout).toContain("header line is missing");
  });

  it("fails with one line for errors and usage problems", async () => {
    const offline = await cli(["fetch", "coffee-sales", "--cache-dir", join(cacheDir, "fresh"), "--mirror", join(cacheDir, "none"), "--offline"]);
    expect(offline.code).toBe(2); // an input/set-up error (names SYNTHLAB_DATA_MIRROR): exit 2, as in every command
    expect(offline.stderr.trim().split("\n")).toHaveLength(1);
    expect(offline.stderr).toContain("SYNTHLAB_DATA_MIRROR");
    expect((await cli(["info"])).code).toBe(2);
    expect((await cli(["frobnicate"])).stderr).toContain('unknown sub-command "frobnicate"');
    expect((await cli(["list", "--cache-dir"])).stderr).toContain("--cache-dir expects DIR, got nothing.");
    expect((await cli(["info", "nope"])).stderr).toMatch(/^synthlab datasets: Unknown dataset "nope"/);
  });
});
