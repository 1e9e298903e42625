/**
 * The main-thread half of the protocol layer: routes requests from the socket worker to the
 * ExecutionHost one at a time, publishes status/outputs, keeps history, answers control.
 */
import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { bundleMetadata, type MimeBundle } from "../../display/protocol.js";
import { commManager, type CommMessageType } from "../../widgets/comm.js";
import { installProgressWidgets } from "../../widgets/progress.js";
import { installWidgetTargets } from "../../widgets/widget.js";
import type { CellIO, DisplayOptions, ExecuteOutcome, ExecutionHost } from "../types.js";
import type { ConnectionInfo } from "./connection.js";
import { HistoryStore, type HistoryEntry, type HistoryQuery } from "./history.js";
import { kernelInfoContent } from "./info.js";
import { makeMessage, replyType, type MainCommand, type SocketChannel, type WorkerEvent, type WorkerOptions } from "./messages.js";
import { parsePagerRequest } from "./pager.js";
import { intrinsicsGuard, repairBetweenCells } from "../intrinsics.js";
import { isRecord, type JupyterMessage } from "./wire.js";

export interface KernelOptions {
  connection: ConnectionInfo;
  /** Started by the caller so loading the engine overlaps with binding sockets and kernel_info. */
  host: Promise<ExecutionHost>;
  /** JSONL history file; null keeps history in memory only. */
  historyFile: string | null;
  /** Compiled worker module (dist/kernel/protocol/worker.js). */
  workerUrl: URL;
}

/** Served as they arrive, also while a cell runs (awaits): a widget's update must not wait for the cell. */
const COMM_TYPES = new Set(["comm_open", "comm_msg", "comm_close", "comm_info_request"]);

interface Request {
  channel: "shell" | "control";
  identities: Uint8Array[];
  message: JupyterMessage;
}

const log = (line: string): void => {
  process.stderr.write(`synthlab kernel: ${line}\n`);
};

export class Kernel {
  readonly session = randomUUID();
  private readonly worker: Worker;
  private readonly history: HistoryStore;
  private readonly queue: Request[] = [];
  private pumping = false;
  /** After an error with stop_on_error, queued execute_requests are aborted until the queue drains. */
  private aborting = false;
  private executionCount = 0;
  private shuttingDown = false;
  private running: { io: KernelCellIO; interrupted: boolean } | null = null;
  private lastIO: KernelCellIO | null = null;
  private pendingInput: { resolve(value: string): void; reject(err: Error): void } | null = null;
  /** The front-end comm message being handled: what the kernel sends meanwhile answers it. */
  private commParent: JupyterMessage | null = null;
  /** The last request a cell ran for: comm messages sent between cells carry it as parent. */
  private lastParent: JupyterMessage | undefined;
  private readonly exited: Promise<number>;
  private resolveExit!: (code: number) => void;
  private ready!: { resolve(): void; reject(err: Error): void };
  private readonly readyPromise: Promise<void>;

  constructor(private readonly options: KernelOptions) {
    intrinsicsGuard(); // records the built-ins before any cell can change them
    this.history = new HistoryStore(options.historyFile);
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.readyPromise = new Promise<void>((resolve, reject) => (this.ready = { resolve, reject }));
    const workerData: WorkerOptions = { connection: options.connection, session: this.session };
    this.worker = new Worker(options.workerUrl, { workerData });
    this.worker.on("message", (event: WorkerEvent) => this.onWorkerEvent(event));
    this.worker.on("error", (err) => log(`socket thread failed: ${err.message}`));
    this.worker.on("exit", () => {
      if (!this.shuttingDown) {
        log("socket thread exited; stopping the kernel");
        this.resolveExit(1);
      }
    });
    // Hosts may reject later; keep that from becoming an unhandled rejection before first use.
    options.host.catch(() => undefined);
    this.installComms();
  }

  /**
   * Comms (src/widgets/comm.ts) go out on iopub; errors in their handlers show in the current cell.
   * Notebook progress becomes a widget where the front end renders widgets.
   */
  private installComms(): void {
    const manager = commManager();
    manager.transport = {
      send: (type: CommMessageType, content, metadata, buffers) => {
        const parent = this.commParent ?? this.lastParent;
        const message = makeMessage(type, this.session, parent, content, metadata);
        if (buffers.length) message.buffers = buffers;
        this.send("iopub", [], message);
      },
    };
    manager.onError = (text) => this.reportStray(text);
    installWidgetTargets();
    installProgressWidgets();
  }

  /** Resolves once all sockets are bound (the socket thread has published "starting" by then). */
  start(): Promise<void> {
    return this.readyPromise;
  }

  /** Resolves with the process exit code after a shutdown_request (or a fatal socket error). */
  waitForExit(): Promise<number> {
    return this.exited;
  }

  /** SIGINT (from our worker or from outside) and the worker's "interrupt" both land here; once per cell. */
  interrupt(): void {
    this.pendingInput?.reject(new KeyboardInterruptError("input was interrupted"));
    this.pendingInput = null;
    const running = this.running;
    if (!running || running.interrupted) return;
    running.interrupted = true;
    void this.options.host.then((h) => h.interrupt(), () => undefined);
  }

  /** Where errors that escape every cell (a throw in a timer, an unhandled rejection) are shown. */
  reportStray(text: string): void {
    const io = this.running?.io ?? this.lastIO;
    if (io) io.stderr(text.endsWith("\n") ? text : text + "\n");
    else log(text);
  }

  async shutdown(restart: boolean): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    // A host that is still loading or hangs in shutdown gets 2 s each, then we exit anyway.
    const within = <T>(p: Promise<T>, fallback: T): Promise<T> =>
      Promise.race([p, new Promise<T>((r) => setTimeout(() => r(fallback), 2000).unref())]);
    try {
      const host = await within(this.options.host.catch(() => null), null);
      if (host) await within(host.shutdown(), undefined);
    } catch (err) {
      log(`host shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Sockets must be closed (and the worker ended) before process.exit, or zeromq aborts.
    const closed = new Promise<void>((resolve) => {
      this.worker.once("exit", () => resolve());
      setTimeout(resolve, 3000).unref();
    });
    this.post({ kind: "close" });
    await closed;
    log(restart ? "shut down for restart" : "shut down");
    this.resolveExit(0);
  }

  // ---- worker plumbing ----

  /** Commands collected while the kernel (not user code) runs, sent as one postMessage. */
  private batch: MainCommand[] | null = null;

  private beginBatch(): void {
    this.batch ??= [];
  }

  private flushBatch(): void {
    const batch = this.batch;
    this.batch = null;
    if (batch && batch.length > 0) this.post(batch.length === 1 ? batch[0]! : { kind: "batch", commands: batch });
  }

  private post(command: MainCommand): void {
    if (this.batch) {
      this.batch.push(command);
      return;
    }
    try {
      this.worker.postMessage(command);
    } catch (err) {
      // Only values that survive structured clone can cross; a bad display bundle must not kill us.
      log(`could not send a message: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  send(channel: SocketChannel, identities: Uint8Array[], message: JupyterMessage): void {
    this.post({ kind: "send", channel, identities, message });
  }

  publish(parent: JupyterMessage | undefined, msgType: string, content: Record<string, unknown>, metadata?: Record<string, unknown>): void {
    this.send("iopub", [], makeMessage(msgType, this.session, parent, content, metadata));
  }

  stream(parent: JupyterMessage, name: "stdout" | "stderr", text: string): void {
    if (text) this.post({ kind: "stream", parent: parent.header, name, text });
  }

  private reply(req: Request, content: Record<string, unknown>, metadata: Record<string, unknown> = {}): void {
    this.send(req.channel, req.identities, makeMessage(replyType(req.message.header.msg_type), this.session, req.message, content, metadata));
  }

  private onWorkerEvent(event: WorkerEvent): void {
    // A cell's timer may have broken built-ins this code needs (see kernel/intrinsics.ts).
    repairBetweenCells();
    switch (event.kind) {
      case "ready":
        this.ready.resolve();
        return;
      case "fatal":
        // start() rejects with it; the caller reports it (once) and exits.
        this.shuttingDown = true;
        this.ready.reject(new Error(event.error));
        return;
      case "interrupt":
        this.interrupt();
        return;
      case "closed":
        return;
      case "message":
        if (this.shuttingDown) return;
        if (event.channel === "stdin") this.onStdin(event.message);
        else if (event.channel === "control") void this.handle({ channel: "control", identities: event.identities, message: event.message });
        else if (COMM_TYPES.has(event.message.header.msg_type)) this.onComm({ channel: "shell", identities: event.identities, message: event.message });
        else {
          this.queue.push({ channel: "shell", identities: event.identities, message: event.message });
          void this.pump();
        }
        return;
    }
  }

  /**
   * Comm messages skip the shell queue: a cell that awaits a widget change must see it. While a
   * request is being handled, no busy/idle is published for them (an "idle" would end the cell's
   * busy state early in front ends); between requests they go through the queue as usual.
   */
  private onComm(req: Request): void {
    if (!this.pumping) {
      this.queue.push(req);
      void this.pump();
      return;
    }
    this.serveComm(req);
    this.flushBatch();
  }

  /** One comm message or comm_info_request; user handlers run here, errors are reported, never thrown. */
  private serveComm(req: Request): void {
    const { content, metadata, buffers = [] } = req.message;
    const manager = commManager();
    this.commParent = req.message;
    try {
      switch (req.message.header.msg_type) {
        case "comm_info_request": {
          const target = typeof content["target_name"] === "string" ? content["target_name"] : undefined;
          manager.handleInfoRequest(target);
          // `comms` is the spec's (open comms by id); `targets` (registered names) is ours.
          this.reply(req, { status: "ok", comms: manager.commInfo(target), targets: manager.targetNames() });
          break;
        }
        case "comm_open":
          manager.handleOpen(content, metadata, buffers);
          break;
        case "comm_msg":
          manager.handleMsg(content, metadata, buffers);
          break;
        case "comm_close":
          manager.handleClose(content, metadata, buffers);
          break;
      }
    } catch (err) {
      log(`${req.message.header.msg_type} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.commParent = null;
    }
  }

  private onStdin(message: JupyterMessage): void {
    if (message.header.msg_type !== "input_reply") {
      log(`ignored ${message.header.msg_type} on stdin`);
      return;
    }
    const pending = this.pendingInput;
    this.pendingInput = null;
    const value = message.content["value"];
    pending?.resolve(typeof value === "string" ? value : "");
  }

  /** Shell requests run strictly one after another, in arrival order. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.shuttingDown) {
        const req = this.queue.shift()!;
        await this.handle(req);
        if (this.queue.length === 0) this.aborting = false;
      }
    } finally {
      this.pumping = false;
    }
  }

  // ---- request handlers ----

  private async handle(req: Request): Promise<void> {
    const type = req.message.header.msg_type;
    this.beginBatch();
    this.publish(req.message, "status", { execution_state: "busy" });
    try {
      switch (type) {
        case "kernel_info_request":
          this.reply(req, kernelInfoContent());
          break;
        case "execute_request":
          await this.execute(req);
          break;
        case "complete_request":
          await this.complete(req);
          break;
        case "inspect_request":
          await this.inspect(req);
          break;
        case "is_complete_request":
          await this.isComplete(req);
          break;
        case "history_request":
          this.historyRequest(req);
          break;
        case "comm_info_request":
        case "comm_open":
        case "comm_msg":
        case "comm_close":
          this.serveComm(req);
          break;
        case "shutdown_request": {
          const restart = req.message.content["restart"] === true;
          this.reply(req, { status: "ok", restart });
          this.publish(req.message, "status", { execution_state: "idle" });
          this.flushBatch();
          await this.shutdown(restart);
          return;
        }
        default:
          log(`ignored unknown message type ${type} on ${req.channel}`);
      }
    } catch (err) {
      log(`${type} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      if (type.endsWith("_request")) this.reply(req, errorContent(err));
    }
    this.publish(req.message, "status", { execution_state: "idle" });
    this.flushBatch();
  }

  private async host(): Promise<ExecutionHost> {
    try {
      return await this.options.host;
    } catch (err) {
      throw new KernelStartError(`the TypeScript engine failed to start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async execute(req: Request): Promise<void> {
    const c = req.message.content;
    const code = typeof c["code"] === "string" ? c["code"] : "";
    const silent = c["silent"] === true;
    const storeHistory = silent ? false : c["store_history"] !== false;
    const allowStdin = c["allow_stdin"] !== false;
    const stopOnError = c["stop_on_error"] !== false;
    const userExpressions = isRecord(c["user_expressions"])
      ? Object.fromEntries(Object.entries(c["user_expressions"]).filter((e): e is [string, string] => typeof e[1] === "string"))
      : {};

    if (this.aborting) {
      // No execution_count, as ipykernel: front ends show a skipped cell unnumbered (In [ ]), not as if it ran.
      this.reply(req, { status: "aborted" }, { status: "aborted" });
      return;
    }
    if (storeHistory) this.executionCount += 1;
    const count = this.executionCount;
    if (!silent) this.publish(req.message, "execute_input", { code, execution_count: count });
    if (storeHistory) this.history.addInput(count, code);

    const io = new KernelCellIO(this, req, allowStdin);
    this.running = { io, interrupted: false };
    this.lastParent = req.message;
    this.lastIO = io;
    // User code may block the thread: what we queued so far must be on its way first.
    this.flushBatch();
    let outcome: ExecuteOutcome;
    try {
      const pager = parsePagerRequest(code);
      const host = await this.host();
      outcome = pager ? await this.page(host, pager.expression, pager.detailLevel, io) : await host.execute(
        { code, silent, storeHistory, userExpressions, allowStdin, executionCount: count },
        io,
      );
    } catch (err) {
      outcome = { status: "error", ...errorFields(err) };
    } finally {
      this.running = null;
      this.beginBatch();
    }

    if (outcome.status === "ok") {
      if (outcome.result && !silent && Object.keys(outcome.result).length > 0) {
        this.publish(req.message, "execute_result", { execution_count: count, data: outcome.result, metadata: bundleMetadata(outcome.result) });
        const text = outcome.result["text/plain"];
        if (storeHistory && typeof text === "string") this.history.addOutput(count, text);
      }
      this.reply(req, {
        status: "ok",
        execution_count: count,
        payload: outcome.payload ?? [],
        user_expressions: outcome.userExpressions ?? {},
      }, { status: "ok" });
      return;
    }
    if (outcome.status === "aborted") {
      this.reply(req, { status: "aborted", execution_count: count }, { status: "aborted" });
      return;
    }
    const fields = { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
    this.publish(req.message, "error", fields);
    this.reply(req, { status: "error", execution_count: count, ...fields, user_expressions: {} }, { status: "error" });
    if (stopOnError && !silent) {
      // Give requests already sitting in the worker's port time to arrive, so they are aborted too.
      this.flushBatch();
      await new Promise((r) => setTimeout(r, 10));
      this.aborting = this.queue.length > 0;
    }
  }

  /** `name?` / `name??`: IPython-style help, shown in the pager through an execute_reply payload. */
  private async page(host: ExecutionHost, expression: string, detailLevel: number, io: CellIO): Promise<ExecuteOutcome> {
    const found = await host.inspect(expression, expression.length, detailLevel);
    if (!found.found) {
      io.stdout(`Object \`${expression}\` not found.\n`);
      return { status: "ok" };
    }
    return { status: "ok", payload: [{ source: "page", data: found.data, start: 0 }] };
  }

  private async complete(req: Request): Promise<void> {
    const { code, cursorPos } = codeAndCursor(req.message);
    const r = await (await this.host()).complete(code, cursorPos);
    this.reply(req, {
      status: "ok",
      matches: r.matches,
      cursor_start: r.cursorStart,
      cursor_end: r.cursorEnd,
      metadata: r.metadata ?? {},
    });
  }

  private async inspect(req: Request): Promise<void> {
    const { code, cursorPos } = codeAndCursor(req.message);
    const level = req.message.content["detail_level"] === 1 ? 1 : 0;
    const r = await (await this.host()).inspect(code, cursorPos, level);
    this.reply(req, { status: "ok", found: r.found, data: r.found ? r.data : {}, metadata: {} });
  }

  private async isComplete(req: Request): Promise<void> {
    const code = typeof req.message.content["code"] === "string" ? req.message.content["code"] : "";
    const r = await (await this.host()).isComplete(code);
    this.reply(req, r.status === "incomplete" ? { status: r.status, indent: r.indent ?? "" } : { status: r.status });
  }

  private historyRequest(req: Request): void {
    const c = req.message.content;
    const num = (k: string): number | null => (typeof c[k] === "number" && Number.isFinite(c[k]) ? (c[k] as number) : null);
    const type = c["hist_access_type"];
    let query: HistoryQuery;
    if (type === "tail") query = { type: "tail", n: num("n") ?? 10 };
    else if (type === "range") query = { type: "range", session: num("session") ?? 0, start: num("start") ?? 0, stop: num("stop") };
    else if (type === "search") {
      query = {
        type: "search",
        pattern: typeof c["pattern"] === "string" ? c["pattern"] : "*",
        n: num("n"),
        unique: c["unique"] === true,
      };
    } else {
      this.reply(req, errorContent(new Error(`history_request: hist_access_type must be "tail", "range" or "search", got ${JSON.stringify(type)}.`)));
      return;
    }
    const withOutput = c["output"] === true;
    const history = this.history.query(query).map((e: HistoryEntry) =>
      withOutput ? [e.session, e.line, [e.input, e.output]] : [e.session, e.line, e.input],
    );
    this.reply(req, { status: "ok", history });
  }

  // ---- used by KernelCellIO ----

  requestInput(req: Request, prompt: string, password: boolean): Promise<string> {
    this.pendingInput?.reject(new Error("a newer input request replaced this one"));
    return new Promise<string>((resolve, reject) => {
      this.pendingInput = { resolve, reject };
      this.send("stdin", req.identities, makeMessage("input_request", this.session, req.message, { prompt, password }));
    });
  }
}

/** CellIO for one execute_request: everything it sends carries that request as parent. */
class KernelCellIO implements CellIO {
  constructor(
    private readonly kernel: Kernel,
    private readonly req: Request,
    private readonly allowStdin: boolean,
  ) {}

  stdout(text: string): void {
    this.kernel.stream(this.req.message, "stdout", String(text));
  }

  stderr(text: string): void {
    this.kernel.stream(this.req.message, "stderr", String(text));
  }

  display(bundle: MimeBundle, options: DisplayOptions = {}): void {
    const transient = options.displayId ? { display_id: options.displayId } : {};
    if (options.update && !options.displayId) {
      this.stderr("display update ignored: it needs a displayId.\n");
      return;
    }
    this.kernel.publish(this.req.message, options.update ? "update_display_data" : "display_data", {
      data: bundle,
      metadata: { ...bundleMetadata(bundle), ...options.metadata },
      transient,
    });
  }

  clearOutput(wait = false): void {
    this.kernel.publish(this.req.message, "clear_output", { wait });
  }

  input(prompt: string, password: boolean): Promise<string> {
    if (!this.allowStdin) {
      return Promise.reject(
        new Error("input() is unavailable: this front end sent allow_stdin=false. Put the value in the code, or run the cell in a front end that supports input."),
      );
    }
    return this.kernel.requestInput(this.req, String(prompt), password);
  }
}

class KeyboardInterruptError extends Error {
  override name = "KeyboardInterrupt";
}

class KernelStartError extends Error {
  override name = "KernelStartError";
}

function errorFields(err: unknown): { ename: string; evalue: string; traceback: string[] } {
  if (err instanceof Error) {
    return { ename: err.name || "Error", evalue: err.message, traceback: (err.stack ?? `${err.name}: ${err.message}`).split("\n") };
  }
  return { ename: "Error", evalue: String(err), traceback: [String(err)] };
}

function errorContent(err: unknown): Record<string, unknown> {
  return { status: "error", ...errorFields(err) };
}

function codeAndCursor(message: JupyterMessage): { code: string; cursorPos: number } {
  const code = typeof message.content["code"] === "string" ? message.content["code"] : "";
  const pos = message.content["cursor_pos"];
  return { code, cursorPos: typeof pos === "number" && Number.isInteger(pos) && pos >= 0 ? pos : [...code].length };
}
