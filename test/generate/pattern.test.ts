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

  it("refuses a pattern whose strings or work would explode, at once and in one line", () => {
    // Before: 26 s of CPU, then "Invalid array length".
    expect(() => compilePattern("(((a{1000}){1000}){1000})")).toThrow(
      /^Pattern \/\(\(\(a\{1000\}\)\{1000\}\)\{1000\}\)\/: generates strings of up to 1e\+9 characters, more than the 10,000 allowed; lower the repeat counts/,
    );
    expect(() => compilePattern("(){100000000}")).toThrow(/takes up to 1e\+8 steps per string, more than the 100,000 allowed/);
    expect(() => compilePattern("a{99999999999999999999}")).toThrow(/up to 1e\+20 characters/);
    expect(() => compilePattern("(".repeat(5000) + "a" + ")".repeat(5000))).toThrow(/groups nest deeper than 50 levels/);
    // The pattern is quoted bounded: 10 KB of it does not come back in the message.
    const err = (() => { try { compilePattern("(".repeat(5000) + "a" + ")".repeat(5000)); } catch (e) { return e as Error; } return undefined; })();
    expect(err!.message.length).toBeLessThan(300);
    // Right at the bounds is fine.
    expect(draw("a{10000}", 1)[0]).toHaveLength(10_000);
  });
});
