/** Options several commands declare alike. */
import { parseDatesOption } from "../../data/datetime.js";
import type { OptionSpec } from "../spec.js";

/** `--dates COLUMN=FORMAT` (repeatable) → { COLUMN: FORMAT }, for generate, train and report. */
export function datesOption<L extends { dates?: unknown }>(): OptionSpec<L> {
  return {
    name: "dates",
    type: "string",
    repeatable: true,
    metavar: "COL=FORMAT",
    help: "date format of a column the data cannot settle, COLUMN=FORMAT (e.g. Date=dd/mm/yyyy); repeatable",
    key: "dates" as keyof L & string,
    convert: (v) => parseDatesOption((v as string[]).map(String)),
  };
}

/** The seed option: `--seed N`. */
export function seedOption<L extends { seed?: unknown }>(help: string, fallback: number): OptionSpec<L> {
  return { name: "seed", type: "integer", min: 0, max: Number.MAX_SAFE_INTEGER, default: fallback, help, key: "seed" as keyof L & string };
}
