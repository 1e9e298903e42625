/**
 * Error outcomes: runtime errors with tracebacks mapped to cell lines, TypeScript diagnostics,
 * and interrupts.
 */
import { inspect } from "node:util";
import type { ExecuteOutcome } from "../types.js";
import type { Diagnostic } from "./converter.js";
import { installHint } from "./modules.js";
import { composeLookup, SourceMap } from "./sourcemap.js";

type ErrorOutcome = Extract<ExecuteOutcome, { status: "error" }>;

/** What we keep per compiled cell to map its stack frames (bounded, see CellRegistry). */
export interface CellRecord {
  /** The vm filename V8 prints in stack frames. */
  filename: string;
  /** Shown in tracebacks, e.g. "Cell [3]". */
  label: string;
  source: string;
  /** Last compile step first. */
  maps: SourceMap[];
  /** Lines added in front of the generated code by the function wrapper. */
  headerLines: number;
  /** Lines of generated code; frames below them are the wrapper's own call. */
  codeLines: number;
}

/** Keeps the last `limit` cells' maps; functions defined in older cells lose line mapping only. */
export class CellRegistry {
  private readonly cells = new Map<string, CellRecord>();

  constructor(private readonly limit = 200) {}

  add(record: CellRecord): void {
    this.cells.delete(record.filename);
    this.cells.set(record.filename, record);
    while (this.cells.size > this.limit) {
      const oldest = this.cells.keys().next().value as string;
      this.cells.delete(oldest);
    }
  }

  get(filename: string): CellRecord | undefined {
    return this.cells.get(filename);
  }
}

export class InterruptedError extends Error {
  override name = "KeyboardInterrupt";
  constructor() {
    super("Execution interrupted");
  }
}

export function isInterrupt(err: unknown): boolean {
  if (err instanceof InterruptedError) return true;
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED";
}

export function interruptOutcome(): ErrorOutcome {
  return {
    status: "error",
    ename: "KeyboardInterrupt",
    evalue: "Execution interrupted",
    traceback: ["KeyboardInterrupt: Execution interrupted"],
  };
}

const MAX_DIAGNOSTICS = 20;

/** Cannot find module (2307), or only its types (7016 is off: no noImplicitAny): say how to install it. */
const MISSING_MODULE = new Set([2307, 2792]);

function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.fileName ? `${d.fileName} ` : ""}${d.start.line + 1}:${d.start.character + 1}`;
  const missing = MISSING_MODULE.has(d.code) ? /^Cannot find module '([^']+)'/.exec(d.messageText)?.[1] : undefined;
  if (missing !== undefined) return `${where} - Cannot find module '${missing}'. ${installHint(missing)}`;
  return `${where} - ${d.messageText}`;
}

/** TypeScript diagnostics as one error outcome, each as `line:col - message` in cell coordinates. */
export function diagnosticsOutcome(diagnostics: readonly Diagnostic[], label: string): ErrorOutcome {
  const all = [...new Set(diagnostics.map(formatDiagnostic))];
  // One mistake can cascade into hundreds of messages; the first ones are the useful ones.
  const lines = all.length > MAX_DIAGNOSTICS ? [...all.slice(0, MAX_DIAGNOSTICS), `... and ${all.length - MAX_DIAGNOSTICS} more`] : all;
  return {
    status: "error",
    ename: "TSError",
    evalue: lines[0] ?? "compile error",
    traceback: [`TSError: ${label} does not compile:`, ...lines.map((l) => `  ${l}`)],
  };
}

const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

/** Frames of our own machinery (the vm call, this package's execution layer) are noise to users. */
function isInternalFrame(file: string): boolean {
  return (
    file.startsWith("node:") ||
    /[\\/](src|dist)[\\/]kernel[\\/]execution[\\/]/.test(file) ||
    file.includes(`${"node_modules"}/vitest`) ||
    file.includes("node_modules/@vitest")
  );
}

function mapFrame(
  cells: CellRegistry,
  file: string,
  line: number,
  column: number,
): { cell: CellRecord; line: number; column: number } | undefined {
  const cell = cells.get(file);
  if (!cell) return undefined;
  const generated = { line: line - 1 - cell.headerLines, column: column - 1 };
  if (generated.line < 0 || generated.line >= cell.codeLines) return undefined;
  const src = composeLookup(cell.maps, generated);
  if (!src) return undefined;
  return { cell, line: src.line + 1, column: src.column + 1 };
}

/** A runtime error as an outcome, with stack frames from cells rewritten to cell line numbers. */
export function runtimeErrorOutcome(err: unknown, cells: CellRegistry): ErrorOutcome {
  if (isInterrupt(err)) return interruptOutcome();
  if (!(err instanceof Error) && !(typeof err === "object" && err !== null && "stack" in err && "message" in err)) {
    // `throw "text"` and friends: no stack to map.
    const evalue = typeof err === "string" ? err : inspect(err, { colors: false, depth: 2 });
    return { status: "error", ename: "Uncaught", evalue, traceback: [`Uncaught ${evalue}`] };
  }
  const e = err as Error;
  const ename = e.name || e.constructor?.name || "Error";
  const evalue = String(e.message ?? "");
  const traceback = [`${ename}: ${evalue}`];
  const stack = typeof e.stack === "string" ? e.stack.split("\n") : [];
  let excerpt: string[] | undefined;
  const frames: { text: string; cell: boolean }[] = [];
  for (const raw of stack) {
    const m = FRAME.exec(raw);
    if (!m) continue;
    const [, fn, file, lineText, colText] = m;
    const mapped = mapFrame(cells, file!, Number(lineText), Number(colText));
    if (mapped) {
      const where = `${mapped.cell.label}, line ${mapped.line}:${mapped.column}`;
      // Earlier cells' functions are called as `exports.f()` on the scope proxy: drop the receiver.
      const name = fn?.replace(/^async /, "").replace(/^(Proxy|Object)\./, "");
      frames.push({ text: name && name !== "eval" ? `    at ${name} (${where})` : `    at ${where}`, cell: true });
      excerpt ??= codeExcerpt(mapped.cell, mapped.line);
      continue;
    }
    if (isInternalFrame(file!) || cells.get(file!)) continue;
    frames.push({ text: raw.replace(/^\s*/, "    "), cell: false });
  }
  // Frames below the outermost cell frame belong to whoever called the host (kernel, runner, tests).
  let last = frames.length - 1;
  while (last >= 0 && !frames[last]!.cell) last--;
  traceback.push(...(last >= 0 ? frames.slice(0, last + 1) : frames).map((f) => f.text));
  if (excerpt) traceback.push("", ...excerpt);
  return { status: "error", ename, evalue, traceback };
}

/** The failing line with one line of context around it, IPython style ("---->" marks it). */
function codeExcerpt(cell: CellRecord, line: number): string[] {
  const lines = cell.source.split("\n");
  const out = [`${cell.label}:`];
  const width = String(Math.min(lines.length, line + 1)).length;
  for (let l = Math.max(1, line - 1); l <= Math.min(lines.length, line + 1); l++) {
    const mark = l === line ? "----> " : "      ";
    out.push(`${mark}${String(l).padStart(width)} ${lines[l - 1]}`);
  }
  return out;
}
