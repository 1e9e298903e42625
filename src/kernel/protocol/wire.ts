/**
 * Jupyter wire format: multipart frames `[...identities, "<IDS|MSG>", signature, header,
 * parent_header, metadata, content, ...buffers]`, signed with HMAC over the four JSON frames.
 * Pure functions so the socket worker and tests share one implementation of the rules.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const DELIMITER = "<IDS|MSG>";
export const PROTOCOL_VERSION = "5.3";

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [key: string]: unknown;
}

/** A decoded Jupyter message (content stays loosely typed: each handler checks what it reads). */
export interface JupyterMessage {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers?: Uint8Array[];
}

export interface Signer {
  /** Hex digest over the four JSON frames; "" when the key is empty (signing disabled). */
  sign(frames: readonly (string | Uint8Array)[]): string;
  verify(signature: string, frames: readonly (string | Uint8Array)[]): boolean;
}

/** Maps the connection file's `signature_scheme` ("hmac-sha256") to a Node digest name. */
function digestName(scheme: string): string {
  const match = /^hmac-(sha\d+|md5)$/i.exec(scheme);
  if (!match) {
    throw new Error(
      `Unsupported signature_scheme "${scheme}" in the connection file; use "hmac-sha256".`,
    );
  }
  return match[1]!.toLowerCase();
}

export function createSigner(key: string, scheme = "hmac-sha256"): Signer {
  const digest = digestName(scheme);
  const enabled = key.length > 0;
  const sign = (frames: readonly (string | Uint8Array)[]): string => {
    if (!enabled) return "";
    const hmac = createHmac(digest, key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  };
  return {
    sign,
    verify(signature, frames) {
      if (!enabled) return true;
      const expected = Buffer.from(sign(frames), "utf8");
      const given = Buffer.from(signature, "utf8");
      // Constant-time compare; a length mismatch is already a rejection, and leaks nothing useful.
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}

export interface DecodedFrames {
  identities: Buffer[];
  message: JupyterMessage;
}

export type DecodeResult =
  | { ok: true; value: DecodedFrames }
  | { ok: false; reason: string };

/** Splits, verifies and parses one multipart message. Never throws: callers log `reason` and drop. */
export function decodeFrames(frames: readonly Buffer[], signer: Signer): DecodeResult {
  const delimiterIndex = frames.findIndex((f) => f.length === DELIMITER.length && f.toString("latin1") === DELIMITER);
  if (delimiterIndex < 0) return { ok: false, reason: "no <IDS|MSG> delimiter" };
  if (frames.length < delimiterIndex + 6) return { ok: false, reason: "fewer than 5 frames after the delimiter" };
  const signature = frames[delimiterIndex + 1]!.toString("utf8");
  const body = frames.slice(delimiterIndex + 2, delimiterIndex + 6);
  if (!signer.verify(signature, body)) return { ok: false, reason: "bad signature" };
  try {
    const [header, parent, metadata, content] = body.map((b) => JSON.parse(b.toString("utf8")) as unknown);
    if (!isRecord(header) || typeof header["msg_type"] !== "string") {
      return { ok: false, reason: "header is not an object with msg_type" };
    }
    return {
      ok: true,
      value: {
        identities: frames.slice(0, delimiterIndex),
        message: {
          header: header as MessageHeader,
          parent_header: isRecord(parent) ? (parent as Partial<MessageHeader>) : {},
          metadata: isRecord(metadata) ? metadata : {},
          content: isRecord(content) ? content : {},
          buffers: frames.slice(delimiterIndex + 6),
        },
      },
    };
  } catch (err) {
    return { ok: false, reason: `invalid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
}

/** Serializes and signs a message; identities (routing ids or an iopub topic) go first. */
export function encodeFrames(
  message: JupyterMessage,
  signer: Signer,
  identities: readonly (Uint8Array | string)[] = [],
): (Uint8Array | string)[] {
  const body = [
    JSON.stringify(message.header),
    JSON.stringify(message.parent_header),
    JSON.stringify(message.metadata),
    JSON.stringify(message.content),
  ];
  return [...identities, DELIMITER, signer.sign(body), ...body, ...(message.buffers ?? [])];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
