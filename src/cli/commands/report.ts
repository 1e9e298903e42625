/**
 * `synthlab report --real R --synth S [--holdout H] [--target COL] [--time COL] [--json out.json]
 * [--html out.html]`: the quality report of tables given as .csv/.jsonl/.json files or dataset
 * names. Prints the summary; writes the JSON (DESIGN.md section 5) and a self-contained HTML page
 * on request. The options are declared once for magic and CLI in src/frontend/commands/report.ts.
 */
import { writeFile } from "node:fs/promises";
import { prepareOutputPath, runCommand } from "../../frontend/cli.js";
import { reportCommand } from "../../frontend/commands/report.js";
import { libraryOptions, stringArg } from "../../frontend/spec.js";
import { resolveTable } from "../../frontend/tables.js";

export function run(argv: string[]): Promise<number> {
  return runCommand(reportCommand, argv, async (args) => {
    // Inputs and output folders are checked before the report is computed (minutes on a large table).
    const options = libraryOptions(reportCommand, args);
    const json = stringArg(args, "json");
    const html = stringArg(args, "html");
    if (json !== undefined) prepareOutputPath("json", json);
    if (html !== undefined) prepareOutputPath("html", html);
    const [real, synthetic, holdout] = await Promise.all([
      resolveTable("real", String(args.real)),
      resolveTable("synth", String(args.synth)),
      args.holdout !== undefined ? resolveTable("holdout", String(args.holdout)) : Promise.resolve(null),
    ]);
    const { evaluate } = await import("../../evaluate/index.js");
    const report = await evaluate({ ...options, real, synthetic, holdout });
    process.stdout.write(`${report.toString()}\n`);
    if (json !== undefined) {
      await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`JSON written to ${json}\n`);
    }
    if (html !== undefined) {
      await writeFile(html, await report.toHTML());
      process.stdout.write(`HTML written to ${html}\n`);
    }
    return undefined;
  });
}
