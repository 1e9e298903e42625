/**
 * Writing generated rows to CSV/JSONL in chunks. The data stage's frameToCsv/frameToJsonl
 * (its quoting and value rules) format each chunk; streaming the chunks keeps peak memory to a
 * chunk's text instead of the whole file's (a million coffee-shop rows: ~70 MB of CSV).
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { frameToCsv, frameToJsonl } from "../data/csv.js";
import type { Frame } from "../data/types.js";

export type OutputFormat = "csv" | "jsonl";

const CHUNK_ROWS = 20_000;

function slice(frame: Frame, start: number, end: number): Frame {
  const columns: Record<string, Frame["columns"][string]> = {};
  for (const n of frame.columnNames) columns[n] = frame.columns[n]!.slice(start, end);
  return { columnNames: frame.columnNames, columns, rowCount: end - start };
}

/** Writes the frame to a stream (not ended), honouring back-pressure. */
export async function writeFrameTo(frame: Frame, out: Writable, format: OutputFormat, chunkRows = CHUNK_ROWS): Promise<void> {
  // Header names with line breaks or quotes make "drop the first line" unsafe: one piece then.
  const simpleHeader = frame.columnNames.every((n) => !/[\r\n"]/.test(n));
  const step = simpleHeader ? Math.max(1, chunkRows) : Math.max(1, frame.rowCount);
  if (frame.rowCount === 0 && format === "csv") {
    out.write(frameToCsv(frame));
    return;
  }
  for (let start = 0; start < frame.rowCount; start += step) {
    const part = slice(frame, start, Math.min(frame.rowCount, start + step));
    let text = format === "csv" ? frameToCsv(part) : frameToJsonl(part);
    if (format === "csv" && start > 0) text = text.slice(text.indexOf("\n") + 1); // header once
    if (!out.write(text)) await once(out, "drain");
  }
}

/** Writes a .csv or .jsonl file (format from the extension unless given). */
export async function writeFrameFile(frame: Frame, path: string, format?: OutputFormat): Promise<void> {
  const fmt = format ?? (/\.jsonl$/i.test(path) ? "jsonl" : "csv");
  const stream = createWriteStream(path, { encoding: "utf8" });
  const failed = new Promise<never>((_, reject) => stream.once("error", reject));
  await Promise.race([writeFrameTo(frame, stream, fmt), failed]);
  stream.end();
  await Promise.race([once(stream, "finish"), failed]);
}
