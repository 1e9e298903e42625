/**
 * Shell-like tokenizing of a magic's argument line, with `{expr}` interpolation.
 *
 * Rules (documented in docs/magics.md):
 * - words are separated by unquoted whitespace;
 * - '...' is literal (no escapes, no interpolation);
 * - "..." allows \" and \\ escapes and `{expr}` interpolation;
 * - outside quotes a backslash escapes the next character;
 * - `{expr}` (outside single quotes) is replaced by the value of `expr` in the notebook,
 *   and the value stays inside the current word even when it contains spaces; `{{` and `}}`
 *   are literal braces.
 * Interpolation happens after splitting, so a value can never inject extra words or options.
 */
import { MagicUsageError } from "./types.js";

export type Piece = { text: string } | { expr: string };

export interface RawToken {
  pieces: Piece[];
  /** The word starts with literal text (not an interpolated value), so `-x` in it may be an option. */
  literalStart: boolean;
}

export interface Token {
  text: string;
  /** True when the text's leading `-` came from the argument line itself (option candidate). */
  optionCandidate: boolean;
}

/** Split the line into words made of literal and `{expr}` pieces. `where` names the magic for errors. */
export function tokenize(line: string, where: string): RawToken[] {
  const tokens: RawToken[] = [];
  let pieces: Piece[] = [];
  let text = "";
  let inWord = false;
  const flush = (): void => {
    if (text) pieces.push({ text });
    text = "";
  };
  const endWord = (): void => {
    flush();
    if (inWord) {
      const first = pieces[0];
      tokens.push({ pieces, literalStart: first === undefined || "text" in first });
    }
    pieces = [];
    inWord = false;
  };
  let i = 0;
  // Reads `{expr}` starting at line[i] === "{"; returns the index after the closing brace.
  const readExpr = (start: number): number => {
    let depth = 0;
    let quote: string | null = null;
    for (let j = start; j < line.length; j++) {
      const c = line[j]!;
      if (quote) {
        if (c === "\\") j++;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === '"' || c === "'" || c === "`") quote = c;
      else if (c === "{") depth++;
      else if (c === "}") {
        depth--;
        if (depth === 0) {
          const expr = line.slice(start + 1, j).trim();
          if (!expr) throw new MagicUsageError(`${where}: empty {} in the arguments; write {{}} for literal braces.`);
          flush();
          pieces.push({ expr });
          return j + 1;
        }
      }
    }
    throw new MagicUsageError(`${where}: unclosed "{" in the arguments; close it, or write {{ for a literal brace.`);
  };
  while (i < line.length) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      endWord();
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new MagicUsageError(`${where}: unclosed ' quote in the arguments.`);
      text += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const d = line[i]!;
        if (d === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\")) {
          text += line[i + 1];
          i += 2;
        } else if (d === '"') {
          closed = true;
          i++;
          break;
        } else if (d === "{" || d === "}") {
          i = braceAt(i);
        } else {
          text += d;
          i++;
        }
      }
      if (!closed) throw new MagicUsageError(`${where}: unclosed " quote in the arguments.`);
    } else if (c === "\\" && i + 1 < line.length) {
      text += line[i + 1];
      i += 2;
    } else if (c === "{" || c === "}") {
      i = braceAt(i);
    } else {
      text += c;
      i++;
    }
  }
  endWord();
  return tokens;

  function braceAt(at: number): number {
    const c = line[at]!;
    if (line[at + 1] === c) {
      text += c;
      return at + 2;
    }
    if (c === "}") throw new MagicUsageError(`${where}: unmatched "}" in the arguments; write }} for a literal brace.`);
    return readExpr(at);
  }
}

/** Text of a value placed into an argument: strings verbatim, other values as JSON where possible. */
export function interpolatedText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (typeof value === "function" || typeof value === "symbol") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Evaluate every `{expr}` piece and join each word's pieces. */
export async function resolveTokens(
  raw: readonly RawToken[],
  evaluate: (expr: string) => Promise<unknown>,
  where: string,
): Promise<Token[]> {
  const out: Token[] = [];
  for (const token of raw) {
    let text = "";
    for (const piece of token.pieces) {
      text += "text" in piece ? piece.text : interpolatedText(await evaluateExpr(piece.expr, evaluate, where));
    }
    out.push({ text, optionCandidate: token.literalStart });
  }
  return out;
}

async function evaluateExpr(
  expr: string,
  evaluate: (expr: string) => Promise<unknown>,
  where: string,
): Promise<unknown> {
  try {
    return await evaluate(expr);
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new MagicUsageError(`${where}: could not evaluate {${expr}}: ${firstLine(message)}`);
  }
}

/**
 * Interpolate `{expr}` in free text (a cell body for magics that ask for it): no quoting rules,
 * `{{`/`}}` are literal braces.
 */
export async function interpolateText(
  text: string,
  evaluate: (expr: string) => Promise<unknown>,
  where: string,
): Promise<string> {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if ((c === "{" || c === "}") && text[i + 1] === c) {
      out += c;
      i += 2;
    } else if (c === "{") {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        if (text[j] === "{") depth++;
        else if (text[j] === "}" && --depth === 0) break;
      }
      if (j >= text.length) throw new MagicUsageError(`${where}: unclosed "{" in the cell body; write {{ for a literal brace.`);
      const expr = text.slice(i + 1, j).trim();
      out += interpolatedText(await evaluateExpr(expr, evaluate, where));
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function firstLine(s: string): string {
  const nl = s.indexOf("\n");
  return nl < 0 ? s : s.slice(0, nl);
}
