/**
 * Dates in every common format (issue 10, defect 1): one parser, formats inferred from the data,
 * day/month order settled by the data or said to be ambiguous, values written back as the column
 * writes them. Real public tables: edison_patents, super_bowl, airplane_crashes, startups_2021, dowjones.
 */
import { describe, expect, it } from "vitest";
import { readCsv } from "../../src/data/csv.js";
import {
  DateFormatError, formatDateTimeMs, inferDateFormat, parseDatesOption, parseDateTimeMs,
} from "../../src/data/datetime.js";
import { frameFromColumns } from "../../src/data/frame.js";
import { coerceFrame, inferSchema, validateFrame } from "../../src/data/schema.js";
import type { ColumnSchema, Schema } from "../../src/data/types.js";
import { tablePath } from "../support/tables.js";

const col = (schema: Schema, name: string): ColumnSchema => schema.columns.find((c) => c.name === name)!;
const quiet = { log: () => {} };

/** The format inferred for some values, and every value written back with it. */
function roundTrip(values: string[]): { format: string | undefined; back: string[] } {
  const g = inferDateFormat(values);
  return { format: g?.format, back: g ? values.map((v) => formatDateTimeMs(parseDateTimeMs(v, g.format), g.format)) : [] };
}

describe("inferDateFormat: each common format, written back as it was", () => {
  const cases: [string, string[], string, number][] = [
    ["dd-mm-yyyy HH:MM", ["31-12-2020 14:05", "01-02-2021 09:00", "15-06-2021 23:59"], "dd-mm-yyyy HH:MM", Date.UTC(2020, 11, 31, 14, 5)],
    ["dd.mm.yyyy", ["31.12.2020", "01.02.2021"], "dd.mm.yyyy", Date.UTC(2020, 11, 31)],
    ["mm/dd/yyyy", ["12/31/2020", "01/02/2021"], "mm/dd/yyyy", Date.UTC(2020, 11, 31)],
    ["dd/mm/yyyy", ["31/12/2020", "01/02/2021"], "dd/mm/yyyy", Date.UTC(2020, 11, 31)],
    ["yyyy/mm/dd", ["2020/12/31", "2021/02/01"], "yyyy/mm/dd", Date.UTC(2020, 11, 31)],
    ["ISO with T, seconds, fraction, offset", ["2024-03-01T10:15:50.520Z", "2024-03-02T08:00:00.000Z"], "yyyy-mm-ddTHH:MM:SS.fffZ", Date.UTC(2024, 2, 1, 10, 15, 50, 520)],
    ["ISO with a space, no seconds", ["2024-03-01 12:15", "2024-03-02 08:00"], "yyyy-mm-dd HH:MM", Date.UTC(2024, 2, 1, 12, 15)],
    ["12-hour AM/PM", ["3:05 PM", "11:59 AM", "12:00 AM"], "h:MM AM", (15 * 60 + 5) * 60_000],
    ["month name first", ["Oct 30, 2017", "Sep 1, 2017"], "mon d, yyyy", Date.UTC(2017, 9, 30)],
    ["day then month name", ["30 Oct 2017", "1 Sep 2017"], "d mon yyyy", Date.UTC(2017, 9, 30)],
    ["d-Mon-yy", ["15-Jan-67", "7-Feb-16"], "d-mon-yy", Date.UTC(1967, 0, 15)],
    ["non-padded m/d/yyyy", ["6/1/1869", "10/13/1868"], "m/d/yyyy", Date.UTC(1869, 5, 1)],
    ["dd-mm-yyyy with a 12-hour time", ["31-12-2020 02:05 PM", "01-02-2021 09:00 AM"], "dd-mm-yyyy hh:MM AM", Date.UTC(2020, 11, 31, 14, 5)],
  ];
  for (const [label, values, format, firstMs] of cases) {
    it(label, () => {
      const r = roundTrip(values);
      expect(r.format).toBe(format);
      expect(parseDateTimeMs(values[0]!, format)).toBe(firstMs);
      expect(r.back).toEqual(values);
    });
  }

  it("reads T and a space between date and time alike, and writes the column's own", () => {
    expect(parseDateTimeMs("2024-03-01T10:15", "yyyy-mm-dd HH:MM")).toBe(Date.UTC(2024, 2, 1, 10, 15));
    expect(parseDateTimeMs("01-03-2024 10:15", "dd-mm-yyyyTHH:MM")).toBe(Date.UTC(2024, 2, 1, 10, 15));
    expect(formatDateTimeMs(Date.UTC(2024, 2, 1, 10, 15), "yyyy-mm-dd HH:MM")).toBe("2024-03-01 10:15");
  });

  it("reads offsets as UTC and writes them as Z", () => {
    const g = inferDateFormat(["2024-03-01T12:15:50+02:00", "2024-03-02T08:00:00+02:00"])!;
    expect(g.format).toBe("yyyy-mm-ddTHH:MM:SSZ");
    expect(formatDateTimeMs(parseDateTimeMs("2024-03-01T12:15:50+02:00", g.format), g.format)).toBe("2024-03-01T10:15:50Z");
  });

  it("settles day/month order from a field above 12, and says when nothing settles it", () => {
    expect(inferDateFormat(["01/02/2020", "25/03/2020"])).toMatchObject({ format: "dd/mm/yyyy" });
    expect(inferDateFormat(["01/02/2020", "03/25/2020"])).toMatchObject({ format: "mm/dd/yyyy" });
    const ambiguous = inferDateFormat(["01/02/2020", "03/04/2020"]);
    expect(ambiguous).toMatchObject({ format: "mm/dd/yyyy", ambiguousWith: "dd/mm/yyyy" });
    const schema = inferSchema(frameFromColumns({ when: ["01/02/2020", "03/04/2020"] }));
    expect(schema.notes).toHaveLength(1);
    expect(schema.notes![0]).toMatch(/Column "when": .*ambiguous; read as mm\/dd\/yyyy\. .*--dates "when=dd\/mm\/yyyy"/);
    // An explicit format wins and silences the note.
    const given = inferSchema(frameFromColumns({ when: ["01/02/2020", "03/04/2020"] }), { dates: { when: "dd/mm/yyyy" } });
    expect(col(given, "when")).toMatchObject({ kind: "datetime", format: "dd/mm/yyyy", min: "01/02/2020", max: "03/04/2020" });
    expect(given.notes).toBeUndefined();
    expect(parseDateTimeMs("03/04/2020", "dd/mm/yyyy")).toBe(Date.UTC(2020, 3, 3));
  });

  it("reads unix milliseconds and seconds when the column name says so, and only then", () => {
    const ms = [1_700_000_000_000, 1_700_086_400_000, 1_700_172_800_123];
    const s = inferSchema(frameFromColumns({ created_ms_timestamp: ms, epoch: ms.map((x) => Math.floor(x / 1000)), amount: ms }));
    expect(col(s, "created_ms_timestamp")).toMatchObject({ kind: "datetime", format: "unix-ms" });
    expect(col(s, "epoch")).toMatchObject({ kind: "datetime", format: "unix-s" });
    expect(col(s, "amount").kind).toBe("integer");
  });

  it("rejects impossible dates and bad formats with one line", () => {
    expect(parseDateTimeMs("30/02/2020", "dd/mm/yyyy")).toBeNaN();
    expect(parseDateTimeMs("13:61", "HH:MM")).toBeNaN();
    expect(() => parseDatesOption("Date")).toThrow(/--dates Date: write COLUMN=FORMAT/);
    expect(() => parseDatesOption("Date=qq")).toThrow(DateFormatError);
    expect(parseDatesOption(["a=dd/mm/yyyy; b=mon d, yyyy", "c=HH:MM"])).toEqual({ a: "dd/mm/yyyy", b: "mon d, yyyy", c: "HH:MM" });
  });
});

describe("real public tables", () => {
  it("edison_patents: BOM in the header, non-padded m/d/yyyy dates, an ID and a patent number as identifiers", async () => {
    const f = await readCsv(tablePath("edison_patents.csv"), quiet);
    expect(f.columnNames[0]).toBe("ID");
    const s = inferSchema(f);
    for (const c of ["Executed", "Applied", "Issued"]) expect(col(s, c)).toMatchObject({ kind: "datetime", format: "m/d/yyyy" });
    expect(col(s, "ID").kind).toBe("id");
    expect(col(s, "Patent No.").kind).toBe("id");
    expect(parseDateTimeMs("6/1/1869", col(s, "Issued").format)).toBe(Date.UTC(1869, 5, 1));
    expect(validateFrame(f, s, { limit: 5 }).filter((i) => i.code === "type")).toEqual([]);
  });

  it("super_bowl: d-Mon-yy dates spanning 1967–2017", async () => {
    const s = inferSchema(await readCsv(tablePath("super_bowl.csv"), quiet));
    expect(col(s, "Date")).toMatchObject({ kind: "datetime", format: "d-mon-yy", min: "15-Jan-67" });
    expect(parseDateTimeMs(String(col(s, "Date").max), "d-mon-yy")).toBe(Date.UTC(2017, 1, 5));
  });

  it("airplane_crashes: mm/dd/yyyy dates, HH:MM times with gaps and a few typos (named, read as missing)", async () => {
    const s = inferSchema(await readCsv(tablePath("airplane_crashes.csv"), quiet));
    expect(col(s, "Date")).toMatchObject({ kind: "datetime", format: "mm/dd/yyyy" });
    const time = col(s, "Time");
    // Most hours are padded ("09:40"; a few write "9:40"), so the column is written HH:MM.
    expect(time).toMatchObject({ kind: "datetime", format: "HH:MM" });
    expect(time.nullable).toBeGreaterThan(0.3);
    expect(s.notes?.find((n) => n.startsWith('Column "Time"'))).toMatch(/13 of 3049 values do not fit its date format HH:MM \(e\.g\. "c: 1:00"\)/);
  });

  it("startups_2021: the unnamed index is an identifier, $ valuations are numbers, m/d/yyyy dates", async () => {
    const f = await readCsv(tablePath("startups_2021.csv"), quiet);
    const s = inferSchema(f);
    expect(col(s, "column_1").kind).toBe("id");
    expect(col(s, "Valuation ($B)")).toMatchObject({ kind: "numeric", max: 140 });
    expect(col(s, "Date Joined")).toMatchObject({ kind: "datetime", format: "m/d/yyyy" });
  });

  it("dowjones: ISO dates", async () => {
    const s = inferSchema(await readCsv(tablePath("dowjones.csv"), quiet));
    expect(col(s, "Date")).toMatchObject({ kind: "datetime", format: "yyyy-mm-dd", min: "1914-12-01" });
  });
});

describe("numbers that overflow and typed columns", () => {
  it("a 1e400 among numbers keeps the column numeric; validation counts the cell", () => {
    const f = frameFromColumns({ x: ["1.5", "1e400", "2", "3"] });
    const s = inferSchema(f);
    expect(col(s, "x")).toMatchObject({ kind: "numeric", min: 1.5, max: 3 });
    // Converting to the schema's types names the one cell that is no usable number.
    expect(() => coerceFrame(f, s)).toThrow(/1 value\(s\) cannot be converted.*row 1, column x: expected a number, got "1e400"/);
  });

  it("numericColumn reads a datetime column in its format", async () => {
    const { numericColumn } = await import("../../src/data/columns.js");
    const f = frameFromColumns({ d: ["31-12-2020 14:05", null, "oops"] });
    expect(Array.from(numericColumn(f, "d", "datetime", "dd-mm-yyyy HH:MM"))).toEqual([Date.UTC(2020, 11, 31, 14, 5), NaN, NaN]);
  });
});
