/**
 * The CLI half of the front-end kit: `synthlab <command>` parsed and helped from the command's
 * declaration (src/frontend/spec.ts) with the magics' parser, so `synthlab train --epochs -1` and
 * `%%train --epochs -1` give the same one-line error. Every command exits alike (EXIT below,
 * documented in docs/magics.md, "Errors and exit codes").
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isInputError, RunFailedError, UsageError } from "../errors.js";
import { LINE_CHARS, printableText } from "../display/untrusted.js";
import type { MagicArgs, MagicOption, MagicPositional } from "../magics/types.js";
import { formatCommandHelp, parseTokens } from "./args.js";
import { optionsFor, type CommandSpec } from "./spec.js";

export { UsageError };

/** Exit codes of every `synthlab` command. */
export const EXIT = {
  ok: 0,
  /** The work failed: an internal error, a run that produced nothing usable, a notebook cell that failed. */
  failed: 1,
  /** Bad usage or input (an option, a file, a dataset, the data, a missing API key): fix the command and rerun. */
  usage: 2,
  /** Interrupted (Ctrl-C) after keeping what was done (`synthlab train` keeps the best weights). */
  interrupted: 130,
} as const;

/** The command body: `args` are parsed and checked; returns the exit code (default 0). */
export type CommandRun = (args: MagicArgs) => Promise<number | void>;

/**
 * Runs `synthlab <spec.name> argv`: `--help` prints the help made from the option list; a usage
 * or input error prints one line and gives 2; any other error one line (the stack with
 * SYNTHLAB_DEBUG=1) and 1.
 */
export async function runCommand<L>(spec: CommandSpec<L>, argv: readonly string[], run: CommandRun): Promise<number> {
  const label = `synthlab ${spec.name}`;
  let args: MagicArgs;
  try {
    args = parseCommandArgs(spec, argv);
  } catch (err) {
    // `--help` wins over a missing required option.
    if (!argv.includes("--help") && !argv.includes("-h")) return reportError(label, err);
    args = { help: true };
  }
  if (args.help === true) {
    process.stdout.write(`${commandHelp(spec)}\n`);
    return EXIT.ok;
  }
  try {
    return (await run(args)) ?? EXIT.ok;
  } catch (err) {
    return reportError(label, err);
  }
}

/** The `synthlab NAME --help` text. */
export function commandHelp<L>(spec: CommandSpec<L>): string {
  return formatCommandHelp(
    {
      name: spec.name,
      description: spec.description,
      options: optionsFor(spec, "cli"),
      ...(spec.cli?.positionals ? { positionals: spec.cli.positionals } : {}),
      ...(spec.cli?.examples ? { examples: spec.cli.examples } : {}),
    },
    spec.cli?.epilog,
  );
}

/** Parses `argv` against the command's CLI options; throws a UsageError naming the problem and where the help is. */
export function parseCommandArgs<L>(spec: CommandSpec<L>, argv: readonly string[]): MagicArgs {
  return parseArgv(spec.name, optionsFor(spec, "cli"), argv, spec.cli?.positionals);
}

/** The parser on bare option and positional lists (for a command without a declaration). */
export function parseArgv(command: string, options: readonly MagicOption[], argv: readonly string[], positionals?: readonly MagicPositional[]): MagicArgs {
  const label = `synthlab ${command}`;
  try {
    return parseTokens(
      { name: command, kind: "line", description: "", options, ...(positionals ? { positionals } : {}), run: async () => undefined },
      argv.map((text) => ({ text, optionCandidate: true })),
      label,
      `Run \`${label} --help\` for the options.`,
    );
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(e.message.replace(`${label}: `, ""));
    throw e;
  }
}

/** Prints the one line for `err` on stderr and returns the exit code. */
export function reportError(label: string, err: unknown): number {
  const e = err instanceof Error ? err : new Error(String(err));
  // Messages may quote model or server text: bounded and without control characters.
  const message = printableText(e.message, LINE_CHARS);
  if (isInputError(e)) {
    process.stderr.write(`${label}: ${message}\n`);
    return EXIT.usage;
  }
  if (e instanceof RunFailedError) {
    process.stderr.write(`${label}: ${message}\n`);
    return EXIT.failed;
  }
  // A run-time failure (a model's program that keeps failing, a server that gives up) or a fault of
  // ours: still one line; the stack on request.
  if (process.env.SYNTHLAB_DEBUG) process.stderr.write(`${label}: ${message}\n${e.stack ?? ""}\n`);
  else process.stderr.write(`${label}: ${message} (set SYNTHLAB_DEBUG=1 for the stack trace)\n`);
  return EXIT.failed;
}

/**
 * Makes sure `path` can be written before the work starts: creates its folder (as `--save` does)
 * and refuses a path that is a folder. Returns the absolute path.
 */
export function prepareOutputPath(option: string, path: string): string {
  const abs = resolve(path);
  try {
    if (statSync(abs, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`--${option} ${path}: that is a folder; give a file name inside it.`);
    }
    mkdirSync(dirname(abs), { recursive: true });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`--${option} ${path}: cannot create its folder ${dirname(abs)} (${err.code ?? err.message}).`);
  }
  return abs;
}
