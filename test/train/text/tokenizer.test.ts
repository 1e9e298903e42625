import { describe, expect, it } from "vitest";
import { densify, emailBody, idfWeights, tfidfMatrix, tfidfRows, tokenize, UNKNOWN_TOKEN, Vocabulary } from "../../../src/train/text/tokenizer.js";

describe("tokenize", () => {
  it("lowercases, splits on punctuation and keeps Unicode letters and digits", () => {
    expect(tokenize("Win $1000 NOW!!! Café-au-lait, naïve")).toEqual(["win", "1000", "now", "café", "au", "lait", "naïve"]);
  });
  it("drops tokens longer than 30 characters (encoded blobs)", () => {
    expect(tokenize(`ok ${"x".repeat(31)} ${"y".repeat(30)}`)).toEqual(["ok", "y".repeat(30)]);
  });
  it("gives no tokens for blank text", () => {
    expect(tokenize("  ...  ")).toEqual([]);
  });
});

describe("Vocabulary", () => {
  const train = ["a a b", "b c", "c d", "b"];

  it("puts the unknown token first and orders words by document frequency, then alphabetically", () => {
    const v = Vocabulary.fit(train, { minCount: 1 });
    // df: b=3, c=2, a=1, d=1
    expect(v.tokens).toEqual([UNKNOWN_TOKEN, "b", "c", "a", "d"]);
    expect(v.documentFrequency).toEqual([0, 3, 2, 1, 1]);
    expect(v.documents).toBe(4);
  });

  it("maps words never seen in training to index 0", () => {
    const v = Vocabulary.fit(train, { minCount: 1 });
    expect(v.encode("b zebra a")).toEqual([1, 0, 3]);
  });

  it("drops words below minCount and beyond maxSize, counting texts that then hold unknown words", () => {
    const v = Vocabulary.fit(train, { minCount: 2 });
    expect(v.tokens).toEqual([UNKNOWN_TOKEN, "b", "c"]);
    // "a a b" and "c d" now contain an unknown word
    expect(v.documentFrequency[0]).toBe(2);
    const small = Vocabulary.fit(train, { minCount: 1, maxSize: 2 });
    expect(small.tokens).toEqual([UNKNOWN_TOKEN, "b"]);
    expect(small.indexOf("c")).toBe(0);
  });

  it("round-trips through JSON", () => {
    const v = Vocabulary.fit(train, { minCount: 1 });
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(back.encode("d c b")).toEqual(v.encode("d c b"));
  });

  it("rejects bad sizes with one clear message", () => {
    expect(() => Vocabulary.fit(train, { maxSize: 1 })).toThrow(/maxSize must be a whole number ≥ 2/);
    expect(() => Vocabulary.fit(train, { minCount: 0 })).toThrow(/minCount must be a whole number ≥ 1/);
  });
});

describe("tfidfMatrix", () => {
  it("matches hand-computed sublinear TF-IDF with unit-length rows", () => {
    const v = Vocabulary.fit(["a a b", "b c", "c"], { minCount: 1 }); // [unk, b, c, a]; df b=2 c=2 a=1, N=3
    const idf = idfWeights(v);
    expect(idf[1]).toBeCloseTo(Math.log(4 / 3) + 1, 6);
    expect(idf[3]).toBeCloseTo(Math.log(4 / 2) + 1, 6);
    expect(idf[0]).toBeCloseTo(Math.log(4 / 1) + 1, 6);
    const row = tfidfMatrix(["a a b zzz"], v);
    const wa = (1 + Math.log(2)) * (Math.log(2) + 1);
    const wb = Math.log(4 / 3) + 1;
    const wu = Math.log(4) + 1;
    const norm = Math.sqrt(wa * wa + wb * wb + wu * wu);
    expect(row[0]).toBeCloseTo(wu / norm, 5);
    expect(row[1]).toBeCloseTo(wb / norm, 5);
    expect(row[2]).toBe(0);
    expect(row[3]).toBeCloseTo(wa / norm, 5);
  });

  it("sparse rows hold exactly the non-zero entries of the dense matrix", () => {
    const v = Vocabulary.fit(["a a b", "b c", "c d e"], { minCount: 1 });
    const texts = ["e d d a", "b", "q"];
    const rows = tfidfRows(texts, v);
    expect(Array.from(rows[1]!.indices)).toEqual([v.indexOf("b")]);
    expect(rows[1]!.values[0]).toBeCloseTo(1, 6); // one word: unit length
    expect(Array.from(rows[2]!.indices)).toEqual([0]); // only an unknown word
    const dense = tfidfMatrix(texts, v);
    expect(Array.from(densify(rows, v.size))).toEqual(Array.from(dense));
    // densify zeroes a reused buffer first
    const buf = new Float32Array(3 * v.size).fill(9);
    expect(Array.from(densify(rows, v.size, buf))).toEqual(Array.from(dense));
  });

  it("gives a zero row for a text without tokens", () => {
    const v = Vocabulary.fit(["a b"], { minCount: 1 });
    expect(Array.from(tfidfMatrix(["!!!"], v))).toEqual([0, 0, 0]);
  });
});

describe("emailBody", () => {
  it("drops the header block of an e-mail", () => {
    expect(emailBody("From: a@b.c\nSubject: hi\n\nHello there\n\nBye")).toBe("Hello there\n\nBye");
    expect(emailBody("From a@b.c  Thu Aug 22 2002\r\nX-Y: z\r\n\r\nBody")).toBe("Body");
  });
  it("leaves plain text alone", () => {
    expect(emailBody("Hello: this is not a header?\n\nstill text")).toBe("Hello: this is not a header?\n\nstill text");
    expect(emailBody("Cheap meds here")).toBe("Cheap meds here");
  });
});
