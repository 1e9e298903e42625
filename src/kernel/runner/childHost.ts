/**
 * The runner's side of child.ts: an ExecutionHost whose cells run in a forked process. The
 * runner's own event loop never runs user code, so its timers (--timeout) fire on time however
 * busy the machine or the cell, and it can kill a cell that ignores interrupts. When the process
 * ends during a cell (killed, crashed, or exited), the cell's execute resolves with an error that
 * says so; every later cell fails at once.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { CellIO, CompleteResult, ExecuteOutcome, ExecuteRequest, ExecutionHost, InspectResult, IsCompleteResult } from "../types.js";
import type { FromChild, ToChild } from "./childProtocol.js";

type ErrorOutcome = Extract<ExecuteOutcome, { status: "error" }>;

/** An ExecutionHost in another process, which the runner may kill. */
export interface KillableHost extends ExecutionHost {
  /** End the process now; the running cell (if any) gets `outcome` as its result. */
  kill(outcome: ErrorOutcome): void;
}

export function isKillable(host: ExecutionHost): host is KillableHost {
  return typeof (host as Partial<KillableHost>).kill === "function";
}

function errorOutcome(ename: string, evalue: string): ErrorOutcome {
  return { status: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

/** The compiled child.js next to this file, or child.ts (run through tsx) when running from source. */
function childModule(): { path: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith(".ts");
  const path = fileURLToPath(new URL(`./child.${fromSource ? "ts" : "js"}`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing: build with npx tsc -p tsconfig.build.json.`);
  // Resolved here: the child starts in the notebook's folder, where a bare "tsx" may not resolve.
  return { path, execArgv: fromSource ? ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href] : [] };
}

class ChildProcessHost implements KillableHost {
  private running: { id: number; io: CellIO; done(outcome: ExecuteOutcome): void } | undefined;
  private nextId = 0;
  /** Why the process ended, once it has; later cells fail with this. */
  private ended: ErrorOutcome | undefined;
  /** Set by kill(): the outcome the running cell gets when the process is gone. */
  private killedWith: ErrorOutcome | undefined;
  private readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => {
      this.onExit(code, signal);
      resolve();
    }));
    child.on("message", (message: FromChild) => this.onMessage(message));
    // Failed sends and kills surface as the exit above; without a listener they would throw here.
    child.on("error", () => undefined);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    const ended =
      this.killedWith ??
      errorOutcome("ProcessExit", `the process running the notebook ${how} during this cell; later cells cannot run.`);
    this.ended = errorOutcome("ProcessExit", `the process running the notebook ${how} in an earlier cell.`);
    const running = this.running;
    this.running = undefined;
    running?.done(ended);
  }

  private onMessage(message: FromChild): void {
    const running = this.running;
    switch (message.kind) {
      case "stdout":
      case "stderr":
        if (running?.id === message.id) running.io[message.kind](message.text);
        return;
      case "display":
        if (running?.id === message.id) running.io.display(message.bundle, message.options);
        return;
      case "clear-output":
        if (running?.id === message.id) running.io.clearOutput(message.wait);
        return;
      case "input":
        if (!running) return this.post({ kind: "input-reply", id: message.id, error: "no cell is running" });
        running.io.input(message.prompt, message.password).then(
          (value) => this.post({ kind: "input-reply", id: message.id, value }),
          (err: unknown) => this.post({ kind: "input-reply", id: message.id, error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      case "done":
        if (running?.id === message.id) {
          this.running = undefined;
          running.done(message.outcome);
        }
        return;
      default:
        return;
    }
  }

  private post(message: ToChild): void {
    if (this.child.connected) this.child.send(message, undefined, undefined, () => undefined);
  }

  execute(request: ExecuteRequest, io: CellIO): Promise<ExecuteOutcome> {
    if (this.ended) return Promise.resolve(this.ended);
    if (this.running) return Promise.resolve(errorOutcome("Error", "another cell is still running."));
    const id = ++this.nextId;
    return new Promise<ExecuteOutcome>((done) => {
      this.running = { id, io, done };
      this.post({ kind: "execute", id, request });
    });
  }

  /** SIGINT, as in the kernel: breakOnSigint stops synchronous code; the child's listener aborts awaits. */
  interrupt(): void {
    if (!this.ended && this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGINT");
  }

  kill(outcome: ErrorOutcome): void {
    if (this.ended || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.killedWith = outcome;
    this.child.kill("SIGKILL");
  }

  // A headless run only executes; these front-end requests have no caller here.
  complete(): Promise<CompleteResult> {
    return Promise.reject(new Error("completion is not available in a headless run."));
  }
  inspect(): Promise<InspectResult> {
    return Promise.reject(new Error("inspection is not available in a headless run."));
  }
  isComplete(): Promise<IsCompleteResult> {
    return Promise.reject(new Error("is_complete is not available in a headless run."));
  }

  /** Ask the child to shut its host down and exit; kill it if it has not within 5 s. */
  async shutdown(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.post({ kind: "shutdown" });
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Fork the cell process in `cwd` and wait until its execution host is loaded. */
export async function startChildHost(options: { cwd: string }): Promise<KillableHost> {
  const { path, execArgv } = childModule();
  const child = fork(path, [options.cwd], {
    cwd: options.cwd,
    execArgv,
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: FromChild): void => {
      if (message.kind === "ready") finish();
      else if (message.kind === "start-failed") finish(new Error(message.error));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      finish(new Error(`the process that runs the cells ended before it was ready (${signal ?? `exit code ${code}`}).`));
    const finish = (err?: Error): void => {
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (err) {
        child.kill("SIGKILL");
        reject(err);
      } else resolve();
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
    child.once("error", (err) => finish(err));
  });
  return new ChildProcessHost(child);
}
