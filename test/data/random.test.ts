import { describe, expect, it } from "vitest";
import { createRng } from "../../src/data/random.js";
import { streamFor } from "../../src/generate/random.js";

// One generator serves every stage. These draws were recorded from the three generators the
// project had before they were merged (data/random.ts's object, train/rng.ts's and
// evaluate/internal/rng.ts's functions): the same seed must keep giving the same numbers, or
// every notebook's output would move.
describe("createRng: the draws of every former seed path are kept", () => {
  it("data stage: next, int, normal, weighted, shuffle", () => {
    const r = createRng(42);
    expect([r.next(), r.next(), r.int(10), r.normal(), r.normal(), r.weighted([1, 2, 3]), r.shuffle([1, 2, 3, 4, 5])]).toEqual(
      [0.6011037519201636, 0.44829055899754167, 8, 0.40743774041311, 0.7973353652296515, 2, [5, 1, 4, 3, 2]],
    );
    const s = createRng("run-42");
    expect([s.next(), s.next()]).toEqual([0.25673661148175597, 0.08126619225367904]);
    const f = createRng(7).fork();
    expect([f.next(), f.next()]).toEqual([0.3792292682919651, 0.5047699103597552]);
    const g = streamFor(9, "price");
    expect([g.next(), g.int(1000)]).toEqual([0.2514225784689188, 696]);
  });

  it("train stage: seededRng(seed)() and permutation(n, rng)", () => {
    expect(Array.from(createRng(7).permutation(10))).toEqual([6, 5, 8, 1, 2, 3, 4, 7, 9, 0]);
    const t = createRng(3);
    expect([t.next(), t.next()]).toEqual([0.7202267837710679, 0.03866216051392257]);
  });

  it("evaluate stage: randInt, sampleIndices, shuffledIndices", () => {
    const e = createRng(5);
    expect([e.int(100), e.int(100)]).toEqual([68, 77]);
    expect(createRng(11).sample(20, 5)).toEqual([10, 11, 12, 13, 17]);
    expect(Array.from(createRng(11).permutation(10))).toEqual([3, 6, 1, 0, 2, 9, 7, 8, 4, 5]);
  });
});

describe("permutation and sample", () => {
  it("permutation(n) is the order shuffle gives to 0..n-1 from the same seed", () => {
    const idx = Array.from({ length: 50 }, (_, i) => i);
    expect(Array.from(createRng(99).permutation(50))).toEqual(createRng(99).shuffle(idx));
  });

  it("sample(n, k) gives k distinct indices, and all n in order (no draws) when k >= n", () => {
    const s = createRng(1).sample(100, 30);
    expect(new Set(s).size).toBe(30);
    expect(s.every((i) => Number.isInteger(i) && i >= 0 && i < 100)).toBe(true);
    const r = createRng(4);
    expect(r.sample(5, 9)).toEqual([0, 1, 2, 3, 4]);
    expect(r.next()).toBe(createRng(4).next());
  });
});
