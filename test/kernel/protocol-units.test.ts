/** The protocol layer's pure parts, in-process: wire format, signatures, history, pager, kernelspec. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConnectionInfo, endpoint } from "../../src/kernel/protocol/connection.js";
import { globToRegExp, HistoryStore } from "../../src/kernel/protocol/history.js";
import { kernelInfoContent, LANGUAGE_INFO } from "../../src/kernel/protocol/info.js";
import { parsePagerRequest } from "../../src/kernel/protocol/pager.js";
import { createSigner, decodeFrames, encodeFrames, type JupyterMessage } from "../../src/kernel/protocol/wire.js";
import { REPO } from "./client.js";

const tmpDirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "synthlab-unit-"));
  tmpDirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const message: JupyterMessage = {
  header: { msg_id: "m1", session: "s", username: "u", date: "2026-01-01T00:00:00.000Z", msg_type: "execute_request", version: "5.3" },
  parent_header: {},
  metadata: {},
  content: { code: "1 + 1" },
};

describe("wire format", () => {
  it("round-trips a signed message and keeps the routing identities", () => {
    const signer = createSigner("secret");
    const frames = encodeFrames(message, signer, [Buffer.from("client-id")]).map((f) => Buffer.from(f));
    const decoded = decodeFrames(frames, signer);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.identities.map((b) => b.toString())).toEqual(["client-id"]);
    expect(decoded.value.message.content).toEqual({ code: "1 + 1" });
  });

  it("signs exactly like HMAC-SHA256 over the four JSON frames", async () => {
    const { createHmac } = await import("node:crypto");
    const frames = encodeFrames(message, createSigner("k")).map(String);
    const expected = createHmac("sha256", "k").update(frames[2]!).update(frames[3]!).update(frames[4]!).update(frames[5]!).digest("hex");
    expect(frames[1]).toBe(expected);
  });

  it("rejects a tampered body, a wrong key, and a missing delimiter", () => {
    const frames = encodeFrames(message, createSigner("secret")).map((f) => Buffer.from(f));
    const tampered = [...frames];
    tampered[5] = Buffer.from(JSON.stringify({ code: "evil()" }));
    expect(decodeFrames(tampered, createSigner("secret"))).toEqual({ ok: false, reason: "bad signature" });
    expect(decodeFrames(frames, createSigner("other")).ok).toBe(false);
    expect(decodeFrames(frames.slice(1), createSigner("secret")).ok).toBe(false);
  });

  it("does not sign or check when the key is empty", () => {
    const frames = encodeFrames(message, createSigner("")).map((f) => Buffer.from(f));
    expect(frames[1]!.toString()).toBe("");
    expect(decodeFrames(frames, createSigner("")).ok).toBe(true);
  });

  it("names the unsupported scheme and the fix", () => {
    expect(() => createSigner("k", "rsa-foo")).toThrow(/Unsupported signature_scheme "rsa-foo".*hmac-sha256/);
  });
});

describe("connection file", () => {
  const good = { shell_port: 1, iopub_port: 2, stdin_port: 3, control_port: 4, hb_port: 5, ip: "127.0.0.1", key: "k", transport: "tcp", signature_scheme: "hmac-sha256" };
  it("builds tcp and ipc endpoints like jupyter_client", () => {
    expect(endpoint(parseConnectionInfo(good), "iopub")).toBe("tcp://127.0.0.1:2");
    expect(endpoint(parseConnectionInfo({ ...good, transport: "ipc", ip: "/tmp/k" }), "hb")).toBe("ipc:///tmp/k-5");
  });
  it("names the bad field", () => {
    expect(() => parseConnectionInfo({ ...good, shell_port: "x" })).toThrow(/"shell_port" must be an integer port number/);
    expect(() => parseConnectionInfo({ ...good, transport: "udp" })).toThrow(/transport "udp" is not supported/);
  });
});

describe("history", () => {
  it("matches globs like sqlite GLOB over the whole input", () => {
    expect(globToRegExp("1?2*").test("1+2+3")).toBe(true);
    expect(globToRegExp("1?2*").test("x1+2")).toBe(false);
    expect(globToRegExp("a.b").test("aXb")).toBe(false);
    expect(globToRegExp("[ab]c").test("bc")).toBe(true);
    expect(globToRegExp("*(x)*").test("f(x) + 1")).toBe(true);
  });

  it("numbers sessions across restarts and reads previous sessions back", () => {
    const file = join(tmp(), "h", "history.jsonl");
    const a = new HistoryStore(file);
    a.addInput(1, "first");
    a.addOutput(1, "'out'");
    a.addInput(2, "second");
    const b = new HistoryStore(file);
    expect(b.session).toBe(a.session + 1);
    b.addInput(1, "third");
    expect(b.query({ type: "tail", n: 3 }).map((e) => [e.session, e.line, e.input])).toEqual([
      [a.session, 1, "first"], [a.session, 2, "second"], [b.session, 1, "third"],
    ]);
    expect(b.query({ type: "range", session: a.session, start: 1, stop: 2 })[0]).toMatchObject({ input: "first", output: "'out'" });
    // Session 0 means the current one, negative counts back.
    expect(b.query({ type: "range", session: 0, start: 0, stop: null }).map((e) => e.input)).toEqual(["third"]);
    expect(b.query({ type: "range", session: -1, start: 0, stop: null }).map((e) => e.input)).toEqual(["first", "second"]);
  });

  it("keeps saving when its folder is removed while the kernel runs (the folder is made once, then again if gone)", () => {
    const dir = join(tmp(), "gone");
    const file = join(dir, "history.jsonl");
    const a = new HistoryStore(file);
    a.addInput(1, "before");
    rmSync(dir, { recursive: true, force: true });
    a.addInput(2, "after");
    expect(new HistoryStore(file).query({ type: "tail", n: 5 }).map((e) => e.input)).toEqual(["after"]);
  });

  it("a session that ran no cells still takes its number", () => {
    const file = join(tmp(), "history.jsonl");
    const a = new HistoryStore(file);
    expect(new HistoryStore(file).session).toBe(a.session + 1);
  });

  it("search: unique keeps the latest occurrence, n keeps the last n", () => {
    const h = new HistoryStore(null);
    ["x = 1", "y = 2", "x = 1", "x = 3"].forEach((code, i) => h.addInput(i + 1, code));
    expect(h.query({ type: "search", pattern: "x*", n: null, unique: false }).map((e) => e.line)).toEqual([1, 3, 4]);
    expect(h.query({ type: "search", pattern: "x*", n: null, unique: true }).map((e) => e.line)).toEqual([3, 4]);
    expect(h.query({ type: "search", pattern: "x*", n: 1, unique: false }).map((e) => e.line)).toEqual([4]);
  });

  it("skips a torn last line instead of failing", () => {
    const file = join(tmp(), "history.jsonl");
    writeFileSync(file, '{"session":4,"line":1,"input":"ok"}\n{"session":4,"line":2,"inp');
    const h = new HistoryStore(file);
    expect(h.session).toBe(5);
    expect(h.query({ type: "tail", n: 10 }).map((e) => e.input)).toEqual(["ok"]);
  });
});

describe("pager requests", () => {
  it("accepts only a bare dotted name followed by ? or ??", () => {
    expect(parsePagerRequest("Math?")).toEqual({ expression: "Math", detailLevel: 0 });
    expect(parsePagerRequest("  console.log??  ")).toEqual({ expression: "console.log", detailLevel: 1 });
    expect(parsePagerRequest("a ? b : c")).toBeNull();
    expect(parsePagerRequest("x?.y")).toBeNull();
    expect(parsePagerRequest("%%generate -n 3?")).toBeNull();
  });

  it("accepts a lone magic name followed by ?, like IPython", () => {
    expect(parsePagerRequest("%time?")).toEqual({ expression: "%time", detailLevel: 0 });
    expect(parsePagerRequest("%%generate??")).toEqual({ expression: "%%generate", detailLevel: 1 });
    expect(parsePagerRequest("%%generate?\nbody")).toBeNull();
  });
});

describe("syntax highlighting mode", () => {
  // Notebook 6 loads codemirror/mode/<name>/<name>.js for a mode it does not know by MIME type, and
  // CodeMirror 5's meta.js has no "text/typescript": a string mode like that 404s and leaves code black.
  it("names CodeMirror's javascript mode with the TypeScript flag, not a MIME string", () => {
    const info = (kernelInfoContent() as { language_info: Record<string, unknown> }).language_info;
    expect(typeof info.codemirror_mode).toBe("object");
    expect(info.codemirror_mode).toEqual({ name: "javascript", typescript: true });
    expect(info).toMatchObject({ ...LANGUAGE_INFO });
  });

  it("the shipped notebooks carry the kernel's language_info, so a save keeps their colours", () => {
    for (const name of ["01-sales-prediction.ipynb", "02-text-data.ipynb", "03-compare-generators.ipynb"]) {
      const nb = JSON.parse(readFileSync(join(REPO, "notebooks", name), "utf8")) as { metadata: { language_info: unknown } };
      expect(nb.metadata.language_info, name).toEqual(LANGUAGE_INFO);
    }
  });
});

describe("kernelspec install", () => {
  it("writes kernel.json and logos into PREFIX/share/jupyter/kernels/synthlab, visible to jupyter", () => {
    const prefix = tmp();
    const out = execFileSync(process.execPath, [join(REPO, "bin/synthlab.js"), "kernel", "install", "--prefix", prefix], { encoding: "utf8" });
    const dir = join(prefix, "share/jupyter/kernels/synthlab");
    expect(out).toContain(dir);
    const spec = JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8"));
    expect(spec).toMatchObject({ display_name: "TypeScript (synthlab)", language: "typescript", interrupt_mode: "message" });
    expect(spec.argv).toEqual([process.execPath, join(REPO, "bin/synthlab.js"), "kernel", "--connection-file", "{connection_file}"]);
    for (const logo of ["logo-32x32.png", "logo-64x64.png"]) {
      const png = readFileSync(join(dir, logo));
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      expect(png.readUInt32BE(16)).toBe(Number(logo.slice(5, 7))); // IHDR width
    }
    if (existsSync("/usr/bin/python3")) {
      const listed = execFileSync("/usr/bin/python3", ["-Xfrozen_modules=off", "-m", "jupyter_client.kernelspecapp", "list", "--json"], {
        encoding: "utf8",
        env: { ...process.env, JUPYTER_PATH: join(prefix, "share/jupyter"), PYDEVD_DISABLE_FILE_VALIDATION: "1" },
      });
      const specs = JSON.parse(listed).kernelspecs;
      expect(specs.synthlab.resource_dir).toBe(dir);
      expect(specs.synthlab.spec.display_name).toBe("TypeScript (synthlab)");
    }
  });

  it("--user installs under $JUPYTER_DATA_DIR; a bad option is one clear usage error", () => {
    const data = tmp();
    execFileSync(process.execPath, [join(REPO, "bin/synthlab.js"), "kernel", "install", "--user"], { env: { ...process.env, JUPYTER_DATA_DIR: data } });
    expect(statSync(join(data, "kernels/synthlab/kernel.json")).isFile()).toBe(true);
    let stderr = "";
    try {
      execFileSync(process.execPath, [join(REPO, "bin/synthlab.js"), "kernel", "install", "--bogus"], { stdio: "pipe" });
    } catch (err) {
      stderr = String((err as { stderr: Buffer }).stderr);
    }
    expect(stderr).toMatch(/unknown option "--bogus"/);
  });
});
