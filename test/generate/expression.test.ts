import { describe, expect, it } from "vitest";
import { compileExpression, evaluateColumns, evaluateRecord, ExpressionError } from "../../src/generate/expression.js";

const row = (r: Record<string, unknown>, src: string) => evaluateRecord(compileExpression(src), r);

describe("expression evaluator", () => {
  it("follows arithmetic precedence and parentheses", () => {
    expect(row({}, "2 + 3 * 4")).toBe(14);
    expect(row({}, "(2 + 3) * 4")).toBe(20);
    expect(row({}, "-2 * -3 - 1")).toBe(5);
    expect(row({}, "10 / 4")).toBe(2.5);
    expect(row({}, "7 % 3")).toBe(1);
    expect(row({}, "1.5e2 + .5")).toBe(150.5);
  });

  it("reads columns, including backtick-quoted names", () => {
    expect(row({ price: 2.5, quantity: 3 }, "price * quantity")).toBe(7.5);
    expect(row({ "unit price": 4, qty: 2 }, "`unit price` * qty")).toBe(8);
    expect(compileExpression("a * b + a").names).toEqual(["a", "b"]);
  });

  it("propagates missing values and turns division by zero into missing", () => {
    expect(row({ a: null, b: 2 }, "a + b")).toBeNull();
    expect(row({ a: 1, b: 0 }, "a / b")).toBeNull();
  });

  it("evaluates comparisons, logic and whitelisted functions", () => {
    expect(row({ amount: 0.3, a: 0.1, b: 0.2 }, "amount == a + b")).toBe(true); // float tolerance
    expect(row({ q: 4 }, "q >= 1 && q <= 3")).toBe(false);
    expect(row({ q: 0 }, "q < 1 || q > 3")).toBe(true);
    expect(row({ p: 2.15, q: 3 }, "round(p * q, 2)")).toBe(6.45);
    expect(row({}, "max(1, 5, 3) - min(4, 2)")).toBe(3);
    expect(row({}, "pow(2, 10)")).toBe(1024);
  });

  it("evaluates over whole columns", () => {
    const out = evaluateColumns(compileExpression("price * quantity"), { price: [1, 2, null], quantity: [3, 4, 5] }, 3);
    expect(out).toEqual([3, 8, null]);
  });

  it("rejects bad expressions with one clear message", () => {
    expect(() => compileExpression("")).toThrow(/Empty expression/);
    expect(() => compileExpression("price * ")).toThrow(/ends too early/);
    expect(() => compileExpression("price $ 2")).toThrow(/unexpected character "\$" at position 6/);
    expect(() => compileExpression("(price * 2")).toThrow(/expected "\)"/);
    expect(() => compileExpression("price 2")).toThrow(/unexpected "2"/);
    expect(() => compileExpression("eval(price)")).toThrow(/unknown function "eval"/);
    expect(() => compileExpression("round(1, 2, 3)")).toThrow(/round\(\) takes 1 to 2 argument/);
    expect(() => compileExpression("`price * 2")).toThrow(/unclosed backtick/);
    expect(() => compileExpression("a * b")).not.toThrow();
    expect(() => compileExpression("constructor.constructor('x')")).toThrow(ExpressionError);
    // Names of Object.prototype members are not functions of the language.
    expect(() => compileExpression("constructor(1)")).toThrow(/unknown function "constructor"/);
    expect(() => compileExpression("toString(1)")).toThrow(/unknown function "toString"/);
  });

  it("names the column when a value is not numeric or a column is unknown", () => {
    expect(() => row({ price: "abc", q: 1 }, "price * q")).toThrow(/Column "price" holds "abc"/);
    expect(() => evaluateColumns(compileExpression("price * nope"), { price: [1] }, 1)).toThrow(/uses column "nope", which does not exist/);
  });
});
