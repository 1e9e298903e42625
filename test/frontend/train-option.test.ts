/**
 * `--validation-split` on %%train and synthlab train: added as one entry in the option list
 * (src/frontend/commands/train.ts) and reaching trainRegressor's validationSplit in both front ends.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as trainCli } from "../../src/cli/commands/train.js";
import { registerMagic } from "../../src/magics/index.js";
import trainMagic from "../../src/magics/library/train.js";
import type { TrainedModel } from "../../src/train/models.js";
import { runCli } from "../support/cli.js";
import { makeContext } from "../magics/helpers.js";

const rows = Array.from({ length: 100 }, (_, i) => ({ x: i % 10, z: (i * 7) % 13, y: 2 * (i % 10) + ((i * 7) % 13) }));
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "synthlab-valsplit-"));
  await writeFile(join(dir, "train.csv"), ["x,z,y", ...rows.map((r) => `${r.x},${r.z},${r.y}`)].join("\n") + "\n");
  registerMagic(trainMagic);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("--validation-split", () => {
  it("%%train holds out that share of the rows (0: none), and checks the range", async () => {
    const t = makeContext();
    t.scope.set("train", rows);
    expect((await t.run("%%train --data train --target y --model linear --epochs 3 --validation-split 0.3 --as m\n")).status).toBe("ok");
    const m = t.scope.get("m") as TrainedModel;
    expect(m.info.options.validationSplit).toBe(0.3);
    expect(m.info.validationRows).toBe(30);
    expect((await t.run("%%train --data train --target y --model linear --epochs 3 --validation-split 0 --as m0\n")).status).toBe("ok");
    expect((t.scope.get("m0") as TrainedModel).info.validationRows).toBe(0);
    const bad = await t.run("%%train --data train --target y --validation-split 1\n");
    expect(bad.status === "error" && bad.evalue).toMatch(/^%%train: --validation-split must be a number from 0 to 0\.9; got 1\. See %%train\?$/);
  }, 120_000);

  it("synthlab train takes the same option, records it, and refuses the same values", async () => {
    const json = join(dir, "m.json");
    const r = await runCli(trainCli, ["--data", join(dir, "train.csv"), "--target", "y", "--model", "linear", "--epochs", "3", "--validation-split", "0.2", "--json", json, "--quiet"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(await readFile(json, "utf8")) as { options: { validationSplit: number }; validationRows: number };
    expect(out.options.validationSplit).toBe(0.2);
    expect(out.validationRows).toBe(20);
    const bad = await runCli(trainCli, ["--data", join(dir, "train.csv"), "--target", "y", "--validation-split", "-0.1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("synthlab train: --validation-split must be a number from 0 to 0.9; got -0.1. Run `synthlab train --help` for the options.\n");
    expect((await runCli(trainCli, ["--help"])).stdout).toMatch(/--validation-split N +share of the training rows held out/);
  }, 120_000);
});
