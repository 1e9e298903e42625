/**
 * test/notebooks/check_executed.py decides whether a notebook execution in run_notebooks.sh
 * passed; these cases make sure it fails on what must fail (an error output, a cell that never
 * ran, a broken file) and accepts errors only in cells tagged raises-exception.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const script = new URL("./check_executed.py", import.meta.url).pathname;
let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "synthlab-check-executed-")); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

type Output = Record<string, unknown>;
function cell(source: string, count: number | null, outputs: Output[] = [], tags: string[] = []): Record<string, unknown> {
  return { cell_type: "code", id: `c${Math.random().toString(16).slice(2, 10)}`, metadata: tags.length ? { tags } : {}, source, execution_count: count, outputs };
}
const error: Output = { output_type: "error", ename: "RangeError", evalue: "boom", traceback: ["RangeError: boom"] };
const stream: Output = { output_type: "stream", name: "stdout", text: "ok\n" };

async function check(name: string, cells: Record<string, unknown>[] | string): Promise<{ status: number | null; out: string }> {
  const path = join(dir, `${name}.ipynb`);
  const nb = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "markdown", id: "m1", metadata: {}, source: "# t" }, ...(Array.isArray(cells) ? cells : [])] };
  await writeFile(path, typeof cells === "string" ? cells : JSON.stringify(nb));
  const r = spawnSync("/usr/bin/python3", [script, path], { encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("check_executed.py", () => {
  it("passes a notebook whose code cells all ran cleanly, allowing errors in raises-exception cells", async () => {
    const r = await check("clean", [cell("1", 1, [stream]), cell("throw 1", 2, [error], ["raises-exception"]), cell("", null)]);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/3 code cells ran without errors/);
  });
  it("fails on an error output, naming the cell and the error", async () => {
    const r = await check("error", [cell("1", 1, [stream]), cell("throw", 2, [error])]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/cell 2 raised RangeError: boom/);
  });
  it("fails when a code cell never ran", async () => {
    const r = await check("unrun", [cell("1", 1), cell("2", null)]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/cell 2 did not run/);
  });
  it("fails with one line, not a stack, on a file that is not a notebook", async () => {
    const r = await check("broken", "{ not json");
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/not a valid executed notebook/);
    expect(r.out).not.toMatch(/Traceback/);
  });
});
