import { describe, expect, it } from "vitest";
import { frameFromRecords } from "../../src/data/frame.js";
import { createRng } from "../../src/data/random.js";
import type { Frame } from "../../src/data/types.js";
import { displaySymbol } from "../../src/display/protocol.js";
import { compareTraining, permutationImportance } from "../../src/train/experiments.js";
import { trainRegressor } from "../../src/train/models.js";

/** y depends strongly on a, weakly on c, not at all on noise. `broken` scrambles the target (useless synthetic data). */
function table(n: number, seed: number, broken = false): Frame {
  const rng = createRng(seed);
  return frameFromRecords(Array.from({ length: n }, () => {
    const a = rng.uniform(0, 10);
    const c = rng.next() < 0.5 ? "p" : "q";
    const noise = rng.normal();
    const y = broken ? rng.uniform(0, 40) : 3 * a + (c === "p" ? 1 : 0) + rng.normal() * 0.3;
    return { a, c, noise, y, _meta: "{}" };
  }));
}

const quiet = { log: false as const };

describe("compareTraining", () => {
  it("scores synthetic data that carries the signal near 1 and scrambled data low", async () => {
    const real = table(200, 1);
    const holdout = table(100, 2);
    const opts = { ...quiet, real, holdout, target: "y", model: "linear" as const, epochs: 30, seeds: [1, 2, 3] };
    const good = await compareTraining({ ...opts, synthetic: table(200, 3) });
    const bad = await compareTraining({ ...opts, synthetic: table(200, 4, true), settings: ["TRTR", "TSTR"] });
    expect(good.settings.map((s) => s.setting)).toEqual(["TRTR", "TSTR", "augmented"]);
    expect(good.get("augmented")!.trainRows).toBe(400);
    expect(good.get("TRTR")!.runs).toHaveLength(3);
    expect(good.score!).toBeGreaterThan(0.8);
    expect(bad.score!).toBeLessThan(0.3);
    expect(bad.get("TSTR")!.mean.r2).toBeLessThan(0.2);
    // Mean ± std are over the seeds.
    const maes = good.get("TSTR")!.runs.map((r) => r.metrics.mae);
    expect(good.get("TSTR")!.mean.mae).toBeCloseTo(maes.reduce((x, y) => x + y) / 3, 12);
    const bundle = await good[displaySymbol]();
    expect(String(bundle["text/plain"])).toMatch(/TSTR.*±/);
    // Its score is named for what it is, and told apart from the report's utility (a different mean).
    for (const text of [String(bundle["text/plain"]), String(bundle["text/html"])]) {
      expect(text).toMatch(/TSTR prediction score of this model/);
      expect(text).not.toMatch(/utility score/i);
      expect(text).toMatch(/report('|&#39;)s ("|&quot;)utility("|&quot;) is another number/); // plain or HTML-escaped
    }
    expect(JSON.stringify(good.chart())).toContain("errorbar");
    expect(bad.settings.map((s) => s.setting)).toEqual(["TRTR", "TSTR"]);
  }, 120_000);

  it("shows live progress: one bar updated in place, per model and per epoch, ending with the total", async () => {
    const shown: { bundle: Record<string, unknown>; displayId: string; update: boolean }[] = [];
    const sink = { display: (bundle: Record<string, unknown>, o: { displayId: string; update: boolean }) => shown.push({ bundle, ...o }) };
    const real = table(60, 1);
    await compareTraining({ ...quiet, real, synthetic: table(60, 3), holdout: table(30, 2), target: "y", model: "linear", epochs: 3, settings: ["TRTR", "TSTR"], progress: sink });
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(new Set(shown.map((s) => s.displayId)).size).toBe(1);
    expect(shown[0]!.update).toBe(false);
    expect(shown.slice(1).every((s) => s.update)).toBe(true);
    const last = shown[shown.length - 1]!.bundle;
    expect(String(last["text/plain"])).toMatch(/^Trained 6 \/ 6 models · done · \d+\.\d s$/);
    expect(String(last["text/html"])).toContain('<progress value="6" max="6"');
  }, 60_000);

  it("writes progress lines to stderr outside a notebook, and to the cell's display inside one", async () => {
    const { defaultProgressSink, liveProgress } = await import("../../src/display/progress.js");
    const lines: string[] = [];
    const p = liveProgress({ write: (t) => lines.push(t) });
    p.update({ value: 1, max: 9, text: "Training 1 / 9 models" });
    p.done({ value: 9, max: 9, text: "Trained 9 / 9 models" });
    expect(lines).toEqual(["Training 1 / 9 models\n", "Trained 9 / 9 models\n"]);
    expect(defaultProgressSink().display).toBeUndefined();
    // In a notebook cell the kernel defines the global display(): progress goes there, as a display-protocol object.
    const seen: unknown[] = [];
    (globalThis as Record<string, unknown>).display = (v: unknown, o: unknown) => { seen.push([v, o]); };
    try {
      liveProgress().done({ value: 2, max: 2, text: "Trained 2 / 2 models" });
    } finally {
      delete (globalThis as Record<string, unknown>).display;
    }
    const [value, options] = seen[0] as [Record<symbol, () => Record<string, string>>, { update: boolean }];
    expect(value[displaySymbol]!()["text/plain"]).toBe("Trained 2 / 2 models");
    expect(options.update).toBe(false);
  });

  it("needs ≥ 3 seeds and synthetic data with the real columns", async () => {
    const real = table(30, 1);
    await expect(compareTraining({ ...quiet, real, synthetic: real, holdout: real, target: "y", seeds: [1, 2] })).rejects.toThrow(/at least 3 seeds/);
    const partial = frameFromRecords([{ a: 1, y: 2 }]);
    await expect(compareTraining({ ...quiet, real, synthetic: partial, holdout: real, target: "y" })).rejects.toThrow(/synthetic table lacks column\(s\) of the real table: "c", "noise", "_meta"/);
  });
});

describe("permutationImportance", () => {
  it("ranks the driving column first and the noise column near zero", async () => {
    const model = await trainRegressor(table(300, 5), { ...quiet, target: "y", model: "linear", epochs: 40, features: ["a", "c", "noise"] });
    const imp = await permutationImportance(model, table(150, 6), { target: "y", repeats: 3, seed: 1 });
    expect(imp.features.map((f) => f.feature)).toEqual(["a", "c", "noise"]);
    expect(imp.byFeature.a!).toBeGreaterThan(5);
    expect(Math.abs(imp.byFeature.noise!)).toBeLessThan(0.2);
    expect(imp.baselineMae).toBeLessThan(1);
    // Seeded: the same seed gives the same numbers.
    const again = await permutationImportance(model, table(150, 6), { repeats: 3, seed: 1 });
    expect(again.features).toEqual(imp.features);
  });

  it("refuses a model for another target", async () => {
    const model = await trainRegressor(table(50, 7), { ...quiet, target: "y", model: "linear", epochs: 2 });
    await expect(permutationImportance(model, table(20, 8), { target: "a" })).rejects.toThrow(/predicts "y", not "a"/);
  });
});
