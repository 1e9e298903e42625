import { describe, expect, it } from "vitest";
import { checkRow, isCheckable, LONG_TEXT_TOKENS, numberSupported, numbersIn, textSupported } from "../../../src/generate/grounded/grounding.js";
import type { Schema } from "../../../src/data/types.js";

const PASSAGE = "The shop sold 1,200 cups in March, about 1.2k more than in May; 12% were lattes. Pi is 3.14159 here.";

describe("numbersIn", () => {
  it("reads thousands separators, k/million suffixes and percentages", () => {
    const n = numbersIn(PASSAGE + " Revenue was 3.5 million.");
    for (const x of [1200, 1.2, 12, 0.12, 3.14159, 3.5, 3_500_000]) expect(n).toContainEqual(x);
    expect(n).not.toContain(1);
  });
});

describe("numberSupported", () => {
  it("accepts a number as written or reformatted, or rounded to its own decimals, and nothing else", () => {
    const n = numbersIn(PASSAGE);
    expect(numberSupported(1200, n)).toBe(true);
    expect(numberSupported(0.12, n)).toBe(true);
    expect(numberSupported(3.14, n)).toBe(true);
    expect(numberSupported(1201, n)).toBe(false);
    expect(numberSupported(3.15, n)).toBe(false);
    expect(numberSupported(-1200, n)).toBe(true); // the sign is not read (documented)
  });
});

describe("textSupported", () => {
  it("short values must occur as a whole phrase, ignoring case and punctuation", () => {
    expect(textSupported("cups in march", [PASSAGE]).supported).toBe(true);
    expect(textSupported("The shop sold", [PASSAGE]).supported).toBe(true);
    expect(textSupported("shop sold cups", [PASSAGE]).supported).toBe(false);
    expect(textSupported("hop sold", [PASSAGE]).supported).toBe(false); // whole words only
  });

  it(`long values (≥ ${LONG_TEXT_TOKENS} words) need enough of their word pairs in the passages`, () => {
    const long = "the shop sold 1,200 cups in March, about 1.2k more";
    expect(textSupported(long, [PASSAGE])).toEqual({ supported: true, overlap: 1 });
    const invented = "amber basil cedar delta ember fjord grove harbor";
    expect(textSupported(invented, [PASSAGE]).supported).toBe(false);
    // Half of it copied, half invented: below the threshold.
    expect(textSupported("the shop sold 1,200 amber basil cedar delta ember", [PASSAGE]).supported).toBe(false);
  });
});

describe("checkRow", () => {
  const schema: Schema = {
    columns: [
      { name: "text", kind: "text" },
      { name: "cups", kind: "integer" },
      { name: "label", kind: "categorical", values: ["busy", "quiet"] },
      { name: "paid", kind: "boolean" },
    ],
  };
  const text = (id: string) => (id === "p1" ? PASSAGE : id === "p2" ? "Nothing about cups." : undefined);
  const given = new Set(["p1", "p2"]);

  it("supports a row whose values come from its cited passage; labels and booleans are not checked", () => {
    expect(isCheckable(schema.columns[2]!)).toBe(false);
    const v = checkRow({ text: "sold 1,200 cups", cups: 1200, label: "quiet", paid: true }, ["p1"], given, text, schema);
    expect(v).toEqual({ supported: true, problems: [], checked: 2, unchecked: 2 });
  });

  it("catches an altered number, invented text, a citation of a passage not given, and no citation", () => {
    const bad = (row: Record<string, string | number>, cites: string[]) => checkRow({ label: "busy", paid: false, ...row }, cites, given, text, schema).problems.map((p) => p.problem);
    expect(bad({ text: "sold 1,200 cups", cups: 1300 }, ["p1"])).toEqual(["number-not-found"]);
    expect(bad({ text: "sold 900 cups", cups: 1200 }, ["p1"])).toEqual(["text-not-found"]);
    // p3 exists nowhere in the prompt: the row is unsupported even though p1 backs its values.
    expect(bad({ text: "sold 1,200 cups", cups: 1200 }, ["p1", "p3"])).toEqual(["citation-not-given"]);
    expect(bad({ text: "sold 1,200 cups", cups: 1200 }, [])).toEqual(["no-citation", "text-not-found", "number-not-found"]);
    // Values are checked against the passages the row cites, not the whole prompt.
    expect(bad({ text: "sold 1,200 cups", cups: 1200 }, ["p2"])).toEqual(["text-not-found", "number-not-found"]);
  });
});
