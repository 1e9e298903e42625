import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CsvError, frameToCsv, frameToJsonl, parseCsv, parseJsonl, readCsv, readJsonl, writeCsv, writeJsonl } from "../../src/data/csv.js";
import type { Frame } from "../../src/data/types.js";

const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

describe("parseCsv", () => {
  it("handles quoted fields with commas, doubled quotes and embedded newlines", () => {
    const f = parseCsv('name,note\n"Smith, J","said ""hi"""\n"multi\nline",x\n');
    expect(f.rowCount).toBe(2);
    expect(f.columns.name).toEqual(["Smith, J", "multi\nline"]);
    expect(f.columns.note).toEqual(['said "hi"', "x"]);
  });

  it("reads CRLF files exactly like LF files", () => {
    const lf = "a,b\n1,x\n2,y\n";
    expect(parseCsv(lf.replace(/\n/g, "\r\n"))).toEqual(parseCsv(lf));
  });

  it("rejects a ragged row and names its file line, counting lines inside quoted fields", () => {
    const err = errorOf(() => parseCsv('a,b,c\n1,"two\nlines",3\n4,5\n'));
    expect(err).toBeInstanceOf(CsvError);
    expect(err.message).toContain("line 4 has 2 fields");
    expect(err.message).toContain("3 columns");
    expect(err.message).toMatch(/Fix that line/);
  });

  it("rejects too many fields as well", () => {
    expect(() => parseCsv("a,b\n1,2\n3,4,5\n")).toThrow(/line 3 has 3 fields/);
  });

  it("rejects an unclosed quote with the line where the field starts", () => {
    const err = errorOf(() => parseCsv('a,b\n1,2\n3,"never closed\n4,5\n'));
    expect(err).toBeInstanceOf(CsvError);
    expect(err.message).toMatch(/line 3: a quoted field is never closed/);
    expect(err.message).toContain('("")');
  });

  it("rejects text after a closing quote", () => {
    expect(() => parseCsv('x,y,z\n1,"b"c,d\n2,3,4\n')).toThrow(/line 2: a quoted field has text right after its closing quote/);
  });

  it("rejects empty and blank input with one clear error", () => {
    expect(() => parseCsv("")).toThrow(/CSV is empty/);
    expect(() => parseCsv("\n \r\n")).toThrow(/CSV is empty/);
    expect(() => parseCsv("", { source: "x.csv" })).toThrow(/^x\.csv is empty/);
  });

  it("reads a file with a header but no rows as 0 rows", () => {
    const f = parseCsv("a,b\n");
    expect(f.columnNames).toEqual(["a", "b"]);
    expect(f.rowCount).toBe(0);
  });

  it("reads header-less files with given names, skipping a leading blank line", () => {
    const f = parseCsv("\n2024-03-01,card,38.7\n2024-03-02,cash,40\n", { header: false, names: ["date", "type", "money"] });
    expect(f.columnNames).toEqual(["date", "type", "money"]);
    expect(f.rowCount).toBe(2);
    expect(f.columns.money).toEqual([38.7, 40]);
  });

  it("names header-less columns column_1.. when no names are given", () => {
    expect(parseCsv("1,2\n3,4\n", { header: false }).columnNames).toEqual(["column_1", "column_2"]);
  });

  it("checks that given names match the width", () => {
    expect(() => parseCsv("1,2,3\n", { header: false, names: ["a", "b"] })).toThrow(/has 3 fields but there are 2 columns/);
    expect(() => parseCsv("a,b\n1,2\n", { names: ["x"] })).toThrow(/1 names were given but the header line has 2 fields/);
  });

  it("keeps blank lines as rows of nulls when skipBlankLines is false", () => {
    const f = parseCsv("a,b\n1,2\n\n3,4\n", { skipBlankLines: false });
    expect(f.rowCount).toBe(3);
    expect(f.columns.a).toEqual([1, null, 3]);
  });

  it("types columns strictly and per column", () => {
    const f = parseCsv(
      "int,float,bool,zip,mixed,empty,sci\n" +
        "1,1.5,true,007,1,,1e3\n" +
        "-2,.25,FALSE,012,abc,,-2.5E-2\n" +
        "3,,True,999,2,,0\n",
    );
    expect(f.columns.int).toEqual([1, -2, 3]);
    expect(f.columns.float).toEqual([1.5, 0.25, null]);
    expect(f.columns.bool).toEqual([true, false, true]);
    expect(f.columns.zip).toEqual(["007", "012", "999"]); // leading zeros: an identifier, not a number
    expect(f.columns.mixed).toEqual(["1", "abc", "2"]); // one non-number keeps the whole column text
    expect(f.columns.empty).toEqual([null, null, null]);
    expect(f.columns.sci).toEqual([1000, -0.025, 0]);
  });

  it("does not read a decimal comma as a number", () => {
    const f = parseCsv("a;b\n1,5;2\n", { delimiter: ";" });
    expect(f.columns.a).toEqual(["1,5"]);
    expect(f.columns.b).toEqual([2]);
  });

  it("honours coerce: false, keepStrings and nullValues", () => {
    expect(parseCsv("a\n1\n", { coerce: false }).columns.a).toEqual(["1"]);
    expect(parseCsv("a,b\n1,2\n", { keepStrings: ["a"] }).columns).toEqual({ a: ["1"], b: [2] });
    expect(parseCsv("a\nNA\n3\n", { nullValues: ["", "NA"] }).columns.a).toEqual([null, 3]);
  });

  it("renames a repeated header name, says so, and keeps every value", () => {
    const notes: string[] = [];
    const f = parseCsv("a,a,a_2,b,a\n1,2,3,4,5\n", { log: (l) => notes.push(l) });
    expect(f.columnNames).toEqual(["a", "a_3", "a_2", "b", "a_4"]);
    expect(f.columns).toEqual({ a: [1], a_3: [2], a_2: [3], b: [4], a_4: [5] });
    expect(notes).toEqual(['CSV: repeated column names were renamed: "a" → "a_3", "a" → "a_4".']);
  });

  it("rejects duplicate names the caller passes", () => {
    expect(() => parseCsv("x,y\n1,2\n", { names: ["a", "a"] })).toThrow(/"a" appears twice in the names given/);
  });

  it("strips a UTF-8 byte order mark from the first header", () => {
    expect(parseCsv("\uFEFFa,b\n1,2\n").columnNames).toEqual(["a", "b"]);
  });

  it("can guess the delimiter", () => {
    expect(parseCsv("a\tb\n1\t2\n", { delimiter: "auto" }).columnNames).toEqual(["a", "b"]);
  });
});

describe("writing and round trips", () => {
  const frame: Frame = {
    columnNames: ["s", "n", "b"],
    columns: { s: ['a,"quoted"', "line\nbreak", null], n: [1.25, null, -3], b: [true, false, null] },
    rowCount: 3,
  };

  it("frameToCsv quotes where needed and parses back to the same frame", () => {
    const text = frameToCsv(frame);
    expect(text.startsWith("s,n,b\n")).toBe(true);
    expect(parseCsv(text)).toEqual(frame);
  });

  it("JSONL round-trips and names the bad line", () => {
    expect(parseJsonl(frameToJsonl(frame))).toEqual(frame);
    expect(() => parseJsonl('{"a":1}\n\n{"a":\n')).toThrow(/line 3 is not valid JSON/);
    expect(() => parseJsonl('{"a":1}\n[1]\n')).toThrow(/line 2 is an array/);
  });

  it("writes and reads files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "synthlab-csv-"));
    dirs.push(dir);
    await writeCsv(frame, join(dir, "t.csv"));
    await writeJsonl(frame, join(dir, "t.jsonl"));
    expect(await readCsv(join(dir, "t.csv"))).toEqual(frame);
    expect(await readJsonl(join(dir, "t.jsonl"))).toEqual(frame);
    await expect(readCsv(join(dir, "missing.csv"))).rejects.toThrow(/Cannot read .*missing\.csv: ENOENT/);
  });

  it("names the file in parse errors", async () => {
    const dir = await mkdtemp(join(tmpdir(), "synthlab-csv-"));
    dirs.push(dir);
    const path = join(dir, "bad.csv");
    await writeCsv({ columnNames: ["a"], columns: { a: [1] }, rowCount: 1 }, path);
    const { appendFile } = await import("node:fs/promises");
    await appendFile(path, "1,2\n");
    await expect(readCsv(path)).rejects.toThrow(`${path} line 3 has 2 fields`);
  });
});

describe("delimiters, overflowing numbers, BOM and money (issue 10, defect 9)", () => {
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);

  for (const [name, d] of [["semicolon", ";"], ["tab", "\t"], ["pipe", "|"]] as const) {
    it(`detects a ${name}-separated file by default and says so in one line`, () => {
      lines.length = 0;
      const text = [`id${d}price${d}note`, `1${d}2.5${d}"a, b"`, `2${d}3${d}c`].join("\n");
      const f = parseCsv(text, { source: "t.csv", log });
      expect(f.columnNames).toEqual(["id", "price", "note"]);
      expect(f.columns.price).toEqual([2.5, 3]);
      expect(f.columns.note).toEqual(["a, b", "c"]);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Read t\\.csv as ${name}.*-separated\\.$`));
    });
  }

  it("stays quiet for commas, even with semicolons inside quoted fields", () => {
    lines.length = 0;
    const f = parseCsv('a,b\n1,"x; y"\n2,"z; w"\n', { log });
    expect(f.columnNames).toEqual(["a", "b"]);
    expect(lines).toEqual([]);
  });

  it("reads 1e400 as a missing number with a note, not the column as text", () => {
    lines.length = 0;
    const f = parseCsv("x,y\n1.5,a\n1e400,b\n2,c\n", { log });
    expect(f.columns.x).toEqual([1.5, null, 2]);
    expect(lines).toEqual(['Column "x": 1 value(s) too large for a number (e.g. 1e400) are read as missing.']);
  });

  it("drops a byte-order mark and reads $-prefixed amounts as numbers", () => {
    const f = parseCsv("\ufeffID,Valuation\n1,$140\n2,$100.3\n3,-$2\n", { log });
    expect(f.columnNames).toEqual(["ID", "Valuation"]);
    expect(f.columns.Valuation).toEqual([140, 100.3, -2]);
  });
});
