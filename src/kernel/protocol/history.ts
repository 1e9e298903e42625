/**
 * Execution history: kept in memory for this kernel and appended to a JSONL file in the Jupyter
 * data dir so it survives restarts. Each kernel start is a new session number (previous max + 1);
 * line numbers are execution counts, like IPython. Records: `{session, line, input}` when a cell
 * starts and `{session, line, output}` when it leaves a text/plain result.
 */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

export type HistoryQuery =
  | { type: "tail"; n: number }
  | { type: "range"; session: number; start: number; stop: number | null }
  | { type: "search"; pattern: string; n: number | null; unique: boolean };

/** Where Jupyter keeps user data: $JUPYTER_DATA_DIR, else the platform default (as jupyter_core). */
export function jupyterDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env["JUPYTER_DATA_DIR"]) return env["JUPYTER_DATA_DIR"];
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(env["APPDATA"] ?? homedir(), "jupyter");
  return join(env["XDG_DATA_HOME"] || join(homedir(), ".local", "share"), "jupyter");
}

export function defaultHistoryFile(env: NodeJS.ProcessEnv = process.env): string {
  return env["SYNTHLAB_HISTORY_FILE"] || join(jupyterDataDir(env), "synthlab", "history.jsonl");
}

export class HistoryStore {
  readonly session: number;
  /** All sessions' entries in (session, line) order; older sessions come from the file. */
  private readonly entries: HistoryEntry[] = [];
  private readonly current = new Map<number, HistoryEntry>();
  private writable: boolean;

  constructor(private readonly file: string | null) {
    this.writable = file !== null;
    let maxSession = 0;
    if (file) {
      const saved = readHistoryFile(file);
      for (const e of saved.entries) this.entries.push(e); // a long history must not overflow the call stack
      maxSession = saved.maxSession;
    }
    this.session = maxSession + 1;
    // Claim the session number at once so a kernel started next sees it taken.
    this.append({ session: this.session, start: new Date().toISOString() });
  }

  addInput(line: number, input: string): void {
    const entry: HistoryEntry = { session: this.session, line, input, output: null };
    this.entries.push(entry);
    this.current.set(line, entry);
    this.append({ session: this.session, line, input });
  }

  addOutput(line: number, output: string): void {
    const entry = this.current.get(line);
    if (!entry) return;
    entry.output = output;
    this.append({ session: this.session, line, output });
  }

  query(q: HistoryQuery): HistoryEntry[] {
    if (q.type === "tail") return q.n > 0 ? this.entries.slice(-q.n) : [];
    if (q.type === "range") {
      // IPython: 0 or negative sessions are relative to the current one.
      const session = q.session > 0 ? q.session : this.session + q.session;
      return this.entries.filter(
        (e) => e.session === session && e.line >= q.start && (q.stop === null || e.line < q.stop),
      );
    }
    const re = globToRegExp(q.pattern);
    let found = this.entries.filter((e) => re.test(e.input));
    if (q.unique) {
      // Keep the most recent occurrence of each input, in history order.
      const seen = new Set<string>();
      found = found.reverse().filter((e) => (seen.has(e.input) ? false : (seen.add(e.input), true))).reverse();
    }
    return q.n !== null && q.n > 0 ? found.slice(-q.n) : found;
  }

  private dirReady = false;

  private append(record: Record<string, unknown>): void {
    if (!this.writable || !this.file) return;
    try {
      // The folder is made once, not for every entry (two per cell); made again if it went away.
      if (!this.dirReady) mkdirSync(dirname(this.file), { recursive: true });
      this.dirReady = true;
      try {
        appendFileSync(this.file, JSON.stringify(record) + "\n");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        mkdirSync(dirname(this.file), { recursive: true });
        appendFileSync(this.file, JSON.stringify(record) + "\n");
      }
    } catch (err) {
      // History is a convenience: keep the kernel running in memory-only mode.
      this.writable = false;
      process.stderr.write(
        `synthlab kernel: history is not saved (${err instanceof Error ? err.message : String(err)}); set JUPYTER_DATA_DIR to a writable folder.\n`,
      );
    }
  }
}

function readHistoryFile(file: string): { entries: HistoryEntry[]; maxSession: number } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { entries: [], maxSession: 0 };
  }
  let maxSession = 0;
  const byKey = new Map<string, HistoryEntry>();
  for (const line of text.split("\n")) {
    if (!line) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      continue; // a torn last line from a killed kernel
    }
    if (typeof rec !== "object" || rec === null) continue;
    const r = rec as Record<string, unknown>;
    if (typeof r["session"] !== "number") continue;
    // Session-start records have no line; they still count for the next session number.
    maxSession = Math.max(maxSession, r["session"]);
    if (typeof r["line"] !== "number") continue;
    const key = `${r["session"]}:${r["line"]}`;
    if (typeof r["input"] === "string") {
      byKey.set(key, { session: r["session"], line: r["line"], input: r["input"], output: null });
    } else if (typeof r["output"] === "string") {
      const entry = byKey.get(key);
      if (entry) entry.output = r["output"];
    }
  }
  const entries = [...byKey.values()];
  entries.sort((a, b) => a.session - b.session || a.line - b.line);
  return { entries, maxSession };
}

/** sqlite GLOB semantics, as IPython's history search: `*` any run, `?` one char, `[...]` a class; whole input. */
export function globToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") out += "[\\s\\S]*";
    else if (c === "?") out += "[\\s\\S]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) out += "\\[";
      else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith("^")) cls = "\\" + cls;
        out += `[${cls.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}
