/**
 * A small, safe expression language for derived columns (`price * quantity`) and row checks
 * (`amount == price * quantity`). Parsed once into closures (no eval, no Function): numbers,
 * column names, + - * / %, parentheses, unary minus, comparisons, && || !, and a few
 * whitelisted functions (round, floor, ceil, abs, min, max, sqrt, log, exp, pow).
 * Names with spaces or symbols are written in backticks: `unit price` * qty.
 */

export class ExpressionError extends Error {
  override name = "ExpressionError";
}

type Value = number | boolean | null;
/** Reads a column's value for the current row (by slot index, resolved at compile time). */
export type Evaluator = (read: (slot: number) => unknown) => Value;

export interface CompiledExpression {
  source: string;
  /** Column names referenced, in first-use order; slot i is names[i]. */
  names: readonly string[];
  evaluate: Evaluator;
}

type Token =
  | { t: "num"; v: number; pos: number }
  | { t: "name"; v: string; pos: number }
  | { t: "op"; v: string; pos: number };

const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "(", ")", ",", "<", ">", "!", "="];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") { i++; continue; }
    if ((c >= "0" && c <= "9") || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      out.push({ t: "num", v: Number(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i))!;
      out.push({ t: "name", v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (c === "`") {
      const end = src.indexOf("`", i + 1);
      if (end < 0) throw new ExpressionError(`Expression "${src}": unclosed backtick at position ${i}; close the column name with \`.`);
      out.push({ t: "name", v: src.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) {
      throw new ExpressionError(
        `Expression "${src}": unexpected character "${c}" at position ${i}; use column names, numbers, + - * / % ( ) and comparisons.`,
      );
    }
    // A single "=" is accepted as equality in checks, the way people write them.
    out.push({ t: "op", v: op === "=" ? "==" : op, pos: i });
    i += op.length;
  }
  return out;
}

const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...a: number[]) => number }> = {
  round: { arity: [1, 2], fn: (x, d = 0) => { const f = 10 ** d; return Math.round(x * f) / f; } },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  abs: { arity: [1, 1], fn: Math.abs },
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  log: { arity: [1, 1], fn: Math.log },
  exp: { arity: [1, 1], fn: Math.exp },
  pow: { arity: [2, 2], fn: Math.pow },
  min: { arity: [1, 16], fn: Math.min },
  max: { arity: [1, 16], fn: Math.max },
};

/** Numbers pass; booleans count as 0/1; null stays null (missing in → missing out); other values are an error. */
function num(v: unknown, name: string): number | null {
  if (typeof v === "number") return v;
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new ExpressionError(`Column "${name}" holds ${JSON.stringify(v)}, not a number; expressions only do arithmetic on numeric columns.`);
}

/** Relative tolerance for == on computed floats (price * quantity may differ in the last bits). */
function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

export function compileExpression(source: string): CompiledExpression {
  if (typeof source !== "string" || source.trim() === "") {
    throw new ExpressionError("Empty expression: write one such as \"price * quantity\".");
  }
  const tokens = tokenize(source);
  const names: string[] = [];
  let p = 0;

  const fail = (msg: string): never => {
    throw new ExpressionError(`Expression "${source}": ${msg}`);
  };
  const peek = (): Token | undefined => tokens[p];
  const isOp = (v: string): boolean => { const t = tokens[p]; return t?.t === "op" && t.v === v; };
  const expect = (v: string): void => {
    if (!isOp(v)) fail(`expected "${v}" ${tokens[p] ? `at position ${tokens[p]!.pos}` : "at the end"}.`);
    p++;
  };

  type Node = Evaluator;
  // Precedence climbing: || < && < comparison < + - < * / % < unary < primary.
  const parseOr = (): Node => {
    let left = parseAnd();
    while (isOp("||")) {
      p++;
      const l = left, r = parseAnd();
      left = (read) => { const a = l(read); return a !== null && a !== false && a !== 0 ? true : truthy(r(read)); };
    }
    return left;
  };
  const parseAnd = (): Node => {
    let left = parseCmp();
    while (isOp("&&")) {
      p++;
      const l = left, r = parseCmp();
      left = (read) => truthy(l(read)) && truthy(r(read));
    }
    return left;
  };
  const parseCmp = (): Node => {
    const left = parseAdd();
    const t = peek();
    if (t?.t === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(t.v)) {
      p++;
      const right = parseAdd();
      const op = t.v;
      return (read) => {
        const a = left(read), b = right(read);
        if (a === null || b === null) return null;
        const x = Number(a), y = Number(b);
        switch (op) {
          case "==": return nearlyEqual(x, y);
          case "!=": return !nearlyEqual(x, y);
          case "<": return x < y;
          case "<=": return x <= y || nearlyEqual(x, y);
          case ">": return x > y;
          default: return x >= y || nearlyEqual(x, y);
        }
      };
    }
    return left;
  };
  const binary = (l: Node, r: Node, op: string): Node => {
    const f = op === "+" ? (a: number, b: number) => a + b
      : op === "-" ? (a: number, b: number) => a - b
      : op === "*" ? (a: number, b: number) => a * b
      : op === "/" ? (a: number, b: number) => (b === 0 ? Number.NaN : a / b)
      : (a: number, b: number) => a % b;
    return (read) => {
      const a = l(read), b = r(read);
      if (a === null || b === null) return null;
      const v = f(Number(a), Number(b));
      return Number.isFinite(v) ? v : null; // division by zero → missing, not Infinity
    };
  };
  const parseAdd = (): Node => {
    let left = parseMul();
    for (let t = peek(); t?.t === "op" && (t.v === "+" || t.v === "-"); t = peek()) {
      p++;
      left = binary(left, parseMul(), t.v);
    }
    return left;
  };
  const parseMul = (): Node => {
    let left = parseUnary();
    for (let t = peek(); t?.t === "op" && (t.v === "*" || t.v === "/" || t.v === "%"); t = peek()) {
      p++;
      left = binary(left, parseUnary(), t.v);
    }
    return left;
  };
  const parseUnary = (): Node => {
    if (isOp("-")) { p++; const e = parseUnary(); return (read) => { const v = e(read); return v === null ? null : -Number(v); }; }
    if (isOp("+")) { p++; return parseUnary(); }
    if (isOp("!")) { p++; const e = parseUnary(); return (read) => { const v = e(read); return v === null ? null : !truthy(v); }; }
    return parsePrimary();
  };
  const parsePrimary = (): Node => {
    const t = peek();
    if (!t) return fail("it ends too early; complete the expression.");
    if (t.t === "num") { p++; const v = t.v; return () => v; }
    if (t.t === "op" && t.v === "(") {
      p++;
      const e = parseOr();
      expect(")");
      return e;
    }
    if (t.t === "name") {
      p++;
      if (isOp("(")) {
        const f = Object.hasOwn(FUNCTIONS, t.v) ? FUNCTIONS[t.v] : undefined;
        if (!f) fail(`unknown function "${t.v}"; available: ${Object.keys(FUNCTIONS).join(", ")}.`);
        p++;
        const args: Node[] = [];
        if (!isOp(")")) {
          args.push(parseOr());
          while (isOp(",")) { p++; args.push(parseOr()); }
        }
        expect(")");
        const [lo, hi] = f!.arity;
        if (args.length < lo || args.length > hi) {
          fail(`${t.v}() takes ${lo === hi ? lo : `${lo} to ${hi}`} argument(s), got ${args.length}.`);
        }
        const fn = f!.fn;
        return (read) => {
          const vals: number[] = [];
          for (const a of args) { const v = a(read); if (v === null) return null; vals.push(Number(v)); }
          const r = fn(...vals);
          return Number.isFinite(r) ? r : null;
        };
      }
      if (t.v === "true" || t.v === "false") { const b = t.v === "true"; return () => b; }
      if (t.v === "null") return () => null;
      let slot = names.indexOf(t.v);
      if (slot < 0) { slot = names.length; names.push(t.v); }
      const name = t.v;
      return (read) => num(read(slot), name);
    }
    return fail(`unexpected "${t.v}" at position ${t.pos}.`);
  };

  const evaluate = parseOr();
  if (p < tokens.length) fail(`unexpected "${tokens[p]!.t === "num" ? String((tokens[p] as { v: number }).v) : (tokens[p] as { v: string }).v}" at position ${tokens[p]!.pos}.`);
  return { source, names, evaluate };
}

function truthy(v: Value): boolean {
  return v !== null && v !== false && v !== 0;
}

/**
 * Evaluates a compiled expression over whole columns (the fast path for derived columns).
 * Throws naming the missing column when the expression refers to one that does not exist.
 */
export function evaluateColumns(
  expr: CompiledExpression,
  columns: Readonly<Record<string, readonly unknown[]>>,
  rowCount: number,
): (number | boolean | null)[] {
  const cols = expr.names.map((n) => {
    const c = columns[n];
    if (!c) {
      throw new ExpressionError(
        `Expression "${expr.source}" uses column "${n}", which does not exist; known columns: ${Object.keys(columns).join(", ")}.`,
      );
    }
    return c;
  });
  const out = new Array<number | boolean | null>(rowCount);
  let row = 0;
  const read = (slot: number): unknown => cols[slot]![row];
  for (; row < rowCount; row++) out[row] = expr.evaluate(read);
  return out;
}

/** One-off evaluation against a record (used for row checks). */
export function evaluateRecord(expr: CompiledExpression, record: Readonly<Record<string, unknown>>): number | boolean | null {
  return expr.evaluate((slot) => {
    const n = expr.names[slot]!;
    if (!(n in record)) throw new ExpressionError(`Expression "${expr.source}" uses column "${n}", which the row does not have.`);
    return record[n];
  });
}
