/**
 * `synthlab` command line. Each sub-command lives in src/cli/commands/<name>.ts and exports
 * `run(argv: string[]): Promise<number>` (the exit code); they are loaded lazily so that
 * `synthlab kernel` does not pay for loading TF.js and the report code.
 */
export interface Command {
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, string> = {
  kernel: "Run the Jupyter kernel, or `kernel install [--user|--prefix P]` its kernelspec.",
  run: "Execute a notebook headless: run NOTEBOOK [-p name=value ...] [--out executed.ipynb] [--html page.html].",
  generate: "Generate synthetic rows (offline, copula, llm-rows, llm-program, text).",
  train: "Train a TF.js regressor and report its metrics.",
  report: "Fidelity, utility and privacy report of synthetic vs real data.",
  datasets: "List or fetch the datasets in datasets/ (by manifest, sha256-checked).",
};

/** Each command's module, by a literal path (every command ships; loaded only when run). */
const LOAD: Record<keyof typeof COMMANDS, () => Promise<Command>> = {
  kernel: () => import("./commands/kernel.js"),
  run: () => import("./commands/run.js"),
  generate: () => import("./commands/generate.js"),
  train: () => import("./commands/train.js"),
  report: () => import("./commands/report.js"),
  datasets: () => import("./commands/datasets.js"),
};

function usage(): string {
  const lines = ["Usage: synthlab <command> [options]", "", "Commands:"];
  for (const [name, help] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)}${help}`);
  lines.push("", "Run `synthlab <command> --help` for a command's options.");
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage() + "\n");
    return name ? 0 : 1;
  }
  if (!(name in COMMANDS)) {
    process.stderr.write(`synthlab: unknown command "${name}".\n${usage()}\n`);
    return 2;
  }
  const mod = await LOAD[name]!();
  return mod.run(rest);
}
