/**
 * Every dynamic import in src/ names its module with a literal path, so the compiler checks it,
 * the import graph sees it and a missing module fails loudly; and no import of a module that
 * ships with synthlab sits in a try whose catch drops the error (a silent fallback).
 */
import { describe, expect, it } from "vitest";
import { buildImportGraph } from "./importGraph.js";

/**
 * The only computed imports: each loads a module the user names at run time, which no literal
 * can name. Keyed "file: the import's text".
 */
const USER_NAMED: Record<string, string> = {
  "magics/builtin/load_ext.ts: import(where)": "%load_ext MODULE: the extension the user names",
  "kernel/main.ts: import(pathToFileURL(resolve(override)).href)": "SYNTHLAB_EXECUTION_MODULE: the test-only host module (docs/architecture.md)",
  "magics/registry.ts: import(pathToFileURL(path).href)":
    "loadLibraryMagics(dir): every module found in a magics folder (docs/architecture.md: library magics are discovered, not listed)",
};

describe("dynamic imports", () => {
  const graph = buildImportGraph();

  it("use literal paths, except where the user names the module", () => {
    const computed = graph.computed.map((c) => `${c.file}: ${c.text}`);
    const unexpected = graph.computed.filter((c) => !(`${c.file}: ${c.text}` in USER_NAMED)).map((c) => `${c.file}:${c.line} ${c.text}`);
    expect(unexpected, `computed import paths in src/ (use a literal path):\n${unexpected.join("\n")}`).toEqual([]);
    // Each exception still exists: a stale entry would hide a new computed import at the same place.
    expect(Object.keys(USER_NAMED).filter((k) => !computed.includes(k))).toEqual([]);
  });

  it("of synthlab's own modules never fall back silently", () => {
    const silent = graph.edges.filter((e) => e.dynamic && e.swallowed && e.to.endsWith(".ts")).map((e) => `${e.from}:${e.line} import("${e.to}")`);
    expect(silent, `dynamic imports inside a try whose catch drops the error:\n${silent.join("\n")}`).toEqual([]);
  });

  it("the scan sees literal, computed and guarded imports (checked on a sample file)", async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const root = mkdtempSync(join(tmpdir(), "imports-"));
    mkdirSync(join(root, "a"));
    writeFileSync(join(root, "a", "render.ts"), "export const x = 1;\n");
    writeFileSync(
      join(root, "a", "use.ts"),
      [
        'export async function f(p: string) {',
        '  await import("./render.js");',
        '  await import("./render.js" as string);',
        '  await import(p);',
        '  try { await import("./render.js"); } catch { /* renderer missing */ }',
        '  try { await import("./render.js"); } catch (e) { console.error(e); }',
        '}',
      ].join("\n"),
    );
    const sample = buildImportGraph(root);
    expect(sample.computed.map((c) => c.text)).toEqual(['import("./render.js" as string)', "import(p)"]);
    expect(sample.edges.map((e) => [e.to, e.dynamic, e.swallowed ?? false])).toEqual([
      ["a/render.ts", true, false],
      ["a/render.ts", true, true],
      ["a/render.ts", true, false],
    ]);
  });
});
