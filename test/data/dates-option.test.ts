/**
 * `--dates COL=FORMAT` in the CLI (generate, train, report) and the magics (%%generate, %%train,
 * %%report), and the delimiter line when a CLI reads a semicolon file (issue 10, defects 1 and 9).
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as generateCli } from "../../src/cli/commands/generate.js";
import { run as reportCli } from "../../src/cli/commands/report.js";
import { run as trainCli } from "../../src/cli/commands/train.js";
import { frameFromColumns } from "../../src/data/frame.js";
import { loadLibraryMagics, runMagicCell } from "../../src/magics/index.js";
import { MagicUsageError } from "../../src/magics/types.js";
import type { Report } from "../../src/evaluate/report/report.js";
import { runCli } from "../support/cli.js";
import { fakeMagicContext } from "../support/magic-context.js";

/** Days 1–12 of each month only: dd/mm and mm/dd both read every value, so the data cannot settle it. */
function ambiguous(rows: number): { day: string[]; qty: number[] } {
  const day: string[] = [], qty: number[] = [];
  for (let i = 0; i < rows; i++) {
    const d = 1 + (i % 12), m = 1 + ((i * 5) % 12);
    day.push(`${String(d).padStart(2, "0")}/${String(m).padStart(2, "0")}/2021`);
    qty.push(d + 2 * m + (i % 3));
  }
  return { day, qty };
}

let dir = "";
const real = ambiguous(120);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "synthlab-dates-"));
  const csv = (t: { day: string[]; qty: number[] }, sep = ",") => `day${sep}qty\n${t.day.map((d, i) => `${d}${sep}${t.qty[i]}`).join("\n")}\n`;
  await writeFile(join(dir, "real.csv"), csv(real, ";"));
  await writeFile(join(dir, "synth.csv"), csv(ambiguous(60)));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("CLI --dates", () => {
  it("generate: says the file is semicolon-separated and the order is ambiguous; --dates settles it and the output keeps the format", async () => {
    const out = join(dir, "out.csv");
    const plain = await runCli(generateCli, ["--like", join(dir, "real.csv"), "--rows", "50", "--out", out]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/Read .*real\.csv as semicolon \(;\)-separated\./);
    expect(plain.stderr).toMatch(/warning: Column "day": .*ambiguous; read as mm\/dd\/yyyy\. .*--dates "day=dd\/mm\/yyyy"/);
    const given = await runCli(generateCli, ["--like", join(dir, "real.csv"), "--rows", "50", "--out", out, "--dates", "day=dd/mm/yyyy"]);
    expect(given.code).toBe(0);
    expect(given.stderr).not.toMatch(/ambiguous/);
    const lines = (await readFile(out, "utf8")).trim().split("\n").slice(1);
    expect(lines.every((l) => /^\d{2}\/\d{2}\/2021,\d+$/.test(l))).toBe(true);
  });

  it("a bad --dates is one line naming the fix, in every command", async () => {
    const g = await runCli(generateCli, ["--like", join(dir, "real.csv"), "--out", join(dir, "x.csv"), "--dates", "day"]);
    expect(g.code).toBe(2);
    expect(g.stderr.trim()).toBe('synthlab generate: --dates day: write COLUMN=FORMAT, e.g. --dates "Date=dd/mm/yyyy".');
    const r = await runCli(reportCli, ["--real", join(dir, "real.csv"), "--synth", join(dir, "synth.csv"), "--dates", "day=qq"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/Date format "qq" has no year or hour field/);
    const t = await runCli(trainCli, ["--data", join(dir, "real.csv"), "--target", "qty", "--dates", "day=qq"]);
    expect(t.code).toBe(2);
    expect(t.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const unknown = await runCli(reportCli, ["--real", join(dir, "real.csv"), "--synth", join(dir, "synth.csv"), "--dates", "dya=dd/mm/yyyy"]);
    expect(unknown.code).toBe(2); // bad input: exit 2, as in every command (docs/magics.md)
    expect(unknown.stderr).toMatch(/^synthlab report: A date format is given for column "dya", which the table does not have \(--dates dya=…\)\. Columns: day, qty\.\n$/m);
  });

  it("report: --dates reads the real and synthetic dates day first", async () => {
    const json = join(dir, "r.json");
    const r = await runCli(reportCli, ["--real", join(dir, "real.csv"), "--synth", join(dir, "synth.csv"), "--dates", "day=dd/mm/yyyy", "--json", json, "--queries", "20"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(await readFile(json, "utf8"));
    const day = j.fidelity.columns.find((c: { name: string }) => c.name === "day");
    expect(day.kind).toBe("datetime");
    expect(j.warnings.join("\n")).not.toMatch(/ambiguous/);
    const plain = await runCli(reportCli, ["--real", join(dir, "real.csv"), "--synth", join(dir, "synth.csv"), "--json", json, "--queries", "20"]);
    expect(plain.code).toBe(0);
    expect(JSON.parse(await readFile(json, "utf8")).warnings.join("\n")).toMatch(/Column "day": .*ambiguous/);
  });
});

describe("magics --dates and --max-levels", () => {
  it("%%report and %%train take --dates; %%train takes --max-levels and names capped columns", async () => {
    await loadLibraryMagics();
    const shops = Array.from({ length: 120 }, (_, i) => `shop${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
    const table = frameFromColumns({ ...real, shop: shops.map((s, i) => (i < 60 ? shops[i % 5]! : s)) });
    const { ctx, out } = fakeMagicContext(new Map<string, unknown>([["t", table]]));
    await runMagicCell("%%report --real t --synth t --dates day=dd/mm/yyyy --queries 20 --as r\n", ctx);
    const rep = (ctx.scope.get("r") as Report).json;
    expect(rep.fidelity.columns.find((c) => c.name === "day")?.kind).toBe("datetime");
    expect(rep.warnings.join("\n")).not.toMatch(/ambiguous/);
    await runMagicCell("%%train --data t --target qty --model linear --epochs 2 --dates day=dd/mm/yyyy --max-levels 5\n", ctx);
    expect(out.stdout + JSON.stringify(out.displays)).toMatch(/Column \\?"shop\\?": one-hot over its 5 most frequent of \d+ levels/);
    await expect(runMagicCell("%%train --data t --target qty --dates day\n", ctx)).rejects.toThrow(MagicUsageError);
  });

  it("%%generate: an ambiguous order is a warning line; --dates settles it", async () => {
    await loadLibraryMagics();
    const { ctx, out } = fakeMagicContext(new Map<string, unknown>([["t", frameFromColumns(real)]]));
    await runMagicCell("%%generate s --like t --rows 20\n", ctx);
    expect(JSON.stringify(out.displays)).toMatch(/warning: Column \\"day\\": .*ambiguous/);
    out.displays.length = 0;
    await runMagicCell("%%generate s2 --like t --rows 20 --dates day=dd/mm/yyyy\n", ctx);
    expect(JSON.stringify(out.displays)).not.toMatch(/ambiguous/);
  });
});
