/**
 * The front-end kit's one declaration per command: its option list, from which the magic's parser
 * and `%name?` help (src/frontend/magic.ts) and the CLI's parser and `--help` (src/frontend/cli.ts)
 * are both made, and from which the library's options object is built (`libraryOptions`). Adding
 * an option to a command is one entry in its list (src/frontend/commands/<name>.ts); see
 * docs/magics.md, "Adding a command or an option".
 */
import type { MagicArgs, MagicOption, MagicPositional } from "../magics/types.js";

/** A parsed value of one option (what the parser puts in MagicArgs). */
export type ArgValue = NonNullable<MagicArgs[string]>;

/** One option, for both front ends. `L` is the library's options type (for `key`). */
export interface OptionSpec<L = Record<string, unknown>> extends MagicOption {
  /** Only this front end takes it (`--as` is a notebook variable, `--out` a file); default both. */
  only?: "magic" | "cli";
  /**
   * A table argument: resolved by resolveTable (src/frontend/tables.ts); the help adds the kinds
   * each front end accepts (a notebook variable only in magics).
   */
  table?: boolean;
  /** The library option this one fills: `libraryOptions` copies the value there. */
  key?: keyof L & string;
  /** The library's value of the parsed one ("64,32" → [64, 32]); throws an InputError naming the option. */
  convert?: (value: ArgValue) => unknown;
}

/** A command: `%%name`/`%name` in a notebook and/or `synthlab name` on the command line. */
export interface CommandSpec<L = Record<string, unknown>> {
  name: string;
  /** One line, for `synthlab --help`. */
  summary: string;
  description: string;
  options: readonly OptionSpec<L>[];
  /** The magic form; absent for a CLI-only command. */
  magic?: {
    kind: "line" | "cell" | "both";
    positionals?: readonly MagicPositional[];
    examples?: readonly string[];
  };
  /** The CLI form; absent for a magic-only command. */
  cli?: {
    positionals?: readonly MagicPositional[];
    examples?: readonly string[];
    /** Text after the options (environment variables, exit codes). */
    epilog?: string;
  };
}

const TABLE_KINDS = {
  magic: "a notebook variable, a .csv/.jsonl/.json file or a dataset name",
  cli: "a .csv/.jsonl/.json file or a dataset name",
} as const;

/** The options one front end takes, with the table kinds it accepts added to table options' help. */
export function optionsFor<L>(spec: CommandSpec<L>, front: "magic" | "cli"): MagicOption[] {
  const own = spec.options
    .filter((o) => o.only === undefined || o.only === front)
    .map(({ only: _only, table, key: _key, convert: _convert, ...o }): MagicOption => (table ? { ...o, help: `${o.help}: ${TABLE_KINDS[front]}` } : o));
  if (front === "cli" && !own.some((o) => o.name === "help")) own.push({ name: "help", short: "h", type: "boolean", help: "show this help" });
  return own;
}

/**
 * The library's options object from parsed arguments: every option with a `key`, converted by its
 * `convert`. Unset options are left out (the library's defaults apply), as are flags left off.
 */
export function libraryOptions<L>(spec: CommandSpec<L>, args: MagicArgs): Partial<L> {
  const out: Record<string, unknown> = {};
  for (const o of spec.options) {
    if (!o.key) continue;
    const v = args[o.name];
    if (v === undefined || (o.type === "boolean" && v === false && o.default !== true)) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[o.key] = o.convert ? o.convert(v) : v;
  }
  return out as Partial<L>;
}

/** The string value of an option, or undefined. */
export function stringArg(args: MagicArgs, name: string): string | undefined {
  const v = args[name];
  return typeof v === "string" ? v : undefined;
}

/** The numeric value of an option, or undefined. */
export function numberArg(args: MagicArgs, name: string): number | undefined {
  const v = args[name];
  return typeof v === "number" ? v : undefined;
}
