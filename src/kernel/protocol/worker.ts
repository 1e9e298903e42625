/**
 * The socket thread. All ZMQ sockets live here so the heartbeat and control channel keep
 * answering while the main thread runs user code (even `while (true) {}`). It verifies every
 * signature, forwards requests to the main thread, and turns interrupt_request into SIGINT.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { endpoint } from "./connection.js";
import { kernelInfoContent } from "./info.js";
import { makeHeader, makeMessage, replyType, type MainCommand, type SocketChannel, type WorkerEvent, type WorkerOptions } from "./messages.js";
import { createSigner, decodeFrames, encodeFrames, type JupyterMessage, type MessageHeader } from "./wire.js";

if (!parentPort) throw new Error("src/kernel/protocol/worker.js must run as a worker thread.");
const port = parentPort;
const options = workerData as WorkerOptions;
const signer = createSigner(options.connection.key, options.connection.signature_scheme);

const post = (event: WorkerEvent): void => port.postMessage(event);
const log = (line: string): void => {
  process.stderr.write(`synthlab kernel: ${line}\n`);
};

const sockets = {
  shell: new zmq.Router(),
  control: new zmq.Router(),
  stdin: new zmq.Router(),
  iopub: new zmq.Publisher(),
  hb: new zmq.Reply(),
};
for (const s of Object.values(sockets)) s.linger = 1000;

/** zeromq v6 rejects a second send while one is pending (EBUSY), so each socket gets a FIFO. */
const sendQueues: Record<SocketChannel, Promise<void>> = {
  shell: Promise.resolve(),
  control: Promise.resolve(),
  stdin: Promise.resolve(),
  iopub: Promise.resolve(),
};

function send(channel: SocketChannel, identities: readonly Uint8Array[], message: JupyterMessage): void {
  if (channel === "iopub") flushStream();
  let frames: (Uint8Array | string)[];
  try {
    frames = encodeFrames(message, signer, channel === "iopub" ? [iopubTopic(message)] : identities);
  } catch (err) {
    log(`could not encode a ${message.header.msg_type} message: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const socket = sockets[channel];
  sendQueues[channel] = sendQueues[channel].then(
    () => socket.send(frames),
  ).catch((err: unknown) => log(`send on ${channel} failed: ${err instanceof Error ? err.message : String(err)}`));
}

/**
 * Stream coalescing lives here, not on the main thread, so output of a long synchronous loop
 * still reaches the front end while it runs: writes that arrive in one batch become one message.
 */
let pendingStream: { parent: MessageHeader; name: "stdout" | "stderr"; text: string[] } | null = null;
let streamFlushScheduled = false;

function queueStream(parent: MessageHeader, name: "stdout" | "stderr", text: string): void {
  if (pendingStream && (pendingStream.name !== name || pendingStream.parent.msg_id !== parent.msg_id)) flushStream();
  if (!pendingStream) pendingStream = { parent, name, text: [] };
  pendingStream.text.push(text);
  if (!streamFlushScheduled) {
    streamFlushScheduled = true;
    setImmediate(flushStream);
  }
}

function flushStream(): void {
  streamFlushScheduled = false;
  const pending = pendingStream;
  if (!pending) return;
  pendingStream = null;
  const message: JupyterMessage = {
    header: makeHeader("stream", options.session),
    parent_header: pending.parent,
    metadata: {},
    content: { name: pending.name, text: pending.text.join("") },
  };
  send("iopub", [], message);
}

function iopubTopic(message: JupyterMessage): string {
  return `kernel.${options.session}.${message.header.msg_type}`;
}

async function receiveLoop(channel: "shell" | "control" | "stdin"): Promise<void> {
  const socket = sockets[channel];
  try {
    for await (const frames of socket) {
      const decoded = decodeFrames(frames, signer);
      if (!decoded.ok) {
        log(`dropped a message on ${channel}: ${decoded.reason}`);
        continue;
      }
      const { identities, message } = decoded.value;
      if (channel === "control" && message.header.msg_type === "interrupt_request") {
        interrupt(identities, message);
        continue;
      }
      if (channel !== "stdin" && message.header.msg_type === "kernel_info_request") {
        kernelInfo(channel, identities, message);
        continue;
      }
      // Copy ids out of zeromq's buffers so only their bytes cross threads (and come back in replies).
      post({ kind: "message", channel, identities: identities.map((id) => new Uint8Array(id)), message });
    }
  } catch (err) {
    if (!closing) log(`${channel} receive loop ended: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Answered here, not on the main thread, because the main thread may be stuck in user code. */
function interrupt(identities: Uint8Array[], request: JupyterMessage): void {
  const status = (state: string): void =>
    send("iopub", [], makeMessage("status", options.session, request, { execution_state: state }));
  status("busy");
  // SIGINT stops synchronous vm code run with breakOnSigint; the main thread's listener handles the rest.
  process.kill(process.pid, "SIGINT");
  post({ kind: "interrupt" });
  send("control", identities, makeMessage(replyType(request.header.msg_type), options.session, request, { status: "ok" }));
  status("idle");
}

/**
 * kernel_info is static, so it is answered here: front ends (and jupyter_client's wait_for_ready)
 * get it at once, even while the main thread is loading the TypeScript engine or running a cell.
 */
function kernelInfo(channel: "shell" | "control", identities: Uint8Array[], request: JupyterMessage): void {
  send("iopub", [], makeMessage("status", options.session, request, { execution_state: "busy" }));
  send(channel, identities, makeMessage("kernel_info_reply", options.session, request, kernelInfoContent()));
  send("iopub", [], makeMessage("status", options.session, request, { execution_state: "idle" }));
}

async function heartbeat(): Promise<void> {
  try {
    for await (const frames of sockets.hb) await sockets.hb.send(frames);
  } catch (err) {
    if (!closing) log(`heartbeat ended: ${err instanceof Error ? err.message : String(err)}`);
  }
}

let closing = false;
async function close(): Promise<void> {
  closing = true;
  flushStream();
  // Let queued replies (shutdown_reply, final status) leave before closing.
  await Promise.all(Object.values(sendQueues));
  for (const s of Object.values(sockets)) s.close();
  post({ kind: "closed" });
  port.close();
}

function onCommand(command: MainCommand): void {
  if (command.kind === "send") send(command.channel, command.identities, command.message);
  else if (command.kind === "stream") queueStream(command.parent, command.name, command.text);
  else if (command.kind === "batch") command.commands.forEach(onCommand);
  else if (command.kind === "close") void close();
}
port.on("message", onCommand);

/** How long a port that is in use at start is retried (see bindWithRetry). */
const BIND_RETRY_MS = 100;
const BIND_ATTEMPTS = 30;

/**
 * Bind, retrying a port that is in use for up to 3 s. The front end picks free ports, closes them
 * and hands them to us; on a busy machine another process (often another client picking ports
 * the same way) can hold one of them for a moment before we bind. Failing the start for that
 * is what made a kernel start fail now and then.
 */
async function bindWithRetry(socket: zmq.Socket, address: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await socket.bind(address);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== "EADDRINUSE" || attempt >= BIND_ATTEMPTS) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(attempt > 1 ? `${address}: ${message} (retried for ${(attempt * BIND_RETRY_MS) / 1000} s)` : `${address}: ${message}`);
      }
      await new Promise((r) => setTimeout(r, BIND_RETRY_MS));
    }
  }
}

async function start(): Promise<void> {
  const info = options.connection;
  try {
    await Promise.all([
      bindWithRetry(sockets.shell, endpoint(info, "shell")),
      bindWithRetry(sockets.control, endpoint(info, "control")),
      bindWithRetry(sockets.stdin, endpoint(info, "stdin")),
      bindWithRetry(sockets.iopub, endpoint(info, "iopub")),
      bindWithRetry(sockets.hb, endpoint(info, "hb")),
    ]);
  } catch (err) {
    post({ kind: "fatal", error: `cannot bind the kernel's sockets: ${err instanceof Error ? err.message : String(err)}` });
    for (const s of Object.values(sockets)) s.close();
    port.close();
    return;
  }
  // "starting" leaves from this thread, before any request is read: published from the main thread it
  // could come after a kernel_info this thread already answered (the main thread may be loading the
  // TypeScript engine), and a client would then see "starting" where it expects its cell's "busy".
  send("iopub", [], makeMessage("status", options.session, undefined, { execution_state: "starting" }));
  void receiveLoop("shell");
  void receiveLoop("control");
  void receiveLoop("stdin");
  void heartbeat();
  post({ kind: "ready" });
}

void start();
