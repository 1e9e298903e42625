/**
 * The kernel process end to end: spawns `node bin/synthlab.js kernel --connection-file F` (built
 * dist/) and talks ZMQ to it. Cell code is written to be both valid TypeScript (the real host) and
 * JavaScript (the scripted host used while the execution layer is not built).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { freePorts, KernelClient, REPO, streamText, type Msg } from "./client.js";

beforeAll(() => {
  if (!existsSync(join(REPO, "dist/cli/commands/kernel.js"))) {
    throw new Error("dist/ is missing: run `npx tsc -p tsconfig.build.json` before the kernel tests.");
  }
});

const types = (outputs: Msg[]) => outputs.map((m) => m.header.msg_type);
const resultText = (outputs: Msg[]): string => {
  const r = outputs.find((m) => m.header.msg_type === "execute_result");
  if (!r) throw new Error(`no execute_result in ${JSON.stringify(types(outputs))}`);
  return String(r.content.data["text/plain"]);
};

describe("one kernel, many requests", () => {
  let k: KernelClient;
  beforeAll(async () => {
    k = await KernelClient.start();
    await k.ready();
    // The first cell loads the TypeScript engine (seconds on a busy machine); keep that out of the tests.
    await k.execute("0", {}, 150_000);
  }, 180_000);
  afterAll(async () => {
    await k?.close();
  });

  it("answers kernel_info with status, protocol 5.3 and TypeScript language_info", async () => {
    const reply = await k.request("shell", "kernel_info_request");
    expect(reply.header.msg_type).toBe("kernel_info_reply");
    expect(reply.header.version).toBe("5.3");
    expect(reply.content).toMatchObject({
      status: "ok",
      protocol_version: "5.3",
      implementation: "synthlab",
      language_info: { name: "typescript", mimetype: "text/typescript", file_extension: ".ts", codemirror_mode: { name: "javascript", typescript: true } },
    });
    expect(typeof reply.content.banner).toBe("string");
    // Also on control, as front ends use it to check liveness.
    expect((await k.request("control", "kernel_info_request")).content.status).toBe("ok");
  });

  it("runs a cell: busy, execute_input, execute_result, reply ok, idle; counts only stored cells", async () => {
    const first = await k.execute("6 * 7");
    expect(first.reply.content.status).toBe("ok");
    const all = k.outputsOf(first.msgId);
    expect(all[0]!.content.execution_state).toBe("busy");
    expect(all.at(-1)!.content.execution_state).toBe("idle");
    expect(types(first.outputs)).toEqual(["execute_input", "execute_result"]);
    expect(resultText(first.outputs)).toBe("42");
    const n = first.reply.content.execution_count as number;
    expect(first.outputs[1]!.content.execution_count).toBe(n);
    expect(first.reply.parent_header.msg_id).toBe(first.msgId);

    const unstored = await k.execute("1 + 1", { store_history: false });
    expect(unstored.reply.content.execution_count).toBe(n);
    const silent = await k.execute("2 + 2", { silent: true });
    expect(types(silent.outputs)).toEqual([]);
    const next = await k.execute("3 + 3");
    expect(next.reply.content.execution_count).toBe(n + 1);
  });

  it("reports an error as an error message and an error reply with ename/evalue/traceback", async () => {
    const r = await k.execute('throw new TypeError("bad input here")');
    expect(r.reply.content).toMatchObject({ status: "error", ename: "TypeError", evalue: "bad input here" });
    expect(Array.isArray(r.reply.content.traceback)).toBe(true);
    const err = r.outputs.find((m) => m.header.msg_type === "error")!;
    expect(err.content).toMatchObject({ ename: "TypeError", evalue: "bad input here" });
    expect(err.content.traceback).toEqual(r.reply.content.traceback);
  });

  it("aborts execute_requests queued behind a failing cell (stop_on_error) and recovers afterwards", async () => {
    const failing = await k.send("shell", "execute_request", { code: 'throw new Error("stop here")', silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    const queued = await k.send("shell", "execute_request", { code: 'Reflect.set(globalThis, "ranAfterError", true)', silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    const failed = (await k.collect(failing)).reply.content;
    expect(failed.status).toBe("error");
    const aborted = (await k.collect(queued)).reply.content;
    expect(aborted.status).toBe("aborted");
    // As ipykernel: no execution_count, so the front end leaves the skipped cell unnumbered (In [ ]).
    expect(aborted).not.toHaveProperty("execution_count");
    const later = await k.execute('Reflect.get(globalThis, "ranAfterError") === undefined');
    expect(resultText(later.outputs)).toBe("true");
    expect(later.reply.content.execution_count).toBe(failed.execution_count + 1);
  });

  it("drops a badly signed execute_request without running it, and keeps answering signed ones", async () => {
    const badId = await k.send("shell", "execute_request", { code: 'Reflect.set(globalThis, "signedX", 1)', silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, { badSignature: true });
    const check = await k.execute('Reflect.get(globalThis, "signedX") === undefined');
    expect(resultText(check.outputs)).toBe("true");
    expect(k.replies.has(badId)).toBe(false);
    expect(k.outputsOf(badId)).toEqual([]);
    // The socket thread logs it; its stderr reaches the process's pipe through the main thread, so it may come
    // after the next reply (it did once under CI load).
    await k.waitFor(() => (/bad signature/.test(k.stderr) ? true : undefined), 10_000, "the bad-signature log line");
  });

  it("streams stdout and stderr, coalescing a burst of writes into few messages", async () => {
    const r = await k.execute('for (let i = 0; i < 1000; i++) console.log("line " + i); console.error("to stderr");');
    const stdout = streamText(r.outputs, "stdout");
    expect(stdout.split("\n").filter(Boolean)).toHaveLength(1000);
    expect(stdout.startsWith("line 0\nline 1\n")).toBe(true);
    expect(streamText(r.outputs, "stderr")).toContain("to stderr");
    expect(r.outputs.filter((m) => m.header.msg_type === "stream").length).toBeLessThan(50);
  });

  it("sends display_data, update_display_data with the display id, and clear_output", async () => {
    const r = await k.execute('display("first", { displayId: "d1" }); display("second", { displayId: "d1", update: true }); clearOutput(true);');
    expect(r.reply.content.status).toBe("ok");
    const disp = r.outputs.find((m) => m.header.msg_type === "display_data")!;
    expect(disp.content.transient).toEqual({ display_id: "d1" });
    expect(disp.content.data["text/plain"]).toContain("first");
    const upd = r.outputs.find((m) => m.header.msg_type === "update_display_data")!;
    expect(upd.content.transient).toEqual({ display_id: "d1" });
    expect(r.outputs.find((m) => m.header.msg_type === "clear_output")!.content).toEqual({ wait: true });
  });

  it("asks for input on the stdin channel when allowed, and refuses clearly when not", async () => {
    const id = await k.send("shell", "execute_request", { code: 'await input("Your name: ")', silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: true });
    const req = await k.waitFor(() => k.stdinMsgs.find((m) => m.parent_header.msg_id === id), 20_000, "input_request");
    expect(req.header.msg_type).toBe("input_request");
    expect(req.content.prompt).toBe("Your name: ");
    await k.send("stdin", "input_reply", { value: "Ada" });
    const r = await k.collect(id);
    expect(resultText(r.outputs)).toContain("Ada");

    const refused = await k.execute('await input("again: ")', { allow_stdin: false });
    expect(refused.reply.content.status).toBe("error");
    expect(refused.reply.content.evalue).toMatch(/allow_stdin/);
  });

  it("interrupts `while (true) {}` via interrupt_request, keeping earlier variables; heartbeat answers meanwhile", async () => {
    await k.execute('Reflect.set(globalThis, "keptValue", 41)');
    const loopId = await k.send("shell", "execute_request", { code: "while (true) {}", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    await k.waitFor(() => k.outputsOf(loopId).find((m) => m.header.msg_type === "execute_input"), 20_000, "loop to start");
    await new Promise((r) => setTimeout(r, 300));
    const pings: number[] = [];
    for (let i = 0; i < 5; i++) pings.push(await k.ping());
    expect(Math.max(...pings)).toBeLessThan(500);
    expect(k.replies.has(loopId)).toBe(false); // the loop is still running

    const ir = await k.request("control", "interrupt_request", {}, 5000);
    expect(ir.content.status).toBe("ok");
    const loop = await k.collect(loopId, 10_000);
    expect(loop.reply.content.status).toBe("error");
    expect(loop.reply.content.ename).toMatch(/Interrupt/);
    const after = await k.execute('Reflect.get(globalThis, "keptValue") + 1');
    expect(resultText(after.outputs)).toBe("42");
  });

  it("treats a SIGINT sent from outside (interrupt_mode signal) like interrupt_request", async () => {
    const loopId = await k.send("shell", "execute_request", { code: "while (true) {}", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    await k.waitFor(() => k.outputsOf(loopId).find((m) => m.header.msg_type === "execute_input"));
    await new Promise((r) => setTimeout(r, 200));
    k.proc.kill("SIGINT");
    const loop = await k.collect(loopId, 10_000);
    expect(loop.reply.content.ename).toMatch(/Interrupt/);
    expect((await k.execute("1 + 1")).reply.content.status).toBe("ok");
  });

  it("interrupts an awaiting cell", async () => {
    const id = await k.send("shell", "execute_request", { code: "await new Promise(() => {})", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    await k.waitFor(() => k.outputsOf(id).find((m) => m.header.msg_type === "execute_input"));
    await new Promise((r) => setTimeout(r, 200));
    await k.request("control", "interrupt_request");
    const r = await k.collect(id, 10_000);
    expect(r.reply.content.status).toBe("error");
    expect((await k.execute("1 + 1")).reply.content.status).toBe("ok");
  });

  it("survives a thrown error, a rejected promise, a throw and a rejection inside setTimeout, and a syntax error", async () => {
    expect((await k.execute('throw new Error("thrown")')).reply.content.status).toBe("error");
    expect((await k.execute('await Promise.reject(new Error("rejected"))')).reply.content.evalue).toContain("rejected");
    const timer = await k.execute('setTimeout(() => { Promise.reject(new Error("late rejection")); }, 10); setTimeout(() => { throw new Error("late throw"); }, 20); "scheduled"');
    expect(timer.reply.content.status).toBe("ok");
    // Stray errors are reported as stderr of the current (or last) cell.
    await k.waitFor(() => {
      const text = streamText(k.outputsOf(timer.msgId), "stderr");
      return text.includes("late rejection") && text.includes("late throw") ? true : undefined;
    }, 10_000, "stray errors on stderr");
    const syntax = await k.execute("let = ;");
    expect(syntax.reply.content.status).toBe("error");
    expect(resultText((await k.execute("20 + 22")).outputs)).toBe("42");
  });

  it("turns process.exit() in a cell, or in a timer after it, into an error and keeps running with its variables", async () => {
    await k.execute('Reflect.set(globalThis, "beforeExit", 7)');
    const r = await k.execute('console.log("about to exit"); process.exit(0); console.log("not reached")');
    expect(r.reply.content).toMatchObject({ status: "error", ename: "ProcessExitError" });
    expect(r.reply.content.evalue).toMatch(/^process\.exit\(0\) was called in a cell: it would end the kernel, so it was blocked/);
    expect(streamText(r.outputs, "stdout")).toBe("about to exit\n");
    expect((await k.execute("process.abort()")).reply.content.evalue).toMatch(/^process\.abort\(\) was called in a cell/);
    // What process.exit calls underneath, undocumented but reachable.
    expect((await k.execute('Reflect.get(process, "reallyExit")(2)')).reply.content.evalue).toMatch(/^process\.reallyExit\(2\) was called in a cell/);
    const timer = await k.execute('setTimeout(() => process.exit(3), 10); "scheduled"');
    await k.waitFor(() => (streamText(k.outputsOf(timer.msgId), "stderr").includes("process.exit(3) was called") ? true : undefined), 10_000, "the timer's exit on stderr");
    const after = await k.execute('Reflect.get(globalThis, "beforeExit") * 6');
    expect(resultText(after.outputs)).toBe("42");
    await k.ping();
  });

  it("keeps working after a cell (or its timer) breaks built-ins the kernel runs on, and says what it restored", async () => {
    const broke = await k.execute('Reflect.set(Array.prototype, "map", null); 1');
    expect(broke.reply.content.status).toBe("ok");
    expect(streamText(broke.outputs, "stderr")).toMatch(/this cell deleted or overwrote Array\.prototype\.map with a non-function; .* restored/);
    expect(resultText((await k.execute("[1, 2].map((x) => x * 21)[1]")).outputs)).toBe("42");
    // Broken between cells: the protocol itself needs Array.prototype.filter to read the next request.
    await k.execute('setTimeout(() => Reflect.set(Array.prototype, "filter", 3), 5); "scheduled"');
    await new Promise((r) => setTimeout(r, 100));
    const next = await k.execute("[1, 2, 3].filter((x) => x > 1).length");
    expect(resultText(next.outputs)).toBe("2");
    expect(streamText(next.outputs, "stderr")).toMatch(/code that ran after an earlier cell .* Array\.prototype\.filter/);
    // The protocol's own timers and the output router's process.stdout.
    await k.execute('Reflect.set(globalThis, "setTimeout", undefined); Reflect.set(globalThis, "process", undefined); 3');
    const after = await k.execute('await new Promise((r) => setTimeout(r, 5)); process.stdout.write("out\\n"); 6 * 7');
    expect(resultText(after.outputs)).toBe("42");
    expect(streamText(after.outputs, "stdout")).toBe("out\n");
    // A `then` on Object.prototype would break every await in the kernel.
    await k.execute('Object.defineProperty(Object.prototype, "then", { get() { throw new Error("trap"); }, configurable: true }); 2');
    expect(resultText((await k.execute("await Promise.resolve(40 + 2)")).outputs)).toBe("42");
  });

  it("answers is_complete, complete, inspect, comm_info, comm_open and ignores unknown types", async () => {
    expect((await k.request("shell", "is_complete_request", { code: "1 + 1" })).content.status).toBe("complete");
    const inc = await k.request("shell", "is_complete_request", { code: "function f() {" });
    expect(inc.content.status).toBe("incomplete");
    expect(typeof inc.content.indent).toBe("string");
    await k.execute('Reflect.set(globalThis, "completionTarget123", 1)');
    const comp = await k.request("shell", "complete_request", { code: "Math.ma", cursor_pos: 7 });
    expect(comp.content.status).toBe("ok");
    expect(comp.content.matches).toContain("max");
    expect(comp.content.cursor_end).toBe(7);
    const insp = await k.request("shell", "inspect_request", { code: "Math", cursor_pos: 4, detail_level: 0 });
    expect(insp.content).toMatchObject({ status: "ok", found: true });
    expect(await k.request("shell", "comm_info_request", {})).toMatchObject({ content: { status: "ok", comms: {} } });
    const openId = await k.send("shell", "comm_open", { comm_id: "c-1", target_name: "nothing", data: {} });
    await k.waitFor(() => k.outputsOf(openId).find((m) => m.header.msg_type === "comm_close" && m.content.comm_id === "c-1"));
    await k.send("shell", "no_such_request", {});
    expect((await k.request("shell", "kernel_info_request")).content.status).toBe("ok");
  });

  it("pages `name?` through an execute_reply payload", async () => {
    const r = await k.execute("Math?");
    expect(r.reply.content.status).toBe("ok");
    const [page] = r.reply.content.payload as Record<string, any>[];
    expect(page!.source).toBe("page");
    expect(Object.keys(page!.data).length).toBeGreaterThan(0);
  });

  it("pages `%magic?` like `name?`: the magic's help in an execute_reply payload, nothing on stdout", async () => {
    const r = await k.execute("%%capture?");
    expect(r.reply.content.status).toBe("ok");
    const [page] = r.reply.content.payload as Record<string, any>[];
    expect(page!.source).toBe("page");
    expect(String(page!.data["text/plain"])).toContain("%%capture");
    expect(r.outputs.filter((m) => m.header.msg_type === "stream")).toHaveLength(0);
  });

  it("keeps memory bounded over 500 cells", async () => {
    // Forces a full GC inside the kernel first, so the numbers are retained memory, not garbage.
    const MEM =
      'Reflect.apply(() => { const load = Reflect.get(process, "getBuiltinModule"); load("v8").setFlagsFromString("--expose_gc"); ' +
      'load("vm").runInNewContext("gc")(); const m = process.memoryUsage(); return m.rss + " " + m.heapUsed; }, null, [])';
    const mem = async () => {
      const [rss, heap] = resultText((await k.execute(MEM)).outputs).replace(/'/g, "").split(" ").map(Number);
      return { rss: rss!, heap: heap! };
    };
    for (let i = 0; i < 30; i++) await k.execute(`Reflect.set(globalThis, "warm", ${i})`);
    const before = await mem();
    for (let i = 0; i < 500; i++) {
      const r = await k.execute(`Reflect.set(globalThis, "counter", ${i}); ${i} * 2`);
      if (r.reply.content.status !== "ok") throw new Error(`cell ${i} failed: ${JSON.stringify(r.reply.content)}`);
    }
    const after = await mem();
    const MB = 1024 * 1024;
    // Live heap: each cell may keep its declarations (a few KB), never its outputs: 500 cells < 48 MB.
    expect(after.heap - before.heap).toBeLessThan(48 * MB);
    // RSS is a high-water mark (the TypeScript engine's allocation churn); generous bound against runaway growth.
    expect(after.rss - before.rss).toBeLessThan(512 * MB);
  }, 300_000);
});

describe("kernel lifecycle", () => {
  it("runs a first cell that imports the library while the warm-up is still loading the magics", async () => {
    // Sent at once: the cell compiles after the engine's warm-up and, before the fix, ran require("synthlab")
    // while the magics' import of the same ES modules was in flight, which fails inside Node.
    const k = await KernelClient.start();
    try {
      await k.ready();
      const r = await k.execute('import { review, generate } from "synthlab";\ntypeof review + " " + typeof generate', {}, 150_000);
      expect(r.reply.content.status).toBe("ok");
      expect(resultText(r.outputs)).toBe("'function function'");
    } finally {
      await k.close();
    }
  }, 180_000);

  it("answers shutdown_request, then exits with code 0", async () => {
    const k = await KernelClient.start();
    try {
      await k.ready();
      const reply = await k.request("control", "shutdown_request", { restart: true });
      expect(reply.content).toEqual({ status: "ok", restart: true });
      expect(await k.waitForExit()).toBe(0);
      expect(k.stderr).not.toMatch(/Napi::Error|terminate called/);
    } finally {
      await k.close();
    }
  });

  it("publishes status starting before it answers anything, never after a kernel_info reply", async () => {
    // jupyter_kernel_test reads the first iopub message after its execute_request and wants "busy".
    // A "starting" published late (the main thread busy loading the TypeScript engine) came first.
    const k = await KernelClient.start();
    try {
      await k.ready();
      const seen = k.iopub.length;
      await k.execute("1", {}, 150_000);
      const late = k.iopub.slice(seen).filter((m) => m.header.msg_type === "status" && m.content.execution_state === "starting");
      expect(late).toEqual([]);
    } finally {
      await k.close();
    }
  }, 180_000);

  it("keeps history across a restart (tail, range, search with unique and n)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "synthlab-hist-"));
    const first = await KernelClient.start({ dataDir });
    let session1: number;
    try {
      await first.ready();
      await first.execute('"history-marker-" + 1');
      await first.execute('"history-marker-" + 1');
      await first.execute('"other-cell"');
      const tail = await first.request("shell", "history_request", { output: false, raw: true, hist_access_type: "tail", n: 2 });
      expect(tail.content.history.map((h: unknown[]) => h[2])).toEqual(['"history-marker-" + 1', '"other-cell"']);
      session1 = tail.content.history[0][0];
      await first.request("shell", "shutdown_request", { restart: false });
      await first.waitForExit();
    } finally {
      await first.close();
    }

    const second = await KernelClient.start({ dataDir });
    try {
      await second.ready();
      await second.execute('"history-marker-" + 2');
      const found = await second.request("shell", "history_request", { output: false, raw: true, hist_access_type: "search", pattern: '"history-marker-"*' });
      const entries = found.content.history as [number, number, string][];
      expect(entries.map((e) => e[2])).toEqual(['"history-marker-" + 1', '"history-marker-" + 1', '"history-marker-" + 2']);
      expect(entries[0]![0]).toBe(session1);
      expect(entries[2]![0]).toBe(session1 + 1);

      const unique = await second.request("shell", "history_request", { output: false, raw: true, hist_access_type: "search", pattern: '"history-marker-"*', unique: true });
      expect(unique.content.history.map((h: unknown[]) => h[2])).toEqual(['"history-marker-" + 1', '"history-marker-" + 2']);
      const lastOne = await second.request("shell", "history_request", { output: false, raw: true, hist_access_type: "search", pattern: '"history-marker-"*', n: 1 });
      expect(lastOne.content.history).toHaveLength(1);

      const range = await second.request("shell", "history_request", { output: true, raw: true, hist_access_type: "range", session: session1, start: 1, stop: 3 });
      expect(range.content.history).toEqual([
        [session1, 1, ['"history-marker-" + 1', "'history-marker-1'"]],
        [session1, 2, ['"history-marker-" + 1', "'history-marker-1'"]],
      ]);
    } finally {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  it("starts when one of its ports is held by another process for a moment at start (the free-port race)", async () => {
    // Front ends pick free ports, close them, and hand them to the kernel; on a busy machine another
    // process can hold one briefly before the kernel binds. Here a listener holds the shell port for 1.5 s.
    const [shell, control, stdin, iopub, hb] = await freePorts(5);
    // It accepts no ZMQ peer: a connection that reaches it is dropped, so the client reconnects.
    const holder = createServer((socket) => socket.destroy());
    await new Promise<void>((r) => holder.listen(shell, "127.0.0.1", () => r()));
    const k = await KernelClient.start({ ports: { shell: shell!, control: control!, stdin: stdin!, iopub: iopub!, hb: hb! } });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      await new Promise((r) => holder.close(r));
      const reply = await k.ready(30_000);
      expect(reply.content.status).toBe("ok");
    } finally {
      holder.close();
      await k.close();
    }
  }, 60_000);

  it("says which port it could not bind when one stays taken", async () => {
    const [shell, control, stdin, iopub, hb] = await freePorts(5);
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(hb, "127.0.0.1", () => r()));
    const k = await KernelClient.start({ ports: { shell: shell!, control: control!, stdin: stdin!, iopub: iopub!, hb: hb! } });
    try {
      expect(await k.waitForExit(30_000)).not.toBe(0);
      expect(k.stderr).toContain(`cannot bind the kernel's sockets: tcp://127.0.0.1:${hb}: Address already in use (retried for 3 s)`);
    } finally {
      holder.close();
      await k.close();
    }
  }, 60_000);

  it("rejects a connection file it cannot use with one clear line", async () => {
    const k = await KernelClient.start({ argv: () => [process.execPath, join(REPO, "bin/synthlab.js"), "kernel", "--connection-file", "/nonexistent/conn.json"] });
    try {
      expect(await k.waitForExit()).not.toBe(0);
      expect(k.stderr).toMatch(/Cannot read the connection file \/nonexistent\/conn\.json/);
      expect(k.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      await k.close();
    }
  });
});
