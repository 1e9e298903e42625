/**
 * `synthlab compare --real R [--holdout H | --split SHARE] --rows N -c SPEC [-c SPEC …] [--candidates FILE]
 * [--target COL] [--budget USD] [--checkpoint FILE] [--json FILE] [--html FILE]`: one generation task on
 * several candidates, compared (docs/compare.md). Prints the table and the recommendation; one line
 * per candidate event on stderr. The options are declared once for magic and CLI in
 * src/frontend/commands/compare.ts. Exit 0 when a candidate finished, 1 when every one failed.
 */
import { writeFile } from "node:fs/promises";
import { EXIT, prepareOutputPath, runCommand } from "../../frontend/cli.js";
import { compareCommand, compareProgressLine, compareRequest } from "../../frontend/commands/compare.js";
import { stringArg } from "../../frontend/spec.js";
import { RunFailedError } from "../../errors.js";
import { displaySymbol } from "../../display/protocol.js";

export function run(argv: string[]): Promise<number> {
  return runCommand(compareCommand, argv, async (args) => {
    const json = stringArg(args, "json");
    const html = stringArg(args, "html");
    if (json !== undefined) prepareOutputPath("json", json);
    if (html !== undefined) prepareOutputPath("html", html);
    const quiet = args.quiet === true;
    const request = await compareRequest(args, undefined, {});
    const { compareGenerators } = await import("../../compare/index.js");
    // Ctrl-C stops the requests in flight; finished candidates are already in the checkpoint.
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once("SIGINT", onSigint);
    let cmp;
    try {
      cmp = await compareGenerators({
        ...request,
        signal: controller.signal,
        onProgress: (e) => {
          const line = quiet ? undefined : compareProgressLine(e);
          if (line) process.stderr.write(`${line}\n`);
        },
      });
    } finally {
      process.off("SIGINT", onSigint);
    }
    process.stdout.write(`${cmp.toString()}\n`);
    if (json !== undefined) {
      await writeFile(json, `${JSON.stringify(cmp, null, 2)}\n`);
      process.stdout.write(`JSON written to ${json}\n`);
    }
    if (html !== undefined) {
      const bundle = await cmp[displaySymbol]();
      await writeFile(html, `<!doctype html><html><head><meta charset="utf-8"><title>Generator comparison</title></head><body>${String(bundle["text/html"])}</body></html>\n`);
      process.stdout.write(`HTML written to ${html}\n`);
    }
    if (controller.signal.aborted) return EXIT.interrupted;
    if (cmp.candidates.every((c) => c.status === "failed")) throw new RunFailedError("every candidate failed (see the table above).");
    return EXIT.ok;
  });
}
