/**
 * `synthlab generate --mode M --rows N [--like real.csv|DATASET] [--schema schema.json|coffee-shop] [--seed N]
 *  --out out.csv|out.jsonl|-`: the library's generate() from the shell; progress on stderr.
 * The options are declared once for magic and CLI in src/frontend/commands/generate.ts.
 */
import { basename, resolve } from "node:path";
import { printableLine } from "../../display/untrusted.js";
import { UsageError } from "../../errors.js";
import { prepareOutputPath, runCommand } from "../../frontend/cli.js";
import { generateCommand } from "../../frontend/commands/generate.js";
import { generateProgress, stderrSink } from "../../frontend/progress.js";
import { prepareGenerate, refuseEmptyRun } from "../../frontend/generate.js";
import { stringArg } from "../../frontend/spec.js";

export function run(argv: string[]): Promise<number> {
  return runCommand(generateCommand, argv, async (args) => {
    const quiet = args.quiet === true;
    const out = stringArg(args, "out");
    if (!out) throw new UsageError("--out is required: a .csv or .jsonl path, or - for CSV on stdout.");
    if (out !== "-" && !/\.(csv|jsonl)$/i.test(out)) throw new UsageError(`--out ${out}: the file name must end in .csv or .jsonl (or use - for stdout).`);
    // The output folder is created (or found impossible) before any row is generated.
    if (out !== "-") prepareOutputPath("out", out);
    const prepared = await prepareGenerate(args);
    const { mode, rows } = prepared;

    const gen = await import("../../generate/index.js");
    const started = Date.now();
    const progress = quiet ? undefined : generateProgress(out === "-" ? "rows" : basename(out), mode, rows, stderrSink(), false);
    let result;
    try {
      result = await gen.generate({ ...prepared.request, onProgress: (p) => progress?.update(p) });
    } catch (e) {
      // On a terminal the progress line is ended first; in a log the error stays the one line.
      if (process.stderr.isTTY) progress?.stopped();
      throw e;
    }
    progress?.done({ rows: result.frame.rowCount, target: rows, rowsPerSecond: result.stats.rowsPerSecond });
    // A header-only file would look like success.
    refuseEmptyRun(result, prepared, `nothing written to ${out === "-" ? "stdout" : out}`);

    const { writeFrameFile, writeFrameTo } = await import("../../generate/output.js");
    if (out === "-") await writeFrameTo(result.frame, process.stdout, "csv");
    else await writeFrameFile(result.frame, resolve(out));
    if (!quiet) {
      for (const e of result.stats.endpoints ?? []) process.stderr.write(`${gen.endpointLine(e)}\n`);
      // The grounded mode's schema, coverage plan and grounding counts (other modes have none).
      for (const d of result.details) process.stderr.write(`${printableLine(d, 400)}\n`);
      for (const w of result.warnings) process.stderr.write(`warning: ${printableLine(w)}\n`);
      process.stderr.write(`wrote ${result.frame.rowCount} rows to ${out === "-" ? "stdout" : out} in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
    }
    return undefined;
  });
}
