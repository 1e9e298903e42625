/**
 * A small JavaScript ExecutionHost for runner tests, so the runner's recording, parameters,
 * nbformat and HTML are tested independently of the TypeScript engine (the CLI test runs the
 * real kernel host). Cells are JavaScript run by `vm` with breakOnSigint; top-level
 * `let/const/var name =` lines define notebook variables; `return x` gives the cell's value;
 * magics go through runMagicCell with a real MagicContext.
 */
import vm from "node:vm";
import type { CellIO, ExecuteOutcome, ExecuteRequest, ExecutionHost } from "../../src/kernel/types.js";
import { displaySymbol, type MimeBundle } from "../../src/display/protocol.js";
import { isUsageError, runMagicCell, usageErrorOutcome, type MagicContext } from "../../src/magics/index.js";
import { MapScope } from "../magics/helpers.js";

/** Synchronous when the value's display method is (so display order follows call order). */
function bundleOf(value: unknown): MimeBundle | Promise<MimeBundle> {
  if (typeof value === "object" && value !== null && displaySymbol in value) {
    return (value as { [displaySymbol](): MimeBundle | Promise<MimeBundle> })[displaySymbol]();
  }
  return { "text/plain": typeof value === "string" ? JSON.stringify(value) : String(value) };
}

export function createJsHost(options: { cwd: string }): Promise<ExecutionHost> {
  const scope = new MapScope();
  let controller = new AbortController();
  let rejectCurrent: ((err: Error) => void) | undefined;
  let shutdowns = 0;

  async function runCell(code: string, io: CellIO): Promise<ExecuteOutcome> {
    const ctx: MagicContext = {
      io,
      scope,
      cwd: options.cwd,
      signal: controller.signal,
      evaluate: async (expr) => vm.runInThisContext(`(function (__scope) { with (__scope) { return (${expr}); } })`)(scope.proxy([])),
      runCell,
    };
    try {
      const magic = await runMagicCell(code, ctx);
      let value: unknown;
      if (magic.handled) value = magic.value;
      else {
        const body = code.replace(/^(let|const|var)\s+([A-Za-z_$][\w$]*)\s*=/gm, "$2 =");
        const g = globalThis as Record<string, unknown>;
        g.__jsHostArgs = [
          scope.proxy(["console", "display", "clearOutput", "__args"]),
          {
            log: (...a: unknown[]) => io.stdout(a.map(String).join(" ") + "\n"),
            error: (...a: unknown[]) => io.stderr(a.map(String).join(" ") + "\n"),
          },
          (v: unknown, opts?: { displayId?: string; update?: boolean }) => {
            const b = bundleOf(v);
            if (b instanceof Promise) void b.then((x) => io.display(x, opts));
            else io.display(b, opts);
          },
          (wait?: boolean) => io.clearOutput(wait),
        ];
        const script = new vm.Script(
          `(async function (__scope, console, display, clearOutput) { with (__scope) { ${body}\n} }).apply(null, globalThis.__jsHostArgs)`,
          { filename: "cell.js" },
        );
        const running = script.runInThisContext({ breakOnSigint: true }) as Promise<unknown>;
        value = await Promise.race([
          running,
          new Promise((_, reject) => {
            rejectCurrent = reject;
          }),
        ]);
      }
      if (value === undefined) return { status: "ok" };
      return { status: "ok", result: await bundleOf(value) };
    } catch (err) {
      if (isUsageError(err)) return usageErrorOutcome(err);
      const e = err instanceof Error ? err : new Error(String(err));
      const interrupted = (e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED";
      const ename = interrupted ? "KeyboardInterrupt" : e.name;
      return { status: "error", ename, evalue: e.message, traceback: [`${ename}: ${e.message}`] };
    } finally {
      rejectCurrent = undefined;
    }
  }

  const host: ExecutionHost & { shutdowns(): number } = {
    execute: (request: ExecuteRequest, io: CellIO) => {
      controller = new AbortController();
      return runCell(request.code, io);
    },
    complete: async () => ({ matches: [], cursorStart: 0, cursorEnd: 0 }),
    inspect: async () => ({ found: false, data: {} }),
    isComplete: async () => ({ status: "unknown" }),
    interrupt() {
      controller.abort();
      rejectCurrent?.(Object.assign(new Error("interrupted"), { name: "KeyboardInterrupt" }));
    },
    shutdown: async () => {
      shutdowns++;
    },
    shutdowns: () => shutdowns,
  };
  return Promise.resolve(host);
}
