/**
 * Cell output plumbing.
 *
 * CellOutput wraps the protocol layer's CellIO for one cell and keeps outputs in call order:
 * `display(x)` needs an async step (formatters may render a chart), so writes issued after a
 * pending display wait for it instead of overtaking it.
 *
 * OutputRouter is process-wide (console is global): while a cell runs, console methods and
 * process.stdout/stderr writes go to the innermost running cell; console output that arrives
 * after a cell finished (timers, unawaited promises) goes to the most recent cell, as in IPython.
 */
import { Console } from "node:console";
import { randomUUID } from "node:crypto";
import type { MimeBundle } from "../../display/protocol.js";
import type { CellIO, DisplayOptions } from "../types.js";

export interface DisplayHandle {
  readonly displayId: string;
  /** Replace this output in place (update_display_data). */
  update(value: unknown): void;
}

const MIME_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

/**
 * `display(bundle, { raw: true })`: the value is already a MIME bundle (IPython's `raw=True`,
 * Deno's `{ raw: true }`) and is sent as given. Checked here, synchronously, so a mistake is an
 * error in the calling cell rather than a broken output.
 */
export function rawBundle(value: unknown): MimeBundle {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("display(value, { raw: true }): value must be a MIME bundle object, e.g. { \"text/html\": \"<b>hi</b>\" }.");
  }
  const keys = Object.keys(value);
  const bad = keys.find((k) => !MIME_TYPE.test(k));
  if (keys.length === 0 || bad !== undefined) {
    throw new TypeError(
      `display(value, { raw: true }): ${bad === undefined ? "the bundle is empty" : `${JSON.stringify(bad)} is not a MIME type`}; keys are MIME types such as "text/plain" or "image/png".`,
    );
  }
  return { ...(value as MimeBundle) };
}

export type BundleFormatter = (value: unknown, onError: (err: unknown, source: string) => void) => Promise<MimeBundle>;

export class CellOutput implements CellIO {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    private readonly target: CellIO,
    private readonly format: BundleFormatter,
  ) {}

  stdout(text: string): void {
    this.run(() => this.target.stdout(text));
  }

  stderr(text: string): void {
    this.run(() => this.target.stderr(text));
  }

  display(bundle: MimeBundle, options?: DisplayOptions): void {
    this.run(() => this.target.display(bundle, options));
  }

  clearOutput(wait?: boolean): void {
    this.run(() => this.target.clearOutput(wait));
  }

  async input(prompt: string, password: boolean): Promise<string> {
    await this.flush();
    return this.target.input(prompt, password);
  }

  /** Format a value (async) and display it in order with the other outputs. */
  showValue(
    value: unknown,
    options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown>; raw?: boolean } = {},
  ): DisplayHandle {
    const displayId = options.displayId ?? randomUUID();
    const bundle = options.raw
      ? Promise.resolve(rawBundle(value))
      : this.format(value, (err, source) => {
          const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
          this.target.stderr(`display: ${source} failed (${text}); showing text/plain instead.\n`);
        });
    const opts: DisplayOptions = { displayId, ...(options.update ? { update: true } : {}), ...(options.metadata ? { metadata: options.metadata } : {}) };
    this.enqueue(async () => this.target.display(await bundle, opts));
    return {
      displayId,
      update: (next: unknown) => void this.showValue(next, { displayId, update: true, ...(options.raw ? { raw: true } : {}) }),
    };
  }

  /** Resolves when every queued output has been handed to the protocol layer. */
  flush(): Promise<void> {
    return this.tail;
  }

  private run(op: () => void): void {
    if (this.queued === 0) op();
    else this.enqueue(op);
  }

  private enqueue(op: () => void | Promise<void>): void {
    this.queued++;
    this.tail = this.tail
      .then(op)
      .catch((err: unknown) => {
        try {
          this.target.stderr(`output failed: ${err instanceof Error ? err.message : String(err)}\n`);
        } catch {
          // The front end is gone; nothing left to tell.
        }
      })
      .finally(() => {
        this.queued--;
      });
  }
}

type ConsoleMethod =
  | "log" | "info" | "debug" | "warn" | "error" | "trace" | "dir" | "dirxml" | "table"
  | "group" | "groupCollapsed" | "groupEnd" | "count" | "countReset" | "time" | "timeEnd" | "timeLog" | "assert";

const CONSOLE_METHODS: readonly ConsoleMethod[] = [
  "log", "info", "debug", "warn", "error", "trace", "dir", "dirxml", "table",
  "group", "groupCollapsed", "groupEnd", "count", "countReset", "time", "timeEnd", "timeLog", "assert",
];

type Write = typeof process.stdout.write;

class OutputRouter {
  private readonly stack: CellOutput[] = [];
  private last: CellOutput | undefined;
  private users = 0;
  private savedConsole: Partial<Record<ConsoleMethod, unknown>> = {};
  private savedWrites: { out: Write; err: Write } | undefined;

  /** The innermost running cell, else the most recent one. */
  current(): CellOutput | undefined {
    return this.stack[this.stack.length - 1] ?? this.last;
  }

  /** Called by each host at creation; hooks console once per process. */
  acquire(): void {
    if (this.users++ > 0) return;
    // Console only needs write() plus the listener methods it calls around each write.
    const sink = (stream: "stdout" | "stderr") => ({
      write: (chunk: string | Uint8Array): boolean => {
        this.forward(stream, typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
      },
      once: () => undefined,
      on: () => undefined,
      removeListener: () => undefined,
      listenerCount: () => 0,
    });
    const captured = new Console({
      stdout: sink("stdout") as unknown as NodeJS.WritableStream,
      stderr: sink("stderr") as unknown as NodeJS.WritableStream,
      colorMode: false,
    });
    const target = console as unknown as Record<ConsoleMethod, unknown>;
    const source = captured as unknown as Record<ConsoleMethod, (...args: unknown[]) => void>;
    for (const m of CONSOLE_METHODS) {
      this.savedConsole[m] = target[m];
      target[m] = source[m].bind(captured);
    }
  }

  /** Called at host shutdown; the last one restores the console. */
  release(): void {
    if (this.users === 0 || --this.users > 0) return;
    const target = console as unknown as Record<ConsoleMethod, unknown>;
    for (const m of CONSOLE_METHODS) target[m] = this.savedConsole[m];
    this.savedConsole = {};
    this.last = undefined;
  }

  /** A cell starts: it becomes the output target; process writes are captured while any cell runs. */
  enter(out: CellOutput): void {
    this.stack.push(out);
    this.last = out;
    if (this.stack.length === 1) this.hookProcessWrites();
  }

  exit(out: CellOutput): void {
    const i = this.stack.lastIndexOf(out);
    if (i >= 0) this.stack.splice(i, 1);
    if (this.stack.length === 0) this.unhookProcessWrites();
  }

  private forwarding = false;

  /**
   * Send text to the current cell. Re-entrant writes (a CellIO that itself logs to the console or
   * process.stdout) go to the real stream instead of recursing.
   */
  private forward(stream: "stdout" | "stderr", text: string): void {
    const out = this.current();
    if (!out || this.forwarding) {
      (stream === "stdout" ? this.originalStdout() : this.originalStderr())(text);
      return;
    }
    this.forwarding = true;
    try {
      out[stream](text);
    } finally {
      this.forwarding = false;
    }
  }

  private originalStdout(): (text: string) => void {
    const w = this.savedWrites?.out ?? process.stdout.write;
    return (text) => void w.call(process.stdout, text);
  }

  private originalStderr(): (text: string) => void {
    const w = this.savedWrites?.err ?? process.stderr.write;
    return (text) => void w.call(process.stderr, text);
  }

  // Direct process.stdout.write calls are captured only while a cell runs: outside cells the
  // protocol layer and Node itself may write to the real streams (e.g. worker stdio piping).
  private hookProcessWrites(): void {
    if (this.savedWrites) return;
    this.savedWrites = { out: process.stdout.write, err: process.stderr.write };
    const hook = (stream: "stdout" | "stderr"): Write =>
      ((chunk: string | Uint8Array, encodingOrCb?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void): boolean => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
        this.forward(stream, text);
        const done = typeof encodingOrCb === "function" ? encodingOrCb : cb;
        if (done) process.nextTick(done);
        return true;
      }) as Write;
    process.stdout.write = hook("stdout");
    process.stderr.write = hook("stderr");
  }

  private unhookProcessWrites(): void {
    if (!this.savedWrites) return;
    process.stdout.write = this.savedWrites.out;
    process.stderr.write = this.savedWrites.err;
    this.savedWrites = undefined;
  }
}

export const router = new OutputRouter();

export { CONSOLE_METHODS };
