/**
 * Command-line options, declared and checked like the magics' (src/magics/args.ts): one parser, so
 * `synthlab train --epochs -1` and `%%train --epochs -1` give the same one-line error, ranges
 * (`min`, `max`) and integer-ness are checked where the option is declared, and a misspelt option
 * gets "did you mean". Output paths are prepared before any work starts.
 */
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseTokens, suggestValue } from "../magics/args.js";
import type { MagicArgs, MagicOption } from "../magics/types.js";

/** A usage error: the CLI prints its message as one line (no stack) and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export type CommandOption = MagicOption;

/** Parses `argv` against `options`; throws UsageError naming the problem and where the help is. */
export function parseCommandArgs(command: string, options: readonly CommandOption[], argv: readonly string[]): MagicArgs {
  const label = `synthlab ${command}`;
  try {
    return parseTokens(
      { name: command, kind: "line", description: "", options, run: async () => undefined },
      argv.map((text) => ({ text, optionCandidate: true })),
      label,
      `Run \`${label} --help\` for the options.`,
    );
  } catch (e) {
    if (e instanceof Error && e.name === "UsageError") throw new UsageError(e.message.replace(`${label}: `, ""));
    throw e;
  }
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

/**
 * "; did you mean coffee-sales?" for a table argument that is neither a file nor a dataset: the
 * closest dataset name, or .csv/.jsonl file in the current folder.
 */
export async function tableHint(value: string): Promise<string> {
  const { listDatasets } = await import("../datasets/index.js");
  const names = listDatasets().map((d) => d.name);
  try {
    names.push(...readdirSync(".").filter((f) => /\.(csv|jsonl)$/i.test(f)));
  } catch {
    // an unreadable folder only costs the file suggestions
  }
  return suggestValue(value, names);
}
