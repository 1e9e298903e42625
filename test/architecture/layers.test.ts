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
  /** Imported src/ files they must not reach (`edges`: the whole graph, for rules about what a target loads). */
  forbidden: (target: string, edges: readonly ImportEdge[]) => boolean;
  /** Only static imports count (a dynamic import loads on demand). */
  staticOnly?: boolean;
}

const under = (...folders: string[]) => (f: string) => folders.some((d) => f.startsWith(`${d}/`));
/** Top-level modules every layer may use (errors.ts, limits.ts, …); not the entries that wire stages together. */
const neutral = (f: string) => !f.includes("/") && f !== "index.ts" && f !== "builtinFormatters.ts";
const LIBRARY = ["display", "data", "datasets", "charts", "generate", "train", "evaluate", "review", "compare"];
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

/** Whether loading `file` loads `goal` too: static imports only (dynamic ones load on demand, type-only ones are erased). */
function loadsStatically(file: string, goal: string, edges: readonly ImportEdge[]): boolean {
  const seen = new Set([file]);
  const todo = [file];
  while (todo.length) {
    const f = todo.pop()!;
    if (f === goal) return true;
    for (const e of edges) {
      if (e.from !== f || e.dynamic || e.typeOnly || seen.has(e.to)) continue;
      seen.add(e.to);
      todo.push(e.to);
    }
  }
  return false;
}

const RULES: Rule[] = [
  {
    rule: "the neutral top-level modules (errors.ts, limits.ts, …) import only each other",
    from: neutral,
    forbidden: (t) => !neutral(t),
  },
  {
    rule: "display/ knows only the display protocol: it imports nothing else from src/ but the neutral modules",
    from: under("display"),
    forbidden: (t) => !t.startsWith("display/") && !neutral(t),
  },
  {
    rule: "charts/ builds specs from plain data: it imports only charts/, display/, data/ and the neutral modules",
    from: under("charts"),
    forbidden: (t) => !under("charts", "display", "data")(t) && !neutral(t),
  },
  {
    rule: "data/ is the bottom stage: it imports only data/, display/ and the neutral modules",
    from: under("data"),
    forbidden: (t) => !under("data", "display")(t) && !neutral(t),
  },
  {
    rule: "widgets/ works without a kernel: it imports only widgets/ and display/",
    from: under("widgets"),
    forbidden: (t) => !under("widgets", "display")(t),
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
    rule: "kernel/ reaches magics/ only through magics/index.ts and magics/types.ts",
    from: under("kernel"),
    forbidden: (t) => t.startsWith("magics/") && t !== "magics/index.ts" && t !== "magics/types.ts",
  },
  {
    rule: "magics/ meet the kernel only in magics/types.ts",
    from: (f) => f.startsWith("magics/") && f !== "magics/types.ts",
    forbidden: under("kernel"),
  },
  {
    rule: "outside evaluate/, the evaluate stage is reached only through evaluate/index.ts",
    from: (f) => !f.startsWith("evaluate/"),
    forbidden: (t) => t.startsWith("evaluate/") && t !== "evaluate/index.ts",
  },
  {
    // The model-agnostic utility core (train/utility.ts, train/metrics.ts) is shared by the report
    // and the train stage; only what loads the TF.js backend must wait for a dynamic import.
    rule: "evaluate/ loads TF.js only on demand: no static import of a train/ module that loads train/backend.ts",
    from: under("evaluate"),
    forbidden: (t, edges) => under("train")(t) && loadsStatically(t, "train/backend.ts", edges),
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
      if (!e.to.endsWith(".ts") || !r.from(e.from) || !r.forbidden(e.to, edges)) continue;
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
      edge("kernel/runner/parameters.ts", "magics/builtin/env.ts"),
      edge("kernel/execution/host.ts", "magics/index.ts", true),
      edge("evaluate/table/fidelity.ts", "evaluate/pairs/correlation.ts"),
      edge("data/display.ts", "display/formatters.ts"),
      edge("train/models.ts", "train/backend.ts"),
      edge("evaluate/utility/prediction.ts", "train/utility.ts"),
      edge("train/utility.ts", "train/metrics.ts"),
      edge("data/csv.ts", "errors.ts"),
      edge("errors.ts", "data/frame.ts"),
      edge("magics/library/train.ts", "kernel/types.ts"),
      edge("magics/types.ts", "kernel/types.ts"),
    ]);
    expect(found).toEqual([
      "the neutral top-level modules (errors.ts, limits.ts, …) import only each other: errors.ts:3 → data/frame.ts",
      "display/ knows only the display protocol: it imports nothing else from src/ but the neutral modules: display/builtin.ts:3 → charts/render.ts",
      "charts/ builds specs from plain data: it imports only charts/, display/, data/ and the neutral modules: charts/distribution.ts:3 → evaluate/columns/binning.ts",
      "kernel/ reaches magics/ only through magics/index.ts and magics/types.ts: kernel/runner/parameters.ts:3 → magics/builtin/env.ts",
      "magics/ meet the kernel only in magics/types.ts: magics/library/train.ts:3 → kernel/types.ts",
      "outside evaluate/, the evaluate stage is reached only through evaluate/index.ts: charts/distribution.ts:3 → evaluate/columns/binning.ts",
      "evaluate/ loads TF.js only on demand: no static import of a train/ module that loads train/backend.ts: evaluate/utility/prediction.ts:3 → train/models.ts",
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
