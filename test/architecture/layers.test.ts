/**
 * The layering rules of docs/architecture.md, checked on the import graph of src/ (every import:
 * static, literal dynamic and type-only). Each rule names the folder it constrains and what it
 * must not import; a failure lists every offending import with its line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildImportGraph, SRC, type ImportEdge } from "./importGraph.js";

interface Rule {
  rule: string;
  /** The importing files the rule is about. */
  from: (file: string) => boolean;
  /** Imported src/ files they must not reach. */
  forbidden: (target: string) => boolean;
  /** Only static imports count (a dynamic import loads on demand). */
  staticOnly?: boolean;
}

const under = (...folders: string[]) => (f: string) => folders.some((d) => f.startsWith(`${d}/`));
/**
 * Neutral leaf modules at the top of src/ (errors.ts, limits.ts, secrets.ts, …): one concept each, shared by
 * every layer, importing nothing from src/ themselves (a rule below checks that). index.ts and
 * builtinFormatters.ts sit at the top too but are entry points, not leaves.
 */
const NEUTRAL = (t: string) => !t.includes("/") && t !== "index.ts" && t !== "builtinFormatters.ts";
const LIBRARY = ["display", "data", "datasets", "charts", "generate", "train", "evaluate", "compare"];
const EVALUATE_SCOPES = ["internal", "columns", "pairs", "table", "utility", "privacy", "report"];
/** What each evaluate/ scope folder may import from the others (evaluate/types.ts is open to all). */
const EVALUATE_MAY_IMPORT: Record<string, string[]> = {
  internal: [],
  columns: ["internal"],
  pairs: ["internal", "columns"],
  table: ["internal", "columns", "pairs"],
  utility: ["internal"],
  privacy: ["internal"],
  report: ["internal", "columns", "pairs", "table", "utility", "privacy"],
};

const RULES: Rule[] = [
  {
    rule: "display/ knows only the display protocol: it imports nothing else from src/ but the neutral leaf modules",
    from: under("display"),
    forbidden: (t) => !t.startsWith("display/") && !NEUTRAL(t),
  },
  {
    rule: "charts/ builds specs from plain data: it imports only charts/, display/ and data/",
    from: under("charts"),
    forbidden: (t) => !under("charts", "display", "data")(t) && !NEUTRAL(t),
  },
  {
    rule: "data/ is the bottom stage: it imports only data/ and display/",
    from: under("data"),
    forbidden: (t) => !under("data", "display")(t) && !NEUTRAL(t),
  },
  {
    rule: "the neutral modules at the top of src/ (errors, limits, …) import nothing from src/",
    from: NEUTRAL,
    forbidden: () => true,
  },
  {
    rule: "the library never imports the front ends (kernel/, magics/, cli/, frontend/)",
    from: under(...LIBRARY),
    forbidden: under("kernel", "magics", "cli", "frontend"),
  },
  {
    rule: "compare/ sits above the stages it compares: no other library folder imports it",
    from: under(...LIBRARY.filter((d) => d !== "compare")),
    forbidden: under("compare"),
  },
  {
    rule: "kernel/ and magics/ never import cli/",
    from: under("kernel", "magics"),
    forbidden: under("cli"),
  },
  {
    rule: "outside evaluate/, the evaluate stage is reached only through evaluate/index.ts",
    from: (f) => !f.startsWith("evaluate/"),
    forbidden: (t) => t.startsWith("evaluate/") && t !== "evaluate/index.ts",
  },
  {
    rule: "evaluate/ loads train/ (TF.js) only on demand: no static import of train/",
    from: under("evaluate"),
    forbidden: under("train"),
    staticOnly: true,
  },
  ...EVALUATE_SCOPES.map((scope): Rule => ({
    rule: `evaluate/${scope}/ imports from the other evaluate/ scopes only ${EVALUATE_MAY_IMPORT[scope]!.map((s) => `${s}/`).join(", ") || "nothing"}`,
    from: under(`evaluate/${scope}`),
    forbidden: (t) => {
      const m = /^evaluate\/([^/]+)\//.exec(t);
      return !!m && m[1] !== scope && !EVALUATE_MAY_IMPORT[scope]!.includes(m[1]!);
    },
  })),
];

/** Imports that break a rule, as "rule: from:line → to". */
function violations(rules: readonly Rule[], edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const r of rules) {
    for (const e of edges) {
      if (!e.to.endsWith(".ts") || !r.from(e.from) || !r.forbidden(e.to)) continue;
      if (r.staticOnly && e.dynamic) continue;
      out.push(`${r.rule}: ${e.from}:${e.line} → ${e.to}`);
    }
  }
  return out;
}

const edge = (from: string, to: string, dynamic = false): ImportEdge => ({ from, to, typeOnly: false, dynamic, line: 3 });

describe("layering rules", () => {
  it("the checker names the rule and the import that breaks it", () => {
    const found = violations(RULES, [
      edge("display/builtin.ts", "charts/render.ts"),
      edge("charts/distribution.ts", "evaluate/columns/binning.ts"),
      edge("evaluate/columns/binning.ts", "evaluate/pairs/prepare.ts"),
      edge("evaluate/utility/prediction.ts", "train/index.ts", true),
      edge("evaluate/utility/prediction.ts", "train/models.ts"),
      edge("evaluate/table/fidelity.ts", "evaluate/pairs/correlation.ts"),
      edge("data/display.ts", "display/formatters.ts"),
    ]);
    expect(found).toEqual([
      "display/ knows only the display protocol: it imports nothing else from src/ but the neutral leaf modules: display/builtin.ts:3 → charts/render.ts",
      "charts/ builds specs from plain data: it imports only charts/, display/ and data/: charts/distribution.ts:3 → evaluate/columns/binning.ts",
      "outside evaluate/, the evaluate stage is reached only through evaluate/index.ts: charts/distribution.ts:3 → evaluate/columns/binning.ts",
      "evaluate/ loads train/ (TF.js) only on demand: no static import of train/: evaluate/utility/prediction.ts:3 → train/models.ts",
      "evaluate/columns/ imports from the other evaluate/ scopes only internal/: evaluate/columns/binning.ts:3 → evaluate/pairs/prepare.ts",
    ]);
  });

  it("src/ follows every rule", () => {
    const graph = buildImportGraph();
    expect(graph.edges.length).toBeGreaterThan(500);
    const found = violations(RULES, graph.edges);
    expect(found, `layering rules broken:\n${found.join("\n")}`).toEqual([]);
  });
});

describe("chart builders", () => {
  it("live in src/charts/ only: no other file writes a Vega-Lite spec (its schema URL or a mark)", () => {
    const spec = /vega\.github\.io\/schema\/vega-lite|\bmark\s*:\s*["'{]/;
    const outside = buildImportGraph().files.filter((f) => !f.startsWith("charts/") && spec.test(readFileSync(join(SRC, f), "utf8")));
    expect(outside, `Vega-Lite specs built outside src/charts/:\n${outside.join("\n")}`).toEqual([]);
    expect(spec.test('{ $schema: "https://vega.github.io/schema/vega-lite/v5.json", mark: "bar" }')).toBe(true);
  });
});
