/**
 * The Output widget: an output area inside a widget layout. Its `outputs` trait holds nbformat
 * outputs (stream, display_data), which every ipywidgets 8 front end renders (JupyterLab,
 * Notebook 7, VS Code, the html-manager); ipywidgets' own `append_stdout` and `append_display_data`
 * work this way. `capture(fn)` sends what `fn` prints and displays there instead of the cell.
 */
import { randomUUID } from "node:crypto";
import { format } from "node:util";
import { toMimeBundle } from "../display/mime.js";
import { bundleMetadata, type MimeBundle } from "../display/protocol.js";
import { defineTraits, Widget, type SubModel, type SubModelInit, type WidgetInit } from "./widget.js";

/** One nbformat output, as the Output model stores it. */
export type OutputItem =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: MimeBundle; metadata: Record<string, unknown> };

export interface OutputTraits {
  outputs: OutputItem[];
  msg_id: string;
  _dom_classes: string[];
  tabbable: boolean | null;
  tooltip: string | null;
  layout: SubModelInit<SubModel>;
}

/** What `display` in a cell returns: a handle that replaces the shown value. */
interface Handle {
  readonly displayId: string;
  update(value: unknown): void;
}

const CONSOLE_STREAMS = { log: "stdout", info: "stdout", debug: "stdout", warn: "stderr", error: "stderr" } as const;

export interface Output extends Omit<OutputTraits, "layout"> {}
export class Output extends Widget {
  declare layout: SubModel;
  /** Display ids of shown values → their position in `outputs`, for `handle.update`. */
  private readonly ids = new Map<string, number>();
  /** Appends wait for earlier ones (displays format asynchronously), so order is kept. */
  private tail: Promise<void> = Promise.resolve();

  constructor(options: Partial<OutputTraits> = {}) {
    super("OutputModel", options as WidgetInit);
  }

  appendStdout(text: string): void {
    this.appendStream("stdout", text);
  }

  appendStderr(text: string): void {
    this.appendStream("stderr", text);
  }

  /** Show a value (formatted as `display()` would) below what is there; resolves when shown. */
  appendDisplayData(value: unknown, displayId: string = randomUUID()): Promise<void> {
    this.tail = this.tail.then(async () => {
      const bundle = await toMimeBundle(value, { onError: (err, source) => this.appendStream("stderr", `display: ${source} failed (${String(err)})\n`) });
      const item: OutputItem = { output_type: "display_data", data: { ...bundle }, metadata: bundleMetadata(bundle) };
      const at = this.ids.get(displayId);
      const outputs = [...this.outputs];
      if (at !== undefined && at < outputs.length) outputs[at] = item;
      else {
        this.ids.set(displayId, outputs.length);
        outputs.push(item);
      }
      this.set("outputs", outputs);
    });
    return this.tail;
  }

  /** Remove every output. */
  clearOutput(): void {
    this.ids.clear();
    this.set("outputs", []);
  }

  /** Resolves when every pending append is in `outputs`. */
  flush(): Promise<void> {
    return this.tail;
  }

  /**
   * Run `fn` with console output and `display()` going to this widget (like `with out:` in Python).
   * An async `fn` keeps the redirection until it settles. Returns what `fn` returns.
   */
  capture<T>(fn: () => T): T {
    const restore = this.redirect();
    let result: T;
    try {
      result = fn();
    } catch (err) {
      restore();
      throw err;
    }
    if (result instanceof Promise) {
      return result.finally(async () => {
        restore();
        await this.flush();
      }) as T;
    }
    restore();
    return result;
  }

  private appendStream(name: "stdout" | "stderr", text: string): void {
    if (!text) return;
    // Streams wait behind pending displays, so output keeps the order it was written in.
    this.tail = this.tail.then(() => {
      const outputs = [...this.outputs];
      const last = outputs[outputs.length - 1];
      if (last && last.output_type === "stream" && last.name === name) outputs[outputs.length - 1] = { ...last, text: last.text + text };
      else outputs.push({ output_type: "stream", name, text });
      this.set("outputs", outputs);
    });
  }

  /** Point console methods and the display globals at this widget; returns the undo. */
  private redirect(): () => void {
    const g = globalThis as Record<string, unknown>;
    const saved = { display: g["display"], clearOutput: g["clearOutput"] };
    const con = console as unknown as Record<string, unknown>;
    const savedConsole = Object.fromEntries(Object.keys(CONSOLE_STREAMS).map((m) => [m, con[m]]));
    for (const [method, stream] of Object.entries(CONSOLE_STREAMS)) {
      con[method] = (...args: unknown[]) => this.appendStream(stream, formatArgs(args) + "\n");
    }
    const display = (value: unknown, options: { displayId?: string } = {}): Handle => {
      const displayId = options.displayId ?? randomUUID();
      void this.appendDisplayData(value, displayId);
      return { displayId, update: (next) => void this.appendDisplayData(next, displayId) };
    };
    display.update = (value: unknown, target: Handle | string) => {
      void this.appendDisplayData(value, typeof target === "string" ? target : target.displayId);
    };
    g["display"] = display;
    g["clearOutput"] = () => this.clearOutput();
    return () => {
      Object.assign(con, savedConsole);
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete g[k];
        else g[k] = v;
      }
    };
  }
}

/** util.format is what console.log uses: the same text in the widget as in a cell. */
function formatArgs(args: unknown[]): string {
  return format(...args);
}

defineTraits(Output, ["outputs", "msg_id", "_dom_classes", "tabbable", "tooltip", "layout"]);
