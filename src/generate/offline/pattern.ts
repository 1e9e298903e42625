/**
 * Strings from a regular-expression pattern (the schema's `pattern` for text/id columns):
 * a generator for the subset people use for codes — literals, escapes \d \w \s \. etc.,
 * classes [A-Z0-9_-] (no negation), `.`, groups with alternation (a|b), and quantifiers
 * ? * + {n} {n,} {n,m} (unbounded ones capped at `max + 8`). Anchors ^ $ are ignored.
 * Parsed once; each call draws from the given uniform source.
 *
 * Bounded up front: a pattern whose longest string, or whose work per string, exceeds
 * MAX_PATTERN_LENGTH / MAX_PATTERN_STEPS (e.g. `(((a{1000}){1000}){1000})`, 10^9 characters) or
 * that nests groups deeper than MAX_PATTERN_DEPTH is refused with one line before anything is drawn.
 */

/** Longest string a pattern may generate (characters). */
export const MAX_PATTERN_LENGTH = 10_000;
/** Most steps (literals, class draws, group repeats) one string may take to draw. */
export const MAX_PATTERN_STEPS = 100_000;
/** Deepest nesting of groups. */
export const MAX_PATTERN_DEPTH = 50;

import { printableLine } from "../../display/untrusted.js";
import { InputError } from "../../errors.js";

export class PatternError extends InputError {
  override name = "PatternError";
}

type Node =
  | { k: "lit"; s: string }
  | { k: "set"; chars: string }
  | { k: "seq"; items: Node[] }
  | { k: "alt"; options: Node[] }
  | { k: "rep"; node: Node; min: number; max: number };

const DIGITS = "0123456789";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const WORD = UPPER + LOWER + DIGITS + "_";
const PRINTABLE = UPPER + LOWER + DIGITS;

/** A count for a message: exact when small, else like "1e+9". */
function big(n: number): string {
  return n < 1e7 ? n.toLocaleString("en-US") : n.toExponential(0);
}

/**
 * Worst-case length of a node's strings and steps to draw one, computed on the tree (never by
 * expanding it): repeats multiply, alternatives take their maximum. Saturates at Infinity.
 */
function patternCost(n: Node): { length: number; steps: number } {
  switch (n.k) {
    case "lit": return { length: n.s.length, steps: 1 };
    case "set": return { length: 1, steps: 1 };
    case "seq": {
      let length = 0, steps = 1;
      for (const it of n.items) { const c = patternCost(it); length += c.length; steps += c.steps; }
      return { length, steps };
    }
    case "alt": {
      let length = 0, steps = 1;
      for (const o of n.options) { const c = patternCost(o); length = Math.max(length, c.length); steps = Math.max(steps, 1 + c.steps); }
      return { length, steps };
    }
    case "rep": {
      const c = patternCost(n.node);
      return { length: n.max * c.length, steps: 1 + n.max * c.steps };
    }
  }
}

export function compilePattern(pattern: string): (next: () => number) => string {
  let i = 0;
  let depth = 0;
  const fail = (msg: string): never => {
    throw new PatternError(`Pattern /${printableLine(pattern, 120)}/: ${msg}`);
  };

  const escape = (c: string): Node => {
    switch (c) {
      case "d": return { k: "set", chars: DIGITS };
      case "w": return { k: "set", chars: WORD };
      case "s": return { k: "lit", s: " " };
      case "D": case "W": case "S": case "b": case "B":
        return fail(`\\${c} is not supported for generation; use a positive class such as [A-Z].`);
      default: return { k: "lit", s: c };
    }
  };

  const parseClass = (): Node => {
    // at char after "["
    if (pattern[i] === "^") fail("negated classes [^...] are not supported; list the allowed characters instead.");
    let chars = "";
    while (i < pattern.length && pattern[i] !== "]") {
      let c = pattern[i++]!;
      if (c === "\\") {
        const e = pattern[i++];
        if (e === undefined) fail("ends inside an escape.");
        const n = escape(e!);
        if (n.k === "set") { chars += n.chars; continue; }
        c = (n as { s: string }).s;
      }
      if (pattern[i] === "-" && pattern[i + 1] !== undefined && pattern[i + 1] !== "]") {
        const end = pattern[i + 1]!;
        i += 2;
        const a = c.charCodeAt(0), b = end.charCodeAt(0);
        if (b < a) fail(`range ${c}-${end} is reversed.`);
        for (let x = a; x <= b; x++) chars += String.fromCharCode(x);
      } else chars += c;
    }
    if (pattern[i] !== "]") fail("unclosed character class; add ].");
    i++;
    if (!chars) fail("empty character class.");
    return { k: "set", chars };
  };

  const parseAtom = (): Node | null => {
    const c = pattern[i]!;
    if (c === "(") {
      i++;
      if (++depth > MAX_PATTERN_DEPTH) fail(`groups nest deeper than ${MAX_PATTERN_DEPTH} levels; flatten the pattern.`);
      if (pattern.startsWith("?:", i)) i += 2;
      const inner = parseAlt();
      depth--;
      if (pattern[i] !== ")") fail("unclosed group; add ).");
      i++;
      return inner;
    }
    if (c === "[") { i++; return parseClass(); }
    if (c === "\\") {
      i++;
      const e = pattern[i++];
      if (e === undefined) fail("ends with a lone backslash.");
      return escape(e!);
    }
    if (c === ".") { i++; return { k: "set", chars: PRINTABLE }; }
    if (c === "^" || c === "$") { i++; return null; }
    if ("*+?{".includes(c)) fail(`quantifier "${c}" at position ${i} has nothing to repeat.`);
    i++;
    return { k: "lit", s: c };
  };

  const parseQuant = (node: Node): Node => {
    const c = pattern[i];
    if (c === "?") { i++; return { k: "rep", node, min: 0, max: 1 }; }
    if (c === "*") { i++; return { k: "rep", node, min: 0, max: 8 }; }
    if (c === "+") { i++; return { k: "rep", node, min: 1, max: 9 }; }
    if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (!m) return fail(`bad quantifier at position ${i}; write {n}, {n,} or {n,m}.`);
      i += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === "" ? min + 8 : Number(m[3]);
      if (max < min) fail(`quantifier {${min},${max}} has max below min.`);
      return { k: "rep", node, min, max };
    }
    return node;
  };

  const parseSeq = (): Node => {
    const items: Node[] = [];
    while (i < pattern.length && pattern[i] !== "|" && pattern[i] !== ")") {
      const atom = parseAtom();
      if (atom) items.push(parseQuant(atom));
    }
    return { k: "seq", items };
  };

  const parseAlt = (): Node => {
    const options = [parseSeq()];
    while (pattern[i] === "|") { i++; options.push(parseSeq()); }
    return options.length === 1 ? options[0]! : { k: "alt", options };
  };

  const root = parseAlt();
  if (i < pattern.length) fail(`unmatched ")" at position ${i}.`);
  const { length, steps } = patternCost(root);
  if (length > MAX_PATTERN_LENGTH) {
    fail(`generates strings of up to ${big(length)} characters, more than the ${big(MAX_PATTERN_LENGTH)} allowed; lower the repeat counts ({n}, {n,m}).`);
  }
  if (steps > MAX_PATTERN_STEPS) {
    fail(`takes up to ${big(steps)} steps per string, more than the ${big(MAX_PATTERN_STEPS)} allowed; lower the repeat counts ({n}, {n,m}).`);
  }

  const emit = (n: Node, next: () => number, out: string[]): void => {
    switch (n.k) {
      case "lit": out.push(n.s); return;
      case "set": out.push(n.chars[Math.floor(next() * n.chars.length)]!); return;
      case "seq": for (const it of n.items) emit(it, next, out); return;
      case "alt": emit(n.options[Math.floor(next() * n.options.length)]!, next, out); return;
      case "rep": {
        const count = n.min + Math.floor(next() * (n.max - n.min + 1));
        for (let k = 0; k < count; k++) emit(n.node, next, out);
      }
    }
  };
  return (next) => {
    const out: string[] = [];
    emit(root, next, out);
    return out.join("");
  };
}
