/**
 * `review`: the option list of `%%review` (src/frontend/spec.ts). Magic only: a review needs a front
 * end to click in (its decisions can be replayed from the cell body). See docs/widgets.md, "Review".
 */
import type { ReviewOptions } from "../../review/index.js";
import type { CommandSpec } from "../spec.js";

export const reviewCommand: CommandSpec<ReviewOptions> = {
  name: "review",
  summary: "Review rows by hand: accept, reject or edit each.",
  description:
    "Review rows by hand, one page at a time: accept, reject or edit each (buttons, or commands typed in the box and sent with Enter). " +
    "Binds NAME to the accepted rows (a DataFrame, the decision in _meta) and saves the decisions to .synthlab/review/NAME.jsonl " +
    "in the notebook's folder. Body lines are commands applied in order: a ROWS, r ROWS, u ROWS, e ROW col=value.",
  options: [
    { name: "from", type: "string", required: true, help: "the table to review: a notebook variable (e.g. the DataFrame of %%generate)" },
    { name: "page-size", type: "integer", min: 1, max: 200, key: "pageSize", default: 10, help: "rows per page" },
    { name: "layout", type: "string", choices: ["auto", "table", "cards"], key: "layout", default: "auto", help: "table, text cards, or auto (cards when a column is prose)" },
  ],
  magic: {
    kind: "cell",
    positionals: [{ name: "name", help: "the review's name (its decision file) and the variable for the accepted rows", required: true }],
    examples: [
      "%%review checked --from synth",
      "%%review checked --from synth --page-size 5\na 1-3\nr 4\ne 5 label=spam",
    ],
  },
};
