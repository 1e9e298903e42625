/**
 * Text written by a model (its replies, its programs' error messages, the values in its rows) is
 * untrusted: it can be megabytes long and can carry terminal escape sequences (ANSI colours, OSC
 * title or hyperlink sequences, cursor moves), carriage returns that overwrite what came before,
 * or newlines that forge extra lines of output. This module is the one place that makes such text
 * safe to show, log or quote back into a prompt: bounded, and without control characters.
 *
 * Every exit point of model text goes through it: error and warning messages of the LLM modes, the
 * correction requests sent back to the model, and the CLI's and magics' printed lines.
 */

/** A terminal line (error, warning) quotes at most this much model text. */
export const LINE_CHARS = 2_000;
/** A prompt quotes at most this much of one piece of model-influenced text (an error message). */
export const PROMPT_CHARS = 4_000;
/** A correction turn quotes at most this much of the model's own failed reply (a program, a batch of rows). */
export const ECHO_CHARS = 32_000;

// Escape sequences, whole: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), DCS/SOS/PM/APC strings
// (ESC P|X|^|_ … ESC \), and two-character escapes; then the 8-bit C1 forms of CSI and OSC.
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[\]PX^_][\s\S]*?(?:\u0007|\u001b\\|$)|\u001b[ -~]|\u009b[0-?]*[ -/]*[@-~]|\u009d[\s\S]*?(?:\u0007|\u009c|$)/g;
// C0 and C1 controls, DEL, Unicode line/paragraph separators, and bidirectional overrides (which can
// make a line read differently from what it holds).
const CONTROLS_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]/g;
const CONTROLS_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]/g;

/** "312 bytes", "12 KB", "4.9 MB": the size of what was left out. */
function size(bytes: number): string {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? "" : "s"}`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * The first `max` characters of `text` (not splitting a surrogate pair) and a note of how much more
 * there was; `omittedBytes` counts text already cut off before it reached us (e.g. in a worker).
 */
function bound(text: string, max: number, omittedBytes: number): { head: string; more: string } {
  if (text.length <= max) return { head: text, more: omittedBytes > 0 ? `… ${size(omittedBytes)} more` : "" };
  let cut = max;
  const c = text.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut -= 1;
  const head = text.slice(0, cut);
  return { head, more: `… ${size(Buffer.byteLength(text, "utf8") - Buffer.byteLength(head, "utf8") + omittedBytes)} more` };
}

/** `text` with escape sequences removed and every other control character turned into a space (not bounded). */
export function stripControls(text: string): string {
  return text.replace(ESCAPES, "").replace(CONTROLS_LINE, " ");
}

/**
 * One printable line: escape sequences removed, every other control character (newlines and
 * carriage returns included) turned into a space, at most `max` characters of the original with the
 * rest summarised ("… 4.9 MB more").
 */
export function printableLine(text: string, max = LINE_CHARS, omittedBytes = 0): string {
  const { head, more } = bound(String(text), max, omittedBytes);
  const clean = stripControls(head);
  return more ? `${clean}${more}` : clean;
}

/**
 * Printable text that may span lines (for prompts and multi-line messages): like `printableLine`, but
 * newlines and tabs are kept and `\r\n` becomes `\n` (a lone `\r`, which overwrites a line on a terminal,
 * becomes a newline too).
 */
export function printableText(text: string, max = PROMPT_CHARS, omittedBytes = 0): string {
  const { head, more } = bound(String(text), max, omittedBytes);
  const clean = head.replace(ESCAPES, "").replace(/\r\n?/g, "\n").replace(CONTROLS_BLOCK, " ");
  return more ? `${clean}\n${more}` : clean;
}

/**
 * A model-written value quoted in a message: its JSON, bounded and printable. A value too deeply
 * nested (or cyclic) to serialise is named by its type instead of overflowing the stack.
 */
export function quoteValue(value: unknown, max = 60): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = Array.isArray(value) ? "an array" : "an object";
  }
  return printableLine(s, max);
}
