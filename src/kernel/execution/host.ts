/**
 * The execution host: compiles TypeScript cells (see converter.ts: one source file per cell in
 * one language service), runs them on this thread with `vm.runInThisContext({ breakOnSigint: true })`,
 * hands magic cells to src/magics, and turns values into MIME bundles through src/display.
 *
 * Notebook variables live in one object (`locals`): the compiler rewrites references to earlier
 * cells' declarations into `exports.<name>`, and we pass `locals` (behind a proxy) as `exports`.
 */
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { toMimeBundle } from "../../display/mime.js";
import { registerBuiltinFormatters } from "../../builtinFormatters.js";
import type { MagicContext, NotebookScope } from "../../magics/types.js";
import type {
  CellIO,
  CompleteResult,
  ExecuteOutcome,
  ExecuteRequest,
  ExecutionHost,
  InspectResult,
  IsCompleteResult,
} from "../types.js";
import { hasSyntaxErrors, isCompleteCode } from "./cellSyntax.js";
import { createCellConverter, splitSourceMaps, type CellConverter, type ConvertResult } from "./converter.js";
import {
  CellRegistry,
  diagnosticsOutcome,
  InterruptedError,
  interruptOutcome,
  isInterrupt,
  runtimeErrorOutcome,
} from "./errors.js";
import { GLOBALS_DTS, GLOBALS_MODULE, installGlobals } from "./globals.js";
import { CellOutput, router } from "./output.js";
import { codePointToUtf16, utf16ToCodePoint } from "./positions.js";
import { SourceMap } from "./sourcemap.js";
import { installHint, requireShipped } from "./modules.js";
import { IDENTIFIER } from "../../identifier.js";
import { intrinsicsGuard, restoredWarning, takeRepairedBetween } from "../intrinsics.js";

/** True when `err` is about `id` itself, not about something `id` requires in turn. */
function isMissing(err: unknown, id: string): boolean {
  return err instanceof Error && err.message.startsWith(`Cannot find module '${id}'`);
}

type MagicsModule = typeof import("../../magics/index.js");

export interface ExecutionHostOptions {
  /** Directory that relative paths and module resolution start from (the notebook's). */
  cwd: string;
}

/** The running top-level cell's interrupt state; nested runs (magics' runCell) share it. */
interface ActiveRun {
  controller: AbortController;
  interrupted: Promise<never>;
  reject(err: Error): void;
}

const CELL_ARGS = Symbol.for("synthlab.cellArgs");
const WARM_UP_DELAY_MS = 0;
const LAST_EXPR = /^tsLastExpr\d*$/;

/** A TypeScript type for a value set by a magic, so later cells type-check against it. */
function declaredType(value: unknown): string {
  switch (typeof value) {
    case "number":
      return "number";
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "bigint":
      return "bigint";
    default:
      return "any";
  }
}

export class TypeScriptExecutionHost implements ExecutionHost {
  private readonly cwd: string;
  private converterInstance: CellConverter | undefined;
  private readonly locals: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  private readonly exportsProxy: Record<string, unknown>;
  private readonly pendingDecls = new Map<string, string>();
  private readonly cells = new CellRegistry();
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, { exports: unknown }>();
  private readonly scope: NotebookScope;
  private magicsPromise: Promise<MagicsModule | undefined> | undefined;
  private active: ActiveRun | undefined;
  private readonly intrinsics = intrinsicsGuard();
  private nested = 0;
  private closed = false;

  constructor(options: ExecutionHostOptions) {
    // Cells display plain Vega-Lite specs and tables through the shipped formatters.
    void registerBuiltinFormatters();
    this.cwd = path.resolve(options.cwd);
    const locals = this.locals;
    // TypeScript emits `Object.defineProperty(exports, name, { get })` for re-exported imports;
    // store plain values so a later cell can reassign the name.
    this.exportsProxy = new Proxy(locals, {
      defineProperty(target, prop, attrs) {
        if (prop === "__esModule") return true;
        target[prop as string] = attrs.get ? (attrs.get as () => unknown)() : attrs.value;
        return true;
      },
    });
    this.scope = {
      get: (name) => locals[name],
      has: (name) => name in locals,
      set: (name, value, type) => {
        locals[name] = value;
        if (IDENTIFIER.test(name)) this.pendingDecls.set(name, type ?? declaredType(value));
      },
      names: () => Object.keys(locals).filter((n) => !LAST_EXPR.test(n)),
    };
    router.acquire();
    installGlobals();
    // Load the TypeScript engine and build the first program right away, in the background of
    // the user typing the first cell (it blocks this thread for ~1.5-2.5 s of CPU: lib and
    // @types/node are parsed). The socket worker thread answers kernel_info and the heartbeat
    // meanwhile, so start-up is not delayed; only a turn of the event loop is left first.
    this.warmTimer = setTimeout(() => void this.warmUp(), WARM_UP_DELAY_MS);
    this.warmTimer.unref();
  }

  private warmTimer: NodeJS.Timeout | undefined;

  /** Create the compiler and load the magics now (also done lazily by the first cell). */
  warmUp(): Promise<void> {
    clearTimeout(this.warmTimer);
    if (this.closed) return Promise.resolve();
    try {
      // The first program parses lib and @types/node; a first check resolves the common globals.
      if (!this.converterInstance) this.converter.convert("console.log(Math.max(1, [0].length), JSON.stringify({}), display);");
    } catch (err) {
      process.stderr.write(`synthlab: TypeScript warm-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    return this.magics().then(() => undefined);
  }

  /** Created by the warm-up or on first use: building the first program takes ~1.5 s. */
  private get converter(): CellConverter {
    if (this.closed) throw new Error("the execution host has been shut down.");
    if (!this.converterInstance) {
      this.converterInstance = createCellConverter(this.cwd);
      const diags = this.converterInstance.addModule(GLOBALS_MODULE, GLOBALS_DTS);
      if (diags.length) throw new Error(`internal: cell globals do not compile: ${diags[0]!.messageText}`);
    }
    return this.converterInstance;
  }

  /** src/magics, loaded lazily with the library magics; undefined if it cannot load. */
  private magics(): Promise<MagicsModule | undefined> {
    this.magicsPromise ??= (async () => {
      try {
        const mod = await import("../../magics/index.js");
        await mod.loadLibraryMagics();
        return mod;
      } catch (err) {
        process.stderr.write(`synthlab: magics unavailable: ${err instanceof Error ? err.message : String(err)}\n`);
        return undefined;
      }
    })();
    return this.magicsPromise;
  }

  async execute(request: ExecuteRequest, io: CellIO): Promise<ExecuteOutcome> {
    const out = new CellOutput(io, (value, onError) => toMimeBundle(value, { onError }));
    const outcome = await this.runCell(request.code, out, `Cell [${request.executionCount}]`);
    if (outcome.status === "ok" && Object.keys(request.userExpressions ?? {}).length) {
      outcome.userExpressions = await this.userExpressions(request.userExpressions);
    }
    return outcome;
  }

  /** Run code as a cell: magics or TypeScript. Nested calls (from magics) share the interrupt. */
  private async runCell(code: string, out: CellOutput, label: string): Promise<ExecuteOutcome> {
    const top = this.active === undefined;
    if (top) this.active = this.newActiveRun();
    const active = this.active!;
    router.enter(out);
    // Built-ins broken since the last cell (by a timer or a promise of an earlier cell) were put back
    // by the protocol when this request arrived (its own code needs them); say so in this cell.
    if (top) {
      const between = takeRepairedBetween();
      if (between.length) out.stderr(restoredWarning(between, true));
    }
    try {
      let value: unknown;
      // Every magic line starts with %: a cell without one does not wait for the magics, which the
      // warm-up loads after the TypeScript engine (a first cell sent early waits for less).
      const magics = code.includes("%") ? await this.magics() : undefined;
      if (magics && magics.isMagicCode(code)) {
        // An interrupt that came while the magics loaded: stop here (a magic that then returned at
        // once would win the race below against the already rejected `interrupted`).
        if (active.controller.signal.aborted) return interruptOutcome();
        try {
          const ctx = this.magicContext(out, active, label);
          const result = await Promise.race([magics.runMagicCell(code, ctx), active.interrupted]);
          value = result.value;
        } catch (err) {
          await out.flush();
          return this.magicErrorOutcome(err, magics);
        }
      } else {
        const ran = await this.runTypeScript(code, label, active);
        if (ran.status !== "ok") {
          await out.flush();
          return ran;
        }
        value = ran.value;
      }
      const outcome: ExecuteOutcome = { status: "ok" };
      if (value !== undefined) {
        outcome.result = await toMimeBundle(value, {
          onError: (err, source) =>
            out.stderr(`display: ${source} failed (${err instanceof Error ? err.message : String(err)}); showing text/plain instead.\n`),
        });
      }
      await out.flush();
      return outcome;
    } finally {
      if (top) this.repairIntrinsics(out);
      router.exit(out);
      if (top) this.active = undefined;
    }
  }

  /** See intrinsics.ts: a cell must not leave the kernel without the built-ins it runs on. */
  private repairIntrinsics(out: CellOutput): void {
    const restored = this.intrinsics.repair();
    if (restored.length) out.stderr(restoredWarning(restored));
  }

  private newActiveRun(): ActiveRun {
    let reject!: (err: Error) => void;
    const interrupted = new Promise<never>((_, rej) => (reject = rej));
    interrupted.catch(() => {}); // Only observed through Promise.race.
    return { controller: new AbortController(), interrupted, reject };
  }

  private magicErrorOutcome(err: unknown, magics: MagicsModule): ExecuteOutcome {
    if (isInterrupt(err)) return interruptOutcome();
    if (magics.isUsageError(err)) return magics.usageErrorOutcome(err);
    const tb = (err as { traceback?: unknown } | null)?.traceback;
    if (err instanceof Error && Array.isArray(tb) && tb.every((l) => typeof l === "string")) {
      return { status: "error", ename: err.name, evalue: err.message, traceback: tb as string[] };
    }
    return runtimeErrorOutcome(err, this.cells);
  }

  private magicContext(out: CellOutput, active: ActiveRun, label: string): MagicContext {
    return {
      io: out,
      scope: this.scope,
      evaluate: (expression) => this.evaluate(expression, active),
      runCell: (code, io) => {
        const inner = io instanceof CellOutput ? io : new CellOutput(io, (value, onError) => toMimeBundle(value, { onError }));
        return this.runCell(code, inner, `${label}.${++this.nested}`);
      },
      signal: active.controller.signal,
      cwd: this.cwd,
    };
  }

  /** Declarations for values that magics put into scope, so later cells can name them. */
  private flushPendingDecls(): void {
    if (this.pendingDecls.size === 0) return;
    const entries = [...this.pendingDecls].map(([name, type]) => ({ name, type }));
    this.pendingDecls.clear();
    if (this.converter.declare(entries).length === 0) return;
    // A declared type that does not resolve (a package the notebook lacks) must not lose the name.
    this.converter.declare(entries.map((e) => ({ name: e.name, type: "any" })));
  }

  private async runTypeScript(
    code: string,
    label: string,
    active: ActiveRun,
  ): Promise<{ status: "ok"; value: unknown } | Extract<ExecuteOutcome, { status: "error" }>> {
    let converted: ConvertResult;
    try {
      this.flushPendingDecls();
      converted = this.converter.convert(code);
    } catch (err) {
      // A built-in an earlier cell patched may be what broke the compiler: compile with the
      // originals (the cell still runs with the patches), so a cell that undoes the patch compiles.
      if (this.intrinsics.changed().length === 0) return this.compilerFailure(err);
      try {
        converted = this.intrinsics.withOriginals(() => {
          this.flushPendingDecls();
          return this.converter.convert(code);
        });
      } catch {
        return this.compilerFailure(err);
      }
    }
    if (converted.sideOutputs) {
      for (const side of converted.sideOutputs) {
        this.sideModules.delete(side.path);
        this.sideOutputs.set(side.path, splitSourceMaps(side.data).code);
      }
    }
    if (converted.diagnostics.length > 0) return diagnosticsOutcome(converted.diagnostics, label);
    // Declarations stick even if the cell throws: names assigned before the error stay usable.
    converted.commit();
    if (!converted.output) return { status: "ok", value: undefined };
    // A cell that loads modules waits for the magics' import (started by the warm-up) to settle: Node's
    // require() of an ES module that the loader is still loading asynchronously fails inside Node
    // ("Cannot read properties of undefined (reading 'getStatus')"), and the magics load the library.
    if (this.magicsPromise && /\brequire\(/.test(converted.output)) await Promise.race([this.magicsPromise, active.interrupted]).catch(() => undefined);
    // An interrupt that came while the cell compiled would be lost once its code runs (SIGINT stops only running code).
    if (active.controller.signal.aborted) return interruptOutcome();
    try {
      const value = await this.runConverted(converted, code, label, active);
      return { status: "ok", value };
    } catch (err) {
      if (err instanceof InterruptedError || isInterrupt(err)) return interruptOutcome();
      return runtimeErrorOutcome(err, this.cells);
    }
  }

  /**
   * The compiler itself threw (not a diagnostic of the cell). Left to itself this reads like a bug in
   * the cell; the usual cause is a built-in an earlier cell patched, so name those.
   */
  private compilerFailure(err: unknown): Extract<ExecuteOutcome, { status: "error" }> {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const changed = this.intrinsics.changed();
    const evalue = changed.length
      ? `The TypeScript compiler failed (${message}), even with the original built-ins; earlier cells patched ${changed.slice(0, 5).join(", ")}${changed.length > 5 ? ` and ${changed.length - 5} more` : ""}. Restart the kernel.`
      : `The TypeScript compiler failed (${message}). Restart the kernel; if this happens again, please report the cell.`;
    return { status: "error", ename: "CompilerError", evalue, traceback: [`CompilerError: ${evalue}`] };
  }

  /** Run converter output; returns the last expression's value. */
  private async runConverted(converted: ConvertResult, source: string, label: string, active: ActiveRun): Promise<unknown> {
    const { code, maps } = splitSourceMaps(converted.output!);
    const filename = path.join(this.cwd, `[synthlab ${label.replace(/[^\w.[\] ]/g, "")} ${Date.now().toString(36)}].ts`);
    this.cells.add({ filename, label, source, maps: maps.map((m) => new SourceMap(m)), headerLines: 1, codeLines: code.split("\n").length });
    // tslab flags top-level `await` expressions; a top-level `for await` loop needs the async wrapper too.
    const isAsync = converted.hasToplevelAwait || /\bfor\s+await\s*\(/.test(code);
    const wrapped =
      `(${isAsync ? "async " : ""}function (exports, require, module, __filename, __dirname) {\n` +
      `${code}\n}).apply(undefined, globalThis[Symbol.for("synthlab.cellArgs")])`;
    const g = globalThis as unknown as Record<symbol, unknown>;
    g[CELL_ARGS] = [this.exportsProxy, this.makeRequire(this.cwd), { exports: this.exportsProxy }, filename, this.cwd];
    const lastVar = converted.lastExpressionVar;
    try {
      let ret: unknown;
      try {
        ret = vm.runInThisContext(wrapped, {
          filename,
          breakOnSigint: true,
          importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
        });
      } finally {
        delete g[CELL_ARGS];
      }
      if (isAsync) await Promise.race([ret as Promise<unknown>, active.interrupted]);
      return lastVar ? this.locals[lastVar] : undefined;
    } finally {
      if (lastVar) delete this.locals[lastVar];
    }
  }

  /** `require` for cells: resolves from the notebook directory; serves compiled local .ts modules. */
  private makeRequire(dir: string): NodeJS.Require {
    const base = createRequire(path.join(dir, "__synthlab_cell__.js"));
    const load = (id: string): unknown => {
      if (id.startsWith(".") || path.isAbsolute(id)) {
        const full = path.resolve(dir, id);
        for (const candidate of [full, `${full}.js`, path.join(full, "index.js")]) {
          const cached = this.sideModules.get(candidate);
          if (cached) return cached.exports;
          const data = this.sideOutputs.get(candidate);
          if (data === undefined) continue;
          const mod = { exports: {} as unknown };
          this.sideModules.set(candidate, mod);
          const fn = vm.runInThisContext(
            `(function (exports, require, module, __filename, __dirname) {\n${data}\n})`,
            { filename: candidate },
          ) as (e: unknown, r: unknown, m: unknown, f: string, d: string) => void;
          fn(mod.exports, this.makeRequire(path.dirname(candidate)), mod, candidate, path.dirname(candidate));
          return mod.exports;
        }
      }
      try {
        return base(id);
      } catch (err) {
        if ((err as { code?: unknown } | null)?.code !== "MODULE_NOT_FOUND" || !isMissing(err, id)) throw err;
        // synthlab and the packages it ships resolve from any folder; the notebook's own node_modules came first.
        const shipped = requireShipped(id);
        if (shipped) return shipped.value;
        (err as Error).message = `Cannot find module '${id}'. ${installHint(id)}`;
        throw err;
      }
    };
    return Object.assign(load, { resolve: base.resolve, cache: base.cache, main: base.main, extensions: base.extensions }) as NodeJS.Require;
  }

  /** Evaluate an expression in the notebook (magics' `{expr}`), without changing declarations. */
  private async evaluate(expression: string, active?: ActiveRun): Promise<unknown> {
    this.flushPendingDecls();
    const converted = this.converter.convert(`(${expression}\n);`);
    if (converted.diagnostics.length > 0) {
      const d = converted.diagnostics[0]!;
      const err = new Error(`cannot evaluate {${expression}}: ${d.messageText}`);
      err.stack = `Error: ${err.message}`; // Where in the host this was raised is of no use to the user.
      throw err;
    }
    if (!converted.output) return undefined;
    return this.runConverted(converted, expression, "expression", active ?? this.newActiveRun());
  }

  private async userExpressions(expressions: Record<string, string>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [key, expr] of Object.entries(expressions)) {
      try {
        const value = await this.evaluate(expr);
        out[key] = { status: "ok", data: await toMimeBundle(value), metadata: {} };
      } catch (err) {
        const e = runtimeErrorOutcome(err, this.cells);
        out[key] = { status: "error", ename: e.ename, evalue: e.evalue, traceback: e.traceback };
      }
    }
    return out;
  }

  async complete(code: string, cursorPos: number): Promise<CompleteResult> {
    const pos = codePointToUtf16(code, cursorPos);
    const lineStart = code.lastIndexOf("\n", pos - 1) + 1;
    const head = code.slice(lineStart, pos);
    const magic = /^(\s*)(%%?)([A-Za-z0-9_-]*)$/.exec(head);
    if (magic) {
      const magics = await this.magics();
      const cellMagic = magic[2] === "%%";
      const names = (magics?.listMagics() ?? [])
        .filter((d) => (cellMagic ? d.kind !== "line" : d.kind !== "cell"))
        .map((d) => `${magic[2]}${d.name}`)
        .filter((n) => n.startsWith(`${magic[2]}${magic[3]}`))
        .sort();
      const start = lineStart + magic[1]!.length;
      return { matches: names, cursorStart: utf16ToCodePoint(code, start), cursorEnd: cursorPos, metadata: {} };
    }
    this.flushPendingDecls();
    // Magic lines inside TypeScript are blanked (same length), so the language service sees only TypeScript.
    const tsView = (await this.magics())?.blankMagicLines(code) ?? code;
    const info = this.converter.complete(tsView, pos);
    return {
      matches: info.candidates,
      cursorStart: utf16ToCodePoint(code, info.start),
      cursorEnd: utf16ToCodePoint(code, info.end),
      metadata: {},
    };
  }

  async inspect(code: string, cursorPos: number, _detailLevel: number): Promise<InspectResult> {
    const pos = codePointToUtf16(code, cursorPos);
    const help = await this.magicHelp(code, pos);
    if (help !== undefined) return { found: true, data: { "text/plain": help } };
    this.flushPendingDecls();
    const tsView = (await this.magics())?.blankMagicLines(code) ?? code;
    // A cursor right after an identifier (the usual "shift-tab" position) is one past its end.
    const info = this.converter.inspect(tsView, pos) ?? (pos > 0 ? this.converter.inspect(tsView, pos - 1) : undefined);
    if (!info || !info.displayParts) return { found: false, data: {} };
    const signature = info.displayParts.map((p) => p.text).join("");
    const docs = (info.documentation ?? []).map((p) => p.text).join("");
    const tags = (info.tags ?? []).map((t) => `@${t.name}${t.text ? ` ${t.text.map((p) => p.text).join("")}` : ""}`);
    const text = [signature, docs, ...tags].filter((s) => s !== "").join("\n");
    return { found: true, data: { "text/plain": text } };
  }

  /** A magic's help when the cursor is on a magic name at the start of a line (`%time`, `%%generate`). */
  private async magicHelp(code: string, pos: number): Promise<string | undefined> {
    const lineStart = code.lastIndexOf("\n", pos - 1) + 1;
    const lineEnd = code.indexOf("\n", pos);
    const line = code.slice(lineStart, lineEnd < 0 ? code.length : lineEnd);
    const m = /^\s*(%%?)([A-Za-z_][\w-]*)/.exec(line);
    if (!m || pos - lineStart > m[0].length) return undefined;
    const magics = await this.magics();
    const def = magics?.getMagic(m[2]!);
    return def ? magics!.formatHelp(def) : undefined;
  }

  async isComplete(code: string): Promise<IsCompleteResult> {
    const magics = await this.magics();
    if (magics?.isMagicCode(code)) return { status: "complete" };
    const r = isCompleteCode(code);
    if (!r.completed) return { status: "incomplete", indent: r.indent ?? "" };
    return hasSyntaxErrors(code) ? { status: "invalid" } : { status: "complete" };
  }

  /**
   * An error as Jupyter error fields, with frames of cells mapped to cell lines. For errors that
   * escape every cell (a throw in a timer, an unhandled rejection), which the kernel reports itself.
   */
  formatError(err: unknown): { ename: string; evalue: string; traceback: string[] } {
    const { ename, evalue, traceback } = runtimeErrorOutcome(err, this.cells);
    return { ename, evalue, traceback };
  }

  interrupt(): void {
    const active = this.active;
    if (!active) return; // Nothing runs: an interrupt must not leak into the next cell.
    active.controller.abort(new InterruptedError());
    active.reject(new InterruptedError());
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.warmTimer);
    this.interrupt();
    this.converterInstance?.close();
    this.converterInstance = undefined;
    router.release();
  }
}

export async function createExecutionHost(options: ExecutionHostOptions): Promise<ExecutionHost> {
  const cwd = path.resolve(options?.cwd ?? "");
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
    throw new Error(`createExecutionHost: cwd ${JSON.stringify(options?.cwd)} is not a directory; pass the notebook's folder.`);
  }
  return new TypeScriptExecutionHost({ ...options, cwd });
}
