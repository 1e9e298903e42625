/**
 * `synthlab` command line. Each sub-command lives in src/cli/commands/<name>.ts and exports
 * `run(argv: string[]): Promise<number>` (the exit code); they are loaded lazily so that
 * `synthlab kernel` does not pay for loading TF.js and the report code.
 */
export interface Command {
  run(argv: string[]): Promise<number>;
}

/** Each command: its one-line summary, and its module by a literal path (loaded only when run). */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  kernel: { summary: "Run the Jupyter kernel, or `kernel install [--user|--prefix P]` its kernelspec.", load: () => import("./commands/kernel.js") },
  run: { summary: "Execute a notebook headless: run NOTEBOOK [-p name=value ...] [--out executed.ipynb] [--html page.html].", load: () => import("./commands/run.js") },
  generate: { summary: "Generate synthetic rows (offline, copula, cart, llm-rows, llm-program, text, grounded).", load: () => import("./commands/generate.js") },
  train: { summary: "Train a TF.js regressor and report its metrics.", load: () => import("./commands/train.js") },
  report: { summary: "Fidelity, utility and privacy report of synthetic vs real data.", load: () => import("./commands/report.js") },
  compare: { summary: "Compare generators and LLMs on one task: cost, speed, validity, quality, utility.", load: () => import("./commands/compare.js") },
  datasets: { summary: "List or fetch the datasets in datasets/ (by manifest, sha256-checked).", load: () => import("./commands/datasets.js") },
};

function usage(): string {
  const lines = ["Usage: synthlab <command> [options]", "", "Commands:"];
  for (const [name, { summary }] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)}${summary}`);
  lines.push("", "Run `synthlab <command> --help` for a command's options.");
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage() + "\n");
    return name ? 0 : 1;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`synthlab: unknown command "${name}".\n${usage()}\n`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}
