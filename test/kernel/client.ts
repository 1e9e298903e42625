/**
 * A small Jupyter client for the kernel tests and benchmark: spawns the real kernel process
 * (node bin/synthlab.js kernel --connection-file F) and speaks ZMQ to it. Signing is written
 * here independently of src/kernel/protocol/wire.ts so a shared mistake cannot hide.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as zmq from "zeromq";

export const REPO = resolve(import.meta.dirname, "../..");
export const SCRIPTED_HOST = join(REPO, "test/kernel/fixtures/scripted-host.mjs");

export interface Msg {
  header: { msg_id: string; msg_type: string; session: string; username: string; date: string; version: string };
  parent_header: { msg_id?: string; msg_type?: string };
  metadata: Record<string, unknown>;
  content: Record<string, any>;
}

/** n distinct free ports: all listeners stay open until every port is picked, so none repeats. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<Server>((resolveServer, reject) => {
        const srv = createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => resolveServer(srv));
      }),
    ),
  );
  const ports = servers.map((srv) => {
    const addr = srv.address();
    return typeof addr === "object" && addr ? addr.port : 0;
  });
  await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
  return ports;
}

export interface StartOptions {
  /** Existing Jupyter data dir (to test history across restarts); default: a new temp dir. */
  dataDir?: string;
  /** Command to launch instead of node bin/synthlab.js kernel (for tslab / ipykernel in the benchmark). */
  argv?: (connectionFile: string) => string[];
  env?: NodeJS.ProcessEnv;
  key?: string;
  /** Ports to write into the connection file (default: freshly picked free ones). */
  ports?: Record<"shell" | "control" | "stdin" | "iopub" | "hb", number>;
}

/** Uses the scripted host only while the real execution layer is not built yet. */
export function kernelEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const real = existsSync(join(REPO, "dist/kernel/execution/index.js"));
  return { ...process.env, ...(real ? {} : { SYNTHLAB_EXECUTION_MODULE: SCRIPTED_HOST }), ...extra };
}

export class KernelClient {
  readonly session = randomUUID();
  readonly iopub: Msg[] = [];
  readonly stdinMsgs: Msg[] = [];
  readonly replies = new Map<string, Msg>();
  stderr = "";
  private waiters: (() => void)[] = [];
  private readonly sockets: { shell: zmq.Dealer; control: zmq.Dealer; stdin: zmq.Dealer; iopub: zmq.Subscriber; hb: zmq.Request };
  private exitCode: number | null | undefined;
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly proc: ChildProcess,
    readonly ports: Record<"shell" | "control" | "stdin" | "iopub" | "hb", number>,
    readonly key: string,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    private readonly workDir: string,
  ) {
    this.sockets = {
      // Like jupyter_client, shell and stdin share one identity: input_request is routed by it.
      shell: new zmq.Dealer({ routingId: this.session, linger: 0 }),
      control: new zmq.Dealer({ routingId: `control-${this.session}`, linger: 0 }),
      stdin: new zmq.Dealer({ routingId: this.session, linger: 0 }),
      // No receive limit: a burst of widget messages must not be dropped before this client reads it.
      iopub: new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 }),
      hb: new zmq.Request({ linger: 0, receiveTimeout: 2000, sendTimeout: 2000 }),
    };
    proc.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((r) => proc.once("exit", (code) => { this.exitCode = code; r(code); this.wake(); }));
  }

  static async start(options: StartOptions = {}): Promise<KernelClient> {
    const workDir = mkdtempSync(join(tmpdir(), "synthlab-kt-"));
    const ownsDataDir = !options.dataDir;
    const dataDir = options.dataDir ?? join(workDir, "data");
    const names = ["shell", "control", "stdin", "iopub", "hb"] as const;
    const picked = options.ports ? names.map((n) => options.ports![n]) : await freePorts(names.length);
    const ports = Object.fromEntries(names.map((n, i) => [n, picked[i]!])) as Record<(typeof names)[number], number>;
    const key = options.key ?? randomUUID();
    const connectionFile = join(workDir, "connection.json");
    writeFileSync(connectionFile, JSON.stringify({
      shell_port: ports.shell, iopub_port: ports.iopub, stdin_port: ports.stdin, control_port: ports.control, hb_port: ports.hb,
      ip: "127.0.0.1", key, transport: "tcp", signature_scheme: "hmac-sha256", kernel_name: "synthlab",
    }));
    const argv = options.argv?.(connectionFile) ?? [process.execPath, join(REPO, "bin/synthlab.js"), "kernel", "--connection-file", connectionFile];
    const proc = spawn(argv[0]!, argv.slice(1), {
      cwd: workDir,
      env: { ...kernelEnv(), JUPYTER_DATA_DIR: dataDir, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const client = new KernelClient(proc, ports, key, dataDir, ownsDataDir, workDir);
    client.connect();
    return client;
  }

  private connect(): void {
    const url = (p: number) => `tcp://127.0.0.1:${p}`;
    this.sockets.shell.connect(url(this.ports.shell));
    this.sockets.control.connect(url(this.ports.control));
    this.sockets.stdin.connect(url(this.ports.stdin));
    this.sockets.iopub.connect(url(this.ports.iopub));
    this.sockets.iopub.subscribe();
    this.sockets.hb.connect(url(this.ports.hb));
    const loop = async (sock: zmq.Dealer | zmq.Subscriber, sink: (m: Msg) => void) => {
      try {
        for await (const frames of sock) {
          const i = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
          const [header, parent, metadata, content] = frames.slice(i + 2, i + 6).map((f) => JSON.parse(f.toString()));
          const sig = frames[i + 1]!.toString();
          if (sig !== this.sign(frames.slice(i + 2, i + 6).map((f) => f.toString()))) throw new Error("kernel sent a bad signature");
          sink({ header, parent_header: parent, metadata, content });
          this.wake();
        }
      } catch (err) {
        if (!String(err).includes("closed") && !String(err).includes("ETERM")) this.stderr += `\n[client] ${String(err)}`;
      }
    };
    void loop(this.sockets.shell, (m) => this.replies.set(m.parent_header.msg_id ?? "", m));
    void loop(this.sockets.control, (m) => this.replies.set(m.parent_header.msg_id ?? "", m));
    void loop(this.sockets.stdin, (m) => this.stdinMsgs.push(m));
    void loop(this.sockets.iopub, (m) => this.iopub.push(m));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until `check` returns a value (re-checked on every incoming message). */
  async waitFor<T>(check: () => T | undefined, timeoutMs = 20_000, what = "a message"): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; kernel stderr:\n${this.stderr}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  sign(parts: string[]): string {
    const h = createHmac("sha256", this.key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  }

  /** Sends a request; `badSignature` replaces the HMAC with a wrong one. Returns the msg_id. */
  async send(channel: "shell" | "control" | "stdin", msgType: string, content: Record<string, unknown>, opts: { badSignature?: boolean } = {}): Promise<string> {
    const header = { msg_id: randomUUID(), session: this.session, username: "test", date: new Date().toISOString(), msg_type: msgType, version: "5.3" };
    const parts = [JSON.stringify(header), "{}", "{}", JSON.stringify(content)];
    const sig = opts.badSignature ? "0".repeat(64) : this.sign(parts);
    await this.sockets[channel].send(["<IDS|MSG>", sig, ...parts]);
    return header.msg_id;
  }

  async request(channel: "shell" | "control", msgType: string, content: Record<string, unknown> = {}, timeoutMs = 20_000): Promise<Msg> {
    const id = await this.send(channel, msgType, content);
    return this.waitFor(() => this.replies.get(id), timeoutMs, `${msgType} reply`);
  }

  /** Waits for the kernel to answer kernel_info and for iopub to be subscribed (as jupyter_client does). */
  async ready(timeoutMs = 60_000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const id = await this.send("shell", "kernel_info_request", {});
      try {
        const reply = await this.waitFor(() => this.replies.get(id), Math.min(2000, deadline - Date.now()), "kernel_info_reply");
        await this.waitFor(() => this.iopub.find((m) => m.parent_header.msg_id === id && m.header.msg_type === "status" && m.content.execution_state === "idle"), 500, "iopub status");
        return reply;
      } catch (err) {
        if (this.exitCode !== undefined) {
          await new Promise((r) => setTimeout(r, 200)); // stderr may arrive after the exit event
          throw new Error(`kernel exited with ${this.exitCode}; stderr:\n${this.stderr}`);
        }
        if (Date.now() > deadline) throw err;
      }
    }
  }

  /** iopub messages whose parent is msgId, up to and including status idle. */
  outputsOf(msgId: string): Msg[] {
    return this.iopub.filter((m) => m.parent_header.msg_id === msgId);
  }

  async execute(code: string, content: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<{ reply: Msg; outputs: Msg[]; msgId: string }> {
    const msgId = await this.send("shell", "execute_request", {
      code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...content,
    });
    return this.collect(msgId, timeoutMs);
  }

  async collect(msgId: string, timeoutMs = 60_000): Promise<{ reply: Msg; outputs: Msg[]; msgId: string }> {
    const reply = await this.waitFor(() => this.replies.get(msgId), timeoutMs, `reply to ${msgId}`);
    await this.waitFor(() => this.outputsOf(msgId).find((m) => m.header.msg_type === "status" && m.content.execution_state === "idle"), timeoutMs, "status idle");
    return { reply, outputs: this.outputsOf(msgId).filter((m) => m.header.msg_type !== "status"), msgId };
  }

  /** Heartbeat round trip in ms (throws if no echo within 2 s). */
  async ping(): Promise<number> {
    const t = performance.now();
    const payload = randomUUID();
    await this.sockets.hb.send(payload);
    const [echo] = await this.sockets.hb.receive();
    if (echo?.toString() !== payload) throw new Error("heartbeat echoed something else");
    return performance.now() - t;
  }

  /** Resolves with the exit code (null if killed by a signal). */
  waitForExit(timeoutMs = 15_000): Promise<number | null> {
    return Promise.race([
      this.exited,
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`kernel did not exit; stderr:\n${this.stderr}`)), timeoutMs).unref()),
    ]);
  }

  async close(): Promise<void> {
    for (const s of Object.values(this.sockets)) s.close();
    if (this.exitCode === undefined) {
      this.proc.kill("SIGKILL");
      await this.exited;
    }
    rmSync(this.workDir, { recursive: true, force: true });
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Concatenated text of the stream messages of one name. */
export function streamText(outputs: Msg[], name: "stdout" | "stderr"): string {
  return outputs.filter((m) => m.header.msg_type === "stream" && m.content.name === name).map((m) => m.content.text as string).join("");
}
