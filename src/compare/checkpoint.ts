/**
 * The comparison checkpoint: one JSON line per candidate that finished (generated and scored),
 * appended as soon as it finishes. A re-run with the same task reads it and skips those
 * candidates; a candidate whose line is missing (killed mid-run, or failed) runs again, and its
 * LLM requests come back from the engine's own checkpoint and response cache.
 *
 * A line counts only when its task hash and candidate fingerprint match the current ones, so a
 * changed seed, row count, table or endpoint never reuses an old result. A torn last line (a kill
 * during the write) is ignored. No key is ever written: candidates hold only the NAME of a key's
 * environment variable.
 */
import fs from "node:fs";
import path from "node:path";
import type { CandidateOutcome } from "./types.js";

interface Line {
  v: 1;
  task: string;
  candidate: string;
  outcome: CandidateOutcome;
}

export class CompareCheckpoint {
  private readonly done = new Map<string, CandidateOutcome>();

  private constructor(readonly file: string, private readonly task: string) {}

  /** Opens (and reads) the checkpoint file; `task` is the hash of everything the candidates share. */
  static open(file: string, task: string): CompareCheckpoint {
    const cp = new CompareCheckpoint(file, task);
    let text = "";
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return cp; // none yet
    }
    for (const raw of text.split("\n")) {
      if (!raw.trim()) continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue; // a line torn by a kill
      }
      if (line.v === 1 && line.task === task && typeof line.candidate === "string" && line.outcome) cp.done.set(line.candidate, line.outcome);
    }
    return cp;
  }

  /** The stored outcome of a candidate with this fingerprint, if it finished in an earlier run. */
  get(fingerprint: string): CandidateOutcome | undefined {
    return this.done.get(fingerprint);
  }

  /** Appends a finished candidate (one write of one line, so a kill tears at most this line). */
  record(fingerprint: string, outcome: CandidateOutcome): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const line: Line = { v: 1, task: this.task, candidate: fingerprint, outcome };
    fs.appendFileSync(this.file, JSON.stringify(line) + "\n");
    this.done.set(fingerprint, outcome);
  }
}
