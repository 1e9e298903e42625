/**
 * `synthlab run NOTEBOOK [-p name=value ...] [--out executed.ipynb] [--html page.html] [--timeout S]`
 * Exit codes: 0 all cells ran; 1 a cell failed (the outputs are still written); 2 bad usage.
 * The options are declared in src/frontend/commands/run.ts.
 */
import { UsageError } from "../../errors.js";
import { EXIT, runCommand } from "../../frontend/cli.js";
import { runCommandSpec } from "../../frontend/commands/run.js";
import { stringArg } from "../../frontend/spec.js";

export function run(argv: string[]): Promise<number> {
  return runCommand(runCommandSpec, argv, async (args) => {
    const positionals = (args.notebook as string[] | undefined) ?? [];
    if (positionals.length !== 1) {
      throw new UsageError(`${positionals.length === 0 ? "give the notebook to run" : `one notebook at a time (got ${positionals.length})`}. See synthlab run --help.`);
    }
    let timeoutSeconds: number | undefined;
    const timeout = stringArg(args, "timeout");
    if (timeout !== undefined) {
      timeoutSeconds = Number(timeout);
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout expects seconds > 0, got "${timeout}".`);
    }
    const out = stringArg(args, "out");
    const html = stringArg(args, "html");
    const quiet = args.quiet === true;
    const { parseParameters, runNotebookFile } = await import("../../kernel/runner/index.js");
    // A bad parameter or a notebook that cannot be run at all (unreadable, not a notebook) is an InputError: exit 2.
    const parameters = parseParameters((args.parameter as string[] | undefined) ?? []);
    const result = await runNotebookFile(positionals[0]!, {
      parameters,
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(out !== undefined ? { out } : {}),
      ...(html !== undefined ? { html } : {}),
      ...(quiet ? { progress: () => undefined } : {}),
    });
    // Timers or sockets a cell left open must not keep the process alive once we are done.
    const code = result.ok ? EXIT.ok : EXIT.failed;
    setTimeout(() => process.exit(code), 2000).unref();
    const written = [out, html].filter((x): x is string => x !== undefined);
    const where = written.length ? `; wrote ${written.join(", ")}` : "";
    if (result.failure) process.stderr.write(`${result.failure.message}${where}\n`);
    else if (!quiet) process.stderr.write(`Ran ${result.executed} cells in ${result.seconds.toFixed(1)} s${where}\n`);
    return code;
  });
}
