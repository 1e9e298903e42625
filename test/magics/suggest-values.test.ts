/**
 * "Did you mean" for values, not only option names: `--like cofee` names the table meant, in the
 * magics (notebook variables and datasets) and the CLI (datasets and files).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { run as generateCli } from "../../src/cli/commands/generate.js";
import { run as trainCli } from "../../src/cli/commands/train.js";
import { suggestValue } from "../../src/magics/args.js";
import { registerMagic } from "../../src/magics/index.js";
import datasetMagic from "../../src/magics/library/dataset.js";
import generateMagic from "../../src/magics/library/generate.js";
import reportMagic from "../../src/magics/library/report.js";
import trainMagic from "../../src/magics/library/train.js";
import { runCli } from "../support/cli.js";
import { makeContext } from "./helpers.js";

beforeAll(() => {
  for (const m of [datasetMagic, generateMagic, reportMagic, trainMagic]) registerMagic(m);
});

const table = { columnNames: ["x", "y"], columns: { x: [1, 2, 3], y: [2, 4, 6] }, rowCount: 3 };

describe("suggestValue", () => {
  it("matches whole names and their leading words, and stays quiet for unrelated words", () => {
    expect(suggestValue("cofee", ["coffee", "spam"])).toBe("; did you mean coffee?");
    expect(suggestValue("cofee", ["coffee-sales-raw-index_1", "coffee-sales", "spam-assassin"])).toBe("; did you mean coffee-sales?");
    expect(suggestValue("spam-asassin", ["coffee-sales", "spam-assassin"])).toBe("; did you mean spam-assassin?");
    expect(suggestValue("zebra", ["coffee-sales", "spam-assassin"])).toBe("");
  });
});

describe("magics", () => {
  it("%%generate --like cofee suggests the notebook variable coffee", async () => {
    const t = makeContext();
    t.scope.set("coffee", table);
    const r = await t.run("%%generate s --like cofee --rows 5\n");
    expect(r.status).toBe("error");
    if (r.status === "error") expect(r.evalue).toMatch(/--like cofee: no notebook variable, file or dataset of that name; did you mean coffee\?$/);
  });

  it("%%train --data cofee suggests the dataset, %%report --real sale suggests the variable, %dataset cofee-sales the dataset", async () => {
    const t = makeContext();
    t.scope.set("sales", table);
    const train = await t.run("%%train --data cofee --target y\n");
    if (train.status === "error") expect(train.evalue).toMatch(/--data cofee: .*; did you mean coffee-sales\?/);
    else expect.unreachable("expected a usage error");
    const report = await t.run("%%report --real sale --synth sales\n");
    if (report.status === "error") expect(report.evalue).toMatch(/--real sale: no notebook variable, file or dataset of that name; did you mean sales\?/);
    else expect.unreachable("expected a usage error");
    const ds = await t.run("%dataset cofee-sales\n");
    if (ds.status === "error") expect(ds.evalue).toMatch(/Unknown dataset "cofee-sales"; did you mean coffee-sales\?/);
    else expect.unreachable("expected a usage error");
  });
});

describe("CLI", () => {
  it("synthlab generate --like cofee and synthlab train --data cofee suggest coffee-sales", async () => {
    const g = await runCli(generateCli, ["--like", "cofee", "--rows", "5", "--out", "-"]);
    expect(g.code).toBe(2);
    expect(g.stderr).toBe("synthlab generate: --like cofee: no file or dataset of that name; did you mean coffee-sales?\n");
    const t = await runCli(trainCli, ["--data", "cofee", "--target", "money"]);
    expect(t.code).toBe(2);
    expect(t.stderr).toBe("synthlab train: --data cofee: no file or dataset of that name; did you mean coffee-sales?\n");
  });
});
