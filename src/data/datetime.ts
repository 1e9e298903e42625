/**
 * Date/time strings → milliseconds, without `Date.parse` (whose handling of naive strings
 * depends on the machine's time zone and differs between "2024-03-01" and "2024-03-01 10:00").
 *
 * Rules (documented in docs/data.md):
 * - "YYYY-MM-DD" and "YYYY-MM-DD[T ]HH:MM[:SS[.fff…]]" with optional "Z" or "±HH:MM": epoch ms.
 *   Naive values (no offset) are read as UTC, so results never depend on the machine.
 * - Time of day "HH:MM[:SS[.fff…]]": ms since midnight, i.e. epoch ms on 1970-01-01 UTC. A time
 *   column is kind "datetime" so binning, KS and ranges work on it like any other time axis.
 * Fractions beyond milliseconds are truncated (the coffee data has ".520000").
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const TIME_ONLY = /^(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;

export type DateTimeShape = "date" | "datetime" | "time";

function fractionMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Number((frac + "00").slice(0, 3));
}

function validClock(h: number, m: number, s: number): boolean {
  return h <= 23 && m <= 59 && s <= 60;
}

/** Epoch ms for a date, datetime or time-of-day string; NaN if it is none of those. */
export function parseDateTimeMs(text: string): number {
  const s = text.trim();
  let m = DATE_TIME.exec(s);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const h = m[4] ? Number(m[4]) : 0;
    const min = m[5] ? Number(m[5]) : 0;
    const sec = m[6] ? Number(m[6]) : 0;
    if (month < 1 || month > 12 || day < 1 || day > 31 || !validClock(h, min, sec)) return NaN;
    let ms = Date.UTC(year, month - 1, day, h, min, sec, fractionMs(m[7]));
    // Reject 2024-02-30 and the like: Date.UTC silently rolls them over.
    if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return NaN;
    const tz = m[8];
    if (tz && tz !== "Z") {
      const sign = tz[0] === "-" ? -1 : 1;
      const digits = tz.slice(1).replace(":", "");
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
    }
    return ms;
  }
  m = TIME_ONLY.exec(s);
  if (m) {
    const h = Number(m[1]);
    const min = Number(m[2]);
    const sec = m[3] ? Number(m[3]) : 0;
    if (!validClock(h, min, sec)) return NaN;
    return ((h * 60 + min) * 60 + sec) * 1000 + fractionMs(m[4]);
  }
  return NaN;
}

/** Which of the three shapes a string has (null if none); cheap, regex only. */
export function dateTimeShape(text: string): DateTimeShape | null {
  const s = text.trim();
  const m = DATE_TIME.exec(s);
  if (m) return m[4] ? "datetime" : "date";
  return TIME_ONLY.test(s) ? "time" : null;
}

export function isDateTimeString(text: string): boolean {
  return !Number.isNaN(parseDateTimeMs(text));
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/**
 * Canonical text for a parsed value of a given shape: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS.mmm"
 * (naive, as read) or "HH:MM:SS.mmm". Used by loaders to unify mixed formats in one column.
 */
export function formatDateTimeMs(ms: number, shape: DateTimeShape): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  if (shape === "date") return date;
  if (shape === "time") return time;
  return `${date}T${time}`;
}
