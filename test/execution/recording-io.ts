/** A CellIO that records everything a cell sends, for tests (a real object, no mocks). */
import type { MimeBundle } from "../../src/display/protocol.js";
import type { CellIO, DisplayOptions, ExecuteRequest } from "../../src/kernel/types.js";

export type IOEvent =
  | { type: "stdout"; text: string }
  | { type: "stderr"; text: string }
  | { type: "display"; bundle: MimeBundle; options?: DisplayOptions }
  | { type: "clear"; wait: boolean }
  | { type: "input"; prompt: string; password: boolean };

export class RecordingIO implements CellIO {
  readonly events: IOEvent[] = [];
  /** Answers handed out to input() calls, in order. */
  answers: string[] = [];

  stdout(text: string): void {
    this.events.push({ type: "stdout", text });
  }
  stderr(text: string): void {
    this.events.push({ type: "stderr", text });
  }
  display(bundle: MimeBundle, options?: DisplayOptions): void {
    this.events.push({ type: "display", bundle, ...(options ? { options } : {}) });
  }
  clearOutput(wait?: boolean): void {
    this.events.push({ type: "clear", wait: Boolean(wait) });
  }
  async input(prompt: string, password: boolean): Promise<string> {
    this.events.push({ type: "input", prompt, password });
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error("no stdin in this test");
    return answer;
  }

  get stdoutText(): string {
    return this.events.flatMap((e) => (e.type === "stdout" ? [e.text] : [])).join("");
  }
  get stderrText(): string {
    return this.events.flatMap((e) => (e.type === "stderr" ? [e.text] : [])).join("");
  }
  get displays(): Extract<IOEvent, { type: "display" }>[] {
    return this.events.filter((e): e is Extract<IOEvent, { type: "display" }> => e.type === "display");
  }
}

let counter = 0;

export function request(code: string): ExecuteRequest {
  return { code, silent: false, storeHistory: true, userExpressions: {}, allowStdin: true, executionCount: ++counter };
}
