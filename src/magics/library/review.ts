/**
 * %%review NAME --from SYNTH [--page-size N] [--layout auto|table|cards], with optional commands in
 * the cell body (one per line: "a 1-5", "r 6", "e 7 label=spam"), applied in order. Shows the review
 * (widgets, with a text fallback) and binds NAME to the accepted rows as a DataFrame, kept current
 * as decisions are made. Decisions live in `.synthlab/review/NAME.jsonl` under the notebook's folder.
 * Options are declared in src/frontend/commands/review.ts.
 */
import { NOTEBOOK_TYPES } from "../types.js";
import { displaySymbol } from "../../display/protocol.js";
import { printableLine } from "../../display/untrusted.js";
import { InputError } from "../../errors.js";
import { reviewCommand } from "../../frontend/commands/review.js";
import { defineMagic, variableName } from "../../frontend/magic.js";
import { libraryOptions, stringArg } from "../../frontend/spec.js";
import { tableHint } from "../../frontend/tables.js";

export default defineMagic(reviewCommand, async (args, body, ctx) => {
  const name = variableName("NAME", String(args.name ?? ""));
  const from = stringArg(args, "from") ?? "";
  if (!ctx.scope.has(from)) {
    const hint = await tableHint(from, ctx.scope, ctx.cwd);
    throw new InputError(`--from ${from}: no notebook variable of that name${hint || "; generate rows first, e.g. %%generate synth --mode llm-rows ..."}`);
  }
  const { review } = await import("../../review/index.js");
  const r = review(ctx.scope.get(from) as never, { ...libraryOptions(reviewCommand, args), name, dir: ctx.cwd });
  // Commands in the body make a review reproducible: a re-run applies the same decisions (no new lines in the file).
  for (const line of (body ?? "").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))) {
    ctx.io.stdout(`${printableLine(line, 200)}: ${r.command(line)}\n`);
  }
  const bind = (): void => ctx.scope.set(name, r.accepted(), NOTEBOOK_TYPES.DataFrame);
  bind();
  r.onChange(bind);
  ctx.io.display(r[displaySymbol]());
  return undefined;
});
