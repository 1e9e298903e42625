import { describe, expect, it } from "vitest";
import { codePointToUtf16, utf16ToCodePoint } from "../../src/kernel/execution/positions.js";
import { composeLookup, extractInlineMap, SourceMap } from "../../src/kernel/execution/sourcemap.js";

describe("code point / UTF-16 positions", () => {
  it("agree on ASCII and differ after astral characters", () => {
    expect(codePointToUtf16("abc", 2)).toBe(2);
    const text = "a😀b𝔸c";
    // code points: a 😀 b 𝔸 c ; UTF-16 units: a (2) b (2) c
    expect(codePointToUtf16(text, 2)).toBe(3);
    expect(codePointToUtf16(text, 4)).toBe(6);
    expect(utf16ToCodePoint(text, 6)).toBe(4);
    for (let cp = 0; cp <= 5; cp++) expect(utf16ToCodePoint(text, codePointToUtf16(text, cp))).toBe(cp);
    expect(codePointToUtf16(text, 99)).toBe(text.length);
  });
});

describe("source maps", () => {
  // "AAAA;AACA,IAAI" : line 0 col 0 → src 0:0 ; line 1 col 0 → src 1:0, line 1 col 4 → src 1:4
  const raw = { version: 3, sources: ["x.ts"], mappings: "AAAA;AACA,IAAI" };

  it("decodes VLQ segments and finds the nearest segment at or before a column", () => {
    const map = new SourceMap(raw);
    expect(map.lookup({ line: 0, column: 10 })).toEqual({ line: 0, column: 0 });
    expect(map.lookup({ line: 1, column: 3 })).toEqual({ line: 1, column: 0 });
    expect(map.lookup({ line: 1, column: 7 })).toEqual({ line: 1, column: 4 });
    // An unmapped line falls back to the closest mapped line above.
    expect(map.lookup({ line: 5, column: 0 })).toEqual({ line: 1, column: 4 });
  });

  it("decodes negative and multi-digit deltas", () => {
    // line 0: col 0 → src line 16 col 3 ("AAgBG"), then col 2 → src line 15 col 2 ("EADD": relative line -1, col -1)
    const map = new SourceMap({ version: 3, sources: ["x"], mappings: "AAgBG,EADD" });
    expect(map.lookup({ line: 0, column: 0 })).toEqual({ line: 16, column: 3 });
    expect(map.lookup({ line: 0, column: 2 })).toEqual({ line: 15, column: 2 });
  });

  it("composes two maps (last compile step first)", () => {
    const second = new SourceMap({ version: 3, sources: ["a.js"], mappings: ";;AAAA" }); // out line 2 → a.js line 0
    const first = new SourceMap({ version: 3, sources: ["a.ts"], mappings: "AAEA" }); // a.js line 0 → a.ts line 2
    expect(composeLookup([second, first], { line: 2, column: 0 })).toEqual({ line: 2, column: 0 });
  });

  it("splits an inline map comment off generated code", () => {
    const b64 = Buffer.from(JSON.stringify(raw)).toString("base64");
    const { code, map } = extractInlineMap(`var a = 1;\n//# sourceMappingURL=data:application/json;base64,${b64}\n`);
    expect(code).toBe("var a = 1;");
    expect(map).toEqual(raw);
    expect(extractInlineMap("plain").map).toBeUndefined();
  });
});
