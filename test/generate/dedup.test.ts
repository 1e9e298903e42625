import { describe, expect, it } from "vitest";
import { frameFromRecords, frameToRecords } from "../../src/data/frame.js";
import { generate } from "../../src/generate/index.js";
import { Deduplicator, dedupRows, createRowDeduper, dedupRecords, dedupMode } from "../../src/generate/dedup.js";
import { takeRows } from "../../src/data/frame.js";
import { roundSignificant } from "../../src/data/numbers.js";

describe("dedup", () => {
  const synth = frameFromRecords([
    { name: "Latte", price: 3.5, n: 1 },        // 0 kept
    { name: "Latte", price: 3.5, n: 1 },        // 1 exact dup of 0
    { name: " latte ", price: 3.5000000001, n: 1 }, // 2 near dup of 0
    { name: "Mocha", price: 4, n: 2 },          // 3 matches real row 0 exactly
    { name: "MOCHA", price: 4.0000001, n: 2 },  // 4 near-matches real row 0
    { name: "Tea", price: 2, n: 1, _meta: "run-1" }, // 5 kept
    { name: "Tea", price: 2, n: 1, _meta: "run-2" }, // 6 exact dup of 5 (_meta ignored)
  ]);
  const real = frameFromRecords([{ name: "Mocha", price: 4, n: 2 }]);

  it("removes exact and near duplicates within the output and against real rows, with reasons", () => {
    const r = dedupRows(synth, { against: real });
    expect(r.kept).toEqual([0, 5]);
    expect(r.frame.rowCount).toBe(2);
    expect(r.frame.columns.name).toEqual(["Latte", "Tea"]);
    expect(r.counts).toEqual({ input: 7, kept: 2, removed: 5, exact: 3, near: 2, similarText: 0, matchesReal: 2 });
    expect(r.removed.find((x) => x.index === 2)).toEqual({ index: 2, reason: "near", duplicateOf: { source: "output", index: 0 } });
    expect(r.removed.find((x) => x.index === 3)).toEqual({ index: 3, reason: "exact", duplicateOf: { source: "real", index: 0 } });
  });

  it("exact mode keeps rows that differ only after normalisation", () => {
    const r = dedupRows(synth, { mode: "exact" });
    // rows 1 and 6 are exact copies; 2 and 4 differ in raw values; 3 is kept (no real rows given).
    expect(r.kept).toEqual([0, 2, 3, 4, 5]);
    expect(r.counts.exact).toBe(2);
  });

  it("finds near-duplicate texts by word-bigram Jaccard", () => {
    const base = "the espresso machine makes a very strong and bitter coffee every single morning at the office";
    const texts = frameFromRecords([
      { text: base, label: "pos" },
      { text: base.replace("every single morning", "every single day"), label: "pos" }, // 16 bigrams each, 14 shared: 14/18 ≈ 0.78
      { text: base + " again", label: "pos" }, // one extra bigram: 16/17 ≈ 0.94
      { text: "a completely different sentence about tea and biscuits in the afternoon sun", label: "neg" },
    ]);
    const strict = dedupRows(texts, { jaccard: 0.9 });
    expect(strict.kept).toEqual([0, 1, 3]);
    expect(strict.removed[0]).toMatchObject({ index: 2, reason: "similar-text" });
    const loose = dedupRows(texts, { jaccard: 0.7 });
    expect(loose.kept).toEqual([0, 3]);
    expect(loose.counts.similarText).toBe(2);
  });

  it("rejects bad options clearly", () => {
    expect(() => dedupRows(synth, { columns: ["nope"] })).toThrow(/nope are not in the table/);
    expect(() => dedupRows(synth, { jaccard: 0 })).toThrow(/jaccard threshold/);
  });

  it("rounds to 6 significant digits", () => {
    expect(roundSignificant(3.14159265)).toBe(3.14159);
    expect(roundSignificant(123456789)).toBe(123457000);
    expect(roundSignificant(0)).toBe(0);
  });

  it("pushing a table in pieces gives the same verdicts as pushing it whole", () => {
    const whole = dedupRows(synth, { against: real });
    const d = new Deduplicator(["name", "price", "n"], [], { against: real });
    d.push(takeRows(synth, [0, 1, 2]));
    d.push(takeRows(synth, [3]));
    d.push(takeRows(synth, [4, 5, 6]));
    expect(d.size).toBe(7);
    expect(d.kept).toEqual(whole.kept);
    expect(d.removed).toEqual(whole.removed);
  });

  it("the LLM row filter decides its text columns on the first 200 rows, then judges batch by batch like a one-shot pass", () => {
    const words = ["espresso", "crema", "bitter", "roast", "milk", "foam", "sweet", "cocoa", "beans", "grinder", "morning", "office"];
    // The first 20 reviews are one word (a filter deciding on the first batch alone would compare no text);
    // later ones are 6 words, every other one repeating the previous wording plus "today" (bigram Jaccard 5/6).
    const rows = Array.from({ length: 260 }, (_, i) => ({
      review: i < 20 ? `ok${i}` : Array.from({ length: 6 }, (_, k) => words[(Math.floor(i / 2) * (k + 1) + k) % words.length]).join(" ") + (i % 2 ? " today" : ""),
      stars: 3,
    }));
    const cols = ["review", "stars"];
    const reasons = dedupRows(frameFromRecords(rows), { columns: cols });
    expect(reasons.counts.similarText).toBeGreaterThan(0);
    const oneShot = dedupRecords(rows, cols, { mode: "near" });
    expect(oneShot.removed).toBe(reasons.counts.removed);
    const inc = createRowDeduper(cols, { mode: "near" });
    for (let i = 0; i < rows.length; i += 20) inc.push(rows.slice(i, i + 20));
    expect(inc.outcome()).toEqual(oneShot);
  });

  it("the LLM row filter with dedup off keeps every row", () => {
    const off = createRowDeduper(["a"], { mode: "none" });
    off.push([{ a: 1 }, { a: 1 }]);
    off.push([{ a: 1 }]);
    expect(off.outcome()).toEqual({ keep: [0, 1, 2], removed: 0, copiesOfReal: 0 });
  });
});

describe("the dedup option: one spelling, old aliases kept", () => {
  it('"none" keeps duplicates; false (the old library spelling) and "off" mean the same; true means "near"', () => {
    expect(dedupMode("none")).toBe("none");
    expect(dedupMode(false)).toBe("none");
    expect(dedupMode("off")).toBe("none");
    expect(dedupMode(true)).toBe("near");
    expect(dedupMode("exact")).toBe("exact");
    expect(dedupMode(undefined)).toBe("near");
    expect(dedupMode(undefined, "none")).toBe("none");
    expect(() => dedupMode("nope" as never)).toThrow(/dedup must be "exact", "near" or "none", got "nope"/);
  });

  it('copula mode with dedup "none" keeps its rows (a truthy string must not switch dedup on)', async () => {
    const like = frameFromRecords(Array.from({ length: 40 }, (_, i) => ({ a: i % 2, b: i % 3 })));
    const kept = await generate({ like, mode: "copula", rows: 60, seed: 1, dedup: "none" });
    const old = await generate({ like, mode: "copula", rows: 60, seed: 1, dedup: false });
    const removed = await generate({ like, mode: "copula", rows: 60, seed: 1, dedup: "exact" });
    expect(kept.frame.rowCount).toBe(60);
    expect(kept.stats.duplicatesRemoved).toBeUndefined();
    expect(frameToRecords(kept.frame)).toEqual(frameToRecords(old.frame));
    expect(removed.stats.duplicatesRemoved).toBeGreaterThan(0);
  });
});
