import { describe, expect, it } from "vitest";
import { distinctN, duplicateRate, labelBalance, lengthStats, textQuality, tokenize } from "../../src/generate/text/quality.js";

describe("text quality figures (expected values computed by hand)", () => {
  const texts = ["The cat sat.", "the  cat sat", "A dog ran", "A dog ran far"];

  it("duplicate rate counts normalised repeats", () => {
    // "The cat sat." vs "the  cat sat": lowercase+collapse gives "the cat sat." vs "the cat sat" — different (punctuation kept).
    expect(duplicateRate(texts)).toBe(0);
    // 5 texts, distinct normalised forms {"hello world", "bye"} → (5 - 2) / 5.
    expect(duplicateRate(["Hello world", " hello   WORLD ", "bye", "Bye", "hello world"])).toBeCloseTo(3 / 5, 12);
    expect(duplicateRate([])).toBe(0);
  });

  it("tokenizes on letters and digits", () => {
    expect(tokenize("Don't stop-2 Café!")).toEqual(["don", "t", "stop", "2", "café"]);
  });

  it("distinct-1 and distinct-2", () => {
    // tokens: [the cat sat] [the cat sat] [a dog ran] [a dog ran far] → 13 unigrams, distinct {the,cat,sat,a,dog,ran,far} = 7.
    expect(distinctN(texts, 1)).toBeCloseTo(7 / 13, 12);
    // bigrams: 2 + 2 + 2 + 3 = 9; distinct {the cat, cat sat, a dog, dog ran, ran far} = 5.
    expect(distinctN(texts, 2)).toBeCloseTo(5 / 9, 12);
    expect(distinctN(["one"], 2)).toBe(0);
    expect(() => distinctN(texts, 0)).toThrow(/n ≥ 1/);
  });

  it("length stats over characters and tokens", () => {
    const s = lengthStats(["ab", "abcd", "abcdef"]);
    expect(s).toMatchObject({ count: 3, min: 2, max: 6, mean: 4, median: 4 });
    expect(s.std).toBeCloseTo(Math.sqrt(8 / 3), 12); // ((2-4)² + 0 + (6-4)²) / 3
    const t = lengthStats(["a b", "a b c d"], "tokens");
    expect(t).toMatchObject({ min: 2, max: 4, mean: 3, median: 3 });
  });

  it("label balance", () => {
    const b = labelBalance(["spam", "ham", "ham", "ham", null]);
    expect(b.counts).toEqual({ spam: 1, ham: 3 });
    expect(b.shares.ham).toBeCloseTo(0.75, 12);
    expect(b.minorityRatio).toBeCloseTo(1 / 3, 12);
    const h = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
    expect(b.normalizedEntropy).toBeCloseTo(h / Math.log(2), 12);
    expect(labelBalance(["a", "b", "c", "a", "b", "c"]).normalizedEntropy).toBeCloseTo(1, 12);
    expect(labelBalance(["a", "a"]).normalizedEntropy).toBe(0);
  });

  it("textQuality bundles the figures and checks label count", () => {
    const q = textQuality(texts, ["x", "x", "y", "y"]);
    expect(q.count).toBe(4);
    expect(q.distinct2).toBeCloseTo(5 / 9, 12);
    expect(q.labels?.minorityRatio).toBe(1);
    expect(() => textQuality(texts, ["x"])).toThrow(/1 labels for 4 texts/);
  });

  it("label balance over 200,000 distinct labels does not overflow the call stack", () => {
    const labels = Array.from({ length: 200_000 }, (_, i) => `l${i}`);
    labels.push("l0");
    const b = labelBalance(labels);
    expect(b.minorityRatio).toBe(0.5); // counts 1 and 2
  });
});
