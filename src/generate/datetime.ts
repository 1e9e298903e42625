/**
 * Datetime columns for generators. Generators work on numbers (epoch ms, or ms since midnight for
 * times of day) and write values back in the column's own format, so "6/1/1869", "15-Jan-67",
 * "31-12-2020 14:05" and "10:15:50.520000" come out looking like the real values. Parsing and
 * writing are the data stage's (src/data/datetime.ts); this only picks the exact pattern.
 */
import { dateCellMs, formatDateTimeMs, inferDateFormat, type DateFormat } from "../data/datetime.js";
import type { CellValue } from "../data/types.js";

const ISO_KEYWORDS = new Set(["date", "datetime", "time"]);

export interface DateWriter {
  /** The exact pattern values are written in (or "unix-s" / "unix-ms"). */
  format: DateFormat;
  /** Epoch ms of a cell; NaN when it does not fit. */
  read(value: CellValue): number;
  /** A generated value in the column's format (unix formats stay numbers). */
  write(ms: number): CellValue;
  /** Smallest step the format shows: a day, a minute, a second or a millisecond. */
  unitMs: number;
}

function unitOf(format: DateFormat): number {
  if (format === "unix-ms") return 1;
  if (format === "unix-s") return 1000;
  if (/\.f|,f/.test(format)) return 1;
  if (format.includes("SS")) return 1000;
  if (/[Hh]/.test(format)) return 60_000;
  return 86_400_000;
}

/**
 * How to read and write a datetime column: the schema's pattern when it has one, else the pattern its
 * examples (the real values, or the schema's min and max) follow. An ISO keyword ("time") only says
 * which shape; a "time" column written from "06:00" bounds keeps seconds ("06:00:00"), as before.
 * Null when the examples follow no date format.
 */
export function dateWriter(format: string | undefined, examples: readonly unknown[]): DateWriter | null {
  let pattern: DateFormat | null = null;
  if (format !== undefined && !ISO_KEYWORDS.has(format)) pattern = format;
  else {
    const texts = examples.filter((v): v is string => typeof v === "string");
    const guess = texts.length ? inferDateFormat(texts) : null;
    if (!guess) return null;
    pattern = guess.format;
    const isTime = !/y/.test(pattern);
    if (format !== undefined && (format === "time") !== isTime) return null;
    if (format === "time" && !pattern.includes("SS")) pattern = pattern.replace("MM", "MM:SS");
  }
  const fmt = pattern;
  const unix = fmt === "unix-s" || fmt === "unix-ms";
  return {
    format: fmt,
    read: (v) => dateCellMs(v, fmt),
    write: unix ? (ms) => Number(formatDateTimeMs(ms, fmt)) : (ms) => formatDateTimeMs(ms, fmt),
    unitMs: unitOf(fmt),
  };
}
