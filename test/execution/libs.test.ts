/**
 * The cell compiler's type libraries (issue 13, cell speed): the ES lib files are served as one
 * bundled file, which must give cells exactly the ES2022 + Node types they had before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bundleLibs, bundleTypes, createCellConverter, type CellConverter } from "../../src/kernel/execution/converter.js";
import { GLOBALS_DTS, GLOBALS_MODULE } from "../../src/kernel/execution/globals.js";
import { typescript } from "../../src/kernel/execution/tsengine.js";

const messages = (c: CellConverter, src: string): string[] => {
  const r = c.convert(src);
  if (r.diagnostics.length === 0) r.commit();
  return r.diagnostics.map((d) => d.messageText);
};

describe("bundleLibs", () => {
  it("puts every lib file that lib.es2022 references into one text and empties those files", () => {
    const ts = typescript();
    const libDir = path.dirname(ts.getDefaultLibFilePath({}));
    const bundle = bundleLibs(ts, libDir, "lib.es2022.d.ts");
    expect(bundle.entry).toBe(path.join(libDir, "lib.es2022.d.ts"));
    // Reached directly (es2021), and through a chain of references (es5, es2015.promise).
    for (const lib of ["lib.es2021.d.ts", "lib.es2021.string.d.ts", "lib.es2015.promise.d.ts", "lib.es5.d.ts"]) {
      expect(bundle.emptied.has(path.join(libDir, lib))).toBe(true);
    }
    expect(bundle.emptied.has(path.join(libDir, "lib.es2023.array.d.ts"))).toBe(false);
    expect(bundle.emptied.has(path.join(libDir, "lib.dom.d.ts"))).toBe(false);
    expect(bundle.text).not.toMatch(/^\/\/\/ *<reference lib=/m);
    expect(bundle.text).toContain("interface Array<T>");
    expect(bundle.text).toContain("replaceAll(");
    // es5 (referenced deepest) comes before es2021, as TypeScript loads them.
    expect(bundle.text.indexOf("interface Array<T>")).toBeLessThan(bundle.text.indexOf("replaceAll("));
  });
});

describe("bundleTypes", () => {
  it("inlines @types/node's script files into its entry and keeps its module files separate", () => {
    const ts = typescript();
    const resolved = ts.resolveTypeReferenceDirective("node", path.join(process.cwd(), "x.ts"), {}, ts.sys).resolvedTypeReferenceDirective;
    const entry = resolved!.resolvedFileName!;
    const root = entry.slice(0, entry.lastIndexOf(`${path.sep}node${path.sep}`) + 6);
    const bundle = bundleTypes(ts, entry);
    // fs.d.ts is a script (`declare module "fs" { … }`): inlined, so served empty.
    expect(bundle.emptied.has(path.join(root, "fs.d.ts"))).toBe(true);
    expect(bundle.text).toMatch(/declare module "fs" \{/);
    // web-globals/fetch.d.ts imports undici-types (a module): it stays a file of its own.
    expect(bundle.emptied.has(path.join(root, "web-globals", "fetch.d.ts"))).toBe(false);
    expect(bundle.text).toContain(`/// <reference path="${path.join(root, "web-globals", "fetch.d.ts")}" />`);
    expect(bundle.emptied.has(entry)).toBe(false);
  });
});

describe("bundleTypes on a package whose entry is a module", () => {
  it("inlines nothing (a script's globals would become the module's own names)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "synthlab-types-"));
    try {
      writeFileSync(path.join(dir, "index.d.ts"), '/// <reference path="globals.d.ts" />\ndeclare const x: number;\nexport = x;\n');
      writeFileSync(path.join(dir, "globals.d.ts"), "declare var fromGlobals: string;\n");
      const bundle = bundleTypes(typescript(), path.join(dir, "index.d.ts"));
      expect(bundle.emptied.size).toBe(0);
      expect(bundle.text).toContain('/// <reference path="globals.d.ts" />');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("cells type-check against the bundled libs", () => {
  let dir: string;
  let c: CellConverter;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "synthlab-libs-"));
    // A module that asks for the DOM lib, as some packages' types do.
    writeFileSync(path.join(dir, "dom.ts"), '/// <reference lib="dom" />\nexport const el: HTMLElement | null = null;\n');
    c = createCellConverter(dir);
    expect(c.addModule(GLOBALS_MODULE, GLOBALS_DTS)).toEqual([]);
  }, 120_000);

  afterAll(() => {
    c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("has ES2022, not ES2023", () => {
    expect(messages(c, "const last: number | undefined = [1, 2].at(-1);\nObject.hasOwn({}, 'a') && 'x'.replaceAll('x', 'y');")).toEqual([]);
    expect(messages(c, "[1].findLast((x) => x > 0)").join("\n")).toMatch(/Property 'findLast' does not exist/);
  });

  it("keeps type errors blocking", () => {
    expect(messages(c, "const n: number = 'text';")).toEqual(["Type 'string' is not assignable to type 'number'."]);
    expect(messages(c, "Math.max('a')").join("\n")).toMatch(/not assignable to parameter of type 'number'/);
  });

  it("has Node's globals and modules (also those from @types/node's module files)", () => {
    expect(messages(c, "const r: Promise<Response> = fetch('http://localhost');\nnew DOMException('x').name;")).toEqual([]);
    expect(messages(c, "setTimeout(() => {}, 1).unref();\nconst c: number = setTimeout(() => {}, 1);").join("\n")).toMatch(/Timeout' is not assignable to type 'number'/);
    expect(messages(c, "const home: string | undefined = process.env.HOME;\nBuffer.from('x').length + structuredClone(1);")).toEqual([]);
    expect(messages(c, "import fs from 'fs';\nconst text: string = fs.readFileSync('x', 'utf8');")).toEqual([]);
    expect(messages(c, "import { join } from 'node:path';\nconst p: number = join('a');").join("\n")).toMatch(/not assignable to type 'number'/);
  });

  it("loads a lib that is not in the bundle when a module asks for it", () => {
    expect(messages(c, "import { el } from './dom';\nconst tag: string | undefined = el?.tagName;")).toEqual([]);
  });
});
