/**
 * `%%capture [name]`: run the body with its stdout, stderr and displays captured into a
 * CapturedOutput (bound to `name` in the notebook when given) instead of shown.
 */
import type { CellIO, DisplayOptions } from "../types.js";
import { displaySymbol, type MimeBundle } from "../../display/protocol.js";
import { escapeHtml } from "../../display/format.js";
import { MagicUsageError, type MagicDefinition } from "../types.js";
import { IDENTIFIER, outcomeValue } from "./util.js";

export interface CapturedDisplay {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  displayId?: string;
}

/** What `%%capture name` leaves in `name`. */
export class CapturedOutput {
  stdout = "";
  stderr = "";
  /** Displays and the body's result, in order. */
  outputs: CapturedDisplay[] = [];

  /**
   * Show the captured output again. In a notebook cell call `.show()`: streams go through
   * process.stdout/stderr and displays through the notebook's `display()`, which the kernel
   * routes to the current cell. Pass a CellIO to replay into it directly.
   */
  show(io?: Pick<CellIO, "stdout" | "stderr" | "display">): void {
    const out = io ?? globalIO();
    if (this.stdout) out.stdout(this.stdout);
    if (this.stderr) out.stderr(this.stderr);
    for (const o of this.outputs) out.display(o.data, { metadata: o.metadata });
  }

  [displaySymbol](): MimeBundle {
    const plain: string[] = [];
    const html: string[] = [];
    if (this.stdout) {
      plain.push(this.stdout);
      html.push(`<pre>${escapeHtml(this.stdout)}</pre>`);
    }
    if (this.stderr) {
      plain.push(this.stderr);
      html.push(`<pre style="background:#fdd">${escapeHtml(this.stderr)}</pre>`);
    }
    for (const o of this.outputs) {
      const text = o.data["text/plain"];
      if (typeof text === "string") plain.push(text);
      const h = o.data["text/html"];
      const png = o.data["image/png"];
      if (typeof h === "string") html.push(h);
      else if (typeof png === "string") html.push(`<img src="data:image/png;base64,${png}">`);
      else if (typeof text === "string") html.push(`<pre>${escapeHtml(text)}</pre>`);
    }
    if (plain.length === 0) plain.push("<CapturedOutput: empty>");
    return { "text/plain": plain.join("\n"), "text/html": `<div>${html.join("\n")}</div>` };
  }
}


/** Fallback output channels for show(): the process streams and the notebook's display(). */
function globalIO(): Pick<CellIO, "stdout" | "stderr" | "display"> {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    display: (bundle) => {
      const display = (globalThis as { display?: unknown }).display;
      const shown = { [displaySymbol]: () => bundle };
      if (typeof display === "function") (display as (v: unknown) => void)(shown);
      else process.stdout.write(String(bundle["text/plain"] ?? "") + "\n");
    },
  };
}

/** A CellIO that records into `captured`, passing through what the options leave uncaptured. */
function capturingIO(outer: CellIO, captured: CapturedOutput, opts: { stdout: boolean; stderr: boolean; display: boolean }): CellIO {
  let clearPending = false;
  const clearNow = (): void => {
    captured.stdout = "";
    captured.stderr = "";
    captured.outputs = [];
    clearPending = false;
  };
  const beforeOutput = (): void => {
    if (clearPending) clearNow();
  };
  return {
    stdout(text) {
      if (!opts.stdout) return outer.stdout(text);
      beforeOutput();
      captured.stdout += text;
    },
    stderr(text) {
      if (!opts.stderr) return outer.stderr(text);
      beforeOutput();
      captured.stderr += text;
    },
    display(bundle: MimeBundle, options?: DisplayOptions) {
      if (!opts.display) return outer.display(bundle, options);
      if (options?.update) {
        for (const o of captured.outputs) {
          if (options.displayId !== undefined && o.displayId === options.displayId) {
            o.data = bundle;
            o.metadata = options.metadata ?? {};
          }
        }
        return;
      }
      beforeOutput();
      captured.outputs.push({
        data: bundle,
        metadata: options?.metadata ?? {},
        ...(options?.displayId !== undefined ? { displayId: options.displayId } : {}),
      });
    },
    clearOutput(wait) {
      if (!opts.display) outer.clearOutput(wait);
      if (wait) clearPending = true;
      else clearNow();
    },
    input: (prompt, password) => outer.input(prompt, password),
  };
}

const capture: MagicDefinition = {
  name: "capture",
  kind: "cell",
  description:
    "Run the cell and capture its stdout, stderr and displays instead of showing them. With NAME, the " +
    "CapturedOutput (fields stdout, stderr, outputs; method show()) is stored in that notebook variable.",
  positionals: [{ name: "name", help: "Notebook variable to store the captured output in." }],
  options: [
    { name: "no-stdout", type: "boolean", help: "Do not capture stdout (show it as usual)." },
    { name: "no-stderr", type: "boolean", help: "Do not capture stderr (show it as usual)." },
    { name: "no-display", type: "boolean", help: "Do not capture displays and the result (show them as usual)." },
  ],
  examples: ["%%capture out\nconsole.log(\"noisy\");\n\n// later: out.stdout, out.show()"],
  async run(args, body, ctx) {
    const name = typeof args.name === "string" ? args.name : undefined;
    if (name !== undefined && !IDENTIFIER.test(name)) {
      throw new MagicUsageError(`%%capture: ${JSON.stringify(name)} is not a valid variable name. See %%capture?`);
    }
    const captured = new CapturedOutput();
    const opts = { stdout: !args["no-stdout"], stderr: !args["no-stderr"], display: !args["no-display"] };
    const io = capturingIO(ctx.io, captured, opts);
    let outcome;
    try {
      outcome = await ctx.runCell(body ?? "", io);
    } finally {
      if (name !== undefined) ctx.scope.set(name, captured);
    }
    if (outcome.status === "ok" && outcome.result) {
      io.display(outcome.result);
      return undefined;
    }
    return outcomeValue(outcome);
  },
};

export default capture;
