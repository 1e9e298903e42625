/**
 * Line magics inside TypeScript cells (IPython's `%time x` between statements).
 *
 * A line is a magic line when it starts at column 0 with `%` and a name, and that position is at the
 * cell's top level: not inside brackets, a string, a template literal or a comment. The cell is then
 * cut there and run as parts, in order: TypeScript, magic, TypeScript… (each TypeScript part as a
 * cell of the same notebook, so declarations carry over). Finding the top level needs a real lexer
 * (template literals nest, `/` may start a regular expression), hence TypeScript's own scanner,
 * loaded only when a cell has a candidate line at all.
 */
import { createRequire } from "node:module";

type TS = typeof import("typescript");
let typescript: TS | undefined;
/** Synchronous and lazy: the kernel has TypeScript loaded already; other users pay only when needed. */
function ts(): TS {
  return (typescript ??= createRequire(import.meta.url)("typescript") as TS);
}

const CANDIDATE = /^%%?[A-Za-z_]/;

/** Tokens after which `/` divides; after anything else it starts a regular expression. */
function endsOperand(k: number, SK: TS["SyntaxKind"]): boolean {
  return (
    k === SK.Identifier || k === SK.NumericLiteral || k === SK.BigIntLiteral || k === SK.StringLiteral ||
    k === SK.NoSubstitutionTemplateLiteral || k === SK.TemplateTail || k === SK.RegularExpressionLiteral ||
    k === SK.CloseParenToken || k === SK.CloseBracketToken || k === SK.CloseBraceToken ||
    k === SK.ThisKeyword || k === SK.SuperKeyword || k === SK.TrueKeyword || k === SK.FalseKeyword || k === SK.NullKeyword ||
    k === SK.PlusPlusToken || k === SK.MinusMinusToken
  );
}

/** Indices of the lines of `code` that are top-level magic lines (`%name …` or `%%name …` at column 0). */
export function topLevelMagicLines(code: string): number[] {
  if (!/(?:^|\n)%%?[A-Za-z_]/.test(code)) return []; // the usual cell: no candidate, no lexing
  const lines = code.split("\n");
  const starts: number[] = [];
  for (let i = 0, at = 0; i < lines.length; at += lines[i]!.length + 1, i++) starts.push(at);
  const { SyntaxKind: SK, createScanner, ScriptTarget, LanguageVariant } = ts();
  const scanner = createScanner(ScriptTarget.Latest, false, LanguageVariant.Standard, code);
  let depth = 0;
  /** Bracket depth at which each open template expression (`${`) started. */
  const templates: number[] = [];
  let prev: number = SK.Unknown;
  const found: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineEnd = i + 1 < lines.length ? starts[i + 1]! : code.length;
    // Inside a token that spans lines (comment, template, string): not the top level.
    if (scanner.getTokenEnd() > starts[i]!) {
      while (scanner.getTokenEnd() < lineEnd && scan()) { /* keep lexing this line */ }
      continue;
    }
    if (depth === 0 && templates.length === 0 && CANDIDATE.test(lines[i]!)) {
      found.push(i);
      scanner.resetTokenState(lineEnd); // the magic's arguments are not TypeScript
      prev = SK.Unknown; // a statement boundary
      continue;
    }
    while (scanner.getTokenEnd() < lineEnd && scan()) { /* lex the line */ }
  }
  return found;

  /** Scans one token, tracking brackets and template expressions; false at the end of the text. */
  function scan(): boolean {
    let k = scanner.scan();
    if (k === SK.EndOfFileToken) return false;
    switch (k) {
      case SK.OpenBraceToken: case SK.OpenParenToken: case SK.OpenBracketToken: depth++; break;
      case SK.CloseParenToken: case SK.CloseBracketToken: depth = Math.max(0, depth - 1); break;
      case SK.TemplateHead: templates.push(depth); break;
      case SK.CloseBraceToken:
        if (templates.length && templates[templates.length - 1] === depth) {
          k = scanner.reScanTemplateToken(false);
          if (k === SK.TemplateTail) templates.pop();
        } else depth = Math.max(0, depth - 1);
        break;
      case SK.SlashToken: case SK.SlashEqualsToken:
        if (!endsOperand(prev, SK)) k = scanner.reScanSlashToken();
        break;
    }
    if (k !== SK.WhitespaceTrivia && k !== SK.NewLineTrivia && k !== SK.SingleLineCommentTrivia && k !== SK.MultiLineCommentTrivia) prev = k;
    return true;
  }
}

/**
 * The cell as TypeScript tooling should see it: top-level magic lines blanked to spaces of the same
 * length, so completion and inspection positions stay valid and the magics do not confuse the parser.
 */
export function blankMagicLines(code: string): string {
  const magic = topLevelMagicLines(code);
  if (magic.length === 0) return code;
  const lines = code.split("\n");
  for (const i of magic) lines[i] = lines[i]!.replace(/[^\r]/g, " ");
  return lines.join("\n");
}
