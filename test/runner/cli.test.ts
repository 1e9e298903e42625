/**
 * `synthlab run` end to end: the built CLI (dist/, built by `npm test` before vitest, or by
 * `npx tsc -p tsconfig.build.json`) with the kernel's real TypeScript execution host.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { joinSource, type CodeCell, type Notebook } from "../../src/kernel/runner/index.js";
import { code, markdown, notebook } from "./fixtures.js";
import { validateWithNbformat } from "./validate.js";

const root = new URL("../../", import.meta.url).pathname;
const bin = join(root, "bin/synthlab.js");

function synthlab(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  for (const f of ["dist/cli/commands/run.js", "dist/kernel/execution/index.js"]) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: build first with npx tsc -p tsconfig.build.json`);
  }
  const r = spawnSync(process.execPath, [bin, "run", ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "synthlab-cli-run-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("synthlab run (real kernel host)", () => {
  it("runs TypeScript cells with parameters and magics, and fails naming the cell", async () => {
    const nb = notebook([
      markdown("# CLI run"),
      code('let rows = 10;\nconst label: string = "small";', ["parameters"]),
      code("console.log(rows * 2, label.toUpperCase());"),
      code("%env SYNTHLAB_RUN_TEST=yes"),
      code("const n: number = rows + 1;\nn"),
      code('%%capture cap\nconsole.log("hidden " + n);'),
      code("%%time\ncap.stdout.trim()"),
      code("%%capture --no-stdot\n1", ["raises-exception"]),
      code('throw new RangeError("boom " + n);'),
      code('console.log("never");'),
    ]);
    const path = join(dir, "cli.ipynb");
    await writeFile(path, JSON.stringify(nb));
    const r = synthlab([path, "-p", "rows=500", "-p", "label=big", "--out", "out/executed.ipynb", "--html", "out/page.html"], dir);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("[1/10] running cell 2: let rows = 10;");
    expect(r.stderr).toContain("Cell 10 (execution 9) failed: RangeError: boom 501");
    expect(r.stdout).toBe(""); // cell output goes to the notebook, not to our stdout
    const outPath = join(dir, "out/executed.ipynb");
    validateWithNbformat(outPath);
    const saved = JSON.parse(await readFile(outPath, "utf8")) as Notebook;
    const cells = saved.cells.filter((c): c is CodeCell => c.cell_type === "code");
    const text = (c: CodeCell): string => JSON.stringify(c.outputs);
    expect(text(cells[2]!)).toContain("1000 BIG");
    expect(text(cells[3]!)).toContain("env: SYNTHLAB_RUN_TEST=yes");
    expect(cells[4]!.outputs).toHaveLength(1);
    const result = cells[4]!.outputs[0]!;
    expect(result).toMatchObject({ output_type: "execute_result", execution_count: 5 });
    expect(joinSource((result as { data: Record<string, string[]> }).data["text/plain"])).toBe("501");
    // Magics on the real host: the captured variable is typed and usable in a later cell.
    expect(cells[5]!.outputs).toEqual([]);
    expect(text(cells[6]!)).toMatch(/Wall time: [\d.]+ (µs|ms|s)/);
    expect(cells[6]!.outputs.at(-1)).toMatchObject({ output_type: "execute_result" });
    expect(JSON.stringify(cells[6]!.outputs.at(-1))).toContain("hidden 501");
    expect(cells[7]!.outputs).toEqual([
      {
        output_type: "error",
        ename: "UsageError",
        evalue: "%%capture: unknown option --no-stdot; did you mean --no-stdout? See %%capture?",
        traceback: ["UsageError: %%capture: unknown option --no-stdot; did you mean --no-stdout? See %%capture?"],
      },
    ]);
    expect(cells[8]!.outputs[0]).toMatchObject({ output_type: "error", ename: "RangeError", evalue: "boom 501" });
    expect(cells[9]!.execution_count).toBeNull();
    expect(joinSource(saved.cells[2]!.source)).toContain("let rows = 500;");
    const html = await readFile(join(dir, "out/page.html"), "utf8");
    expect(html).toContain("1000 BIG");
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\/[^"']*\.(png|css|js)/i);
  });

  it("stops a cell stuck in a synchronous loop with --timeout", async () => {
    const path = join(dir, "loop.ipynb");
    await writeFile(path, JSON.stringify(notebook([code("let x = 1;"), code("while (true) {}"), code("x")])));
    const r = synthlab([path, "--timeout", "2", "--out", "loop-out.ipynb", "-q"], dir);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("Cell 2 (execution 2) failed: TimeoutError");
    validateWithNbformat(join(dir, "loop-out.ipynb"));
  });

  it("answers bad usage with exit code 2 and one line", async () => {
    const none = synthlab([], dir);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("give the notebook to run");
    const bad = synthlab(["x.ipynb", "-p", "no-equals"], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe("synthlab run: -p no-equals: expected name=value, e.g. -p rows=500.");
    const missing = synthlab(["does-not-exist.ipynb"], dir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("cannot read");
    // A negative number is the option's value, not an option ("ambiguous" from node's parser before).
    for (const t of ["-1", "0", "soon"]) {
      const r = synthlab(["x.ipynb", "--timeout", t], dir);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`synthlab run: --timeout expects seconds > 0, got "${t}".`);
    }
  });
});
