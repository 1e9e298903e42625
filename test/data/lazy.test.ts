import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("import cost", () => {
  it("importing the data, datasets and %dataset modules does not load danfo.js", () => {
    // A fresh process: vitest's own module cache may already hold danfo from other tests.
    const script = `
      import { createRequire } from "node:module";
      await import("./src/data/index.ts");
      await import("./src/datasets/index.ts");
      await import("./src/magics/library/dataset.ts");
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("danfojs"));
      const before = loaded();
      (await import("./src/data/dataframe.ts")).loadDanfo();
      console.log(JSON.stringify({ before, after: loaded() }));`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: process.cwd(), encoding: "utf8" });
    expect(JSON.parse(out.trim().split("\n").at(-1)!)).toEqual({ before: false, after: true });
  });
});
