/**
 * The kernel side of Jupyter comms (messaging spec, "Custom messages"): named targets that a front
 * end opens comms to, comms the kernel opens itself, and messages both ways. The manager does not
 * know about sockets: a CommTransport sends what it produces. In the kernel the transport publishes
 * on iopub (src/kernel/protocol/kernel.ts); in plain Node there is none and sends are dropped, or a
 * test installs a RecordingTransport. One manager per process (a global symbol), so every copy of
 * this module (the kernel's import, a cell's require) shares targets and comms.
 */
import { randomUUID } from "node:crypto";

export type CommMessageType = "comm_open" | "comm_msg" | "comm_close";

/** What a comm message carries besides its comm_id. */
export interface CommPayload {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
}

/** Where the kernel's comm messages go: iopub in the kernel, a list in tests. */
export interface CommTransport {
  send(type: CommMessageType, content: Record<string, unknown>, metadata: Record<string, unknown>, buffers: Uint8Array[]): void;
}

/** Keeps every message it is given, for tests and for code run outside a kernel. */
export class RecordingTransport implements CommTransport {
  readonly sent: { type: CommMessageType; content: Record<string, unknown>; metadata: Record<string, unknown>; buffers: Uint8Array[] }[] = [];
  send(type: CommMessageType, content: Record<string, unknown>, metadata: Record<string, unknown>, buffers: Uint8Array[]): void {
    this.sent.push({ type, content, metadata, buffers });
  }
  /** The data of each message of `type` on `commId` (all comms when omitted). */
  dataOf(type: CommMessageType, commId?: string): Record<string, unknown>[] {
    return this.sent
      .filter((m) => m.type === type && (commId === undefined || m.content["comm_id"] === commId))
      .map((m) => (m.content["data"] ?? {}) as Record<string, unknown>);
  }
}

export type CommMsgHandler = (msg: CommPayload) => void;

/** One comm: a two-way channel with one front-end object. */
export class Comm {
  private readonly msgHandlers: CommMsgHandler[] = [];
  private readonly closeHandlers: CommMsgHandler[] = [];
  private isClosed = false;

  constructor(
    readonly commId: string,
    readonly targetName: string,
    private readonly manager: CommManager,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** comm_msg to the front end. Sending on a closed comm is a mistake worth a clear error. */
  send(data: Record<string, unknown>, options: { metadata?: Record<string, unknown>; buffers?: Uint8Array[] } = {}): void {
    if (this.isClosed) throw new Error(`comm ${this.commId} (${this.targetName}) is closed; open a new one to send.`);
    this.manager.emit("comm_msg", { comm_id: this.commId, data }, options.metadata ?? {}, options.buffers ?? []);
  }

  /** comm_close to the front end (once); the comm's close handlers run too. */
  close(data: Record<string, unknown> = {}): void {
    if (this.isClosed) return;
    this.manager.emit("comm_close", { comm_id: this.commId, data }, {}, []);
    this.closed_({ data, metadata: {}, buffers: [] });
  }

  /** Called for each comm_msg from the front end. */
  onMsg(handler: CommMsgHandler): void {
    this.msgHandlers.push(handler);
  }

  /** Called once when either side closes the comm. */
  onClose(handler: CommMsgHandler): void {
    this.closeHandlers.push(handler);
  }

  /** @internal a message from the front end. */
  received(msg: CommPayload): void {
    for (const h of this.msgHandlers) this.manager.guard(() => h(msg), `comm ${this.targetName} message handler`);
  }

  /** @internal the comm is gone (either side). */
  closed_(msg: CommPayload): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.manager.forget(this.commId);
    const handlers = this.closeHandlers.splice(0);
    this.msgHandlers.length = 0;
    for (const h of handlers) this.manager.guard(() => h(msg), `comm ${this.targetName} close handler`);
  }
}

/** Called when the front end opens a comm to a registered target. */
export type CommTargetHandler = (comm: Comm, open: CommPayload) => void;

/** Listeners for "a front end that renders widgets connected" (see CommManager.widgetsAvailable). */
type FrontendListener = () => void;

/** Targets an ipywidgets front end uses; opening or asking for them means it renders widgets. */
const WIDGET_TARGETS = new Set(["jupyter.widget", "jupyter.widget.control"]);

export class CommManager {
  /** Where outgoing messages go; null outside a kernel (messages are dropped). */
  transport: CommTransport | null = null;
  /** Where errors from handlers are reported (the kernel shows them in the current cell). */
  onError: (text: string) => void = writeStderr;
  private readonly targets = new Map<string, CommTargetHandler>();
  private readonly comms = new Map<string, Comm>();
  private widgetFrontend = false;
  private readonly frontendListeners = new Set<FrontendListener>();

  /** Register a target the front end can open comms to; returns a function that unregisters it. */
  registerTarget(name: string, handler: CommTargetHandler): () => void {
    if (typeof name !== "string" || name === "") throw new TypeError("registerTarget(name, handler): name must be a non-empty string.");
    if (typeof handler !== "function") throw new TypeError(`registerTarget("${name}", handler): handler must be a function (comm, msg) => void.`);
    this.targets.set(name, handler);
    return () => {
      if (this.targets.get(name) === handler) this.targets.delete(name);
    };
  }

  /** Registered target names. */
  targetNames(): string[] {
    return [...this.targets.keys()];
  }

  /** Open a comm from the kernel side (comm_open to the front end). */
  open(
    targetName: string,
    data: Record<string, unknown> = {},
    options: { metadata?: Record<string, unknown>; buffers?: Uint8Array[]; commId?: string } = {},
  ): Comm {
    const commId = options.commId ?? randomUUID().replace(/-/g, "");
    const comm = new Comm(commId, targetName, this);
    this.comms.set(commId, comm);
    this.emit("comm_open", { comm_id: commId, target_name: targetName, data }, options.metadata ?? {}, options.buffers ?? []);
    return comm;
  }

  /** Open comms (optionally of one target), as comm_info_reply's `comms`: {comm_id: {target_name}}. */
  commInfo(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const [id, comm] of this.comms) {
      if (targetName === undefined || comm.targetName === targetName) out[id] = { target_name: comm.targetName };
    }
    return out;
  }

  /** Number of open comms (for leak checks). */
  get size(): number {
    return this.comms.size;
  }

  get(commId: string): Comm | undefined {
    return this.comms.get(commId);
  }

  // ---- from the front end ----

  /**
   * comm_open from the front end. Returns false when no target has that name: the kernel then
   * answers with comm_close, as the spec asks.
   */
  handleOpen(content: Record<string, unknown>, metadata: Record<string, unknown> = {}, buffers: Uint8Array[] = []): boolean {
    const commId = typeof content["comm_id"] === "string" ? content["comm_id"] : "";
    const target = typeof content["target_name"] === "string" ? content["target_name"] : "";
    if (WIDGET_TARGETS.has(target)) this.markWidgetFrontend();
    const handler = this.targets.get(target);
    if (!handler || commId === "") {
      if (commId !== "") this.emit("comm_close", { comm_id: commId, data: {} }, {}, []);
      return false;
    }
    const comm = new Comm(commId, target, this);
    this.comms.set(commId, comm);
    this.guard(() => handler(comm, { data: asRecord(content["data"]), metadata, buffers }), `comm target ${target}`);
    return true;
  }

  handleMsg(content: Record<string, unknown>, metadata: Record<string, unknown> = {}, buffers: Uint8Array[] = []): void {
    const comm = this.comms.get(String(content["comm_id"]));
    comm?.received({ data: asRecord(content["data"]), metadata, buffers });
  }

  handleClose(content: Record<string, unknown>, metadata: Record<string, unknown> = {}, buffers: Uint8Array[] = []): void {
    const comm = this.comms.get(String(content["comm_id"]));
    comm?.closed_({ data: asRecord(content["data"]), metadata, buffers });
  }

  /** comm_info_request: an ipywidgets front end asks about jupyter.widget when it connects. */
  handleInfoRequest(targetName: string | undefined): void {
    if (targetName !== undefined && WIDGET_TARGETS.has(targetName)) this.markWidgetFrontend();
  }

  // ---- does the front end render widgets? ----

  /**
   * True once a front end showed it renders ipywidgets (it opened the jupyter.widget.control comm
   * or asked comm_info about jupyter.widget). Progress uses widgets only then; headless runs
   * (nbclient, `synthlab run`) never do either, so their outputs stay plain.
   */
  get widgetsAvailable(): boolean {
    return this.widgetFrontend;
  }

  /** Set by hand (tests, or a front end known to render widgets). */
  set widgetsAvailable(value: boolean) {
    if (value) this.markWidgetFrontend();
    else this.widgetFrontend = false;
  }

  onWidgetFrontend(listener: FrontendListener): () => void {
    this.frontendListeners.add(listener);
    return () => void this.frontendListeners.delete(listener);
  }

  private markWidgetFrontend(): void {
    if (this.widgetFrontend) return;
    this.widgetFrontend = true;
    for (const l of [...this.frontendListeners]) this.guard(l, "widget front-end listener");
  }

  /** Forget every comm, target and listener, and report errors to stderr again (tests). */
  reset(): void {
    this.onError = writeStderr;
    this.comms.clear();
    this.targets.clear();
    this.widgetFrontend = false;
    this.frontendListeners.clear();
  }

  // ---- internal ----

  /** @internal */
  emit(type: CommMessageType, content: Record<string, unknown>, metadata: Record<string, unknown>, buffers: Uint8Array[]): void {
    this.transport?.send(type, content, metadata, buffers);
  }

  /** @internal */
  forget(commId: string): void {
    this.comms.delete(commId);
  }

  /** @internal a user handler must not break the message loop: its error is reported, not thrown. */
  guard(fn: () => void, where: string): void {
    try {
      fn();
    } catch (err) {
      this.onError(`${where} failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
  }
}

function writeStderr(text: string): void {
  process.stderr.write(text.endsWith("\n") ? text : text + "\n");
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const MANAGER = Symbol.for("synthlab.comm.manager");

/** The process-wide comm manager. */
export function commManager(): CommManager {
  const g = globalThis as unknown as Record<symbol, CommManager | undefined>;
  return (g[MANAGER] ??= new CommManager());
}

/** Register a comm target on the process-wide manager (see CommManager.registerTarget). */
export function registerCommTarget(name: string, handler: CommTargetHandler): () => void {
  return commManager().registerTarget(name, handler);
}

/** Open a comm from kernel code, e.g. a cell (see CommManager.open). */
export function openComm(
  targetName: string,
  data?: Record<string, unknown>,
  options?: { metadata?: Record<string, unknown>; buffers?: Uint8Array[]; commId?: string },
): Comm {
  return commManager().open(targetName, data, options);
}
