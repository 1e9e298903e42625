/**
 * A small but real MagicContext for tests: a Map-backed notebook scope, JavaScript evaluation
 * against it, and a runCell that runs magics through runMagicCell and anything else as an
 * async JavaScript function body (`return x` gives the cell's value). Not a mock: the magics
 * under test talk to it exactly as they talk to the kernel's execution host.
 */
import type { CellIO, DisplayOptions, ExecuteOutcome } from "../../src/kernel/types.js";
import type { MimeBundle } from "../../src/display/protocol.js";
import { runMagicCell, usageErrorOutcome, isUsageError, type MagicContext, type NotebookScope } from "../../src/magics/index.js";

export class MapScope implements NotebookScope {
  readonly vars = new Map<string, unknown>();
  get(name: string): unknown {
    return this.vars.get(name);
  }
  has(name: string): boolean {
    return this.vars.has(name);
  }
  set(name: string, value: unknown): void {
    this.vars.set(name, value);
  }
  names(): string[] {
    return [...this.vars.keys()];
  }
  /** A `with` target: reads and writes of free names go to the map. */
  proxy(reserved: readonly string[] = ["console", "display"]): object {
    return new Proxy(Object.create(null) as object, {
      has: (_t, key) =>
        typeof key === "string" && (this.vars.has(key) || (!(key in globalThis) && !reserved.includes(key))),
      get: (_t, key) => (typeof key === "string" ? this.vars.get(key) : undefined),
      set: (_t, key, value) => {
        if (typeof key === "string") this.vars.set(key, value);
        return true;
      },
    });
  }
}

export type Recorded =
  | { kind: "stdout" | "stderr"; text: string }
  | { kind: "display"; bundle: MimeBundle; options?: DisplayOptions }
  | { kind: "clear"; wait: boolean };

export class RecordingIO implements CellIO {
  readonly events: Recorded[] = [];
  stdout(text: string): void {
    this.events.push({ kind: "stdout", text });
  }
  stderr(text: string): void {
    this.events.push({ kind: "stderr", text });
  }
  display(bundle: MimeBundle, options?: DisplayOptions): void {
    this.events.push({ kind: "display", bundle, ...(options ? { options } : {}) });
  }
  clearOutput(wait = false): void {
    this.events.push({ kind: "clear", wait });
  }
  input(): Promise<string> {
    return Promise.reject(new Error("no stdin in tests"));
  }
  get out(): string {
    return this.events.flatMap((e) => (e.kind === "stdout" ? [e.text] : [])).join("");
  }
  get err(): string {
    return this.events.flatMap((e) => (e.kind === "stderr" ? [e.text] : [])).join("");
  }
}

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
  ...args: string[]
) => (...a: unknown[]) => Promise<unknown>;

export interface TestContext {
  ctx: MagicContext;
  io: RecordingIO;
  scope: MapScope;
  /** Run a cell like the kernel would: magics first, else JavaScript. */
  run(code: string, io?: CellIO): Promise<ExecuteOutcome>;
}

export function makeContext(cwd = process.cwd()): TestContext {
  const scope = new MapScope();
  const io = new RecordingIO();
  const controller = new AbortController();
  const consoleFor = (cellIO: CellIO): Pick<Console, "log" | "error"> => ({
    log: (...a: unknown[]) => cellIO.stdout(a.map(String).join(" ") + "\n"),
    error: (...a: unknown[]) => cellIO.stderr(a.map(String).join(" ") + "\n"),
  });
  const ctx: MagicContext = {
    io,
    scope,
    signal: controller.signal,
    cwd,
    async evaluate(expression: string): Promise<unknown> {
      const fn = new Function("__scope", `with (__scope) { return (${expression}); }`) as (s: object) => unknown;
      return await fn(scope.proxy());
    },
    runCell: (code, cellIO) => run(code, cellIO),
  };
  async function run(code: string, cellIO: CellIO = io): Promise<ExecuteOutcome> {
    const cellCtx: MagicContext = { ...ctx, io: cellIO };
    try {
      const magic = await runMagicCell(code, cellCtx);
      let value: unknown;
      if (magic.handled) value = magic.value;
      else {
        const display = (v: unknown): void => cellIO.display({ "text/plain": String(v) });
        const fn = new AsyncFunction("__scope", "console", "display", `with (__scope) { ${code} }`);
        value = await fn(scope.proxy(), consoleFor(cellIO), display);
      }
      if (value === undefined) return { status: "ok" };
      return { status: "ok", result: { "text/plain": String(value) } };
    } catch (err) {
      if (isUsageError(err)) return usageErrorOutcome(err);
      const e = err instanceof Error ? err : new Error(String(err));
      return { status: "error", ename: e.name, evalue: e.message, traceback: (e.stack ?? "").split("\n") };
    }
  }
  return { ctx, io, scope, run };
}
