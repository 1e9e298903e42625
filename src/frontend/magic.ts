/**
 * The magic half of the front-end kit: a MagicDefinition made from a command's declaration
 * (src/frontend/spec.ts). The parser and `%name?` help come from the option list; bad input from
 * the library (any InputError, src/errors.ts) becomes one usage line naming the magic.
 */
import { InputError, isInputError, RunFailedError, UsageError } from "../errors.js";
import { LINE_CHARS, printableText } from "../display/untrusted.js";
import type { MagicArgs, MagicContext, MagicDefinition } from "../magics/types.js";
import { IDENTIFIER } from "../identifier.js";
import { optionsFor, type CommandSpec } from "./spec.js";

/** The magic body: parse is done, `args` are checked against the option list. */
export type MagicRun = (args: MagicArgs, body: string | undefined, ctx: MagicContext) => Promise<unknown>;

/** The MagicDefinition of a command that has a magic form. */
export function defineMagic<L>(spec: CommandSpec<L>, run: MagicRun): MagicDefinition {
  if (!spec.magic) throw new Error(`${spec.name} has no magic form`);
  const label = `${spec.magic.kind === "line" ? "%" : "%%"}${spec.name}`;
  return {
    name: spec.name,
    kind: spec.magic.kind,
    description: spec.description,
    options: optionsFor(spec, "magic"),
    ...(spec.magic.positionals ? { positionals: spec.magic.positionals } : {}),
    ...(spec.magic.examples ? { examples: spec.magic.examples } : {}),
    async run(args, body, ctx) {
      try {
        return await run(args, body, ctx);
      } catch (err) {
        if (err instanceof UsageError) throw err;
        // Messages may quote model or server text: bounded and without control characters.
        if (isInputError(err) || err instanceof RunFailedError) throw new UsageError(`${label}: ${printableText((err as Error).message, LINE_CHARS)}`);
        throw err;
      }
    },
  };
}

/** The notebook variable an option (`--as`) or argument (NAME) names, checked to be a valid identifier. */
export function variableName(what: string, value: string): string {
  if (IDENTIFIER.test(value)) return value;
  const named = what.startsWith("-") ? `${what} ${value}: not` : `${what} "${value}" is not`;
  throw new InputError(`${named} a valid variable name; use letters, digits, _ or $.`);
}
