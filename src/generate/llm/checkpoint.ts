/**
 * JSONL checkpoint of a generation run. Each completed batch is appended as one line and fsync'd
 * before the run counts it as done, so after a crash (even SIGKILL) a re-run with the same run id reads the
 * completed batches back instead of requesting them again. A half-written last line (killed
 * mid-write) is ignored; its batch is simply redone (from the response cache, so it costs nothing).
 */
import fs, { promises as fsp } from "node:fs";
import path from "node:path";
import type { Row } from "../../data/frame.js";
import type { TokenUsage } from "./prices.js";
import { LlmConfigError } from "./errors.js";

export interface CheckpointHeader {
  kind: "header";
  v: 1;
  runId: string;
  /** Hash of the run's parameters: resuming with different parameters is refused. */
  paramsHash: string;
  createdAt: string;
}

export interface CheckpointBatch {
  kind: "batch";
  /** Stream (e.g. a label in balanced text mode; "" for plain row batches) and index within it. */
  stream: string;
  index: number;
  /** Cache keys of the requests that produced this batch. */
  keys: string[];
  rows: Row[];
  invalidRows: number;
  failed: boolean;
  usage: TokenUsage;
  promptHash: string;
  seed: number;
}

export interface CheckpointBatchJob {
  kind: "batch-job";
  /** OpenAI Batch API job id, so a re-run resumes polling instead of submitting again. */
  id: string;
  keys: string[];
  done: boolean;
}

export interface CheckpointProgram {
  kind: "program";
  source: string;
  keys: string[];
}

export type CheckpointRecord = CheckpointHeader | CheckpointBatch | CheckpointBatchJob | CheckpointProgram;

interface PendingAppend {
  record: CheckpointRecord;
  resolve(): void;
  reject(err: unknown): void;
}

export class Checkpoint {
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;

  private constructor(readonly file: string, readonly records: CheckpointRecord[]) {}

  /** Opens (or creates) the checkpoint for a run id; refuses one written with other parameters. */
  static open(dir: string, runId: string, paramsHash: string): Checkpoint {
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(runId)) {
      throw new LlmConfigError(`run id "${runId}" may only use letters, digits, ".", "_" and "-" (at most 128 characters).`);
    }
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${runId}.jsonl`);
    const records: CheckpointRecord[] = [];
    if (fs.existsSync(file)) {
      const lines = fs.readFileSync(file, "utf8").split("\n");
      for (const [i, line] of lines.entries()) {
        if (!line.trim()) continue;
        try {
          records.push(JSON.parse(line) as CheckpointRecord);
        } catch {
          // Only a torn final line is expected (killed mid-append); anything else is corruption.
          if (lines.slice(i + 1).some((l) => l.trim())) {
            throw new LlmConfigError(`Checkpoint ${file} is corrupt at line ${i + 1}: delete it (or pass a new run id) to start over.`);
          }
        }
      }
    }
    const header = records.find((r): r is CheckpointHeader => r.kind === "header");
    if (header && header.paramsHash !== paramsHash) {
      throw new LlmConfigError(
        `Run id "${runId}" was started with different parameters: pass a new run id, or delete ${file} to start over.`,
      );
    }
    const cp = new Checkpoint(file, records);
    if (!header) {
      // Rewrite from scratch: a file without a header holds nothing usable.
      fs.writeFileSync(file, "");
      cp.records.length = 0;
      cp.append({ kind: "header", v: 1, runId, paramsHash, createdAt: new Date().toISOString() });
    }
    return cp;
  }

  /** Appends one record durably (write + fsync) before returning. */
  append(record: CheckpointRecord): void {
    const fd = fs.openSync(this.file, "a");
    try {
      fs.writeSync(fd, JSON.stringify(record) + "\n");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.records.push(record);
  }

  /**
   * Appends durably without blocking the event loop, with group commit: records that arrive
   * while an fsync is under way are written together by the next one (one fsync per group, not
   * per batch — fsync costs milliseconds). Resolves once this record is on disk.
   */
  commit(record: CheckpointRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r)); // let records finishing in the same turn join the group
    while (this.pending.length > 0) {
      const group = this.pending.splice(0);
      try {
        const fh = await fsp.open(this.file, "a");
        try {
          await fh.write(group.map((g) => JSON.stringify(g.record) + "\n").join(""));
          await fh.sync();
        } finally {
          await fh.close();
        }
        for (const g of group) {
          this.records.push(g.record);
          g.resolve();
        }
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
    this.flushing = undefined;
  }

  batches(): CheckpointBatch[] {
    return this.records.filter((r): r is CheckpointBatch => r.kind === "batch");
  }

  batchJobs(): CheckpointBatchJob[] {
    return this.records.filter((r): r is CheckpointBatchJob => r.kind === "batch-job");
  }

  program(): CheckpointProgram | undefined {
    return this.records.filter((r): r is CheckpointProgram => r.kind === "program").pop();
  }
}
