/**
 * %%review NAME --from SYNTH [--page-size N] [--layout auto|table|cards], with optional commands in
 * the cell body (one per line: "a 1-5", "r 6", "e 7 label=spam"), applied in order. Shows the review
 * (widgets, with a text fallback) and binds NAME to the accepted rows as a DataFrame, kept current
 * as decisions are made. Decisions live in `.synthlab/review/NAME.jsonl` under the notebook's folder.
 * Also `--avoid NAME` for %%generate: the rejected rows of a review, or a table variable.
 */
import type { Frame } from "../../data/types.js";
import type { MagicArgs, MagicContext, MagicDefinition } from "../types.js";
import { MagicUsageError, NOTEBOOK_TYPES } from "../types.js";
import { tableNameHint } from "../hints.js";
import { LINE_CHARS, printableLine } from "../../display/untrusted.js";
import { displaySymbol } from "../../display/protocol.js";
import type { Review } from "../../review/index.js";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The rows `--avoid VALUE` names: the rejected rows of review VALUE when its decision file exists
 * (checked first, since %%review binds VALUE to the *accepted* rows), else a notebook variable
 * holding a table or a Review (its rejected rows).
 */
export async function resolveAvoid(value: string, ctx: MagicContext): Promise<Frame> {
  const { existsSync } = await import("node:fs");
  const { reviewFile, rejectedRows, ReviewError } = await import("../../review/index.js");
  let file: string | undefined;
  try { file = reviewFile(ctx.cwd, value); } catch (e) { if (!(e instanceof ReviewError)) throw e; }
  if (file && existsSync(file)) return rejectedRows(value, ctx.cwd);
  if (ctx.scope.has(value)) {
    const v = ctx.scope.get(value) as { rejected?: () => unknown };
    const { toFrame } = await import("../../data/frame.js");
    try { return toFrame(typeof v?.rejected === "function" ? v.rejected() : v); } catch (e) {
      throw new MagicUsageError(`--avoid ${value}: the variable is not a table of rows to avoid (${(e as Error).message})`);
    }
  }
  const hint = await tableNameHint(value, ctx.scope, false);
  throw new MagicUsageError(`--avoid ${value}: no review of that name (no .synthlab/review/${value}.jsonl here) and no notebook variable${hint || "; review rows first: %%review NAME --from SYNTH"}`);
}

async function runReview(args: MagicArgs, body: string | undefined, ctx: MagicContext): Promise<void> {
  const name = String(args.name ?? "");
  if (!IDENTIFIER.test(name)) throw new MagicUsageError(`%%review: NAME "${name}" is not a valid variable name; use letters, digits, _ or $.`);
  const from = String(args.from ?? "");
  if (!ctx.scope.has(from)) {
    const hint = await tableNameHint(from, ctx.scope, false);
    throw new MagicUsageError(`%%review: --from ${from}: no notebook variable of that name${hint || "; generate rows first, e.g. %%generate synth --mode llm-rows ..."}`);
  }
  const { review, ReviewError } = await import("../../review/index.js");
  const layout = typeof args.layout === "string" ? (args.layout as "auto" | "table" | "cards") : "auto";
  let r: Review;
  try {
    r = review(ctx.scope.get(from) as never, { name, dir: ctx.cwd, layout, ...(typeof args["page-size"] === "number" ? { pageSize: args["page-size"] } : {}) });
    // Commands in the body make a review reproducible: a re-run applies the same decisions (no new lines in the file).
    for (const line of (body ?? "").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))) {
      ctx.io.stdout(`${printableLine(line, 200)}: ${r.command(line)}\n`);
    }
  } catch (e) {
    if (e instanceof ReviewError) throw new MagicUsageError(`%%review: ${printableLine(e.message, LINE_CHARS)}`);
    throw e;
  }
  const bind = (): void => ctx.scope.set(name, r.accepted(), NOTEBOOK_TYPES.DataFrame);
  bind();
  r.onChange(bind);
  ctx.io.display(r[displaySymbol]());
}

const reviewMagic: MagicDefinition = {
  name: "review",
  kind: "cell",
  description:
    "Review rows by hand, one page at a time: accept, reject or edit each (buttons, or commands typed in the box and sent with Enter). " +
    "Binds NAME to the accepted rows (a DataFrame, decision in _meta) and saves decisions to .synthlab/review/NAME.jsonl. " +
    "Body lines are commands applied in order: a ROWS, r ROWS, u ROWS, e ROW col=value.",
  positionals: [{ name: "name", help: "review name (its decision file) and the variable for the accepted rows", required: true }],
  options: [
    { name: "from", type: "string", required: true, help: "the table to review: a notebook variable (e.g. the DataFrame of %%generate)" },
    { name: "page-size", type: "integer", min: 1, max: 200, help: "rows per page", default: 10 },
    { name: "layout", type: "string", choices: ["auto", "table", "cards"], help: "table, text cards, or auto (cards when a column is prose)", default: "auto" },
  ],
  examples: [
    "%%review checked --from synth",
    "%%review checked --from synth --page-size 5\na 1-3\nr 4\ne 5 label=spam",
  ],
  async run(args, body, ctx) {
    await runReview(args, body, ctx);
    return undefined;
  },
};

export default reviewMagic;
