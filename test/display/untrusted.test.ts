import { describe, expect, it } from "vitest";
import { printableLine, printableText } from "../../src/display/untrusted.js";

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("printable model text", () => {
  it("removes ANSI colours, OSC titles and hyperlinks, 8-bit CSI, and other controls", () => {
    const hostile = "\u001b[31mred\u001b[0m \u001b]0;owned\u0007title \u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\ \u009b2Jclear \u0000nul\u0007bell \u202eevil";
    const line = printableLine(hostile);
    expect(line).toBe("red title link clear  nul bell  evil");
    expect(line).not.toMatch(CONTROL);
  });

  it("keeps one line one line: newlines, carriage returns and line separators become spaces", () => {
    expect(printableLine("ok\r\nwarning: forged\rover\u2028more")).toBe("ok  warning: forged over more");
  });

  it("in multi-line text keeps newlines and tabs, but no carriage return overwrites a line", () => {
    expect(printableText("a\tb\r\nc\rd\u001b[2Ke")).toBe("a\tb\nc\nde");
  });

  it("bounds long text and says how much was left out", () => {
    const big = "x".repeat(5 * 1024 * 1024);
    const line = printableLine(big, 100);
    expect(line).toBe(`${"x".repeat(100)}… 5.2 MB more`);
    expect(printableText("é".repeat(3000), 1000)).toBe(`${"é".repeat(1000)}\n… 4 KB more`);
    expect(printableLine("short")).toBe("short");
    expect(printableLine("abc", 10, 2_500_000)).toBe("abc… 2.5 MB more");
  });

  it("never splits a surrogate pair at the cut", () => {
    const line = printableLine("a😀😀", 2);
    expect(line.startsWith("a… ")).toBe(true);
  });
});
