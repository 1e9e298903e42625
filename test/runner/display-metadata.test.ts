/**
 * `synthlab run` keeps a chart's display metadata (the PNG's design size) in the saved notebook.
 * The cells run in a child process whose IPC drops the bundle's symbol-keyed metadata unless it is
 * sent along: this runs the built CLI with the real kernel host, as users do.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeCell, Notebook } from "../../src/kernel/runner/index.js";
import { code, notebook } from "./fixtures.js";

const root = new URL("../../", import.meta.url).pathname;
let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "synthlab-run-metadata-")); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const spec = `{ $schema: "https://vega.github.io/schema/vega-lite/v5.json", width: 200, height: 100, data: { values: [{ a: "x", b: 1 }, { a: "y", b: 2 }] }, mark: "bar", encoding: { x: { field: "a", type: "nominal" }, y: { field: "b", type: "quantitative" } } }`;

describe("synthlab run and display metadata", () => {
  it("a chart's display_data and execute_result carry the PNG's display size (half its pixels)", async () => {
    expect(existsSync(join(root, "dist/kernel/runner/child.js")), "build first: npx tsc -p tsconfig.build.json").toBe(true);
    const path = join(dir, "chart.ipynb");
    const out = join(dir, "chart-out.ipynb");
    await writeFile(path, JSON.stringify(notebook([code(`const spec = ${spec};\ndisplay(spec);\nspec`)])));
    execFileSync(process.execPath, [join(root, "bin/synthlab.js"), "run", path, "--out", out, "-q"], { cwd: dir, stdio: "pipe" });
    const cell = (JSON.parse(await readFile(out, "utf8")) as Notebook).cells.find((c): c is CodeCell => c.cell_type === "code")!;
    const charts = cell.outputs.filter((o) => "data" in o && "image/png" in o.data) as { output_type: string; data: Record<string, string>; metadata: Record<string, { width: number; height: number }> }[];
    expect(charts.map((o) => o.output_type)).toEqual(["display_data", "execute_result"]);
    for (const o of charts) {
      const png = Buffer.from(o.data["image/png"]!, "base64");
      expect(o.metadata["image/png"]).toEqual({ width: Math.round(png.readUInt32BE(16) / 2), height: Math.round(png.readUInt32BE(20) / 2) });
    }
  });
});
