import { describe, expect, it } from "vitest";
import { categoricalCodes, numericColumn } from "../../src/data/columns.js";
import { formatDateTimeMs, parseDateTimeMs } from "../../src/data/datetime.js";
import { frameFromColumns } from "../../src/data/frame.js";

describe("numericColumn", () => {
  it("turns ISO dates and datetimes into epoch ms, read as UTC when naive", () => {
    const f = frameFromColumns({ d: ["2024-03-01", "2024-03-01 10:15:50.520", "2024-03-01T10:15:50.520000Z", "2024-03-01T12:15:50+02:00", null] });
    const x = numericColumn(f, "d");
    expect(x[0]).toBe(Date.UTC(2024, 2, 1));
    expect(x[1]).toBe(Date.UTC(2024, 2, 1, 10, 15, 50, 520));
    expect(x[2]).toBe(Date.UTC(2024, 2, 1, 10, 15, 50, 520));
    expect(x[3]).toBe(Date.UTC(2024, 2, 1, 10, 15, 50));
    expect(x[4]).toBeNaN();
  });

  it("turns times of day into ms since midnight, with or without fractions", () => {
    const f = frameFromColumns({ t: ["10:15:50.520000", "10:15:50", "00:00"] });
    expect(Array.from(numericColumn(f, "t", "datetime"))).toEqual([(10 * 3600 + 15 * 60 + 50) * 1000 + 520, (10 * 3600 + 15 * 60 + 50) * 1000, 0]);
  });

  it("rejects impossible dates instead of rolling them over", () => {
    expect(parseDateTimeMs("2024-02-30")).toBeNaN();
    expect(parseDateTimeMs("25:00:00")).toBeNaN();
    expect(parseDateTimeMs("2024-02-29")).toBe(Date.UTC(2024, 1, 29));
  });

  it("formats back to one canonical text per shape", () => {
    expect(formatDateTimeMs(parseDateTimeMs("10:15:50"), "time")).toBe("10:15:50.000");
    expect(formatDateTimeMs(parseDateTimeMs("2024-03-01 10:15:50.52"), "datetime")).toBe("2024-03-01T10:15:50.520");
  });

  it("maps booleans to 0/1, numeric text to numbers, other text and missing to NaN", () => {
    const f = frameFromColumns({ b: [true, false, null], s: ["1.5", "abc", " 2 "] });
    expect(Array.from(numericColumn(f, "b"))).toEqual([1, 0, NaN]);
    expect(Array.from(numericColumn(f, "s"))).toEqual([1.5, NaN, 2]);
  });

  it("names the available columns when one is missing", () => {
    expect(() => numericColumn(frameFromColumns({ a: [1] }), "b")).toThrow('No column "b". Available: a.');
  });
});

describe("categoricalCodes", () => {
  it("codes sorted levels with -1 for missing", () => {
    const { codes, levels } = categoricalCodes(frameFromColumns({ c: ["b", "a", null, "b", true] }), "c");
    expect(levels).toEqual(["a", "b", "true"]);
    expect(Array.from(codes)).toEqual([1, 0, -1, 1, 2]);
  });

  it("shares code numbers across tables when given levels, appending unseen ones", () => {
    const real = categoricalCodes(frameFromColumns({ c: ["x", "y"] }), "c");
    const synth = categoricalCodes(frameFromColumns({ c: ["y", "z", "x"] }), "c", real.levels);
    expect(synth.levels).toEqual(["x", "y", "z"]);
    expect(Array.from(synth.codes)).toEqual([1, 2, 0]);
  });
});
