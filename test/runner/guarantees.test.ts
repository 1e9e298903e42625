/**
 * What `synthlab run` promises whatever a cell does (docs/execution.md, "What synthlab run
 * guarantees"): it returns, writes the notebook with what ran and the failing cell's error, exits
 * non-zero naming the cell, and leaves the cells after it unnumbered. The built CLI (dist/) with
 * the real kernel host, as users run it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeCell, ErrorOutput, Notebook } from "../../src/kernel/runner/index.js";
import { code, markdown, notebook } from "./fixtures.js";
import { validateWithNbformat } from "./validate.js";

const root = new URL("../../", import.meta.url).pathname;
const bin = join(root, "bin/synthlab.js");
/** Far above any honest run (a hang is what these tests catch); the runner must return long before. */
const HANG_MS = 150_000;

interface Ran {
  status: number | null;
  stderr: string;
  notebook: Notebook | undefined;
}

/** Run `synthlab run` on cells; kill it (status null) if it has not returned within HANG_MS. */
async function runCells(name: string, cells: ReturnType<typeof code>[], args: string[]): Promise<Ran> {
  for (const f of ["dist/cli/commands/run.js", "dist/kernel/runner/child.js"]) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: build first with npx tsc -p tsconfig.build.json`);
  }
  const path = join(dir, `${name}.ipynb`);
  const out = join(dir, `${name}-out.ipynb`);
  await writeFile(path, JSON.stringify(notebook(cells)));
  const proc = spawn(process.execPath, [bin, "run", path, "--out", out, "-q", ...args], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => proc.kill("SIGKILL"), HANG_MS);
  const status = await new Promise<number | null>((resolve) => proc.once("exit", (c) => resolve(c)));
  clearTimeout(killer);
  const written = existsSync(out) ? (JSON.parse(await readFile(out, "utf8")) as Notebook) : undefined;
  if (written) validateWithNbformat(out);
  return { status, stderr, notebook: written };
}

const codeCells = (nb: Notebook | undefined): CodeCell[] => (nb?.cells ?? []).filter((c): c is CodeCell => c.cell_type === "code");
const errorOf = (cell: CodeCell | undefined): ErrorOutput | undefined =>
  cell?.outputs.find((o): o is ErrorOutput => o.output_type === "error");

/** The cells after the failing one: not run, so unnumbered and without (stale) outputs. */
function expectSkipped(cells: CodeCell[]): void {
  expect(cells.length).toBeGreaterThan(0);
  for (const c of cells) {
    expect(c.execution_count).toBeNull();
    expect(c.outputs).toEqual([]);
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "synthlab-run-guarantees-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("synthlab run never hangs", () => {
  it("stops an endless loop whose interrupt lands before its code runs (the first cell, while it compiles)", async () => {
    // A 0.5 s limit expires while the first cell is still being compiled: one SIGINT then is lost.
    const r = await runCells("early", [code('console.log("spinning");\nwhile (true) {}'), code("1 + 1"), code("2 + 2")], ["--timeout", "0.5"]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("Cell 1 (execution 1) failed: TimeoutError: cell did not finish within 0.5 s (--timeout)");
    const cells = codeCells(r.notebook);
    expect(cells[0]!.outputs[0]).toMatchObject({ output_type: "stream", name: "stdout", text: ["spinning\n"] });
    expect(errorOf(cells[0])?.ename).toBe("TimeoutError");
    expectSkipped(cells.slice(1));
  }, HANG_MS + 10_000);

  it("kills a cell that ignores the interrupt (blocked in a synchronous child process) and still writes the notebook", async () => {
    const r = await runCells(
      "blocked",
      [code("let kept = 1;"), code('import { execSync } from "node:child_process";\nexecSync("sleep 20");'), code("kept")],
      ["--timeout", "1"],
    );
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("Cell 2 (execution 2) failed: TimeoutError: cell did not finish within 1 s (--timeout); it did not stop when interrupted, so its process was ended");
    const cells = codeCells(r.notebook);
    expect(cells[0]!.execution_count).toBe(1);
    expect(errorOf(cells[1])?.ename).toBe("TimeoutError");
    expectSkipped(cells.slice(2));
  }, HANG_MS + 10_000);
});

describe("synthlab run killed from outside", () => {
  it("leaves no process behind, even one spinning in a cell", async () => {
    const path = join(dir, "orphan.ipynb");
    await writeFile(path, JSON.stringify(notebook([code("while (true) {}")])));
    const proc = spawn(process.execPath, [bin, "run", path], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    await new Promise<void>((resolve, reject) => {
      proc.stderr!.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes("running cell 1")) resolve();
      });
      proc.once("exit", () => reject(new Error(`the run ended early: ${stderr}`)));
    });
    const children = execFileSync("ps", ["-o", "pid=", "--ppid", String(proc.pid)], { encoding: "utf8" }).split(/\s+/).filter(Boolean).map(Number);
    expect(children).toHaveLength(1);
    proc.kill("SIGKILL");
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 300 && alive(children[0]!); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(children[0]!)).toBe(false);
  }, HANG_MS);
});

describe("synthlab run on a busy machine", () => {
  // Three processes spinning on the (shared, 2-core) machine while the run happens, as on a busy CI host.
  const spinners: ChildProcess[] = [];
  beforeAll(() => {
    for (let i = 0; i < 3; i++) {
      spinners.push(spawn(process.execPath, ["-e", "const end = Date.now() + 120000; while (Date.now() < end) {}"], { stdio: "ignore" }));
    }
  });
  afterAll(() => {
    for (const p of spinners) p.kill("SIGKILL");
  });

  it("returns after --timeout 3 on `while (true) {}`, writes the notebook and exits 1", async () => {
    const r = await runCells("busy", [markdown("# busy"), code("let x = 1;\nconsole.log(x)"), code("while (true) {}"), code("x + 1"), code("x + 2")], ["--timeout", "3"]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("Cell 3 (execution 2) failed: TimeoutError: cell did not finish within 3 s (--timeout)");
    const cells = codeCells(r.notebook);
    expect(cells[0]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: ["1\n"] }]);
    expect(errorOf(cells[1])?.ename).toBe("TimeoutError");
    // The cell itself was stopped within the limit plus the kill grace (5 s), with room for a slow machine.
    const timing = cells[1]!.metadata["execution"] as Record<string, string>;
    const cellSeconds = (Date.parse(timing["shell.execute_reply"]!) - Date.parse(timing["iopub.execute_input"]!)) / 1000;
    expect(cellSeconds).toBeGreaterThanOrEqual(3);
    expect(cellSeconds).toBeLessThan(30);
    expectSkipped(cells.slice(2));
  }, HANG_MS + 10_000);
});

describe("a cell that ends its process", () => {
  it("process.exit(0) fails the run naming the cell; the notebook is written and later cells stay unnumbered", async () => {
    const r = await runCells("exit", [code('console.log("before");'), code('console.log("bye");\nprocess.exit(0);'), code("1"), code("2")], []);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("Cell 2 (execution 2) failed: ProcessExitError: process.exit(0) was called in a cell");
    const cells = codeCells(r.notebook);
    expect(cells[0]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: ["before\n"] }]);
    expect(cells[1]!.outputs[0]).toMatchObject({ output_type: "stream", text: ["bye\n"] });
    expect(errorOf(cells[1])).toMatchObject({ ename: "ProcessExitError" });
    expect(r.notebook!.metadata["synthlab"]).toMatchObject({ status: "failed" });
    expectSkipped(cells.slice(2));
  }, HANG_MS + 10_000);

  it("a process killed mid-cell is that cell's failure, with its output so far", async () => {
    const r = await runCells("killed", [code('console.log("before");'), code('console.log("dying");\nprocess.kill(process.pid, "SIGKILL");'), code("1")], []);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("Cell 2 (execution 2) failed: ProcessExit: the process running the notebook was killed (SIGKILL) during this cell");
    const cells = codeCells(r.notebook);
    expect(cells[1]!.outputs[0]).toMatchObject({ output_type: "stream", text: ["dying\n"] });
    expectSkipped(cells.slice(2));
  }, HANG_MS + 10_000);
});
