import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as reportCli } from "../../src/cli/commands/report.js";
import { writeCsv } from "../../src/data/csv.js";
import { frameToRecords } from "../../src/data/frame.js";
import { toDataFrame } from "../../src/data/dataframe.js";
import reportMagic from "../../src/magics/library/report.js";
import { MagicUsageError } from "../../src/magics/types.js";
import { Report } from "../../src/evaluate/index.js";
import { getMagic, loadLibraryMagics, runMagicCell } from "../../src/magics/index.js";
import { fixtureTables } from "./helpers.js";
import { fakeMagicContext } from "../support/magic-context.js";
import { runCli } from "../support/cli.js";

const { real, synthetic, holdout } = fixtureTables();
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "synthlab-report-"));
  await writeCsv(real, join(dir, "real.csv"));
  await writeCsv(synthetic, join(dir, "synth.csv"));
  await writeCsv(holdout, join(dir, "holdout.csv"));
  await writeCsv({ columnNames: ["x", "other"], columns: { x: [1], other: [2] }, rowCount: 1 }, join(dir, "bad.csv"));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const cli = (argv: string[]) => runCli(reportCli, argv);

describe("synthlab report", () => {
  it("prints the summary and writes the JSON and a self-contained HTML page", async () => {
    const json = join(dir, "out.json");
    const html = join(dir, "out.html");
    const r = await cli(["--real", join(dir, "real.csv"), "--synth", join(dir, "synth.csv"), "--holdout", join(dir, "holdout.csv"),
      "--target", "y", "--time", "date", "--json", json, "--html", html]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fidelity \d/);
    const j = JSON.parse(await readFile(json, "utf8"));
    expect(j.version).toBe(1);
    expect(j.rows).toEqual({ real: 60, synthetic: 45, holdout: 60 });
    expect(j.utility.prediction.target).toBe("y");
    expect(j.fidelity.autocorrelation).not.toBeNull();
    const page = await readFile(html, "utf8");
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toMatch(/<svg|<img/);
  });
  it("--columns compares only the shared columns the user names", async () => {
    const json = join(dir, "cols.json");
    const r = await cli(["--real", join(dir, "real.csv"), "--synth", join(dir, "bad.csv"), "--columns", "x", "--json", json]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(await readFile(json, "utf8"));
    expect(j.fidelity.columns.map((c: { name: string }) => c.name)).toEqual(["x"]);
    const none = await cli(["--real", join(dir, "real.csv"), "--synth", join(dir, "bad.csv"), "--columns", "x,nope"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no column\(s\) "nope"/);
  });
  it("usage errors exit 2 with one clear line", async () => {
    const r = await cli(["--real", join(dir, "real.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--synth is required/);
    expect((await cli([])).stderr).toMatch(/--real and --synth are required/);
    expect((await cli(["--real", "a", "--synth", "b", "--bogus"])).code).toBe(2);
    expect((await cli(["--real", "a", "--synth", "b", "--model", "gpt"])).stderr).toMatch(/--model must be one of ridge, linear, mlp; got "gpt"/);
  });
  it("bad data exits 2 (as generate and train do) naming the problem, without a stack", async () => {
    const r = await cli(["--real", join(dir, "real.csv"), "--synth", join(dir, "bad.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lacks "y", "k", "cat", "date" and has extra "other"/);
    // The fix names the option the CLI has, with the shared columns filled in.
    expect(r.stderr).toMatch(/compare the 1 shared one\(s\) with --columns x /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // A missing input is a usage error, found before any work.
    const missing = await cli(["--real", join(dir, "nope.csv"), "--synth", join(dir, "synth.csv")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^synthlab report: --real .*nope\.csv: no such file\.\n$/);
  });
});

const fakeContext = (vars: Map<string, unknown>) => fakeMagicContext(vars);

describe("%%report", () => {
  it("evaluates notebook DataFrames and Frames, binds `report` and displays it", async () => {
    const vars = new Map<string, unknown>([["train", toDataFrame(real)], ["sales", synthetic], ["hold", frameToRecords(holdout)]]);
    const { ctx, out } = fakeContext(vars);
    await reportMagic.run({ real: "train", synth: "sales", holdout: "hold", target: "y", as: "report" }, "", ctx);
    const r = vars.get("report");
    expect(r).toBeInstanceOf(Report);
    expect((r as Report).json.rows).toEqual({ real: 60, synthetic: 45, holdout: 60 });
    expect(String(out.displays[0]!["text/html"])).toMatch(/Findings/);
    expect(out.stdout).toBe("Stored in report (a Report): report.scores has the three scores, report.toJSON() every number, await report.toHTML() a page to save.\n");
  });
  it("binds under --as", async () => {
    const vars = new Map<string, unknown>([["a", real], ["b", synthetic]]);
    const { ctx, out } = fakeContext(vars);
    await reportMagic.run({ real: "a", synth: "b", as: "r2" }, undefined, ctx);
    expect(vars.get("r2")).toBeInstanceOf(Report);
    expect(out.stdout).toMatch(/^Stored in r2 \(a Report\): r2\.scores/); // the names the user typed
  });
  it("unknown variables and bad tables are usage errors naming them", async () => {
    const vars = new Map<string, unknown>([["a", real], ["bad", [{ x: 1, other: 2 }]]]);
    const { ctx } = fakeContext(vars);
    await expect(reportMagic.run({ real: "a", synth: "nope" }, undefined, ctx)).rejects.toThrow(/--synth nope: no notebook variable, file or dataset of that name; tables in scope: a, bad\./);
    await expect(reportMagic.run({ real: "a", synth: "bad" }, undefined, ctx)).rejects.toThrow(MagicUsageError);
    await expect(reportMagic.run({ real: "a", synth: "a", as: "1x" }, undefined, ctx)).rejects.toThrow(/not a valid variable name/);
  });
});

describe("%%report through the magic runner", () => {
  it("is registered from the library folder and parses its options from a cell", async () => {
    await loadLibraryMagics();
    expect(getMagic("report")?.kind).toBe("both");
    const vars = new Map<string, unknown>([["train", real], ["sales", synthetic], ["hold", holdout]]);
    const { ctx } = fakeContext(vars);
    const res = await runMagicCell("%%report --real train --synth sales --holdout hold --target y --queries 250 --as r\n", ctx);
    expect(res.handled).toBe(true);
    expect((vars.get("r") as Report).json.utility.qscore.queries).toBe(250);
    await expect(runMagicCell("%%report --real train\n", ctx)).rejects.toThrow(MagicUsageError);
    await expect(runMagicCell("%report --real train --synth sales --model gpt", ctx)).rejects.toThrow(/gpt/);
  });
});
