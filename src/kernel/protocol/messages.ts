/** Building outgoing messages and the thread-crossing envelopes between main thread and socket worker. */
import { randomUUID } from "node:crypto";
import { PROTOCOL_VERSION, type JupyterMessage, type MessageHeader } from "./wire.js";

export type SocketChannel = "shell" | "control" | "stdin" | "iopub";

/** Worker → main. */
export type WorkerEvent =
  | { kind: "ready" }
  | { kind: "fatal"; error: string }
  | { kind: "message"; channel: "shell" | "control" | "stdin"; identities: Uint8Array[]; message: JupyterMessage }
  | { kind: "interrupt" }
  | { kind: "closed" };

/** Main → worker. */
export type MainCommand =
  | { kind: "send"; channel: SocketChannel; identities: Uint8Array[]; message: JupyterMessage }
  /** One stdout/stderr write; the worker merges consecutive writes into one `stream` message. */
  | { kind: "stream"; parent: MessageHeader; name: "stdout" | "stderr"; text: string }
  /** Several commands in one postMessage: each thread hop costs more than the copying. */
  | { kind: "batch"; commands: MainCommand[] }
  | { kind: "close" };

export interface WorkerOptions {
  /** Parsed connection file. */
  connection: import("./connection.js").ConnectionInfo;
  /** Kernel session id (header.session of everything we send). */
  session: string;
}

export const USERNAME = "synthlab";

export function makeHeader(msgType: string, session: string): MessageHeader {
  return {
    msg_id: randomUUID(),
    session,
    username: USERNAME,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

export function makeMessage(
  msgType: string,
  session: string,
  parent: JupyterMessage | undefined,
  content: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
): JupyterMessage {
  return {
    header: makeHeader(msgType, session),
    parent_header: parent ? parent.header : {},
    metadata,
    content,
  };
}

/** The reply type for a request type: "kernel_info_request" → "kernel_info_reply". */
export function replyType(requestType: string): string {
  return requestType.replace(/_request$/, "_reply");
}
