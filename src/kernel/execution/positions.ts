/**
 * Jupyter protocol 5.2+ counts cursor positions in Unicode code points; JavaScript strings and
 * the TypeScript compiler count UTF-16 code units. They differ after any astral character (emoji).
 */

/** Code point offset → UTF-16 offset in `text` (clamped to the text). */
export function codePointToUtf16(text: string, codePoints: number): number {
  let units = 0;
  let points = 0;
  while (points < codePoints && units < text.length) {
    const c = text.codePointAt(units)!;
    units += c > 0xffff ? 2 : 1;
    points++;
  }
  return units;
}

/** UTF-16 offset → code point offset. */
export function utf16ToCodePoint(text: string, units: number): number {
  let points = 0;
  let i = 0;
  const end = Math.min(units, text.length);
  while (i < end) {
    const c = text.codePointAt(i)!;
    i += c > 0xffff ? 2 : 1;
    points++;
  }
  return points;
}
