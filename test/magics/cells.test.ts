import { describe, expect, it } from "vitest";
import {
  isMagicCode,
  splitMixedCell,
  registerMagic,
  runMagicCell,
  splitMagicCell,
  unregisterMagic,
  type MagicArgs,
  type MagicDefinition,
} from "../../src/magics/index.js";
import { makeContext } from "./helpers.js";

/** A magic that records what it was called with (and registers itself for the test). */
function recorder(def: Partial<MagicDefinition> & { name: string }): { calls: { args: MagicArgs; body?: string }[] } {
  const state = { calls: [] as { args: MagicArgs; body?: string }[] };
  registerMagic({
    kind: "both",
    description: "Records its calls.",
    options: [{ name: "rows", type: "integer", help: "Rows." }],
    positionals: [{ name: "words", help: "Words.", rest: true }],
    ...def,
    run: async (args, body) => {
      state.calls.push({ args, ...(body !== undefined ? { body } : {}) });
      return def.name + ":" + state.calls.length;
    },
  });
  return state;
}

describe("isMagicCode / splitMagicCell", () => {
  it("treats a first %% line as a cell magic with the rest as body", () => {
    const [inv] = splitMagicCell("\n  %%capture out\nconsole.log(1)\n%not a magic line\n")!;
    expect(inv).toMatchObject({ name: "capture", cell: true, argLine: " out" });
    expect(inv!.body).toBe("console.log(1)\n%not a magic line\n");
  });
  it("treats cells whose every line starts with % as line magics, in order", () => {
    const invs = splitMagicCell("%env A=1\n\n// a comment\n  %who number\n")!;
    expect(invs.map((i) => [i.name, i.cell, i.argLine])).toEqual([
      ["env", false, " A=1"],
      ["who", false, " number"],
    ]);
  });
  it("leaves TypeScript to the host; TypeScript with a top-level magic line is a mixed cell", () => {
    expect(isMagicCode("const x = 1 % 2;")).toBe(false);
    expect(isMagicCode("const x = 1\n  % 2;")).toBe(false); // indented: a continued expression
    expect(isMagicCode("%time x\nconst y = 2;")).toBe(true);
    expect(isMagicCode("")).toBe(false);
    expect(isMagicCode("// only a comment")).toBe(false);
    expect(isMagicCode("%lsmagic")).toBe(true);
  });
  it("recognizes help requests", () => {
    expect(splitMagicCell("%%time?")![0]).toMatchObject({ name: "time", cell: true, help: true });
    expect(splitMagicCell("%env??")![0]).toMatchObject({ name: "env", help: true });
  });
});

describe("splitMixedCell (line magics inside TypeScript)", () => {
  it("cuts the cell at top-level magic lines only", () => {
    const code = [
      "const a = 1;",
      "%rec a b",
      "function f() {",
      "%inside_a_block",
      "}",
      "const s = `",
      "%inside_a_template ${a}",
      "`; /* a comment",
      "%inside_a_comment */",
      "const r = /[`(]/; const q = a / 2;",
      "%who",
    ].join("\n");
    const parts = splitMixedCell(code)!;
    expect(parts.map((p) => ("code" in p ? `ts:${p.code.split("\n").length}` : `%${p.name}`))).toEqual(["ts:1", "%rec", "ts:8", "%who"]);
    expect(parts[1]).toMatchObject({ name: "rec", argLine: " a b" });
  });
  it("is null for TypeScript without magic lines, and marks a %% line below the first as misplaced", () => {
    expect(splitMixedCell("const a = `\n%x\n`;")).toBeNull();
    expect(splitMixedCell("let x = 1;\n%%time\nx")!.find((p) => "name" in p)).toMatchObject({ name: "time", misplaced: true });
  });
});

describe("runMagicCell", () => {
  it("returns handled:false for TypeScript without touching the context", async () => {
    const t = makeContext();
    expect(await runMagicCell("let a = 1;", t.ctx)).toEqual({ handled: false });
    expect(t.io.events).toEqual([]);
  });

  it("runs a cell magic with parsed args and body and returns its value", async () => {
    const rec = recorder({ name: "rec_cell" });
    const t = makeContext();
    const r = await runMagicCell("%%rec_cell --rows 3 a 'b c'\nline 1\nline 2", t.ctx);
    expect(r).toEqual({ handled: true, value: "rec_cell:1" });
    expect(rec.calls[0]).toEqual({ args: { rows: 3, words: ["a", "b c"] }, body: "line 1\nline 2" });
    unregisterMagic("rec_cell");
  });

  it("runs a mixed cell's parts in order; a misplaced %% line stops it before anything runs", async () => {
    const rec = recorder({ name: "rec_mixed" });
    const t = makeContext();
    t.ctx.scope.set("order", []);
    const r = await runMagicCell("order.push('ts 1');\n%rec_mixed one\norder.push('ts 2');", t.ctx);
    expect(r.handled).toBe(true);
    expect(t.ctx.scope.get("order")).toEqual(["ts 1", "ts 2"]);
    expect(rec.calls.map((c) => c.args.words)).toEqual([["one"]]);
    await expect(runMagicCell("order.push('never');\n%%rec_mixed\nbody", t.ctx)).rejects.toThrow(/must be the first line of its cell/);
    expect(t.ctx.scope.get("order")).toEqual(["ts 1", "ts 2"]);
    unregisterMagic("rec_mixed");
  });

  it("runs several line magics in order; the value is the last one's", async () => {
    const rec = recorder({ name: "rec_line" });
    const t = makeContext();
    const r = await runMagicCell("%rec_line one\n%rec_line two", t.ctx);
    expect(r.value).toBe("rec_line:2");
    expect(rec.calls.map((c) => c.args.words)).toEqual([["one"], ["two"]]);
    expect(rec.calls.every((c) => c.body === undefined)).toBe(true);
    unregisterMagic("rec_line");
  });

  it("interpolates {expr} from the notebook into the argument line, keeping each value one word", async () => {
    const rec = recorder({ name: "rec_interp" });
    const t = makeContext();
    t.scope.set("n", 250);
    t.scope.set("label", "two words");
    t.scope.set("obj", { a: 1 });
    await runMagicCell(`%%rec_interp --rows {n * 2} {label} x{obj}y {{lit}} '{n}' "{n}"\n{n} stays`, t.ctx);
    const call = rec.calls[0]!;
    expect(call.args.rows).toBe(500);
    expect(call.args.words).toEqual(["two words", 'x{"a":1}y', "{lit}", "{n}", "250"]);
    expect(call.body).toBe("{n} stays");
    unregisterMagic("rec_interp");
  });

  it("does not treat an interpolated value starting with - as an option", async () => {
    const rec = recorder({ name: "rec_dash" });
    const t = makeContext();
    t.scope.set("v", "--rows");
    await runMagicCell("%rec_dash {v}", t.ctx);
    expect(rec.calls[0]!.args.words).toEqual(["--rows"]);
    unregisterMagic("rec_dash");
  });

  it("interpolates the body when the magic asks for it", async () => {
    const rec = recorder({ name: "rec_body", interpolateBody: true });
    const t = makeContext();
    t.scope.set("who", "world");
    await runMagicCell("%%rec_body\nhello {who} {{x}}", t.ctx);
    expect(rec.calls[0]!.body).toBe("hello world {x}");
    unregisterMagic("rec_body");
  });

  it("reports a failing {expr} as one usage line", async () => {
    const t = makeContext();
    await expect(runMagicCell("%who {missing.field}", t.ctx)).rejects.toThrow(
      /^%who: could not evaluate \{missing\.field\}: TypeError: .*$/,
    );
  });

  it("prints generated help for %name? and runs nothing", async () => {
    const rec = recorder({ name: "rec_help", description: "Records its calls for the help test." });
    const t = makeContext();
    const r = await runMagicCell("%%rec_help?", t.ctx);
    expect(r).toEqual({ handled: true, value: undefined });
    expect(t.io.out).toContain("Usage: %rec_help");
    expect(t.io.out).toContain("Records its calls for the help test.");
    expect(rec.calls).toEqual([]);
    unregisterMagic("rec_help");
  });

  it("gives one-line usage errors for unknown magics, wrong kinds and bad args", async () => {
    const t = makeContext();
    const err = async (code: string): Promise<Error> => {
      try {
        await runMagicCell(code, t.ctx);
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected an error");
    };
    const unknown = await err("%%captur x\nbody");
    expect(unknown.name).toBe("UsageError");
    expect(unknown.message).toBe("%%captur: no such magic; did you mean %%capture? Run %lsmagic for the list.");
    expect((await err("%capture x")).message).toContain("%%capture is a cell magic");
    expect((await err("%%env\nx")).message).toContain("%env is a line magic");
    expect((await err("%time+1")).message).toContain("not a magic name");
    expect((await err("%")).message).toContain("a magic name must follow %");
    expect((await err("%env SYNTHLAB_NOT_SET_BY_MISPLACED=1\n%%capture x")).message).toBe(
      "%%capture: a cell magic must be the first line of its cell; move it to a cell of its own.",
    );
    expect(process.env.SYNTHLAB_NOT_SET_BY_MISPLACED).toBeUndefined();
    const bad = await err("%%capture --no-stdot\n1");
    expect(bad.message).toBe("%%capture: unknown option --no-stdot; did you mean --no-stdout? See %%capture?");
    expect(bad.message).not.toContain("\n");
  });
});
