import { describe, expect, it } from "vitest";
import { compilePattern } from "../../src/generate/offline/pattern.js";
import { createRng } from "../../src/data/random.js";

describe("pattern strings", () => {
  const draw = (pattern: string, n = 300): string[] => {
    const gen = compilePattern(pattern);
    const rng = createRng(1);
    return Array.from({ length: n }, () => gen(rng.next));
  };

  it("every generated string matches its own regular expression", () => {
    for (const p of ["^[A-Z]{3}-\\d{4}$", "ANON-\\d{4}-\\d{4}-\\d{4}", "(cat|dog|bird)s?", "[a-f0-9]{8}", "x{2,4}y+z*", "\\w{5}\\.com", "(?:ab|cd){2}"]) {
      const re = new RegExp(`^(?:${p})$`);
      for (const s of draw(p)) expect(s, p).toMatch(re);
    }
  });

  it("covers alternatives and quantifier ranges", () => {
    expect(new Set(draw("(cat|dog|bird)"))).toEqual(new Set(["cat", "dog", "bird"]));
    expect(new Set(draw("a{2,4}").map((s) => s.length))).toEqual(new Set([2, 3, 4]));
  });

  it("rejects what it cannot generate, with the reason", () => {
    expect(() => compilePattern("[^abc]")).toThrow(/negated classes/);
    expect(() => compilePattern("\\D")).toThrow(/\\D is not supported/);
    expect(() => compilePattern("(ab")).toThrow(/unclosed group/);
    expect(() => compilePattern("[ab")).toThrow(/unclosed character class/);
    expect(() => compilePattern("*a")).toThrow(/nothing to repeat/);
    expect(() => compilePattern("a{3,1}")).toThrow(/max below min/);
    expect(() => compilePattern("[z-a]")).toThrow(/reversed/);
  });
});
