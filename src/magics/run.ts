/**
 * Detecting and running magic cells.
 *
 * A cell is a magic cell when
 * - its first non-blank line starts with `%%` (a cell magic: `%%name args`, the rest is the body), or
 * - every non-blank line starts with `%` (line magics, run in order; `//` comment lines are allowed), or
 * - TypeScript with line magics at its top level (`%name …` at column 0, outside brackets, strings and
 *   comments; see mixed.ts): run as parts in order, TypeScript parts as cells of the same notebook.
 * Anything else is TypeScript for the execution host. `%name?` / `%%name?` print the generated help.
 */
import type { ExecuteOutcome } from "./types.js";
import { formatHelp, parseTokens, suggest } from "./args.js";
import { outcomeValue } from "./builtin/util.js";
import { topLevelMagicLines } from "./mixed.js";
import { getMagic, listMagics } from "./registry.js";
import { interpolateText, resolveTokens, tokenize } from "./tokenize.js";
import { isInputError } from "../errors.js";
import { MagicUsageError, type MagicArgs, type MagicContext, type MagicDefinition } from "./types.js";

export interface MagicInvocation {
  name: string;
  /** Written as `%%name` (cell magic) rather than `%name`. */
  cell: boolean;
  /** `%name?`: show help instead of running. */
  help: boolean;
  /** A `%%name` line below the first line: an error (cell magics must come first). */
  misplaced?: boolean;
  argLine: string;
  /** Cell body (cell magics only). */
  body?: string;
}

/** TypeScript between the magic lines of a mixed cell. */
export interface TypeScriptPart {
  code: string;
}

export type CellPart = MagicInvocation | TypeScriptPart;

export interface MagicCellResult {
  handled: boolean;
  /** The last magic's return value (becomes the cell's execute_result when not undefined). */
  value?: unknown;
}

const HEAD = /^(%%?)([A-Za-z_][A-Za-z0-9_-]*)?(\?{1,2})?(.*)$/s;

function isComment(line: string): boolean {
  return line.startsWith("//");
}

/** First character that is not whitespace and not inside a leading `//` comment line. */
function firstMeaningfulChar(code: string): string | undefined {
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v" || c === "\uFEFF") {
      i++;
    } else if (c === "/" && code[i + 1] === "/") {
      const nl = code.indexOf("\n", i);
      if (nl < 0) return undefined;
      i = nl + 1;
    } else {
      return c;
    }
  }
  return undefined;
}

/** True when runMagicCell would handle this cell. */
export function isMagicCode(code: string): boolean {
  return splitMagicCell(code) !== null || topLevelMagicLines(code).length > 0;
}

/** A TypeScript cell with top-level magic lines, cut into parts in order; null when it has none. */
export function splitMixedCell(code: string): CellPart[] | null {
  const magicLines = topLevelMagicLines(code);
  if (magicLines.length === 0) return null;
  const lines = code.split("\n");
  const parts: CellPart[] = [];
  let from = 0;
  const typescript = (to: number): void => {
    const text = lines.slice(from, to).join("\n");
    if (text.trim() !== "") parts.push({ code: text });
  };
  for (const i of magicLines) {
    typescript(i);
    const line = lines[i]!.replace(/\r$/, "");
    parts.push({ ...parseHead(line, false, undefined), ...(line.startsWith("%%") ? { misplaced: true } : {}) });
    from = i + 1;
  }
  typescript(lines.length);
  return parts;
}

/** The magic invocations in a cell, or null when the cell is TypeScript. */
export function splitMagicCell(code: string): MagicInvocation[] | null {
  // Fast path for the usual TypeScript cell: its first meaningful line does not start with %.
  if (firstMeaningfulChar(code) !== "%") return null;
  const lines = code.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== "");
  if (first < 0) return null;
  const head = lines[first]!.trimStart();
  if (head.startsWith("%%")) {
    return [parseHead(head, true, lines.slice(first + 1).join("\n"))];
  }
  const meaningful = lines.map((l) => l.trim()).filter((l) => l !== "" && !isComment(l));
  if (meaningful.length === 0 || !meaningful.every((l) => l.startsWith("%"))) return null;
  return meaningful.map((l) => ({ ...parseHead(l, false, undefined), ...(l.startsWith("%%") ? { misplaced: true } : {}) }));
}

function parseHead(line: string, cell: boolean, body: string | undefined): MagicInvocation {
  const m = HEAD.exec(line)!;
  const name = m[2] ?? "";
  const rest = m[4] ?? "";
  return {
    name,
    cell,
    help: m[3] !== undefined && rest.trim() === "",
    // A name glued to other characters (`%time+1`) is caught as a bad name in runInvocation.
    argLine: m[3] !== undefined && rest.trim() !== "" ? `${m[3]}${rest}` : rest,
    ...(cell ? { body } : {}),
  };
}

/**
 * Run the cell's magics. Returns `{ handled: false }` for TypeScript cells. Usage problems throw
 * a MagicUsageError whose message is the whole one-line report (show it as
 * `UsageError: <message>`, with no stack; see usageErrorOutcome). Other errors thrown by a
 * magic propagate unchanged.
 */
export async function runMagicCell(code: string, ctx: MagicContext): Promise<MagicCellResult> {
  const invocations = splitMagicCell(code);
  if (!invocations) return runMixedCell(code, ctx);
  // Refuse a misplaced %% line before running anything in the cell.
  const misplaced = invocations.find((i) => i.misplaced);
  if (misplaced) await runInvocation(misplaced, ctx);
  let value: unknown;
  for (const inv of invocations) {
    if (ctx.signal.aborted) break;
    value = await runInvocation(inv, ctx);
  }
  return { handled: true, value };
}

/** TypeScript with magic lines: the parts run in order; an error in one stops the cell. */
async function runMixedCell(code: string, ctx: MagicContext): Promise<MagicCellResult> {
  const parts = splitMixedCell(code);
  if (!parts) return { handled: false };
  const misplaced = parts.find((p): p is MagicInvocation => "name" in p && p.misplaced === true);
  if (misplaced) await runInvocation(misplaced, ctx);
  let value: unknown;
  for (const part of parts) {
    if (ctx.signal.aborted) break;
    value = "code" in part ? outcomeValue(await ctx.runCell(part.code, ctx.io)) : await runInvocation(part, ctx);
  }
  return { handled: true, value };
}

async function runInvocation(inv: MagicInvocation, ctx: MagicContext): Promise<unknown> {
  const prefix = inv.cell ? "%%" : "%";
  if (inv.misplaced) {
    throw new MagicUsageError(`%%${inv.name}: a cell magic must be the first line of its cell; move it to a cell of its own.`);
  }
  if (!inv.name) {
    throw new MagicUsageError(`${prefix}: a magic name must follow ${prefix}. Run %lsmagic for the list.`);
  }
  if (inv.argLine && !/^\s/.test(inv.argLine)) {
    throw new MagicUsageError(
      `${prefix}${inv.name}${inv.argLine.split(/\s/)[0]}: not a magic name; put a space between ${prefix}${inv.name} and its arguments.`,
    );
  }
  const def = getMagic(inv.name);
  const label = `${prefix}${inv.name}`;
  if (!def) {
    const names = listMagics().map((d) => d.name);
    const hint = suggest(inv.name, names, prefix);
    throw new MagicUsageError(`${label}: no such magic${hint || "."} Run %lsmagic for the list.`);
  }
  if (inv.cell && def.kind === "line") {
    throw new MagicUsageError(`${label}: %${def.name} is a line magic; write it as %${def.name} (one %).`);
  }
  if (!inv.cell && def.kind === "cell") {
    throw new MagicUsageError(
      `${label}: %%${def.name} is a cell magic; put %%${def.name} on the first line of the cell, with its body below.`,
    );
  }
  if (inv.help) {
    ctx.io.stdout(formatHelp(def) + "\n");
    return undefined;
  }
  const args = await resolveArgs(def, inv.argLine, label, ctx);
  let body = inv.body;
  if (body !== undefined && def.interpolateBody) body = await interpolateText(body, ctx.evaluate, label);
  return def.run(args, body, ctx);
}

/** Tokenize, interpolate `{expr}` through the notebook, and parse against the definition. */
export async function resolveArgs(
  def: MagicDefinition,
  argLine: string,
  label: string,
  ctx: Pick<MagicContext, "evaluate">,
): Promise<MagicArgs> {
  if (def.rawArgs) return { line: argLine.trim() };
  const tokens = await resolveTokens(tokenize(argLine, label), (e) => ctx.evaluate(e), label);
  return parseTokens(def, tokens, label);
}

/** The execution outcome for a usage or input error: one line, no stack. */
export function usageErrorOutcome(err: Error): ExecuteOutcome {
  return { status: "error", ename: "UsageError", evalue: err.message, traceback: [`UsageError: ${err.message}`] };
}

/**
 * Is this bad input, to be shown as one line without a stack? The one check of magics, CLI and
 * the notebook runner (src/errors.ts isInputError), plus a "UsageError" of an extension's own.
 */
export function isUsageError(err: unknown): err is Error {
  return err instanceof Error && (isInputError(err) || err.name === "UsageError");
}
