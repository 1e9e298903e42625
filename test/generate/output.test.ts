import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frameToCsv, frameToJsonl, parseCsv } from "../../src/data/csv.js";
import { frameFromRecords } from "../../src/data/frame.js";
import { writeFrameFile, writeFrameTo } from "../../src/generate/output.js";

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "synthlab-genout-")); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const frame = frameFromRecords(Array.from({ length: 53 }, (_, i) => ({
  id: i,
  text: i % 5 === 0 ? `has, comma "and quotes"\nand a line break ${i}` : `plain ${i}`,
  price: i % 7 === 0 ? null : i * 0.25,
  ok: i % 2 === 0,
})));

async function collect(format: "csv" | "jsonl", chunkRows: number): Promise<string> {
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => { text += c.toString("utf8"); });
  await writeFrameTo(frame, out, format, chunkRows);
  out.end();
  return text;
}

describe("chunked CSV/JSONL output", () => {
  it("writes exactly what the data stage writes in one piece, whatever the chunk size", async () => {
    for (const chunk of [1, 7, 53, 1000]) {
      expect(await collect("csv", chunk), `csv ${chunk}`).toBe(frameToCsv(frame));
      expect(await collect("jsonl", chunk), `jsonl ${chunk}`).toBe(frameToJsonl(frame));
    }
  });

  it("writes files by extension, and an empty frame still gets its header", async () => {
    const csv = join(dir, "a.csv"), jsonl = join(dir, "a.jsonl"), empty = join(dir, "e.csv");
    await writeFrameFile(frame, csv);
    await writeFrameFile(frame, jsonl);
    expect(parseCsv(await readFile(csv, "utf8")).rowCount).toBe(53);
    expect((await readFile(jsonl, "utf8")).trim().split("\n")).toHaveLength(53);
    await writeFrameFile({ columnNames: ["a", "b"], columns: { a: [], b: [] }, rowCount: 0 }, empty);
    expect((await readFile(empty, "utf8")).trim()).toBe("a,b");
    await expect(writeFrameFile(frame, join(dir, "missing-dir", "x.csv"))).rejects.toThrow(/ENOENT/);
  });
});
