/**
 * `synthlab run NOTEBOOK [-p name=value ...] [--out executed.ipynb] [--html page.html] [--timeout S]`
 * Exit codes: 0 all cells ran; 1 a cell failed (the outputs are still written); 2 bad usage.
 */
import { parseArgs } from "node:util";

const HELP = `Usage: synthlab run NOTEBOOK [-p name=value ...] [--out executed.ipynb] [--html page.html] [--timeout S]

Execute a notebook headless with the synthlab kernel's own execution code.

Options:
  -p, --parameter name=value  Set a parameter (repeatable). The value is JSON when it parses
                              (500, true, "x", [1,2]), else a string. Injected as a cell tagged
                              injected-parameters after the cell tagged parameters.
  -o, --out FILE              Write the executed notebook (nbformat 4.5) here.
      --html FILE             Write a self-contained HTML page of the executed notebook.
      --timeout S             Stop a cell that runs longer than S seconds (default: no limit).
  -q, --quiet                 No progress lines on stderr.
  -h, --help                  Show this help.

Exit status: 0 when every cell ran, 1 when a cell failed (the notebook and page are still
written, with the error), 2 for bad usage or a notebook that cannot be run at all.`;

/** `--timeout -1` is a (bad) value for the check below to name; node's parser would call `-1` an option. */
function joinNegativeTimeout(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--timeout" && /^-\d/.test(argv[i + 1] ?? "")) out.push(`--timeout=${argv[++i]}`);
    else out.push(argv[i]!);
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeTimeout(argv),
      allowPositionals: true,
      options: {
        parameter: { type: "string", short: "p", multiple: true },
        out: { type: "string", short: "o" },
        html: { type: "string" },
        timeout: { type: "string" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    process.stderr.write(`synthlab run: ${(err as Error).message}\nSee synthlab run --help.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP + "\n");
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(
      `synthlab run: ${positionals.length === 0 ? "give the notebook to run" : `one notebook at a time (got ${positionals.length})`}.\nSee synthlab run --help.\n`,
    );
    return 2;
  }
  let timeoutSeconds: number | undefined;
  if (values.timeout !== undefined) {
    timeoutSeconds = Number(values.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
      process.stderr.write(`synthlab run: --timeout expects seconds > 0, got "${values.timeout}".\n`);
      return 2;
    }
  }
  const { parseParameters, runNotebookFile } = await import("../../kernel/runner/index.js");
  let parameters;
  try {
    parameters = parseParameters(values.parameter ?? []);
  } catch (err) {
    process.stderr.write(`synthlab run: ${(err as Error).message}\n`);
    return 2;
  }
  const notebook = positionals[0]!;
  let result;
  try {
    result = await runNotebookFile(notebook, {
      parameters,
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(values.out !== undefined ? { out: values.out } : {}),
      ...(values.html !== undefined ? { html: values.html } : {}),
      ...(values.quiet ? { progress: () => undefined } : {}),
    });
  } catch (err) {
    process.stderr.write(`synthlab run: ${(err as Error).message}\n`);
    return 2;
  }
  // Timers or sockets a cell left open must not keep the process alive once we are done.
  const code = result.ok ? 0 : 1;
  setTimeout(() => process.exit(code), 2000).unref();
  const written = [values.out, values.html].filter((x): x is string => x !== undefined);
  const where = written.length ? `; wrote ${written.join(", ")}` : "";
  if (result.failure) process.stderr.write(`${result.failure.message}${where}\n`);
  else if (!values.quiet) process.stderr.write(`Ran ${result.executed} cells in ${result.seconds.toFixed(1)} s${where}\n`);
  return code;
}
