/**
 * Headless notebook execution through the kernel's own execution host (the same code that
 * runs cells in Jupyter), in a child process, recording outputs as nbformat. What it promises
 * whatever a cell does (returns, writes the notebook, fails naming the cell): docs/execution.md.
 */
import { performance } from "node:perf_hooks";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { ExecuteOutcome, ExecutionHost } from "../types.js";
import { kernelInfoContent } from "../protocol/info.js";
import { notebookToHtml } from "./html.js";
import { joinSource, readNotebook, serializeNotebook, type CodeCell, type Notebook } from "./nbformat.js";
import { exportSecretParameters, hasTag, injectParameters, shownParameters, type ParameterValue } from "./parameters.js";
import { isKillable, startChildHost } from "./childHost.js";
import { NotebookRecorder } from "./recorder.js";
import { Watchdog } from "./watchdog.js";

export type HostFactory = (options: { cwd: string }) => Promise<ExecutionHost>;

export interface RunNotebookOptions {
  /** Directory the cells run in (relative paths, `import "./x"`); the notebook's own directory. */
  cwd: string;
  parameters?: Record<string, ParameterValue>;
  /** Time limit per cell in seconds (0 or undefined: none). */
  timeoutSeconds?: number;
  /** Defaults to the kernel's createExecutionHost. */
  createHost?: HostFactory;
  /** Progress lines ("[3/12] running cell 5: ..."); defaults to stderr. */
  progress?: (line: string) => void;
}

export interface CellFailure {
  /** 1-based position of the cell in the notebook (markdown cells count). */
  cellNumber: number;
  executionCount: number;
  ename: string;
  evalue: string;
  /** "Cell 4 (execution 3) failed: TypeError: ..." */
  message: string;
}

export interface RunResult {
  notebook: Notebook;
  ok: boolean;
  failure?: CellFailure;
  /** Code cells executed. */
  executed: number;
  seconds: number;
}

/**
 * Cells run in a child process (child.ts) with the kernel's execution host: the runner's timers
 * stay on time however busy the cell, and a cell that ignores interrupts, or ends its process,
 * is reported rather than taking the run down with it.
 */
export const defaultHostFactory: HostFactory = (options) => startChildHost(options);

function firstLine(source: string, width = 60): string {
  const line = source.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

function stamp(nb: Notebook, extra: Record<string, unknown>): void {
  const info = kernelInfoContent() as { language_info: Record<string, unknown> };
  nb.metadata = {
    ...nb.metadata,
    kernelspec: { name: "synthlab", display_name: "TypeScript (synthlab)", language: "typescript" },
    language_info: info.language_info,
    synthlab: { ...((nb.metadata.synthlab as Record<string, unknown> | undefined) ?? {}), ...extra },
  };
}

/**
 * Run every code cell in order. Stops at the first error (unless the cell is tagged
 * `raises-exception`); the returned notebook holds the outputs so far, including the error,
 * and the cells after it are left unexecuted.
 */
export async function runNotebook(input: Notebook, options: RunNotebookOptions): Promise<RunResult> {
  const nb = injectParameters(structuredClone(input), options.parameters ?? {});
  exportSecretParameters(options.parameters ?? {});
  const progress = options.progress ?? ((line: string) => void process.stderr.write(line + "\n"));
  const codeCells = nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
  for (const cell of codeCells) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  const started = new Date();
  const t0 = performance.now();
  const host = await (options.createHost ?? defaultHostFactory)({ cwd: options.cwd });
  const recorder = new NotebookRecorder();
  const timeoutMs = (options.timeoutSeconds ?? 0) * 1000;
  // A host on our own thread (one passed in as createHost) shares it with the cell, so a synchronous
  // loop would starve our timers: a worker thread's timer sends SIGINT instead.
  const watchdog = timeoutMs > 0 && !isKillable(host) ? new Watchdog() : undefined;
  // SIGINT (Ctrl-C, or the watchdog) interrupts the running cell. A second Ctrl-C in the same cell
  // stops a child-process host for good (it is killed; the run ends and writes the notebook).
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1 && isKillable(host)) host.kill(errorOutcome("Interrupted", "the cell was interrupted twice and stopped"));
    else host.interrupt();
  };
  process.on("SIGINT", onSigint);
  let failure: CellFailure | undefined;
  let executed = 0;
  const toRun = codeCells.filter((c) => joinSource(c.source).trim() !== "");
  try {
    for (const cell of toRun) {
      const cellNumber = nb.cells.indexOf(cell) + 1;
      const executionCount = ++executed;
      progress(`[${executionCount}/${toRun.length}] running cell ${cellNumber}: ${firstLine(joinSource(cell.source))}`);
      cell.execution_count = executionCount;
      const io = recorder.cellIO(cell.outputs);
      const begin = new Date();
      const cellStart = performance.now();
      interrupts = 0;
      watchdog?.arm(timeoutMs);
      let outcome: ExecuteOutcome = await executeWithDeadline(
        host,
        {
          code: joinSource(cell.source),
          silent: false,
          storeHistory: true,
          userExpressions: {},
          allowStdin: false,
          executionCount,
        },
        io,
        timeoutMs,
      );
      watchdog?.disarm();
      const elapsed = performance.now() - cellStart;
      if (timeoutMs > 0 && elapsed >= timeoutMs && outcome.status !== "ok" && !isTimeout(outcome)) {
        const base = outcome.status === "error" ? outcome.traceback : [];
        const timedOut = timeoutOutcome(timeoutMs);
        outcome = { ...timedOut, traceback: [...base, ...timedOut.traceback] };
      } else if (outcome.status === "aborted") {
        outcome = errorOutcome("Interrupted", "the cell was interrupted");
      }
      io.finish(outcome, executionCount);
      cell.metadata = {
        ...cell.metadata,
        execution: { "iopub.execute_input": begin.toISOString(), "shell.execute_reply": new Date().toISOString() },
      };
      if (outcome.status === "error" && !hasTag(cell, "raises-exception")) {
        const evalue = outcome.evalue.split("\n")[0] ?? "";
        failure = {
          cellNumber,
          executionCount,
          ename: outcome.ename,
          evalue: outcome.evalue,
          message: `Cell ${cellNumber} (execution ${executionCount}) failed: ${outcome.ename}: ${evalue}`,
        };
        break;
      }
    }
  } finally {
    process.off("SIGINT", onSigint);
    await watchdog?.stop();
    await host.shutdown();
  }
  const seconds = (performance.now() - t0) / 1000;
  stamp(nb, {
    parameters: shownParameters(options.parameters ?? {}),
    started: started.toISOString(),
    finished: new Date().toISOString(),
    duration_s: Math.round(seconds * 1000) / 1000,
    status: failure ? "failed" : "ok",
    ...(failure ? { failure: failure.message } : {}),
  });
  return { notebook: nb, ok: !failure, ...(failure ? { failure } : {}), executed, seconds };
}

type ErrorOutcome = Extract<ExecuteOutcome, { status: "error" }>;

function errorOutcome(ename: string, evalue: string): ErrorOutcome {
  return { status: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

function timeoutOutcome(timeoutMs: number, how = ""): ErrorOutcome {
  return errorOutcome("TimeoutError", `cell did not finish within ${timeoutMs / 1000} s (--timeout)${how}`);
}

const isTimeout = (outcome: ExecuteOutcome): boolean => outcome.status === "error" && outcome.ename === "TimeoutError";

/** After the time limit, a cell in a child process has this long to stop when interrupted; then it is killed. */
const KILL_AFTER_MS = 5000;
/** An in-process cell that awaits past its interrupt is given up on after this long (it cannot be killed). */
const GIVE_UP_AFTER_MS = 10_000;

/**
 * host.execute under the per-cell time limit. At the limit the cell is interrupted (SIGINT), again
 * every second (an interrupt that lands while the cell is still being compiled stops nothing);
 * if it still runs KILL_AFTER_MS later, a child-process host is killed and the cell gets a
 * TimeoutError. Our timers are reliable there because no user code runs on this thread.
 */
async function executeWithDeadline(
  host: ExecutionHost,
  request: Parameters<ExecutionHost["execute"]>[0],
  io: Parameters<ExecutionHost["execute"]>[1],
  timeoutMs: number,
): Promise<ExecuteOutcome> {
  // A host that throws instead of answering with an error outcome still gets a recorded error.
  const run = host.execute(request, io).catch((err: unknown): ExecuteOutcome => {
    const e = err instanceof Error ? err : new Error(String(err));
    return { status: "error", ename: e.name, evalue: e.message, traceback: (e.stack ?? `${e.name}: ${e.message}`).split("\n") };
  });
  if (timeoutMs <= 0) return run;
  const timers: NodeJS.Timeout[] = [];
  const giveUp = new Promise<ExecuteOutcome>((done) => {
    timers.push(
      setTimeout(() => {
        host.interrupt();
        timers.push(setInterval(() => host.interrupt(), 1000));
        if (isKillable(host)) {
          timers.push(setTimeout(() => host.kill(timeoutOutcome(timeoutMs, "; it did not stop when interrupted, so its process was ended")), KILL_AFTER_MS));
        } else {
          timers.push(setTimeout(() => done(timeoutOutcome(timeoutMs, "; it did not stop when interrupted")), GIVE_UP_AFTER_MS));
        }
      }, timeoutMs),
    );
  });
  try {
    return await Promise.race([run, giveUp]);
  } finally {
    for (const t of timers) clearTimeout(t);
  }
}

export interface RunFileOptions extends Omit<RunNotebookOptions, "cwd"> {
  /** Where to write the executed notebook. */
  out?: string;
  /** Where to write the HTML page. */
  html?: string;
}

/** Read, run, and write the executed notebook and HTML page (also when a cell failed). */
export async function runNotebookFile(path: string, options: RunFileOptions = {}): Promise<RunResult> {
  const absolute = resolve(path);
  const input = await readNotebook(absolute);
  const result = await runNotebook(input, { ...options, cwd: dirname(absolute) });
  if (options.out) {
    await mkdir(dirname(resolve(options.out)), { recursive: true });
    await writeFile(options.out, serializeNotebook(result.notebook), "utf8");
  }
  if (options.html) {
    const params = Object.entries(shownParameters(options.parameters ?? {})).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    const subtitle =
      `${basename(path)} · run ${new Date().toISOString().slice(0, 19).replace("T", " ")} UTC · ${result.seconds.toFixed(1)} s` +
      (params.length ? ` · parameters: ${params.join(", ")}` : "") +
      (result.failure ? ` · ${result.failure.message}` : "");
    await mkdir(dirname(resolve(options.html)), { recursive: true });
    await writeFile(options.html, notebookToHtml(result.notebook, { name: basename(path), subtitle }), "utf8");
  }
  return result;
}

