import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { getMagic, loadLibraryMagics, registerMagic, unregisterMagic, type MagicDefinition } from "../../src/magics/index.js";

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** loadLibraryMagics with its stderr warnings captured instead of printed. */
async function loadCapturingStderr(folder?: string): Promise<{ names: string[]; writes: string[] }> {
  const writes: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    return { names: await loadLibraryMagics(folder), writes };
  } finally {
    spy.mockRestore();
  }
}

describe("loadLibraryMagics", () => {
  it("registers every module's default MagicDefinition and warns about the rest", async () => {
    dir = await mkdtemp(join(tmpdir(), "synthlab-lib-"));
    await writeFile(join(dir, "a-good.js"), `export default { name: "libgood", kind: "line", description: "Good.", run: async () => "ok" };`);
    await writeFile(join(dir, "b-many.mjs"), `export default [
      { name: "libx", kind: "cell", description: "X.", run: async () => 1 },
      { name: "liby", kind: "line", description: "Y.", run: async () => 2 }];`);
    await writeFile(join(dir, "c-not-magic.js"), `export default { hello: "world" };`);
    await writeFile(join(dir, "d-broken.js"), `throw new Error("boom at import");`);
    await writeFile(join(dir, "notes.txt"), `not a module`);
    const { names, writes } = await loadCapturingStderr(dir);
    expect(names).toEqual(["libgood", "libx", "liby"]);
    expect(getMagic("libgood")?.description).toBe("Good.");
    expect(writes.join("")).toContain("c-not-magic.js does not export a MagicDefinition");
    expect(writes.join("")).toContain("d-broken.js: boom at import");
    for (const n of names) unregisterMagic(n);
  });

  it("loads the project's own library folder without warnings", async () => {
    const { names, writes } = await loadCapturingStderr();
    expect(writes).toEqual([]);
    for (const n of names) expect(getMagic(n)?.name).toBe(n);
  });

  it("returns [] for a folder that does not exist", async () => {
    expect(await loadLibraryMagics(join(tmpdir(), "synthlab-no-such-dir-xyz"))).toEqual([]);
  });
});

describe("registerMagic", () => {
  const base: MagicDefinition = { name: "okname", kind: "line", description: "d", run: async () => undefined };
  it("validates names, duplicate options and rest positionals", () => {
    expect(() => registerMagic({ ...base, name: "bad name" })).toThrow(/not a valid magic name/);
    expect(() =>
      registerMagic({
        ...base,
        options: [
          { name: "a", type: "string", help: "" },
          { name: "a", type: "string", help: "" },
        ],
      }),
    ).toThrow(/declares --a twice/);
    expect(() =>
      registerMagic({ ...base, positionals: [{ name: "r", help: "", rest: true }, { name: "s", help: "" }] }),
    ).toThrow(/rest positional must be the last/);
    expect(() => registerMagic({ name: "x" } as unknown as MagicDefinition)).toThrow(/expected \{ name, kind/);
    expect(getMagic("okname")).toBeUndefined();
  });
  it("lets a later registration replace an earlier one", () => {
    registerMagic({ ...base, description: "first" });
    registerMagic({ ...base, description: "second" });
    expect(getMagic("okname")?.description).toBe("second");
    unregisterMagic("okname");
  });
});
