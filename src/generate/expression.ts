/**
 * A small, safe expression language for derived columns (`price * quantity`) and row checks
 * (`amount == price * quantity`). Parsed once into closures (no eval, no Function): numbers,
 * column names, + - * / %, parentheses, unary minus, comparisons, && || !, and a few
 * whitelisted functions (round, floor, ceil, abs, min, max, sqrt, log, exp, pow).
 * Names with spaces or symbols are written in backticks: `unit price` * qty.
 */
import { InputError } from "../errors.js";

export class ExpressionError extends InputError {
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

/** Parsed form; compiled to a per-row closure and evaluated column-wise for derived columns. */
type Ast =
  | { k: "num"; v: number }
  | { k: "bool"; v: boolean }
  | { k: "null" }
  | { k: "col"; slot: number; name: string }
  | { k: "neg" | "not"; a: Ast }
  | { k: "bin"; op: string; a: Ast; b: Ast }
  | { k: "and" | "or"; a: Ast; b: Ast }
  | { k: "call"; fn: string; args: Ast[] };

const COMPARISONS = new Set(["==", "!=", "<", "<=", ">", ">="]);

function arith(op: string, x: number, y: number): number {
  switch (op) {
    case "+": return x + y;
    case "-": return x - y;
    case "*": return x * y;
    case "/": return y === 0 ? Number.NaN : x / y;
    case "%": return x % y;
    case "==": return nearlyEqual(x, y) ? 1 : 0;
    case "!=": return nearlyEqual(x, y) ? 0 : 1;
    case "<": return x < y ? 1 : 0;
    case "<=": return x <= y || nearlyEqual(x, y) ? 1 : 0;
    case ">": return x > y ? 1 : 0;
    default: return x >= y || nearlyEqual(x, y) ? 1 : 0;
  }
}

function isBoolean(n: Ast): boolean {
  return n.k === "bool" || n.k === "not" || n.k === "and" || n.k === "or" || (n.k === "bin" && COMPARISONS.has(n.op));
}

function parse(source: string): { ast: Ast; names: string[] } {
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

  // Precedence climbing: || < && < comparison < + - < * / % < unary < primary.
  const parseOr = (): Ast => {
    let left = parseAnd();
    while (isOp("||")) { p++; left = { k: "or", a: left, b: parseAnd() }; }
    return left;
  };
  const parseAnd = (): Ast => {
    let left = parseCmp();
    while (isOp("&&")) { p++; left = { k: "and", a: left, b: parseCmp() }; }
    return left;
  };
  const parseCmp = (): Ast => {
    const left = parseAdd();
    const t = peek();
    if (t?.t === "op" && COMPARISONS.has(t.v)) { p++; return { k: "bin", op: t.v, a: left, b: parseAdd() }; }
    return left;
  };
  const parseAdd = (): Ast => {
    let left = parseMul();
    for (let t = peek(); t?.t === "op" && (t.v === "+" || t.v === "-"); t = peek()) {
      p++;
      left = { k: "bin", op: t.v, a: left, b: parseMul() };
    }
    return left;
  };
  const parseMul = (): Ast => {
    let left = parseUnary();
    for (let t = peek(); t?.t === "op" && (t.v === "*" || t.v === "/" || t.v === "%"); t = peek()) {
      p++;
      left = { k: "bin", op: t.v, a: left, b: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Ast => {
    if (isOp("-")) { p++; return { k: "neg", a: parseUnary() }; }
    if (isOp("+")) { p++; return parseUnary(); }
    if (isOp("!")) { p++; return { k: "not", a: parseUnary() }; }
    return parsePrimary();
  };
  const parsePrimary = (): Ast => {
    const t = peek();
    if (!t) return fail("it ends too early; complete the expression.");
    if (t.t === "num") { p++; return { k: "num", v: t.v }; }
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
        const args: Ast[] = [];
        if (!isOp(")")) {
          args.push(parseOr());
          while (isOp(",")) { p++; args.push(parseOr()); }
        }
        expect(")");
        const [lo, hi] = f!.arity;
        if (args.length < lo || args.length > hi) {
          fail(`${t.v}() takes ${lo === hi ? lo : `${lo} to ${hi}`} argument(s), got ${args.length}.`);
        }
        return { k: "call", fn: t.v, args };
      }
      if (t.v === "true" || t.v === "false") return { k: "bool", v: t.v === "true" };
      if (t.v === "null") return { k: "null" };
      let slot = names.indexOf(t.v);
      if (slot < 0) { slot = names.length; names.push(t.v); }
      return { k: "col", slot, name: t.v };
    }
    return fail(`unexpected "${t.v}" at position ${t.pos}.`);
  };

  const ast = parseOr();
  if (p < tokens.length) {
    const t = tokens[p]!;
    fail(`unexpected "${t.t === "num" ? String(t.v) : t.v}" at position ${t.pos}.`);
  }
  return { ast, names };
}

/** Per-row closure over the AST (used for records and row checks). */
function rowEvaluator(n: Ast): Evaluator {
  switch (n.k) {
    case "num": { const v = n.v; return () => v; }
    case "bool": { const v = n.v; return () => v; }
    case "null": return () => null;
    case "col": { const { slot, name } = n; return (read) => num(read(slot), name); }
    case "neg": { const a = rowEvaluator(n.a); return (read) => { const v = a(read); return v === null ? null : -Number(v); }; }
    case "not": { const a = rowEvaluator(n.a); return (read) => { const v = a(read); return v === null ? null : !truthy(v); }; }
    case "and": { const a = rowEvaluator(n.a), b = rowEvaluator(n.b); return (read) => truthy(a(read)) && truthy(b(read)); }
    case "or": { const a = rowEvaluator(n.a), b = rowEvaluator(n.b); return (read) => truthy(a(read)) || truthy(b(read)); }
    case "bin": {
      const a = rowEvaluator(n.a), b = rowEvaluator(n.b), op = n.op, cmp = COMPARISONS.has(op);
      return (read) => {
        const x = a(read), y = b(read);
        if (x === null || y === null) return null;
        const r = arith(op, Number(x), Number(y));
        if (cmp) return r === 1;
        return Number.isFinite(r) ? r : null; // division by zero → missing, not Infinity
      };
    }
    case "call": {
      const args = n.args.map(rowEvaluator), fn = FUNCTIONS[n.fn]!.fn;
      return (read) => {
        const vals: number[] = [];
        for (const a of args) { const v = a(read); if (v === null) return null; vals.push(Number(v)); }
        const r = fn(...vals);
        return Number.isFinite(r) ? r : null;
      };
    }
  }
}

export function compileExpression(source: string): CompiledExpression {
  if (typeof source !== "string" || source.trim() === "") {
    throw new ExpressionError("Empty expression: write one such as \"price * quantity\".");
  }
  const { ast, names } = parse(source);
  const compiled: CompiledExpression & { ast: Ast } = { source, names, evaluate: rowEvaluator(ast), ast };
  return compiled;
}

/**
 * Column-wise evaluation: every AST node becomes one Float64Array (NaN = missing; booleans
 * as 1/0), so a derived column costs a few tight loops instead of a closure call per row.
 */
function vectorEval(n: Ast, cols: readonly Float64Array[], rows: number): Float64Array {
  if (n.k === "col") return cols[n.slot]!; // read-only below: every operator writes a fresh array
  const out = new Float64Array(rows);
  switch (n.k) {
    case "num": out.fill(n.v); return out;
    case "bool": out.fill(n.v ? 1 : 0); return out;
    case "null": out.fill(Number.NaN); return out;
    case "neg": { const a = vectorEval(n.a, cols, rows); for (let i = 0; i < rows; i++) out[i] = -a[i]!; return out; }
    case "not": {
      const a = vectorEval(n.a, cols, rows);
      for (let i = 0; i < rows; i++) { const v = a[i]!; out[i] = v !== v ? Number.NaN : v === 0 ? 1 : 0; }
      return out;
    }
    case "and": case "or": {
      const a = vectorEval(n.a, cols, rows), b = vectorEval(n.b, cols, rows);
      const and = n.k === "and";
      for (let i = 0; i < rows; i++) {
        const x = a[i]!, y = b[i]!;
        const tx = x === x && x !== 0, ty = y === y && y !== 0;
        out[i] = (and ? tx && ty : tx || ty) ? 1 : 0;
      }
      return out;
    }
    case "bin": {
      const a = vectorEval(n.a, cols, rows), b = vectorEval(n.b, cols, rows);
      const op = n.op;
      if (op === "*") { for (let i = 0; i < rows; i++) out[i] = a[i]! * b[i]!; }
      else if (op === "+") { for (let i = 0; i < rows; i++) out[i] = a[i]! + b[i]!; }
      else if (op === "-") { for (let i = 0; i < rows; i++) out[i] = a[i]! - b[i]!; }
      else {
        for (let i = 0; i < rows; i++) {
          const x = a[i]!, y = b[i]!;
          out[i] = x !== x || y !== y ? Number.NaN : arith(op, x, y);
        }
      }
      return out;
    }
    case "call": {
      const args = n.args.map((a) => vectorEval(a, cols, rows));
      if (n.fn === "round") {
        const x = args[0]!, d = args[1];
        const digits = n.args[1];
        if (!d || digits?.k === "num") {
          // Constant digits (the usual round(x, 2)): one power of ten for the whole column.
          const f = digits?.k === "num" ? 10 ** digits.v : 1;
          for (let i = 0; i < rows; i++) out[i] = Math.round(x[i]! * f) / f;
        } else {
          for (let i = 0; i < rows; i++) { const f = 10 ** d[i]!; out[i] = Math.round(x[i]! * f) / f; }
        }
        return out;
      }
      const fn = FUNCTIONS[n.fn]!.fn;
      const vals = new Array<number>(args.length);
      for (let i = 0; i < rows; i++) {
        for (let k = 0; k < args.length; k++) vals[k] = args[k]![i]!;
        out[i] = fn(...vals);
      }
      return out;
    }
  }
}

function truthy(v: Value): boolean {
  return v !== null && v !== false && v !== 0;
}

/**
 * Evaluates a compiled expression over whole columns (the fast path for derived columns).
 * Throws naming the missing column when the expression refers to one that does not exist.
 */
/** Numeric view of the referenced columns (NaN = missing, booleans 1/0); a string is an error naming the column. */
function numericInputs(expr: CompiledExpression, columns: Readonly<Record<string, readonly unknown[]>>, rowCount: number): Float64Array[] {
  return expr.names.map((n) => {
    const c = Object.hasOwn(columns, n) ? columns[n] : undefined;
    if (!c) {
      throw new ExpressionError(
        `Expression "${expr.source}" uses column "${n}", which does not exist; known columns: ${Object.keys(columns).join(", ")}.`,
      );
    }
    const v = new Float64Array(rowCount);
    for (let i = 0; i < rowCount; i++) {
      const x = c[i];
      v[i] = typeof x === "number" ? x : x === null || x === undefined ? Number.NaN : typeof x === "boolean" ? (x ? 1 : 0) : num(x, n)!;
    }
    return v;
  });
}

/**
 * Column-wise result as one Float64Array (NaN = missing; for boolean expressions 1/0), plus
 * whether the expression is boolean. Used by row checks, which only count failures.
 */
export function evaluateVector(
  expr: CompiledExpression,
  columns: Readonly<Record<string, readonly unknown[]>>,
  rowCount: number,
): { values: Float64Array; boolean: boolean } {
  const cols = numericInputs(expr, columns, rowCount);
  const ast = (expr as CompiledExpression & { ast?: Ast }).ast;
  if (ast) return { values: vectorEval(ast, cols, rowCount), boolean: isBoolean(ast) };
  // A CompiledExpression built elsewhere: fall back to the row closure.
  const values = new Float64Array(rowCount);
  let row = 0;
  let boolean = false;
  const read = (slot: number): unknown => { const x = cols[slot]![row]!; return x !== x ? null : x; };
  for (; row < rowCount; row++) {
    const v = expr.evaluate(read);
    if (typeof v === "boolean") boolean = true;
    values[row] = v === null ? Number.NaN : Number(v);
  }
  return { values, boolean };
}

export function evaluateColumns(
  expr: CompiledExpression,
  columns: Readonly<Record<string, readonly unknown[]>>,
  rowCount: number,
): (number | boolean | null)[] {
  const { values: res, boolean } = evaluateVector(expr, columns, rowCount);
  const out = new Array<number | boolean | null>(rowCount);
  if (boolean) {
    for (let i = 0; i < rowCount; i++) { const x = res[i]!; out[i] = x !== x ? null : x !== 0; }
  } else {
    // Non-finite (NaN from missing inputs, ±Infinity from overflow) → missing.
    for (let i = 0; i < rowCount; i++) { const x = res[i]!; out[i] = Number.isFinite(x) ? x : null; }
  }
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
