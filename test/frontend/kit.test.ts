/**
 * The front-end kit (src/frontend): one option list per command makes both front ends; one table
 * resolver; one input-error check; one progress formatter; magics meet the kernel through
 * magics/types.ts only. Each case was a defect of issue #12: hand-written CLI usage beside the
 * magics' option arrays, six table readers (`report` read .json as JSONL and no dataset names),
 * four drifting lists of "input error" names, report's exit codes unlike its siblings'.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as generateCli } from "../../src/cli/commands/generate.js";
import { run as reportCli } from "../../src/cli/commands/report.js";
import { run as trainCli } from "../../src/cli/commands/train.js";
import { run as datasetsCli } from "../../src/cli/commands/datasets.js";
import { run as runCli_ } from "../../src/cli/commands/run.js";
import { CsvError } from "../../src/data/csv.js";
import { DateFormatError } from "../../src/data/datetime.js";
import { FrameError } from "../../src/data/frame.js";
import { DatasetError } from "../../src/datasets/index.js";
import { EvaluateError } from "../../src/evaluate/index.js";
import { InputError, isInputError, RunFailedError, UsageError } from "../../src/errors.js";
import { formatHelp } from "../../src/frontend/args.js";
import { commandHelp } from "../../src/frontend/cli.js";
import { generateCommand } from "../../src/frontend/commands/generate.js";
import { reportCommand } from "../../src/frontend/commands/report.js";
import { trainCommand } from "../../src/frontend/commands/train.js";
import { datasetCommand, datasetsCommand } from "../../src/frontend/commands/dataset.js";
import { runCommandSpec } from "../../src/frontend/commands/run.js";
import { epochText, progressText } from "../../src/frontend/progress.js";
import { libraryOptions, optionsFor, type CommandSpec } from "../../src/frontend/spec.js";
import { resolveTable } from "../../src/frontend/tables.js";
import { BudgetExceededError, LlmConfigError, LlmRequestError } from "../../src/generate/llm/errors.js";
import { GenerateError } from "../../src/generate/types.js";
import datasetMagic from "../../src/magics/library/dataset.js";
import generateMagic from "../../src/magics/library/generate.js";
import reportMagic from "../../src/magics/library/report.js";
import trainMagic from "../../src/magics/library/train.js";
import { isUsageError } from "../../src/magics/run.js";
import { TrainError } from "../../src/train/models.js";
import { runCli } from "../support/cli.js";
import { fakeMagicContext } from "../support/magic-context.js";

const MIRROR = [process.env.SYNTHLAB_DATA_MIRROR, "../shared/datasets", "/work/shared/datasets"]
  .map((p) => (p ? resolve(p) : ""))
  .find((p) => p && statSync(p, { throwIfNoEntry: false })?.isDirectory());

let dir = "";
const savedMirror = process.env.SYNTHLAB_DATA_MIRROR;
beforeAll(async () => {
  if (MIRROR) process.env.SYNTHLAB_DATA_MIRROR = MIRROR;
  dir = await mkdtemp(join(tmpdir(), "synthlab-kit-"));
  const rows = Array.from({ length: 40 }, (_, i) => ({ x: i % 7, c: i % 2 ? "a" : "b", y: 2 * (i % 7) + (i % 3) }));
  await writeFile(join(dir, "real.json"), JSON.stringify(rows));
  await writeFile(join(dir, "synth.json"), JSON.stringify(rows.slice(5)));
  await writeFile(join(dir, "object.json"), JSON.stringify({ x: [1, 2], y: [3, 4] }));
  await writeFile(join(dir, "other.csv"), "p,q\n1,2\n3,4\n");
});
afterAll(async () => {
  if (savedMirror === undefined) delete process.env.SYNTHLAB_DATA_MIRROR;
  else process.env.SYNTHLAB_DATA_MIRROR = savedMirror;
  await rm(dir, { recursive: true, force: true });
});

const SPECS: [CommandSpec, { options?: readonly { name: string; help: string }[] } | undefined][] = [
  [generateCommand as unknown as CommandSpec, generateMagic],
  [trainCommand as unknown as CommandSpec, trainMagic],
  [reportCommand as unknown as CommandSpec, reportMagic],
  [datasetCommand, datasetMagic],
  [datasetsCommand, undefined],
  [runCommandSpec, undefined],
];

describe("one option list per command", () => {
  it("the magic's options are the list's (no hand-written copy), and both helps show each option with its description", () => {
    for (const [spec, magic] of SPECS) {
      const magicOptions = spec.options.filter((o) => o.only !== "cli");
      const cliOptions = spec.options.filter((o) => o.only !== "magic");
      if (magic) {
        expect(magic.options!.map((o) => o.name), spec.name).toEqual(magicOptions.map((o) => o.name));
        const help = formatHelp(magic as Parameters<typeof formatHelp>[0]);
        for (const o of magicOptions) {
          expect(help, `%${spec.name}? --${o.name}`).toContain(`--${o.type === "boolean" ? "[no-]" : ""}${o.name}`);
          expect(help, `%${spec.name}? --${o.name}`).toContain(o.help);
        }
      }
      if (spec.cli) {
        const help = commandHelp(spec);
        expect(help).toMatch(new RegExp(`^Usage: synthlab ${spec.name}`));
        for (const o of cliOptions) {
          expect(help, `synthlab ${spec.name} --help: --${o.name}`).toContain(`${o.name}`);
          expect(help, `synthlab ${spec.name} --help: --${o.name}`).toContain(o.help);
        }
      }
    }
  });

  it("front-end-only options stay on their side: --as in magics, --out/--save/--json on the command line", () => {
    expect(optionsFor(trainCommand, "magic").map((o) => o.name)).toContain("as");
    expect(optionsFor(trainCommand, "magic").map((o) => o.name)).not.toContain("save");
    expect(optionsFor(trainCommand, "cli").map((o) => o.name)).toEqual(expect.arrayContaining(["save", "json", "quiet", "help"]));
    expect(optionsFor(trainCommand, "cli").map((o) => o.name)).not.toContain("as");
    // A table option names what each front end accepts.
    expect(optionsFor(reportCommand, "magic").find((o) => o.name === "real")!.help).toMatch(/a notebook variable, a \.csv\/\.jsonl\/\.json file or a dataset name/);
    expect(optionsFor(reportCommand, "cli").find((o) => o.name === "real")!.help).not.toMatch(/notebook/);
  });

  it("the library's options are built from the list: keys renamed, values converted, unset ones left to the library", () => {
    const train = libraryOptions(trainCommand, { target: "y", "batch-size": 32, lr: 0.05, layers: "8,4", dates: ["d=dd/mm/yyyy"], as: "m", quiet: false });
    expect(train).toEqual({ target: "y", batchSize: 32, learningRate: 0.05, layers: [8, 4], dates: { d: "dd/mm/yyyy" } });
    const gen = libraryOptions(generateCommand, { dedup: "none", labels: "spam, ham", budget: 2, meta: false, balanced: true });
    // "none" is the one spelling of the dedup choice, passed as it is (the library also reads false and "off").
    expect(gen).toEqual({ dedup: "none", labels: ["spam", "ham"], budgetUsd: 2, balanced: true });
    expect(() => libraryOptions(trainCommand, { layers: "8,x" })).toThrow(/--layers 8,x/);
  });

  it("`synthlab <command> --help` exits 0 even without the required options", async () => {
    const r = await runCli(trainCli, ["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--batch-size N");
    expect(r.stdout).toContain("rows per gradient step");
    const d = await runCli(datasetsCli, ["--help"]);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain("--cache-dir DIR");
    const n = await runCli(runCli_, ["-h"]);
    expect(n.code).toBe(0);
    expect(n.stdout).toContain("-p, --parameter name=value");
  });
});

describe("one table resolver", () => {
  it("reads a .json array of records (report used to read .json as JSON Lines and fail)", async () => {
    const r = await runCli(reportCli, ["--real", join(dir, "real.json"), "--synth", join(dir, "synth.json"), "--queries", "20"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fidelity \d/);
    const frame = await resolveTable("real", join(dir, "real.json"));
    expect(frame.rowCount).toBe(40);
    expect(frame.columnNames).toEqual(["x", "c", "y"]);
  }, 60_000);

  it("a .json that is not an array of records is one clear line, exit 2", async () => {
    const r = await runCli(reportCli, ["--real", join(dir, "object.json"), "--synth", join(dir, "synth.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^synthlab report: .*object\.json holds a JSON object; a \.json table is an array of records, e\.g\. \[\{"a": 1\}, \{"a": 2\}\] \(or write one record per line as \.jsonl\)\.\n$/);
  });

  it("report (CLI and magic) reads a dataset name", async () => {
    expect(MIRROR, "the dataset mirror (SYNTHLAB_DATA_MIRROR, ../shared/datasets)").toBeTruthy();
    // The dataset is read (its columns are named), then evaluate refuses the mismatched synthetic table.
    const r = await runCli(reportCli, ["--real", "coffee-sales", "--synth", join(dir, "other.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^synthlab report: .*lacks "[^"]+".* and has extra "p", "q"/m);
    const { ctx } = fakeMagicContext(new Map<string, unknown>([["other", [{ p: 1, q: 2 }, { p: 3, q: 4 }]]]));
    await expect(reportMagic.run({ real: "coffee-sales", synth: "other", as: "report" }, undefined, ctx)).rejects.toThrow(/^%%report: .*lacks "[^"]+".* and has extra "p", "q"/);
  }, 60_000);

  it("a notebook variable comes first, then a file, then a dataset; a miss names the closest", async () => {
    const vars = new Map<string, unknown>([["coffee-sales", [{ a: 1 }, { a: 2 }]]]);
    const { ctx } = fakeMagicContext(vars);
    const fromScope = await resolveTable("data", "coffee-sales", { scope: ctx.scope, cwd: dir });
    expect(fromScope.rowCount).toBe(2);
    const fromFile = await resolveTable("data", "other.csv", { scope: ctx.scope, cwd: dir });
    expect(fromFile.columnNames).toEqual(["p", "q"]);
    await expect(resolveTable("data", "othr.csv", { cwd: dir })).rejects.toThrow(/^--data othr\.csv: no such file; did you mean other\.csv\?$/);
    await expect(resolveTable("data", "cofee-sales", { cwd: dir })).rejects.toThrow(/^--data cofee-sales: no file or dataset of that name; did you mean coffee-sales\?$/);
  });
});

describe("one input-error class", () => {
  it("every library usage error is an InputError; faults of ours are not", () => {
    for (const err of [
      new CsvError("x"), new FrameError("x"), new DateFormatError("x"), new DatasetError("x"), new EvaluateError("x"),
      new TrainError("x"), new GenerateError("x"), new LlmConfigError("x"), new BudgetExceededError("x"), new UsageError("x"),
    ]) {
      expect(isInputError(err), err.name).toBe(true);
      expect(isUsageError(err), err.name).toBe(true);
    }
    for (const err of [new Error("x"), new TypeError("x"), new LlmRequestError("x"), new RunFailedError("x"), "text", null]) {
      expect(isInputError(err), String(err)).toBe(false);
    }
    expect(new CsvError("x")).toBeInstanceOf(InputError);
    expect(new CsvError("x").name).toBe("CsvError");
  });

  it("every command exits 2 for bad input and says it in one line", async () => {
    const badDates = ["--dates", "day"];
    const cases: [(argv: string[]) => Promise<number>, string[]][] = [
      [generateCli, ["--schema", "coffee-shop", "--out", "-", ...badDates]],
      [trainCli, ["--data", join(dir, "real.json"), "--target", "y", ...badDates]],
      [reportCli, ["--real", join(dir, "real.json"), "--synth", join(dir, "synth.json"), ...badDates]],
      [trainCli, ["--data", join(dir, "real.json"), "--target", "c"]],
    ];
    for (const [cli, argv] of cases) {
      const r = await runCli(cli, argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), argv.join(" ")).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});

describe("one progress formatter", () => {
  it("the CLI prints the same progress text as the magic shows", async () => {
    const r = await runCli(generateCli, ["--schema", "coffee-shop", "--rows", "30", "--seed", "1", "--out", join(dir, "g.csv")]);
    expect(r.code).toBe(0);
    const last = r.stderr.split("\n").find((l) => l.startsWith("Generated "))!;
    const rate = /· ([\d,]+) rows\/s/.exec(last)?.[1]?.replace(/,/g, "");
    expect(last).toBe(progressText("g.csv", "offline", { rows: 30, target: 30, rowsPerSecond: Number(rate ?? 0) }, true));
    expect(epochText({ epoch: 3, loss: 0.5, valLoss: null, valMae: null, elapsedMs: 1500 })).toBe("epoch    3  loss 0.50000  1.5 s");
  });
});

describe("seams", () => {
  it("magics import the kernel only through src/magics/types.ts", () => {
    const root = resolve("src/magics");
    const offenders: string[] = [];
    const walk = (d: string): void => {
      for (const f of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, f.name);
        if (f.isDirectory()) walk(p);
        else if (p.endsWith(".ts") && p !== join(root, "types.ts") && /from\s+["'][^"']*\/kernel\//.test(readFileSync(p, "utf8"))) offenders.push(p);
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
