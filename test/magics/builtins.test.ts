import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { displaySymbol } from "../../src/display/protocol.js";
import { CapturedOutput, formatDuration, getMagic, isSecretName, unregisterMagic } from "../../src/magics/index.js";
import { makeContext, RecordingIO } from "./helpers.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "synthlab-magics-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("%time / %%time", () => {
  it("runs the statement through runCell, prints wall time and keeps the value", async () => {
    const t = makeContext();
    const outcome = await t.run("%time await new Promise((r) => setTimeout(r, 30)); return 6 * 7");
    expect(outcome).toMatchObject({ status: "ok", result: { "text/plain": "42" } });
    const m = /Wall time: ([\d.]+) (µs|ms|s)\n/.exec(t.io.out);
    expect(m).not.toBeNull();
    const ms = Number(m![1]) * (m![2] === "s" ? 1000 : m![2] === "µs" ? 0.001 : 1);
    expect(ms).toBeGreaterThanOrEqual(25);
    expect(ms).toBeLessThan(5000);
    expect(t.io.out).toMatch(/^CPU times: user .+, sys: .+, total: .+\n/);
  });

  it("times a cell body, passing its output through", async () => {
    const t = makeContext();
    const outcome = await t.run("%%time\nconsole.log('inside'); x = 5;");
    expect(outcome.status).toBe("ok");
    expect(t.io.out.indexOf("inside")).toBeLessThan(t.io.out.indexOf("Wall time"));
    expect(t.scope.get("x")).toBe(5);
  });

  it("re-raises the timed code's error after printing the time", async () => {
    const t = makeContext();
    const outcome = await t.run("%time throw new RangeError('too far')");
    expect(outcome).toMatchObject({ status: "error", ename: "RangeError", evalue: "too far" });
    expect(t.io.out).toContain("Wall time:");
  });

  it("formats durations in readable units", () => {
    expect(formatDuration(0.5)).toBe("500 µs");
    expect(formatDuration(12.34)).toBe("12.3 ms");
    expect(formatDuration(4210)).toBe("4.21 s");
    expect(formatDuration(123_500)).toBe("2min 3.5s");
  });
});

describe("%%capture", () => {
  it("captures stdout, stderr, displays and the result into the named variable", async () => {
    const t = makeContext();
    const outcome = await t.run(
      "%%capture out\nconsole.log('hello'); console.error('oops'); display('shown'); return 7",
    );
    expect(outcome).toEqual({ status: "ok" });
    expect(t.io.events).toEqual([]); // nothing leaked to the cell
    const out = t.scope.get("out") as CapturedOutput;
    expect(out).toBeInstanceOf(CapturedOutput);
    expect(out.stdout).toBe("hello\n");
    expect(out.stderr).toBe("oops\n");
    expect(out.outputs.map((o) => o.data["text/plain"])).toEqual(["shown", "7"]);
  });

  it("replays with show() and displays through the display symbol", async () => {
    const t = makeContext();
    await t.run("%%capture cap\nconsole.log('a <b>'); display('d')");
    const cap = t.scope.get("cap") as CapturedOutput;
    const replay = new RecordingIO();
    cap.show(replay);
    expect(replay.events.map((e) => e.kind)).toEqual(["stdout", "display"]);
    expect(replay.out).toBe("a <b>\n");
    const bundle = await cap[displaySymbol]();
    expect(bundle["text/plain"]).toContain("a <b>");
    expect(bundle["text/html"]).toContain("a &lt;b&gt;");
  });

  it("lets --no-stdout output through and still stores the variable when the body fails", async () => {
    const t = makeContext();
    const outcome = await t.run("%%capture --no-stdout c\nconsole.log('visible'); console.error('hidden'); throw new Error('bad')");
    expect(outcome).toMatchObject({ status: "error", evalue: "bad" });
    expect(t.io.out).toBe("visible\n");
    expect((t.scope.get("c") as CapturedOutput).stderr).toBe("hidden\n");
  });

  it("applies clear_output inside the capture", async () => {
    const t = makeContext();
    const io = new RecordingIO();
    // A body that clears with wait=true keeps old output until the next output arrives.
    await t.run("%%capture k\nconsole.log('old');", io);
    const k = t.scope.get("k") as CapturedOutput;
    expect(k.stdout).toBe("old\n");
    const cap = getMagic("capture")!;
    const t2 = makeContext();
    await cap.run({ name: "k2", "no-stdout": false, "no-stderr": false, "no-display": false }, "", {
      ...t2.ctx,
      runCell: async (_code, cellIO) => {
        cellIO.stdout("first\n");
        cellIO.clearOutput(true);
        cellIO.stdout("second\n");
        return { status: "ok" };
      },
    });
    expect((t2.scope.get("k2") as CapturedOutput).stdout).toBe("second\n");
  });

  it("rejects a name that is not an identifier", async () => {
    const t = makeContext();
    const outcome = await t.run("%%capture 1abc\nreturn 1");
    expect(outcome).toMatchObject({ status: "error", ename: "UsageError" });
  });
});

describe("%%writefile", () => {
  it("writes relative to cwd, creating directories, then appends with -a", async () => {
    const t = makeContext(dir);
    await t.run("%%writefile sub/dir/notes.txt\nline one");
    expect(await readFile(join(dir, "sub/dir/notes.txt"), "utf8")).toBe("line one\n");
    await t.run("%%writefile -a sub/dir/notes.txt\nline two\n");
    expect(await readFile(join(dir, "sub/dir/notes.txt"), "utf8")).toBe("line one\nline two\n");
    expect(t.io.out).toBe("Writing sub/dir/notes.txt\nAppending to sub/dir/notes.txt\n");
  });

  it("takes the path from {expr} and needs a path", async () => {
    const t = makeContext(dir);
    t.scope.set("fname", "from var.json");
    await t.run('%%writefile "{fname}"\n{"a": 1}');
    expect(JSON.parse(await readFile(join(dir, "from var.json"), "utf8"))).toEqual({ a: 1 });
    const outcome = await t.run("%%writefile\nx");
    expect(outcome).toMatchObject({ status: "error", ename: "UsageError" });
    expect((outcome as { evalue: string }).evalue).toContain("missing PATH");
  });
});

describe("%env", () => {
  const names = ["SYNTHLAB_TEST_PLAIN", "SYNTHLAB_TEST_API_KEY", "my_token", "DB_Password", "SYNTHLAB_TEST_SPACED"];
  afterAll(() => {
    for (const n of names) delete process.env[n];
  });

  it("sets with NAME=value and NAME value, and shows a variable", async () => {
    const t = makeContext();
    await t.run("%env SYNTHLAB_TEST_PLAIN=hello=world");
    expect(process.env.SYNTHLAB_TEST_PLAIN).toBe("hello=world");
    await t.run("%env SYNTHLAB_TEST_SPACED two words");
    expect(process.env.SYNTHLAB_TEST_SPACED).toBe("two words");
    await t.run("%env SYNTHLAB_TEST_PLAIN");
    expect(t.io.out).toBe(
      "env: SYNTHLAB_TEST_PLAIN=hello=world\nenv: SYNTHLAB_TEST_SPACED=two words\nhello=world\n",
    );
  });

  it("never prints values of secret-looking names, in any case", async () => {
    const t = makeContext();
    t.scope.set("key", "sk-live-123456");
    await t.run("%env SYNTHLAB_TEST_API_KEY={key}");
    await t.run("%env my_token abc-secret-value");
    await t.run("%env DB_Password=hunter2");
    expect(process.env.SYNTHLAB_TEST_API_KEY).toBe("sk-live-123456");
    await t.run("%env SYNTHLAB_TEST_API_KEY");
    await t.run("%env");
    const out = t.io.out;
    for (const secret of ["sk-live-123456", "abc-secret-value", "hunter2"]) expect(out).not.toContain(secret);
    expect(out).toContain("env: SYNTHLAB_TEST_API_KEY=<hidden>");
    expect(out).toContain("\nmy_token=<hidden>\n");
    expect(out).toContain("\nDB_Password=<hidden>\n");
    expect(out).toMatch(/\nPATH=\/.+\n/); // ordinary values are listed
    expect(isSecretName("aws_secret_access")).toBe(true);
    expect(isSecretName("HOME")).toBe(false);
  });

  it("rejects bad names and unknown variables with one line", async () => {
    const t = makeContext();
    expect(await t.run("%env 1BAD=x")).toMatchObject({ status: "error", ename: "UsageError" });
    const missing = await t.run("%env SYNTHLAB_TEST_NEVER_SET_XYZ");
    expect((missing as { evalue: string }).evalue).toContain("is not set");
  });
});

describe("%who", () => {
  it("lists notebook variables, hiding _names, optionally by type", async () => {
    const t = makeContext();
    expect((await t.run("%who"), t.io.out)).toBe("Interactive namespace is empty.\n");
    t.scope.set("rows", 10);
    t.scope.set("name", "x");
    t.scope.set("_hidden", 1);
    t.scope.set("m", new Map());
    t.scope.set("list", [1]);
    const io = new RecordingIO();
    await t.run("%who", io);
    await t.run("%who number", io);
    await t.run("%who Map", io);
    await t.run("%who array", io);
    await t.run("%who boolean", io);
    expect(io.out.split("\n")).toEqual(["list\tm\tname\trows", "rows", "m", "list", "No variables of type boolean.", ""]);
  });
});

describe("%lsmagic", () => {
  it("lists line and cell magics with summaries", async () => {
    const t = makeContext();
    await t.run("%lsmagic");
    const [line, cell] = t.io.out.split("Cell magics:");
    for (const n of ["%env", "%who", "%time", "%load_ext", "%lsmagic"]) expect(line).toContain(n);
    for (const n of ["%%capture", "%%writefile", "%%time"]) expect(cell).toContain(n);
    expect(line).not.toContain("%capture ");
  });
});

describe("%load_ext", () => {
  it("loads an extension exporting load(registry) and its magic runs", async () => {
    const t = makeContext(dir);
    await writeFile(
      join(dir, "ext-load.mjs"),
      `export function load(registry) {
         registry.register({ name: "shout", kind: "line", description: "Upper-case the words.",
           positionals: [{ name: "words", help: "w", rest: true }],
           run: async (args) => args.words.join(" ").toUpperCase() });
       }`,
    );
    await t.run("%load_ext ./ext-load.mjs");
    expect(t.io.out).toBe("Loaded extension ./ext-load.mjs: %shout\n");
    expect(await t.run("%shout hello there")).toEqual({ status: "ok", result: { "text/plain": "HELLO THERE" } });
    await t.run("%load_ext ./ext-load.mjs");
    expect(t.io.out).toContain("already loaded");
    unregisterMagic("shout");
  });

  it("loads a package from the notebook's node_modules exporting a default MagicDefinition[]", async () => {
    const pkg = join(dir, "node_modules", "synthlab-test-ext");
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, "package.json"), JSON.stringify({ name: "synthlab-test-ext", main: "index.js" }));
    await writeFile(
      join(pkg, "index.js"),
      `module.exports = { default: [
         { name: "twice", kind: "cell", description: "Body twice.", run: async (_a, body) => body + body },
         { name: "one", kind: "line", description: "One.", run: async () => 1 } ] };`,
    );
    const t = makeContext(dir);
    await t.run("%load_ext synthlab-test-ext");
    expect(t.io.out).toBe("Loaded extension synthlab-test-ext: %twice, %one\n");
    expect(await t.run("%%twice\nab")).toMatchObject({ result: { "text/plain": "abab" } });
    unregisterMagic("twice");
    unregisterMagic("one");
  });

  it("reports a missing module and a module without magics as usage errors", async () => {
    const t = makeContext(dir);
    const missing = await t.run("%load_ext ./nope.mjs");
    expect(missing).toMatchObject({ status: "error", ename: "UsageError" });
    expect((missing as { evalue: string }).evalue).toContain(`cannot find "./nope.mjs"`);
    await writeFile(join(dir, "empty.mjs"), "export const x = 1;");
    const empty = await t.run("%load_ext ./empty.mjs");
    expect((empty as { evalue: string }).evalue).toContain("exports neither load(registry) nor a default MagicDefinition");
  });
});
