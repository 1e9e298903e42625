/**
 * The one date/time parser of the project: strings (or unix numbers) → milliseconds, without
 * `Date.parse` (whose handling of naive strings depends on the machine's time zone).
 *
 * Rules (documented in docs/data.md):
 * - Without a format: ISO only. "YYYY-MM-DD" and "YYYY-MM-DD[T ]HH:MM[:SS[.fff…]]" with optional
 *   "Z" or "±HH:MM": epoch ms. Naive values (no offset) are read as UTC, so results never depend on
 *   the machine. Time of day "HH:MM[:SS[.fff…]]": ms since midnight (epoch ms on 1970-01-01 UTC).
 * - With a format (a column's `format` in the schema, inferred by `inferDateFormat` or given as
 *   `dates: { col: "dd/mm/yyyy" }`): the pattern's fields, e.g. "dd-mm-yyyy HH:MM", "m/d/yyyy",
 *   "d-mon-yy", "mon d, yyyy", "hh:MM AM", or "unix-s" / "unix-ms" for numbers.
 *   Fields: yyyy, yy (00–29 → 20xx, 30–99 → 19xx, as spreadsheets read them), mm / m (month,
 *   padded / not), mon / month (Jan / January), dd / d, HH / H (24-hour), hh / h (12-hour),
 *   MM (minutes), SS (seconds), .fff (fraction, as many f as digits), AM (or am), Z (offset).
 *   Reading is lenient about padding, a missing ":SS" or fraction and a trailing offset; writing
 *   follows the pattern exactly, so generated values look like the real ones.
 * Fractions beyond milliseconds are truncated (the coffee data has ".520000").
 */
import { InputError } from "../errors.js";

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const TIME_ONLY = /^(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;
const DAY_MS = 86_400_000;

export type DateTimeShape = "date" | "datetime" | "time";

/**
 * How a column writes its dates: "date" | "datetime" | "time" (ISO, any of its variants), a
 * pattern such as "dd/mm/yyyy HH:MM", or "unix-s" / "unix-ms" (numbers).
 */
export type DateFormat = string;

function fractionMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Number((frac + "00").slice(0, 3));
}

function validClock(h: number, m: number, s: number): boolean {
  return h <= 23 && m <= 59 && s <= 60;
}

function zoneMinutes(tz: string | undefined): number {
  if (!tz || tz === "Z" || tz === "z") return 0;
  const sign = tz[0] === "-" ? -1 : 1;
  const digits = tz.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

/** Epoch ms of a calendar date and clock; NaN for impossible ones (2024-02-30: Date.UTC would roll it over). */
function utcMs(year: number, month: number, day: number, h: number, min: number, sec: number, ms: number): number {
  if (month < 1 || month > 12 || day < 1 || day > 31 || !validClock(h, min, sec)) return NaN;
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return NaN;
  const d = Date.UTC(year, month - 1, day, h, min, sec, ms);
  // Date.UTC maps years 0–99 to 1900–1999; set the year explicitly.
  if (year < 100) { const x = new Date(d); x.setUTCFullYear(year); return x.getTime(); }
  return d;
}

function parseIso(s: string): number {
  let m = DATE_TIME.exec(s);
  if (m) {
    const ms = utcMs(Number(m[1]), Number(m[2]), Number(m[3]), m[4] ? Number(m[4]) : 0, m[5] ? Number(m[5]) : 0, m[6] ? Number(m[6]) : 0, fractionMs(m[7]));
    return ms - zoneMinutes(m[8]) * 60_000;
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

// ---------------------------------------------------------------- patterns

type Field = "year4" | "year2" | "month" | "monthName" | "day" | "hour24" | "hour12" | "minute" | "second" | "fraction" | "ampm" | "zone";
type Token = { lit: string } | { field: Field; pad?: boolean; full?: boolean; digits?: number; lower?: boolean };

/** Pattern words, longest first so "month" wins over "mon" and "mm" over "m". */
const WORDS: [string, Token][] = [
  ["yyyy", { field: "year4" }], ["month", { field: "monthName", full: true }], ["mon", { field: "monthName", full: false }],
  ["yy", { field: "year2" }], ["mm", { field: "month", pad: true }], ["dd", { field: "day", pad: true }],
  ["HH", { field: "hour24", pad: true }], ["hh", { field: "hour12", pad: true }], ["MM", { field: "minute" }], ["SS", { field: "second" }],
  ["AM", { field: "ampm", lower: false }], ["am", { field: "ampm", lower: true }],
  ["m", { field: "month", pad: false }], ["d", { field: "day", pad: false }], ["H", { field: "hour24", pad: false }], ["h", { field: "hour12", pad: false }],
  ["Z", { field: "zone" }],
];

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

export class DateFormatError extends InputError {
  override name = "DateFormatError";
}

interface Compiled {
  tokens: Token[];
  regex: RegExp;
  /** Capture group index of each field. */
  groups: Partial<Record<Field | "optSecond" | "optFraction" | "optZone", number>>;
  hasDate: boolean;
}

const compiledCache = new Map<string, Compiled>();

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  outer: while (i < pattern.length) {
    // ".fff" / ",ff": a fraction with that many digits.
    if ((pattern[i] === "." || pattern[i] === ",") && pattern[i + 1] === "f") {
      let j = i + 1;
      while (pattern[j] === "f") j++;
      tokens.push({ field: "fraction", digits: j - i - 1, lower: pattern[i] === "," });
      i = j;
      continue;
    }
    for (const [word, token] of WORDS) {
      if (pattern.startsWith(word, i)) { tokens.push({ ...token }); i += word.length; continue outer; }
    }
    const last = tokens[tokens.length - 1];
    if (last && "lit" in last) last.lit += pattern[i]!;
    else tokens.push({ lit: pattern[i]! });
    i++;
  }
  return tokens;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Pattern → tokens and a regex. Throws DateFormatError for a pattern with no date or time field. */
function compile(pattern: string): Compiled {
  const hit = compiledCache.get(pattern);
  if (hit) return hit;
  const tokens = tokenize(pattern);
  const fields = new Set(tokens.flatMap((t) => ("field" in t ? [t.field] : [])));
  const hasDate = fields.has("year4") || fields.has("year2");
  if (!hasDate && !fields.has("hour24") && !fields.has("hour12")) {
    throw new DateFormatError(`Date format "${pattern}" has no year or hour field: write it with yyyy, mm, dd, HH, MM (e.g. "dd/mm/yyyy HH:MM").`);
  }
  if (hasDate && !(fields.has("month") || fields.has("monthName"))) {
    throw new DateFormatError(`Date format "${pattern}" has no month field: use mm (numbers) or mon (Jan), e.g. "dd/mm/yyyy".`);
  }
  const groups: Compiled["groups"] = {};
  let n = 0;
  let src = "^\\s*";
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if ("lit" in t) {
      const next = tokens[k + 1];
      // ":SS" is optional when reading, so "HH:MM:SS" also reads "10:15".
      if (t.lit === ":" && next && "field" in next && next.field === "second") {
        src += "(?::(\\d{2}))?"; groups.second = ++n; k++;
        continue;
      }
      const before = next && "field" in next && next.field === "ampm";
      // Between a date and its time, "T" and spaces are one separator (ISO writes both).
      if ((t.lit === " " || t.lit === "T") && next && "field" in next && (next.field === "hour24" || next.field === "hour12") && k > 0) {
        src += "(?:[Tt]|\\s+)";
        continue;
      }
      src += t.lit.split("").map((c) => (c === " " ? (before ? "\\s*" : "\\s+") : c === "," ? ",?" : escapeRegex(c))).join("");
      continue;
    }
    switch (t.field) {
      case "year4": src += "(\\d{4})"; groups.year4 = ++n; break;
      case "year2": src += "(\\d{2})"; groups.year2 = ++n; break;
      case "month": src += "(\\d{1,2})"; groups.month = ++n; break;
      case "monthName": src += "([A-Za-z]{3,9})\\.?"; groups.monthName = ++n; break;
      case "day": src += "(\\d{1,2})"; groups.day = ++n; break;
      case "hour24": case "hour12": src += "(\\d{1,2})"; groups[t.field] = ++n; break;
      case "minute":
        src += "(\\d{2})"; groups.minute = ++n;
        if (!fields.has("second")) { src += "(?::(\\d{2}))?"; groups.optSecond = ++n; }
        if (!fields.has("fraction")) { src += "(?:[.,](\\d{1,9}))?"; groups.optFraction = ++n; }
        break;
      case "second":
        src += "(\\d{2})"; groups.second = ++n;
        if (!fields.has("fraction")) { src += "(?:[.,](\\d{1,9}))?"; groups.optFraction = ++n; }
        break;
      case "fraction": src += "(?:[.,](\\d{1,9}))?"; groups.fraction = ++n; break;
      case "ampm": src += "([AaPp]\\.?[Mm]\\.?)"; groups.ampm = ++n; break;
      case "zone": src += "\\s*(Z|z|[+-]\\d{2}:?\\d{2})?"; groups.zone = ++n; break;
    }
  }
  if (!fields.has("zone") && (fields.has("hour24") || fields.has("hour12"))) { src += "\\s*(Z|z|[+-]\\d{2}:?\\d{2})?"; groups.optZone = ++n; }
  const compiled: Compiled = { tokens, regex: new RegExp(src + "\\s*$"), groups, hasDate };
  if (compiledCache.size > 500) compiledCache.clear();
  compiledCache.set(pattern, compiled);
  return compiled;
}

/** Month number (1–12) of "Jan", "jan.", "January", "Sept"; 0 when it is no month name. */
function monthFromName(name: string): number {
  const s = name.toLowerCase();
  for (let i = 0; i < 12; i++) {
    const full = MONTHS[i]!;
    if (s.length >= 3 && full.startsWith(s)) return i + 1;
  }
  return 0;
}

/** Years written with two digits: 00–29 → 2000s, 30–99 → 1900s (the spreadsheet convention). */
export function fullYear(yy: number): number {
  return yy < 30 ? 2000 + yy : 1900 + yy;
}

function parsePattern(text: string, c: Compiled): number {
  const m = c.regex.exec(text);
  if (!m) return NaN;
  const g = (f: keyof Compiled["groups"]): string | undefined => (c.groups[f] === undefined ? undefined : m[c.groups[f]!]);
  let hour = 0;
  const h24 = g("hour24"), h12 = g("hour12"), ap = g("ampm");
  if (h24 !== undefined) hour = Number(h24);
  if (h12 !== undefined) {
    hour = Number(h12);
    if (hour < 1 || hour > 12) return NaN;
    const pm = ap !== undefined && /^p/i.test(ap);
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  const minute = Number(g("minute") ?? 0);
  const second = Number(g("second") ?? g("optSecond") ?? 0);
  const ms = fractionMs(g("fraction") ?? g("optFraction"));
  if (!validClock(hour, minute, second)) return NaN;
  const zone = zoneMinutes(g("zone") ?? g("optZone")) * 60_000;
  if (!c.hasDate) return ((hour * 60 + minute) * 60 + second) * 1000 + ms - zone;
  const y4 = g("year4"), y2 = g("year2");
  const year = y4 !== undefined ? Number(y4) : fullYear(Number(y2));
  const name = g("monthName");
  const month = name !== undefined ? monthFromName(name) : Number(g("month"));
  return utcMs(year, month, Number(g("day") ?? 1), hour, minute, second, ms) - zone;
}

const ISO_FORMATS = new Set(["date", "datetime", "time"]);

/** The format is one of the ISO keywords (or none): read with the ISO rules. */
function isIso(format: DateFormat | undefined): boolean {
  return format === undefined || ISO_FORMATS.has(format);
}

/** Checks a user-given format; throws DateFormatError with one line naming the fix. */
export function checkDateFormat(format: DateFormat): void {
  if (isIso(format) || format === "unix-s" || format === "unix-ms") return;
  compile(format);
}

/**
 * Epoch ms for a date, datetime or time-of-day string (time of day: ms since midnight); NaN if it
 * does not fit. Without `format`, ISO only; with one, that pattern (see the module comment).
 */
export function parseDateTimeMs(text: string, format?: DateFormat): number {
  const s = text.trim();
  if (isIso(format)) {
    const ms = parseIso(s);
    if (format === undefined || Number.isNaN(ms)) return ms;
    // An ISO keyword also checks the shape: a "time" column holds no dates.
    return (format === "time") === TIME_ONLY.test(s) ? ms : NaN;
  }
  if (format === "unix-s" || format === "unix-ms") {
    const x = /^[+-]?\d+(?:\.\d+)?$/.test(s) ? Number(s) : NaN;
    return format === "unix-s" ? x * 1000 : x;
  }
  return parsePattern(s, compile(format!));
}

/** Epoch ms of one cell: strings through parseDateTimeMs, numbers for unix formats (NaN otherwise). */
export function dateCellMs(value: unknown, format?: DateFormat): number {
  if (value === null || value === undefined) return NaN;
  if (typeof value === "number") {
    if (format === "unix-s") return value * 1000;
    return format === "unix-ms" ? value : NaN;
  }
  return typeof value === "string" ? parseDateTimeMs(value, format) : NaN;
}

/** Which of the three shapes an ISO string has (null if none); cheap, regex only. */
export function dateTimeShape(text: string): DateTimeShape | null {
  const s = text.trim();
  const m = DATE_TIME.exec(s);
  if (m) return m[4] ? "datetime" : "date";
  return TIME_ONLY.test(s) ? "time" : null;
}

/** The shape of a format: a date, a date with a time, or a time of day. */
export function formatShape(format: DateFormat): DateTimeShape {
  if (ISO_FORMATS.has(format)) return format as DateTimeShape;
  if (format === "unix-s" || format === "unix-ms") return "datetime";
  const c = compile(format);
  const hasTime = c.tokens.some((t) => "field" in t && (t.field === "hour24" || t.field === "hour12"));
  return !c.hasDate ? "time" : hasTime ? "datetime" : "date";
}

export function isDateTimeString(text: string, format?: DateFormat): boolean {
  return !Number.isNaN(parseDateTimeMs(text, format));
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

function fractionText(ms: number, digits: number): string {
  if (digits <= 0) return "";
  const text = pad(ms, 3);
  return digits <= 3 ? text.slice(0, digits) : text.padEnd(digits, "0");
}

/**
 * Text for a parsed value. An ISO keyword gives the canonical text ("YYYY-MM-DD",
 * "YYYY-MM-DDTHH:MM:SS.mmm", "HH:MM:SS.mmm"; loaders use it to unify mixed formats in one column);
 * a pattern writes exactly its fields ("6/1/1869", "15-Jan-67", "03:05 PM"); unix formats give numbers' text.
 */
export function formatDateTimeMs(ms: number, format: DateFormat): string {
  if (format === "unix-s") return String(Math.round(ms / 1000));
  if (format === "unix-ms") return String(Math.round(ms));
  const d = new Date(ms);
  if (ISO_FORMATS.has(format)) {
    const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
    if (format === "date") return date;
    if (format === "time") return time;
    return `${date}T${time}`;
  }
  const c = compile(format);
  // Times of day wrap within one day.
  const t = c.hasDate ? d : new Date(((Math.floor(ms) % DAY_MS) + DAY_MS) % DAY_MS);
  let out = "";
  for (const tok of c.tokens) {
    if ("lit" in tok) { out += tok.lit; continue; }
    const p = (n: number): string => (tok.pad === false ? String(n) : pad(n));
    switch (tok.field) {
      case "year4": out += pad(t.getUTCFullYear(), 4); break;
      case "year2": out += pad(t.getUTCFullYear() % 100); break;
      case "month": out += p(t.getUTCMonth() + 1); break;
      case "monthName": {
        const name = MONTHS[t.getUTCMonth()]!;
        const text = tok.full ? name : name.slice(0, 3);
        out += text[0]!.toUpperCase() + text.slice(1);
        break;
      }
      case "day": out += p(t.getUTCDate()); break;
      case "hour24": out += p(t.getUTCHours()); break;
      case "hour12": out += p(((t.getUTCHours() + 11) % 12) + 1); break;
      case "minute": out += pad(t.getUTCMinutes()); break;
      case "second": out += pad(t.getUTCSeconds()); break;
      case "fraction": out += (tok.lower ? "," : ".") + fractionText(t.getUTCMilliseconds(), tok.digits ?? 3); break;
      case "ampm": { const s = t.getUTCHours() < 12 ? "AM" : "PM"; out += tok.lower ? s.toLowerCase() : s; break; }
      case "zone": out += "Z"; break;
    }
  }
  return out;
}

// ---------------------------------------------------------------- inference

/** Date parts tried, day-first or month-first order first as the separator's custom has it. */
const DATE_PARTS = [
  "yyyy-mm-dd", "yyyy/mm/dd", "yyyy.mm.dd",
  "mm/dd/yyyy", "dd/mm/yyyy", "dd-mm-yyyy", "mm-dd-yyyy", "dd.mm.yyyy", "mm.dd.yyyy",
  "mm/dd/yy", "dd/mm/yy", "dd-mm-yy", "mm-dd-yy", "dd.mm.yy",
  "dd-mon-yy", "dd-mon-yyyy", "dd mon yyyy", "dd mon yy", "mon dd, yyyy", "mon dd yyyy", "yyyy-mon-dd", "dd/mon/yyyy",
];
const TIME_PARTS = ["HH:MM", "hh:MM AM"];

/** Candidate patterns for a value: its date part with and without a time, or a time alone. */
function candidates(): string[] {
  const out: string[] = [];
  for (const d of DATE_PARTS) {
    out.push(d);
    for (const t of TIME_PARTS) out.push(`${d} ${t}`); // also reads "T" between date and time
  }
  out.push(...TIME_PARTS);
  return out;
}
const CANDIDATES = candidates();

/** The other day/month order of a day-first or month-first pattern ("dd/mm/yyyy" ↔ "mm/dd/yyyy"), or null. */
function swapped(pattern: string): string | null {
  const m = /^(dd|mm)([-/.])(dd|mm)\2(yyyy|yy)/.exec(pattern);
  if (!m || m[1] === m[3]) return null;
  return `${m[3]}${m[2]}${m[1]}${m[2]}${m[4]}${pattern.slice(m[0].length)}`;
}

export interface DateFormatGuess {
  format: DateFormat;
  /** Values (distinct texts) that do not fit the format. */
  misfits: string[];
  /** Another day/month order fits the data equally well: the data cannot settle it. */
  ambiguousWith?: DateFormat;
}

/** Share of values a pattern must read for a column to count as dates (a few typos do not make it text). */
const MIN_SHARE = 0.98;

/**
 * The format of a column of date/time texts, from its distinct values: ISO first, then the common
 * patterns (see CANDIDATES). The pattern that reads the most values wins; a day/month order is
 * settled by a field above 12, and when nothing settles it `ambiguousWith` names the other order.
 * Padding, seconds, fraction digits, offsets, "January" vs "Jan" and AM/am come from the values,
 * so writing with the result reproduces the column's style. Null when under 98% of values fit.
 */
export function inferDateFormat(values: readonly string[]): DateFormatGuess | null {
  const distinct = [...new Set(values.map((v) => v.trim()).filter((v) => v !== ""))];
  if (distinct.length === 0) return null;
  const need = distinct.length <= 20 ? distinct.length : Math.ceil(distinct.length * MIN_SHARE);
  // Cheap first pass: each candidate against a few values.
  const probe = distinct.slice(0, 5);
  const probeNeed = distinct.length <= 20 ? probe.length : probe.length - 1;
  let best: { pattern: string; fit: number }[] = [];
  for (const pattern of CANDIDATES) {
    const c = compile(pattern);
    if (probe.filter((v) => !Number.isNaN(parsePattern(v, c))).length < probeNeed) continue;
    // Stop scanning a candidate as soon as it misses more values than the share allows.
    let fit = 0, miss = 0;
    const allowed = distinct.length - need;
    for (const v of distinct) {
      if (!Number.isNaN(parsePattern(v, c))) fit++;
      else if (++miss > allowed) break;
    }
    if (fit < need) continue;
    if (best.length === 0 || fit > best[0]!.fit) best = [{ pattern, fit }];
    else if (fit === best[0]!.fit) best.push({ pattern, fit });
  }
  if (best.length === 0) return null;
  const chosen = best[0]!.pattern;
  const other = swapped(chosen);
  const ambiguousWith = other && best.some((b) => b.pattern === other) ? other : undefined;
  const c = compile(chosen);
  const misfits = distinct.filter((v) => Number.isNaN(parsePattern(v, c)));
  const format = refine(chosen, distinct.filter((v) => !misfits.includes(v)));
  return { format, misfits, ...(ambiguousWith ? { ambiguousWith: refine(ambiguousWith, distinct) } : {}) };
}

/** A candidate pattern adjusted to how the values write each field (padding, seconds, fraction, offset, names). */
function refine(pattern: string, fits: readonly string[]): DateFormat {
  const c = compile(pattern);
  const g = c.groups;
  let seconds = false, fraction = 0, zone = false, fullName = false, lowerAmPm = false;
  // Padding by majority among one-digit values: "6/1/1869" → m/d, "09:40" next to one "9:40" → HH.
  const short = { day: 0, month: 0, hour: 0 }, padded = { day: 0, month: 0, hour: 0 };
  const count = (key: keyof typeof short, text: string | undefined): void => {
    if (text === undefined || Number(text) >= 10) return;
    if (text.length === 1) short[key]++; else padded[key]++;
  };
  for (const v of fits) {
    const m = c.regex.exec(v.trim());
    if (!m) continue;
    if (g.day !== undefined) count("day", m[g.day]);
    if (g.month !== undefined) count("month", m[g.month]);
    const hour = g.hour24 ?? g.hour12;
    if (hour !== undefined) count("hour", m[hour]);
    if (g.optSecond !== undefined && m[g.optSecond] !== undefined) seconds = true;
    if (g.optFraction !== undefined && m[g.optFraction] !== undefined) fraction = Math.max(fraction, m[g.optFraction]!.length);
    if (g.optZone !== undefined && m[g.optZone] !== undefined) zone = true;
    if (g.monthName !== undefined && m[g.monthName]!.length > 3 && m[g.monthName]!.toLowerCase() !== "sept") fullName = true;
    if (g.ampm !== undefined && /^[ap]/.test(m[g.ampm]!)) lowerAmPm = true;
  }
  const unpaddedDay = short.day > padded.day, unpaddedMonth = short.month > padded.month, unpaddedHour = short.hour > padded.hour;
  // "T" or a space between date and time, as most values write it.
  const withT = fits.filter((v) => /\d[Tt]\d/.test(v)).length;
  const sep = withT > fits.length / 2 ? "T" : " ";
  let out = "";
  for (let k = 0; k < c.tokens.length; k++) {
    const t = c.tokens[k]!;
    const next = c.tokens[k + 1];
    if ("lit" in t) {
      const beforeHour = next && "field" in next && (next.field === "hour24" || next.field === "hour12");
      out += k > 0 && beforeHour && (t.lit === " " || t.lit === "T") ? sep : t.lit;
      continue;
    }
    switch (t.field) {
      case "day": out += unpaddedDay ? "d" : "dd"; break;
      case "month": out += unpaddedMonth ? "m" : "mm"; break;
      case "hour24": out += unpaddedHour ? "H" : "HH"; break;
      case "hour12": out += unpaddedHour ? "h" : "hh"; break;
      case "monthName": out += fullName ? "month" : "mon"; break;
      case "ampm": out += lowerAmPm ? "am" : "AM"; break;
      case "minute": out += "MM" + (seconds ? ":SS" : "") + (fraction ? "." + "f".repeat(fraction) : ""); break;
      case "year4": out += "yyyy"; break;
      case "year2": out += "yy"; break;
      case "second": out += "SS"; break;
      case "fraction": out += (t.lower ? "," : ".") + "f".repeat(t.digits ?? 3); break;
      case "zone": out += "Z"; break;
    }
  }
  return zone ? out + "Z" : out;
}

/** Column names that announce unix timestamps ("created_unix", "epoch_ms", "timestamp"). */
const UNIX_NAME = /unix|epoch|timestamp|(^|[^a-z])ts([^a-z]|$)/i;

/**
 * "unix-s" or "unix-ms" for a column of whole numbers whose name says it holds timestamps and
 * whose values fall in 1973–2286 in those units; null otherwise (plain numbers stay numbers).
 */
export function inferUnixFormat(name: string, numbers: readonly number[]): "unix-s" | "unix-ms" | null {
  if (!UNIX_NAME.test(name) || numbers.length === 0 || !numbers.every((x) => Number.isInteger(x))) return null;
  const inRange = (lo: number, hi: number): boolean => numbers.every((x) => x >= lo && x <= hi);
  return inRange(1e11, 1e13) ? "unix-ms" : inRange(1e8, 1e10) ? "unix-s" : null;
}

/**
 * The `--dates` option: "col=dd/mm/yyyy", several joined by ";" or given as repeated options, into
 * { col: "dd/mm/yyyy" }. The last "=" splits, so a column name may contain one. Throws
 * DateFormatError naming the bad piece and the fix.
 */
export function parseDatesOption(specs: string | readonly string[]): Record<string, DateFormat> {
  const out: Record<string, DateFormat> = {};
  for (const spec of typeof specs === "string" ? [specs] : specs) {
    for (const piece of spec.split(";").map((p) => p.trim()).filter(Boolean)) {
      const eq = piece.lastIndexOf("=");
      const name = piece.slice(0, eq).trim();
      const format = piece.slice(eq + 1).trim();
      if (eq <= 0 || !name || !format) throw new DateFormatError(`--dates ${piece}: write COLUMN=FORMAT, e.g. --dates "Date=dd/mm/yyyy".`);
      checkDateFormat(format);
      out[name] = format;
    }
  }
  return out;
}
