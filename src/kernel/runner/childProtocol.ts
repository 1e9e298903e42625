/**
 * Messages between `synthlab run` (the parent) and the process that runs the cells
 * (child.ts), over Node's IPC channel with the "advanced" (structured clone) serialization.
 */
import type { MimeBundle } from "../../display/protocol.js";
import type { DisplayOptions, ExecuteOutcome, ExecuteRequest } from "../types.js";

export type ToChild =
  | { kind: "execute"; id: number; request: ExecuteRequest }
  | { kind: "input-reply"; id: number; value?: string; error?: string }
  | { kind: "shutdown" };

export type FromChild =
  | { kind: "ready" }
  | { kind: "start-failed"; error: string }
  | { kind: "stdout" | "stderr"; id: number; text: string }
  | { kind: "display"; id: number; bundle: MimeBundle; options?: DisplayOptions }
  | { kind: "clear-output"; id: number; wait: boolean }
  | { kind: "input"; id: number; prompt: string; password: boolean }
  | { kind: "done"; id: number; outcome: ExecuteOutcome };
