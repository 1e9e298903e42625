import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createExecutionHost, TypeScriptExecutionHost } from "../../src/kernel/execution/index.js";
import type { ExecuteOutcome, ExecutionHost } from "../../src/kernel/types.js";
import { RecordingIO, request } from "./recording-io.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

let host: ExecutionHost;

async function run(code: string, io = new RecordingIO()): Promise<{ outcome: ExecuteOutcome; io: RecordingIO }> {
  const outcome = await host.execute(request(code), io);
  return { outcome, io };
}

function plain(outcome: ExecuteOutcome): unknown {
  if (outcome.status !== "ok") throw new Error(`cell failed: ${JSON.stringify(outcome)}`);
  return outcome.result?.["text/plain"];
}

function errorOf(outcome: ExecuteOutcome): Extract<ExecuteOutcome, { status: "error" }> {
  if (outcome.status !== "error") throw new Error(`expected an error, got ${JSON.stringify(outcome)}`);
  return outcome;
}

beforeAll(async () => {
  host = await createExecutionHost({ cwd: path.join(ROOT, "notebooks") });
}, 120_000);

afterAll(async () => {
  await host.shutdown();
});

describe("cells and scope", () => {
  it("resolves earlier cells' names inside shorthand properties", async () => {
    await run("let shortSeed = 7;\nconst shortRows = 3;");
    expect(plain((await run("const opts = { shortSeed, rows: shortRows };\nJSON.stringify(opts)")).outcome)).toBe(`'{"shortSeed":7,"rows":3}'`);
    expect(plain((await run("function f(o: { shortSeed: number }) { return o.shortSeed * 2; }\nf({ shortSeed })")).outcome)).toBe("14");
    // Destructuring with a default keeps its meaning.
    expect(plain((await run("const { missing = shortRows } = {} as { missing?: number };\nmissing")).outcome)).toBe("3");
  });

  it("keeps variables across cells and returns the last expression", async () => {
    expect((await run("const base = 40;\nlet step = 1;")).outcome).toEqual({ status: "ok" });
    expect(plain((await run("step += 1;\nbase + step")).outcome)).toBe("42");
    expect(plain((await run("function twice(n: number) { return n * 2; }\ntwice(base)")).outcome)).toBe("80");
  });

  it("allows redeclaring const and let in a later cell, with the new type", async () => {
    await run("const again = 1;\nlet other = 'a';");
    expect(plain((await run("const again = 'now a string';\nagain.toUpperCase()")).outcome)).toBe("'NOW A STRING'");
    expect(plain((await run("let other = [1, 2, 3];\nother.length")).outcome)).toBe("3");
    // The old type is gone: using `again` as a number is now a type error.
    expect(errorOf((await run("const n: number = again;")).outcome).ename).toBe("TSError");
  });

  it("has no result for undefined, and shows null", async () => {
    expect((await run("undefined")).outcome).toEqual({ status: "ok" });
    expect((await run("let nothing: string | undefined;")).outcome).toEqual({ status: "ok" });
    expect(plain((await run("null")).outcome)).toBe("null");
  });

  it("supports top-level await, keeping awaited declarations", async () => {
    const { outcome } = await run("const later = await new Promise<number>((r) => setTimeout(() => r(7), 20));\nlater * 6");
    expect(plain(outcome)).toBe("42");
    expect(plain((await run("later + 1")).outcome)).toBe("8");
  });

  it("runs a top-level for-await loop", async () => {
    const { outcome } = await run("async function* nums() { yield 2; yield 5; }\nlet sum = 0;\nfor await (const v of nums()) sum += v;\nsum");
    expect(plain(outcome)).toBe("7");
  });

  it("evaluates user_expressions after the cell", async () => {
    const outcome = await host.execute(
      { ...request("const ue = 21;"), userExpressions: { double: "ue * 2", broken: "ue.nope" } },
      new RecordingIO(),
    );
    if (outcome.status !== "ok") throw new Error(JSON.stringify(outcome));
    expect(outcome.userExpressions?.["double"]).toEqual({ status: "ok", data: { "text/plain": "42" }, metadata: {} });
    expect(outcome.userExpressions?.["broken"]).toMatchObject({ status: "error" });
  });

  it("carries the types of any dynamic import to later cells (parenthesised, destructured)", async () => {
    expect((await run("const lib = (await import('simple-statistics'));\nconst { sum: sumOf } = await import('simple-statistics');")).outcome).toEqual({ status: "ok" });
    expect(plain((await run("lib.max([4, 9]) + sumOf([1, 2])")).outcome)).toBe("12");
    // The types came along: a string where numbers belong is a type error.
    expect(errorOf((await run("sumOf(['a']);")).outcome).ename).toBe("TSError");
  });

  it("keeps names declared before a runtime error", async () => {
    const { outcome } = await run("const before = 5;\nthrow new Error('after before');");
    expect(errorOf(outcome).evalue).toBe("after before");
    expect(plain((await run("before")).outcome)).toBe("5");
  });
});

describe("output capture", () => {
  it("sends console.log/error and process.stdout writes to the cell's io, in order", async () => {
    const { outcome, io } = await run(
      "console.log('one', { a: 1 });\nconsole.error('two');\nprocess.stdout.write('three\\n');\nconsole.info('four');",
    );
    expect(outcome.status).toBe("ok");
    expect(io.stdoutText).toBe("one { a: 1 }\nthree\nfour\n");
    expect(io.stderrText).toBe("two\n");
    expect(io.events.map((e) => e.type)).toEqual(["stdout", "stderr", "stdout", "stdout"]);
  });

  it("restores process.stdout.write after the cell", async () => {
    const before = process.stdout.write;
    await run("process.stdout.write('x')");
    expect(process.stdout.write).toBe(before);
  });

  it("sends late async logs to the most recent cell", async () => {
    const first = await run("setTimeout(() => console.log('late line'), 50);");
    const second = await run("1");
    await new Promise((r) => setTimeout(r, 150));
    expect(first.io.stdoutText).toBe("");
    expect(second.io.stdoutText).toBe("late line\n");
  });
});

describe("display globals", () => {
  it("display() shows a bundle and display.update / displayId update it in place", async () => {
    const { outcome, io } = await run(
      [
        "const h = display('first');",
        "h.update('second');",
        "display.update('third', h.displayId);",
        "display('fourth', { displayId: h.displayId, update: true });",
        "display('other', { displayId: 'mine' });",
      ].join("\n"),
    );
    expect(outcome.status).toBe("ok");
    const d = io.displays;
    expect(d.map((e) => e.bundle["text/plain"])).toEqual(["'first'", "'second'", "'third'", "'fourth'", "'other'"]);
    const id = d[0]!.options!.displayId!;
    expect(typeof id).toBe("string");
    expect(d[0]!.options!.update).toBeUndefined();
    expect(d.slice(1, 4).every((e) => e.options?.displayId === id && e.options.update === true)).toBe(true);
    expect(d[4]!.options).toEqual({ displayId: "mine" });
  });

  it("display(bundle, { raw: true }) shows the MIME bundle as given (IPython raw=True)", async () => {
    const { outcome, io } = await run('display({ "text/html": "<b>hi</b>", "application/x-mine+json": { n: 1 } }, { raw: true });');
    expect(outcome.status).toBe("ok");
    // As given: no text/plain added, the object not formatted as a value.
    expect(io.displays.map((e) => e.bundle)).toEqual([{ "text/html": "<b>hi</b>", "application/x-mine+json": { n: 1 } }]);
    const bad = errorOf((await run('display({ html: "<b>hi</b>" }, { raw: true });')).outcome);
    expect(bad.evalue).toMatch(/"html" is not a MIME type/);
  });

  it("keeps display order with console output around it", async () => {
    const { io } = await run("console.log('before');\ndisplay({ k: 1 });\nconsole.log('after');");
    expect(io.events.map((e) => e.type)).toEqual(["stdout", "display", "stdout"]);
  });

  it("clearOutput(wait) reaches the io", async () => {
    const { io } = await run("clearOutput(true);\nclearOutput();");
    expect(io.events).toEqual([
      { type: "clear", wait: true },
      { type: "clear", wait: false },
    ]);
  });

  it("input() and password() ask the front end, with the password flag", async () => {
    const io = new RecordingIO();
    io.answers = ["Ada", "s3cret"];
    const { outcome } = await run("const who = await input('Name? ');\nconst pw = await password('Key: ');\n`${who}:${pw.length}`", io);
    expect(plain(outcome)).toBe("'Ada:6'");
    expect(io.events.filter((e) => e.type === "input")).toEqual([
      { type: "input", prompt: "Name? ", password: false },
      { type: "input", prompt: "Key: ", password: true },
    ]);
  });

  it("a Vega-Lite spec as the last value is a chart bundle: v5 spec + real PNG, no HTML", async () => {
    const { outcome } = await run(
      "const rows = [1, 2, 3].map((i) => ({ i, v: i * i }));\n" +
        "({ data: { values: rows }, mark: 'line', encoding: { x: { field: 'i', type: 'quantitative' }, y: { field: 'v', type: 'quantitative' } } })",
    );
    if (outcome.status !== "ok" || !outcome.result) throw new Error(JSON.stringify(outcome));
    const bundle = outcome.result;
    expect(bundle).not.toHaveProperty("text/html");
    expect((bundle["application/vnd.vegalite.v5+json"] as { $schema: string }).$schema).toMatch(/vega-lite\/v5/);
    const png = Buffer.from(String(bundle["image/png"]), "base64");
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(png.readUInt32BE(16)).toBeGreaterThan(100); // IHDR width
    expect(bundle["text/plain"]).toBe("<Vega-Lite chart: 3 data rows, mark line>");
  });

  it("uses the display symbol of an object as the result bundle", async () => {
    const { outcome } = await run(
      "({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<b>hi</b>', 'text/plain': 'hi' }; } })",
    );
    expect(outcome.status === "ok" && outcome.result).toEqual({ "text/html": "<b>hi</b>", "text/plain": "hi" });
  });

  it("a throwing display method does not fail the cell: text/plain plus a note on stderr", async () => {
    const { outcome, io } = await run(
      "({ name: 'broken', [Symbol.for('Jupyter.display')]() { throw new Error('no bundle today'); } })",
    );
    expect(outcome.status).toBe("ok");
    expect(String(outcome.status === "ok" && outcome.result?.["text/plain"])).toContain("broken");
    expect(io.stderrText).toContain("no bundle today");
  });
});

describe("errors", () => {
  it("reports a throw on line 3 of a cell as line 3, with the line shown", async () => {
    const { outcome } = await run("const a1 = 1;\nconst b1 = 2;\nthrow new RangeError('bad range ' + (a1 + b1));\n");
    const e = errorOf(outcome);
    expect(e.ename).toBe("RangeError");
    expect(e.evalue).toBe("bad range 3");
    expect(e.traceback[0]).toBe("RangeError: bad range 3");
    expect(e.traceback.some((l) => /line 3:\d+/.test(l))).toBe(true);
    expect(e.traceback.some((l) => l.startsWith("----> 3") && l.includes("throw new RangeError"))).toBe(true);
    // No frames of the host, vm or test runner leak into the traceback.
    expect(e.traceback.join("\n")).not.toMatch(/node:vm|kernel[\\/]execution|vitest/);
  });

  it("maps frames of a function defined in an earlier cell to that cell's line", async () => {
    const def = await run("// helper\nfunction explode(): never {\n  throw new Error('from helper');\n}");
    expect(def.outcome.status).toBe("ok");
    const { outcome } = await run("const k = 1;\nexplode();");
    const e = errorOf(outcome);
    const frames = e.traceback.filter((l) => l.startsWith("    at "));
    expect(frames[0]).toMatch(/at explode \(Cell \[\d+\], line 3:\d+\)/);
    expect(frames[1]).toMatch(/line 2:\d+/);
  });

  it("maps lines in a cell with top-level await", async () => {
    const { outcome } = await run("await Promise.resolve();\n\nconst v = 1;\nif (v) throw new Error('async line 4');");
    expect(errorOf(outcome).traceback.some((l) => /line 4:\d+/.test(l))).toBe(true);
  });

  it("reports TypeScript type errors as TSError with cell line:col", async () => {
    const { outcome } = await run("const ok1 = 1;\nconst s1: string = 42;");
    const e = errorOf(outcome);
    expect(e.ename).toBe("TSError");
    expect(e.traceback.some((l) => /^\s*2:7 - Type 'number' is not assignable to type 'string'/.test(l))).toBe(true);
    // Nothing ran: ok1 was not defined.
    expect(errorOf((await run("ok1")).outcome).ename).toBe("TSError");
  });

  it("reports syntax errors as TSError", async () => {
    const e = errorOf((await run("let broken = ;")).outcome);
    expect(e.ename).toBe("TSError");
    expect(e.evalue).toMatch(/^1:14 - Expression expected/);
  });

  it("formatError maps an error thrown later from a cell's timer to that cell's line", async () => {
    await run("setTimeout(() => {\n  try {\n    throw new Error('stray');\n  } catch (e) { (globalThis as any).strayError = e; }\n}, 10);");
    await new Promise((r) => setTimeout(r, 100));
    const stray = (globalThis as Record<string, unknown>)["strayError"];
    const f = (host as TypeScriptExecutionHost).formatError(stray);
    expect(f.ename).toBe("Error");
    expect(f.traceback.some((l) => /Cell \[\d+\], line 3:\d+/.test(l))).toBe(true);
  });

  it("reports a thrown non-Error value", async () => {
    const e = errorOf((await run("throw 'plain string';")).outcome);
    expect(e.evalue).toBe("plain string");
  });

  it("a rejected top-level await is an error outcome", async () => {
    const e = errorOf((await run("await Promise.reject(new TypeError('rejected'));")).outcome);
    expect(e.ename).toBe("TypeError");
    expect(e.evalue).toBe("rejected");
  });
});

describe("modern module resolution", () => {
  it("gives `const x = await import(\"pkg\")` its type, so the module's type carries to later cells", async () => {
    expect(plain((await run('const stats = await import("simple-statistics");\nstats.mean([1, 2, 3])')).outcome)).toBe("2");
    expect(plain((await run("stats.median([5, 1, 3])")).outcome)).toBe("3");
    // Typed, not any: a wrong call is a compile error naming the argument.
    expect(errorOf((await run("stats.mean('x')")).outcome).evalue).toMatch(/Argument of type/);
  });

  it("imports ESM-only and CommonJS packages with their types", async () => {
    const { outcome } = await run(
      [
        'import * as vl from "vega-lite";',
        'import * as ss from "simple-statistics";',
        'import { faker } from "@faker-js/faker";',
        'import OpenAI from "openai";',
        'import * as dfd from "danfojs-node";',
        "const spec: vl.TopLevelSpec = { mark: 'point', data: { values: [] }, encoding: {} };",
        "const m: number = ss.mean([1, 2, 3]);",
        "faker.seed(1);",
        "const name: string = faker.person.firstName();",
        "const client: OpenAI | null = null;",
        "const df = new dfd.DataFrame({ a: [1, 2] });",
        "[typeof vl.compile, m, typeof name, typeof OpenAI, df.shape.join('x')]",
      ].join("\n"),
    );
    expect(plain(outcome)).toBe("[ 'function', 2, 'string', 'function', '2x1' ]");
  });

  it("resolves types from package exports: a wrong vega-lite mark is a type error", async () => {
    const e = errorOf((await run('import * as vl2 from "vega-lite";\nconst bad: vl2.TopLevelSpec = { mark: "nope" };')).outcome);
    expect(e.ename).toBe("TSError");
    expect(e.evalue).toMatch(/^2:\d+ - Type '"nope"' is not assignable to type 'AnyMark'/);
  });

  it("types an OpenAI client: a misspelt property is a type error", async () => {
    const e = errorOf((await run('import OpenAI2 from "openai";\nconst c2 = new OpenAI2({ apiKey: "x" });\nc2.chatz;')).outcome);
    expect(e.evalue).toMatch(/^3:\d+ - Property 'chatz' does not exist on type 'OpenAI'/);
  });

  it('resolves "synthlab" from a notebook directory (package self-reference)', async () => {
    const { outcome } = await run(
      'import { loadDataset, toFrame } from "synthlab";\nconst f = toFrame([{ a: 1 }, { a: 2 }]);\n[typeof loadDataset, f.rowCount]',
    );
    expect(plain(outcome)).toBe("[ 'function', 2 ]");
    const e = errorOf((await run('import { toFrame as tf } from "synthlab";\nconst wrong: number = tf([]);')).outcome);
    expect(e.ename).toBe("TSError");
  });
});

describe("magics", () => {
  it("runs a whole-cell magic with the cell body as TypeScript", async () => {
    const { outcome, io } = await run("%%time\nconst timed = 6;\ntimed * 7");
    expect(plain(outcome)).toBe("42");
    expect(io.stdoutText).toMatch(/Wall time: /);
    expect(plain((await run("timed")).outcome)).toBe("6");
  });

  it("runs cells made of line magics, with {expr} interpolation through the notebook", async () => {
    await run("const greeting = 'hel' + 'lo';");
    const { outcome, io } = await run("%env SYNTHLAB_H2_TEST={greeting}\n%env SYNTHLAB_H2_OTHER=2");
    expect(outcome.status).toBe("ok");
    expect(process.env.SYNTHLAB_H2_TEST).toBe("hello");
    expect(process.env.SYNTHLAB_H2_OTHER).toBe("2");
    expect(io.stdoutText).toContain("SYNTHLAB_H2_TEST=hello");
  });

  it("names set by a magic are visible (and typed) in later cells", async () => {
    const cap = await run("%%capture captured\nconsole.log('inside');");
    expect(cap.outcome.status).toBe("ok");
    expect(cap.io.stdoutText).toBe("");
    expect(plain((await run("typeof captured")).outcome)).toBe("'object'");
  });

  it("runs line magics between TypeScript statements, in order, sharing the notebook's names", async () => {
    const code = [
      "const base = 20;",
      "%time const doubled = base * 2",
      "console.log('after the magic', doubled);",
      "const note = `",
      "%not a magic: inside a template literal",
      "`;",
      "doubled + 2",
    ].join("\n");
    const { outcome, io } = await run(code);
    expect(plain(outcome)).toBe("42");
    expect(io.stdoutText).toMatch(/Wall time: [\s\S]*after the magic 40/);
    expect(plain((await run("note.trim()")).outcome)).toBe("'%not a magic: inside a template literal'");
  });

  it("a failing TypeScript part of a mixed cell stops the cell before the next magic", async () => {
    const { outcome, io } = await run("throw new Error('first part fails');\n%env SYNTHLAB_MIXED_NEVER=1");
    expect(errorOf(outcome).evalue).toContain("first part fails");
    expect(process.env.SYNTHLAB_MIXED_NEVER).toBeUndefined();
    expect(io.stdoutText).not.toContain("SYNTHLAB_MIXED_NEVER");
  });

  it("a usage error is one line", async () => {
    const e = errorOf((await run("%%nosuchmagic")).outcome);
    expect(e.ename).toBe("UsageError");
    expect(e.traceback).toHaveLength(1);
  });
});

describe("completion, inspection, is_complete", () => {
  it("completes members and names from earlier cells", async () => {
    await run("const completeMe = { alpha: 1, alpine: 2, beta: 3 };");
    const r = await host.complete("completeMe.al", 13);
    expect(r.matches).toEqual(expect.arrayContaining(["alpha", "alpine"]));
    expect(r.matches).not.toContain("beta");
    expect([r.cursorStart, r.cursorEnd]).toEqual([11, 13]);
    const g = await host.complete("complete", 8);
    expect(g.matches).toContain("completeMe");
  });

  it("counts cursor positions in code points (an emoji before the cursor)", async () => {
    const code = "const e = '😀'; completeMe.be";
    const cursor = [...code].length; // code points
    const r = await host.complete(code, cursor);
    expect(r.matches).toContain("beta");
    expect(r.cursorEnd).toBe(cursor);
    expect(r.cursorStart).toBe(cursor - 2);
  });

  it("completes magic names after %", async () => {
    const r = await host.complete("%ti", 3);
    expect(r.matches).toContain("%time");
    const c = await host.complete("%%cap", 5);
    expect(c.matches).toEqual(["%%capture"]);
    expect(c.cursorStart).toBe(0);
  });

  it("completes TypeScript in a cell that has magic lines (the magics are hidden from the language service)", async () => {
    const code = "%time const unused = 1\ncompleteMe.al";
    const r = await host.complete(code, code.length);
    expect(r.matches).toEqual(expect.arrayContaining(["alpha", "alpine"]));
    expect(r.cursorEnd - r.cursorStart).toBe(2);
  });

  it("inspects a symbol with its type and documentation", async () => {
    const r = await host.inspect("Math.max", 8, 0);
    expect(r.found).toBe(true);
    expect(String(r.data["text/plain"])).toContain("max(...values: number[]): number");
    const v = await host.inspect("completeMe", 4, 0);
    expect(String(v.data["text/plain"])).toContain("alpha: number");
    expect((await host.inspect("   ", 1, 0)).found).toBe(false);
  });

  it("inspects a magic name: its help, as %magic? shows it", async () => {
    const r = await host.inspect("%%capture out", 4, 0);
    expect(r.found).toBe(true);
    expect(String(r.data["text/plain"])).toContain("%%capture");
    expect((await host.inspect("%nosuchmagic", 3, 0)).found).toBe(false);
  });

  it("tells complete, incomplete (with indent) and invalid code apart", async () => {
    expect(await host.isComplete("const x = 1;")).toEqual({ status: "complete" });
    expect(await host.isComplete("function f() {")).toEqual({ status: "incomplete", indent: "  " });
    expect((await host.isComplete("foo(")).status).toBe("incomplete");
    expect(await host.isComplete("x )")).toEqual({ status: "invalid" });
    expect(await host.isComplete("%%time")).toEqual({ status: "complete" });
  });
});

describe("built-ins patched by cells", () => {
  it("compiles with the original built-ins when a patched one breaks the compiler, so the patch can be undone", async () => {
    await run("const keptStringify = JSON.stringify;");
    try {
      await run('JSON.stringify = (() => { throw new Error("patched"); }) as typeof JSON.stringify;');
      // The cell compiles (with the originals) and runs with the patch: its own call throws.
      expect(errorOf((await run("JSON.stringify([1])")).outcome).evalue).toBe("patched");
      expect(plain((await run("1 + 41")).outcome)).toBe("42");
      expect((await run("JSON.stringify = keptStringify;")).outcome.status).toBe("ok");
      expect(plain((await run("JSON.stringify([1])")).outcome)).toBe("'[1]'");
    } finally {
      JSON.stringify = (host as TypeScriptExecutionHost)["scope"].get("keptStringify") as typeof JSON.stringify;
    }
  });
});
