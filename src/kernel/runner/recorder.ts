/**
 * A CellIO that turns what a cell sends into nbformat outputs, with Jupyter's front-end
 * semantics: consecutive writes to one stream merge; update_display_data replaces every
 * earlier output with that display_id (in any cell); clear_output(wait=true) clears when
 * the next output arrives.
 */
import type { CellIO, DisplayOptions, ExecuteOutcome } from "../types.js";
import { bundleMetadata, type MimeBundle } from "../../display/protocol.js";
import type { DisplayDataOutput, Output } from "./nbformat.js";

const NO_STDIN =
  "input() is not available in a headless run (synthlab run); give the value as a parameter: -p name=value.";

/** JSON-safe bundle: binary image data (if any slipped through) becomes base64. */
function jsonBundle(bundle: MimeBundle): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(bundle)) {
    if (value === undefined) continue;
    out[mime] = value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value;
  }
  return out;
}

/** One per notebook run: display ids are notebook-wide. */
export class NotebookRecorder {
  private readonly displays = new Map<string, Set<Shown>>();

  /** A CellIO writing into `outputs` (the cell's list, mutated in place). */
  cellIO(outputs: Output[]): CellRecorder {
    return new CellRecorder(outputs, this.displays);
  }
}

type Shown = { data: Record<string, unknown>; metadata: Record<string, unknown> };

export class CellRecorder implements CellIO {
  private clearPending = false;

  constructor(
    readonly outputs: Output[],
    private readonly displays: Map<string, Set<Shown>>,
  ) {}

  private beforeOutput(): void {
    if (this.clearPending) {
      this.outputs.length = 0;
      this.clearPending = false;
    }
  }

  private stream(name: "stdout" | "stderr", text: string): void {
    if (!text) return;
    this.beforeOutput();
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === "stream" && last.name === name) {
      last.text = (Array.isArray(last.text) ? last.text.join("") : last.text) + text;
    } else {
      this.outputs.push({ output_type: "stream", name, text });
    }
  }

  stdout(text: string): void {
    this.stream("stdout", text);
  }

  stderr(text: string): void {
    this.stream("stderr", text);
  }

  display(bundle: MimeBundle, options?: DisplayOptions): void {
    const data = jsonBundle(bundle);
    const metadata = { ...bundleMetadata(bundle), ...options?.metadata };
    const id = options?.displayId;
    if (options?.update) {
      // Like Jupyter: an update for an unknown id is ignored; a known one changes every copy.
      for (const shown of (id !== undefined && this.displays.get(id)) || []) {
        shown.data = data;
        shown.metadata = metadata;
      }
      return;
    }
    this.beforeOutput();
    const output: DisplayDataOutput = { output_type: "display_data", data, metadata };
    this.outputs.push(output);
    if (id !== undefined) {
      const set = this.displays.get(id) ?? new Set<Shown>();
      set.add(output);
      this.displays.set(id, set);
    }
  }

  clearOutput(wait = false): void {
    if (wait) this.clearPending = true;
    else {
      this.outputs.length = 0;
      this.clearPending = false;
    }
  }

  input(): Promise<string> {
    return Promise.reject(new Error(NO_STDIN));
  }

  /** Record the cell's outcome: its result (execute_result) or its error. */
  finish(outcome: ExecuteOutcome, executionCount: number): void {
    if (outcome.status === "ok" && outcome.result) {
      this.beforeOutput();
      this.outputs.push({
        output_type: "execute_result",
        execution_count: executionCount,
        data: jsonBundle(outcome.result),
        metadata: bundleMetadata(outcome.result),
      });
    } else if (outcome.status === "error") {
      this.beforeOutput();
      this.outputs.push({ output_type: "error", ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback });
    }
  }
}
