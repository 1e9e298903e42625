/** One rule for notebook variable names (src/identifier.ts), asked by the magics, run parameters and the sandbox. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { IDENTIFIER, isIdentifier, isVariableName } from "../../src/identifier.js";
import { parseParameters } from "../../src/kernel/runner/parameters.js";
import { IDENTIFIER as magicsIdentifier } from "../../src/magics/builtin/util.js";

const src = new URL("../../src/", import.meta.url).pathname;

describe("src/identifier.ts", () => {
  it("accepts ASCII identifiers and rejects the rest", () => {
    for (const ok of ["x", "_x", "$", "rows2", "camelCase"]) expect(isIdentifier(ok), ok).toBe(true);
    for (const bad of ["", "2x", "a-b", "a b", "é", "a.b"]) expect(isIdentifier(bad), bad).toBe(false);
  });

  it("a variable name is an identifier that is not a reserved word; run parameters use that", () => {
    expect(isVariableName("rows")).toBe(true);
    expect(isVariableName("class")).toBe(false);
    expect(() => parseParameters(["class=1"])).toThrow(/"class" is not a valid variable name/);
    expect(parseParameters(["rows=3"])).toEqual({ rows: 3 });
  });

  it("is the only copy of the pattern in src/", () => {
    expect(magicsIdentifier).toBe(IDENTIFIER);
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
    const copies = walk(src).filter((f) => !f.endsWith("identifier.ts"))
      .filter((f) => /\/\^\[A-Za-z_\$\]\[(A-Za-z0-9_\$|\\w\$)\]\*\$\//.test(readFileSync(f, "utf8")));
    expect(copies).toEqual([]);
  });
});
