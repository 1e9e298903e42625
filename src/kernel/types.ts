/**
 * The contract between the protocol layer (src/kernel/protocol: sockets, signatures,
 * message routing) and the execution layer (src/kernel/execution: compiling and running
 * cells, magics, display). Neither imports the other's internals; both import this file.
 */
import type { MimeBundle } from "../display/protocol.js";

export interface DisplayOptions {
  /** Jupyter display_id; lets a later `update` replace this output in place. */
  displayId?: string;
  /** Send update_display_data for `displayId` instead of a new display_data. */
  update?: boolean;
  metadata?: Record<string, unknown>;
}

/** Everything a running cell may send to the front end. Implemented by the protocol layer. */
export interface CellIO {
  stdout(text: string): void;
  stderr(text: string): void;
  display(bundle: MimeBundle, options?: DisplayOptions): void;
  clearOutput(wait?: boolean): void;
  /** stdin input_request; rejects when the front end does not allow stdin. */
  input(prompt: string, password: boolean): Promise<string>;
}

export type ExecuteOutcome =
  | {
      status: "ok";
      result?: MimeBundle;
      userExpressions?: Record<string, unknown>;
      /** execute_reply payloads, e.g. `{ source: "page", data: MimeBundle, start: 0 }` for the pager. */
      payload?: Record<string, unknown>[];
    }
  | { status: "error"; ename: string; evalue: string; traceback: string[] }
  | { status: "aborted" };

export interface CompleteResult {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  metadata?: Record<string, unknown>;
}

export interface InspectResult {
  found: boolean;
  data: MimeBundle;
}

export interface IsCompleteResult {
  status: "complete" | "incomplete" | "invalid" | "unknown";
  indent?: string;
}

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  storeHistory: boolean;
  userExpressions: Record<string, string>;
  allowStdin: boolean;
  /** The execution count this cell will get (already incremented by the caller when storing history). */
  executionCount: number;
}

/** Implemented by the execution layer; runs on the main thread. */
export interface ExecutionHost {
  execute(request: ExecuteRequest, io: CellIO): Promise<ExecuteOutcome>;
  complete(code: string, cursorPos: number): Promise<CompleteResult>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult>;
  isComplete(code: string): Promise<IsCompleteResult>;
  /**
   * Ask the running cell to stop. Synchronous loops are stopped separately by SIGINT
   * (vm `breakOnSigint`); this rejects pending awaits and aborts magics' AbortSignals.
   */
  interrupt(): void;
  /** Release resources before the process exits. */
  shutdown(): Promise<void>;
}
