/**
 * Datetime values are ISO strings in a Frame. Generators work on numbers (epoch ms, or ms
 * since midnight for times of day) and write values back in the style the schema or the
 * real data used: "2024-03-01", "2024-03-01T10:15:50Z", "10:15:50.520000".
 */
import { dateTimeShape, parseDateTimeMs } from "../data/datetime.js";

export interface DateStyle {
  kind: "date" | "datetime" | "time";
  /** Separator between date and time (datetime only). */
  sep: "T" | " ";
  /** Digits after the seconds (0 = none); time values without seconds use -1 ("HH:MM"). */
  fraction: number;
  /** Trailing zone designator kept as written ("Z", "+02:00", or ""). */
  zone: string;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;
const DATETIME_RE = /^(\d{4}-\d{2}-\d{2})([T ])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Detects the style of one value; null when it is no date, datetime or time of day. */
export function detectStyle(value: string): DateStyle | null {
  if (DATE_RE.test(value)) return { kind: "date", sep: "T", fraction: 0, zone: "" };
  const t = TIME_RE.exec(value);
  if (t) return { kind: "time", sep: "T", fraction: t[3] === undefined ? -1 : (t[4]?.length ?? 0), zone: "" };
  const d = DATETIME_RE.exec(value);
  if (d) return { kind: "datetime", sep: d[2] as "T" | " ", fraction: d[5] === undefined ? -1 : (d[6]?.length ?? 0), zone: d[7] ?? "" };
  return null;
}

/**
 * Parses a date/datetime to epoch ms (no zone → UTC) or a time of day to ms since midnight;
 * NaN if unparsable. The data stage owns the parsing rules; this only checks the kind matches.
 */
export function parseDateValue(value: string, kind: DateStyle["kind"]): number {
  const shape = dateTimeShape(value);
  if (shape === null || (kind === "time") !== (shape === "time")) return Number.NaN;
  return parseDateTimeMs(value);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function fractionText(ms: number, digits: number): string {
  if (digits <= 0) return "";
  // Milliseconds carry at most 3 digits; pad the rest with zeros ("520000" style).
  const text = String(Math.floor(ms) % 1000).padStart(3, "0");
  return `.${digits <= 3 ? text.slice(0, digits) : text.padEnd(digits, "0")}`;
}

export function formatDateValue(ms: number, style: DateStyle): string {
  if (style.kind === "time") {
    const total = Math.max(0, Math.floor(ms));
    const s = Math.floor(total / 1000);
    const hh = pad2(Math.floor(s / 3600) % 24), mm = pad2(Math.floor(s / 60) % 60);
    if (style.fraction < 0) return `${hh}:${mm}`;
    return `${hh}:${mm}:${pad2(s % 60)}${fractionText(total % 1000, style.fraction)}`;
  }
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  if (style.kind === "date") return iso.slice(0, 10);
  const base = `${iso.slice(0, 10)}${style.sep}${iso.slice(11, style.fraction < 0 ? 16 : 19)}`;
  return `${base}${style.fraction < 0 ? "" : fractionText(ms - Math.floor(ms / 1000) * 1000, style.fraction)}${style.zone === "" ? "" : "Z"}`; // written in UTC
}

/** Style shared by a column's values (the first parsable one decides); null if none parse. */
export function detectColumnStyle(values: readonly unknown[]): DateStyle | null {
  for (const v of values) {
    if (typeof v === "string") {
      const s = detectStyle(v);
      if (s) return s;
    }
  }
  return null;
}
