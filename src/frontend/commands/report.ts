/**
 * `report`: the option list of `%%report` and `synthlab report` (src/frontend/spec.ts). An
 * option with a `key` reaches evaluate() with no other change; see docs/magics.md.
 */
import type { EvaluateOptions } from "../../evaluate/index.js";
import { MAX_QUERIES } from "../../limits.js";
import type { CommandSpec } from "../spec.js";
import { datesOption, seedOption } from "./shared.js";

export const reportCommand: CommandSpec<EvaluateOptions> = {
  name: "report",
  summary: "Fidelity, utility and privacy report of synthetic vs real data.",
  description: "Fidelity, utility and privacy report of a synthetic table against the real one (and a holdout).",
  options: [
    { name: "real", type: "string", required: true, table: true, help: "the real (training) table" },
    { name: "synth", type: "string", required: true, table: true, help: "the synthetic table (same columns)" },
    { name: "holdout", type: "string", table: true, help: "real rows the generator never saw (noise floor, utility, DCR, membership inference)" },
    {
      name: "columns", type: "string", metavar: "COL,COL", key: "columns",
      convert: (v) => String(v).split(",").map((s) => s.trim()).filter(Boolean),
      help: "compare only these columns, comma-separated (default: all of the real table's)",
    },
    { name: "target", type: "string", metavar: "COL", key: "target", help: "numeric column to predict (TRTR/TSTR, feature importance)" },
    { name: "time", type: "string", metavar: "COL", key: "timeColumn", help: "datetime column for autocorrelation of the daily target" },
    { name: "as", type: "string", default: "report", only: "magic", help: "variable to store the Report in" },
    { name: "json", type: "string", metavar: "FILE", only: "cli", help: "write the report JSON here" },
    { name: "html", type: "string", metavar: "FILE", only: "cli", help: "write a self-contained HTML page here" },
    { name: "model", type: "string", choices: ["ridge", "linear", "mlp"], default: "ridge", key: "model", help: "regressor for TRTR/TSTR" },
    seedOption<EvaluateOptions>("seed of the sampled parts (queries, privacy samples)", 0),
    { name: "queries", type: "integer", min: 1, max: MAX_QUERIES, default: 200, key: "queries", help: "number of QScore queries" },
    datesOption<EvaluateOptions>(),
  ],
  magic: {
    kind: "both",
    examples: [
      "%%report --real train --synth sales --holdout holdout --target money",
      "%report --real coffee-sales --synth sales --time Date --as r2",
    ],
  },
  cli: {
    examples: ["synthlab report --real real.csv --synth synth.csv --holdout holdout.csv --target money --html report.html"],
  },
};
