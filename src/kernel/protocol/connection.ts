/** Reads and checks a Jupyter connection file (the JSON written by the front end). */
import { readFileSync } from "node:fs";

export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

export type Channel = "shell" | "control" | "stdin" | "iopub" | "hb";
export const PORT_FIELDS: Record<Channel, keyof ConnectionInfo> = {
  shell: "shell_port",
  control: "control_port",
  stdin: "stdin_port",
  iopub: "iopub_port",
  hb: "hb_port",
};

export function readConnectionFile(path: string): ConnectionInfo {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(
      `Cannot read the connection file ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}); ` +
        "pass the file Jupyter wrote: --connection-file {connection_file}.",
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`The connection file ${path} is not valid JSON; pass the file Jupyter wrote.`);
  }
  return parseConnectionInfo(parsed, path);
}

export function parseConnectionInfo(value: unknown, source = "connection info"): ConnectionInfo {
  if (typeof value !== "object" || value === null) throw new Error(`${source}: expected a JSON object.`);
  const obj = value as Record<string, unknown>;
  const transport = obj["transport"] ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") {
    throw new Error(`${source}: transport "${String(transport)}" is not supported; use "tcp" or "ipc".`);
  }
  const port = (name: keyof ConnectionInfo): number => {
    const v = obj[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 65535) {
      throw new Error(`${source}: "${name}" must be an integer port number, got ${JSON.stringify(v)}.`);
    }
    return v;
  };
  const key = obj["key"] ?? "";
  if (typeof key !== "string") throw new Error(`${source}: "key" must be a string.`);
  const scheme = obj["signature_scheme"] ?? "hmac-sha256";
  if (typeof scheme !== "string") throw new Error(`${source}: "signature_scheme" must be a string.`);
  const ip = obj["ip"] ?? "127.0.0.1";
  if (typeof ip !== "string") throw new Error(`${source}: "ip" must be a string.`);
  return {
    transport,
    ip,
    key,
    signature_scheme: scheme,
    shell_port: port("shell_port"),
    iopub_port: port("iopub_port"),
    stdin_port: port("stdin_port"),
    control_port: port("control_port"),
    hb_port: port("hb_port"),
  };
}

/** ZMQ endpoint for one channel: tcp://ip:port, or ipc://ip-port like jupyter_client. */
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[PORT_FIELDS[channel]] as number;
  if (info.transport === "ipc") return `ipc://${info.ip}-${port}`;
  const host = info.ip === "*" || info.ip === "" ? "0.0.0.0" : info.ip;
  return `tcp://${host}:${port}`;
}
