import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  injectParameters,
  joinSource,
  parseParameters,
  runNotebook,
  runNotebookFile,
  serializeNotebook,
  type CodeCell,
  type Notebook,
} from "../../src/kernel/runner/index.js";
import { createJsHost } from "./js-host.js";
import { code, markdown, notebook, PNG_B64 } from "./fixtures.js";
import { validateWithNbformat } from "./validate.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "synthlab-runner-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const codeCells = (nb: Notebook): CodeCell[] => nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
const bySource = (nb: Notebook, needle: string): CodeCell => codeCells(nb).find((c) => joinSource(c.source).includes(needle))!;

function demo(): Notebook {
  return notebook([
    markdown("# Sales demo\n\nSome *text*, an ![external image](https://example.com/logo.png) and a [link](https://example.com)."),
    code("let rows = 10;\nlet label = \"small\";", ["parameters"]),
    code("console.log('rows', rows, label, typeof rows); console.error('careful');"),
    code(`display({ [Symbol.for("Jupyter.display")]: () => ({ "image/png": "${PNG_B64}", "text/plain": "chart" }) });\nreturn rows * 2;`),
    code(`display("step 1", { displayId: "prog" }); console.log("a"); console.log("b");`),
    code(`console.log("gone"); clearOutput(true); display("done", { displayId: "prog", update: true }); console.log("kept");`),
    code(""),
    code("%%capture cap\nconsole.log('quiet')"),
    code("return cap.stdout"),
    code("throw new TypeError('bad value ' + label)"),
    code("console.log('never')"),
  ]);
}

describe("runNotebook", () => {
  let path: string;
  let result: Awaited<ReturnType<typeof runNotebookFile>>;
  const progress: string[] = [];
  beforeAll(async () => {
    path = join(dir, "demo.ipynb");
    await writeFile(path, JSON.stringify(demo()));
    result = await runNotebookFile(path, {
      parameters: parseParameters(["rows=500", "label=big"]),
      createHost: createJsHost,
      out: join(dir, "out", "executed.ipynb"),
      html: join(dir, "out", "page.html"),
      progress: (line) => progress.push(line),
    });
  });

  it("injects the parameters after the parameters cell and later cells see them", () => {
    const cells = result.notebook.cells;
    const at = cells.findIndex((c) => c.metadata.tags?.includes("parameters"));
    expect(cells[at + 1]!.metadata.tags).toEqual(["injected-parameters"]);
    expect(joinSource(cells[at + 1]!.source)).toContain('let rows = 500;\nlet label = "big";');
    expect(bySource(result.notebook, "console.log('rows'").outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "rows 500 big number\n" },
      { output_type: "stream", name: "stderr", text: "careful\n" },
    ]);
  });

  it("records displays and results, merges streams, applies display updates across cells and clear_output(wait)", () => {
    const chart = bySource(result.notebook, "image/png");
    expect(chart.outputs).toEqual([
      { output_type: "display_data", data: { "image/png": PNG_B64, "text/plain": "chart" }, metadata: {} },
      { output_type: "execute_result", execution_count: chart.execution_count, data: { "text/plain": "1000" }, metadata: {} },
    ]);
    const first = bySource(result.notebook, "step 1");
    expect(first.outputs).toEqual([
      { output_type: "display_data", data: { "text/plain": '"done"' }, metadata: {} },
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
    ]);
    expect(bySource(result.notebook, "gone").outputs).toEqual([{ output_type: "stream", name: "stdout", text: "kept\n" }]);
  });

  it("runs magics through the same host", () => {
    expect(bySource(result.notebook, "%%capture").outputs).toEqual([]);
    expect(bySource(result.notebook, "cap.stdout").outputs[0]).toMatchObject({ data: { "text/plain": '"quiet\\n"' } });
  });

  it("stops at the error, naming the cell, keeps the error output and leaves later cells unexecuted", () => {
    const failing = bySource(result.notebook, "throw new TypeError");
    const cellNumber = result.notebook.cells.indexOf(failing) + 1;
    expect(result.ok).toBe(false);
    expect(result.failure!.message).toBe(`Cell ${cellNumber} (execution ${failing.execution_count}) failed: TypeError: bad value big`);
    expect(failing.outputs).toEqual([
      { output_type: "error", ename: "TypeError", evalue: "bad value big", traceback: ["TypeError: bad value big"] },
    ]);
    const never = bySource(result.notebook, "never");
    expect(never.execution_count).toBeNull();
    expect(never.outputs).toEqual([]);
  });

  it("numbers executions in order, skips empty cells and clears stale outputs", () => {
    const counts = codeCells(result.notebook).map((c) => c.execution_count);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, null, 7, 8, 9, null]);
    expect(result.executed).toBe(9);
    expect(JSON.stringify(result.notebook)).not.toContain("stale output");
  });

  it("reports progress per cell", () => {
    expect(progress[0]).toMatch(/^\[1\/10\] running cell 2: let rows = 10;/);
    expect(progress.length).toBe(9);
  });

  it("writes a notebook that nbformat validates, with kernelspec, language_info and cell ids", async () => {
    const out = join(dir, "out", "executed.ipynb");
    validateWithNbformat(out);
    const saved = JSON.parse(await readFile(out, "utf8")) as Notebook & { cells: { id: string }[] };
    expect(saved.nbformat).toBe(4);
    expect(saved.nbformat_minor).toBe(5);
    expect(saved.metadata.kernelspec).toMatchObject({ name: "synthlab", language: "typescript" });
    expect(saved.metadata.language_info).toMatchObject({ name: "typescript", file_extension: ".ts" });
    expect(saved.metadata.synthlab).toMatchObject({ parameters: { rows: 500, label: "big" }, status: "failed" });
    const ids = saved.cells.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("writes one HTML page with markdown rendered, images inline and no external resources", async () => {
    const html = await readFile(join(dir, "out", "page.html"), "utf8");
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain("<title>Sales demo</title>");
    expect(html).toContain("<em>text</em>");
    expect(html).toContain(`src="data:image/png;base64,${PNG_B64}"`);
    expect(html).toContain("TypeError: bad value big");
    expect(html).toContain("In [7]:");
    expect(html).toContain("rows 500 big number");
    // No resource the browser would fetch from another host.
    expect(html).not.toMatch(/\b(src|srcset|poster)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b[^>]*href\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toContain("<script");
  });

  it("records an error when the host throws instead of answering", async () => {
    const r = await runNotebook(notebook([code("return 1")]), {
      cwd: dir,
      progress: () => undefined,
      createHost: async (o) => {
        const h = await createJsHost(o);
        return { ...h, execute: async () => Promise.reject(new SyntaxError("host exploded")) };
      },
    });
    expect(r.failure?.message).toBe("Cell 1 (execution 1) failed: SyntaxError: host exploded");
    expect(codeCells(r.notebook)[0]!.outputs[0]).toMatchObject({ output_type: "error", ename: "SyntaxError" });
  });

  it("shuts the host down", async () => {
    let shutdowns = 0;
    await runNotebook(notebook([code("return 1")]), {
      cwd: dir,
      progress: () => undefined,
      createHost: async (o) => {
        const h = await createJsHost(o);
        return { ...h, shutdown: async () => void shutdowns++ };
      },
    });
    expect(shutdowns).toBe(1);
  });
});

describe("cells tagged raises-exception and time limits", () => {
  it("continues after an expected error", async () => {
    const r = await runNotebook(notebook([code("throw new Error('expected')", ["raises-exception"]), code("return 2")]), {
      cwd: dir,
      createHost: createJsHost,
      progress: () => undefined,
    });
    expect(r.ok).toBe(true);
    expect(codeCells(r.notebook)[1]!.outputs[0]).toMatchObject({ output_type: "execute_result" });
  });

  it("stops a synchronous endless loop after --timeout and reports it", async () => {
    const r = await runNotebook(notebook([code("let before = 1"), code("while (true) {}"), code("return 3")]), {
      cwd: dir,
      createHost: createJsHost,
      timeoutSeconds: 1,
      progress: () => undefined,
    });
    expect(r.ok).toBe(false);
    expect(r.failure!.ename).toBe("TimeoutError");
    expect(r.failure!.message).toContain("failed: TimeoutError: cell did not finish within 1 s");
    expect(codeCells(r.notebook)[1]!.outputs[0]).toMatchObject({ output_type: "error", ename: "TimeoutError" });
  });

  it("stops an endless await after --timeout", async () => {
    const r = await runNotebook(notebook([code("await new Promise(() => {})")]), {
      cwd: dir,
      createHost: createJsHost,
      timeoutSeconds: 1,
      progress: () => undefined,
    });
    expect(r.failure?.ename).toBe("TimeoutError");
  });
});

describe("parameters", () => {
  it("parses JSON values, else strings", () => {
    expect(parseParameters(["a=5", "b=true", "c=hello world", 'd="5"', "e=[1,2]", "f={\"k\":1}", "g=", "h=x=y"])).toEqual({
      a: 5,
      b: true,
      c: "hello world",
      d: "5",
      e: [1, 2],
      f: { k: 1 },
      g: "",
      h: "x=y",
    });
  });

  it("rejects malformed pairs and names in one line", () => {
    expect(() => parseParameters(["rows"])).toThrow("-p rows: expected name=value, e.g. -p rows=500.");
    expect(() => parseParameters(["my-rows=1"])).toThrow(/"my-rows" is not a valid variable name/);
    expect(() => parseParameters(["class=1"])).toThrow(/"class" is not a valid variable name/);
  });

  it("injects first when no cell is tagged parameters, and replaces an earlier injected cell", () => {
    const nb = notebook([code("let x = 1"), code("let old = 1", ["injected-parameters"]), code("x")]);
    const once = injectParameters(nb, { x: 2 });
    expect(once.cells.map((c) => joinSource(c.source))).toEqual([
      "// Parameters injected by synthlab run\nlet x = 2;",
      "let x = 1",
      "x",
    ]);
    expect(nb.cells).toHaveLength(3); // input untouched
  });
});

describe("secret parameters", () => {
  it("reach the cell but never the saved notebook or the page", async () => {
    const path = join(dir, "secret.ipynb");
    await writeFile(path, JSON.stringify(notebook([code("let api_key = '';", ["parameters"]), code("return api_key.length + ':' + api_key.slice(0, 3)")])));
    const out = join(dir, "secret-out.ipynb");
    const page = join(dir, "secret.html");
    const r = await runNotebookFile(path, {
      parameters: parseParameters(["api_key=sk-very-secret-value", "rows=3"]),
      createHost: createJsHost,
      out,
      html: page,
      progress: () => undefined,
    });
    expect(r.ok).toBe(true);
    // The cell saw the value (its length and first letters are the cell's own output).
    expect(codeCells(r.notebook)[2]!.outputs[0]).toMatchObject({
      data: { "text/plain": `"${"sk-very-secret-value".length}:sk-"` },
    });
    for (const file of [out, page]) {
      const text = await readFile(file, "utf8");
      expect(text).not.toContain("sk-very-secret-value");
      expect(text).toContain("api_key");
    }
    expect(JSON.parse(await readFile(out, "utf8")).metadata.synthlab.parameters).toEqual({ api_key: "<hidden>", rows: 3 });
  });
});

describe("serializeNotebook", () => {
  it("writes sources as lists of lines and reads back to the same text", async () => {
    const nb = notebook([code("a\nb\n\nc"), markdown("x\ny")]);
    const text = serializeNotebook(nb);
    const back = JSON.parse(text) as { cells: { source: string[] }[] };
    expect(back.cells[0]!.source).toEqual(["a\n", "b\n", "\n", "c"]);
    expect(joinSource(back.cells[0]!.source)).toBe("a\nb\n\nc");
    const p = join(dir, "roundtrip.ipynb");
    await writeFile(p, text);
    validateWithNbformat(p);
  });

  it("is checked by a validator that rejects what nbformat 4.5 forbids", async () => {
    const p = join(dir, "no-ids.ipynb");
    const noIds = JSON.parse(serializeNotebook(notebook([code("x")]))) as { cells: Record<string, unknown>[] };
    delete noIds.cells[0]!.id;
    await writeFile(p, JSON.stringify(noIds));
    expect(() => validateWithNbformat(p)).toThrow(/MissingIDFieldWarning/);
    const extra = JSON.parse(serializeNotebook(notebook([markdown("m")]))) as { cells: Record<string, unknown>[] };
    extra.cells[0]!.outputs = [];
    await writeFile(p, JSON.stringify(extra));
    expect(() => validateWithNbformat(p)).toThrow(/ValidationError|not valid/);
  });
});
