/**
 * The stopping rules (src/train/stopping.ts) on hand-made loss sequences, and on real small tables:
 * the linear model must reach closed-form least squares on the same features.
 */
import { describe, expect, it } from "vitest";
import { readCsv } from "../../src/data/csv.js";
import { takeRows } from "../../src/data/frame.js";
import { splitTrainHoldout } from "../../src/data/split.js";
import type { Frame } from "../../src/data/types.js";
import { fitRidge } from "../../src/evaluate/utility/ridge.js";
import { regressionMetrics } from "../../src/train/metrics.js";
import { trainRegressor, validationRows, type TrainedModel } from "../../src/train/models.js";
import { targetValues } from "../../src/train/preprocess.js";
import { StoppingMonitor } from "../../src/train/stopping.js";
import { tablePath } from "../support/tables.js";

/** n validation rows whose squared errors all equal `loss` (no noise: any difference is significant). */
const flat = (loss: number, n = 30) => new Float64Array(n).fill(loss);

describe("StoppingMonitor", () => {
  it("never stops while the validation loss improves, however slowly", () => {
    const m = new StoppingMonitor({ patience: 5, minEpochs: 0, plateau: 3 });
    for (let e = 1; e <= 500; e++) {
      const d = m.update(e, 1 / e, flat(1 - e * 1e-4));
      expect(d.stop).toBe(false);
      expect(d.keep).toBe(true);
    }
  });

  it("patience 0 never stops, even when the validation loss rises", () => {
    const m = new StoppingMonitor({ patience: 0, minEpochs: 0, plateau: 3 });
    for (let e = 1; e <= 200; e++) expect(m.update(e, 1, flat(e)).stop).toBe(false);
  });

  it("stops after `patience` epochs worse than the best, keeps the best, and says why", () => {
    const m = new StoppingMonitor({ patience: 4, minEpochs: 0, plateau: 100 });
    const losses = [5, 4, 3, 3.5, 3.6, 3.7, 3.8, 3.9];
    const decisions = losses.map((l, i) => m.update(i + 1, 1 / (i + 1), flat(l)));
    expect(decisions.map((d) => d.keep)).toEqual([true, true, true, false, false, false, false, false]);
    expect(decisions.findIndex((d) => d.stop)).toBe(6); // epoch 7: 4 epochs after the best (3)
    expect(decisions[6]!.reason).toMatch(/validation loss stayed above its best \(epoch 3\).*for 4 epochs/);
  });

  it("does not stop before minEpochs", () => {
    const m = new StoppingMonitor({ patience: 2, minEpochs: 10, plateau: 100 });
    const stops = Array.from({ length: 12 }, (_, i) => m.update(i + 1, 1, flat(i === 0 ? 1 : 2)).stop);
    expect(stops.indexOf(true)).toBe(9);
  });

  it("keeps a later epoch that is worse than the best only by noise", () => {
    const m = new StoppingMonitor({ patience: 3, minEpochs: 0, plateau: 100 });
    const rng = (() => { let s = 7; return () => ((s = (s * 16807) % 2147483647) / 2147483647); })();
    const base = Float64Array.from({ length: 40 }, () => rng());
    m.update(1, 1, base);
    // Same errors, each row shifted by ±0.2 at random: a mean change far inside the noise.
    const jittered = base.map((v, i) => v + (i % 2 ? 0.2 : -0.2) + 0.001);
    expect(m.update(2, 0.9, jittered).keep).toBe(true);
    // A consistent rise on every row is significant.
    expect(m.update(3, 0.8, base.map((v) => v + 0.01)).keep).toBe(false);
  });

  it("halves the learning rate on a training-loss plateau, then stops once converged at the floor", () => {
    const m = new StoppingMonitor({ patience: 4, minEpochs: 0, plateau: 2, minLrFactor: 1 / 4 });
    const factors: number[] = [];
    let stopAt = 0;
    let reason = "";
    for (let e = 1; e <= 50 && !stopAt; e++) {
      const d = m.update(e, 1, null);
      factors.push(d.lrFactor);
      if (d.stop) { stopAt = e; reason = d.reason!; }
    }
    expect(factors.filter((f) => f === 0.5).length).toBe(2); // 1 → 1/2 → 1/4, the floor
    expect(m.lrScale).toBe(0.25);
    expect(stopAt).toBeGreaterThan(0);
    expect(reason).toMatch(/training loss converged/);
  });
});

/** The model's preprocessed features (and the target) as a numeric Frame, for the closed-form fit. */
function featureFrame(model: TrainedModel, frame: Frame, target: string): Frame {
  const pre = model.preprocessor;
  const m = pre.transform(frame);
  const columns: Record<string, number[]> = {};
  pre.featureNames.forEach((name, j) => { columns[name] = Array.from({ length: m.rows }, (_, i) => m.values[i * m.cols + j]!); });
  columns.__y = targetValues(frame, target);
  return { columnNames: [...pre.featureNames, "__y"], columns, rowCount: m.rows };
}

/** Test metrics of least squares (ridge with a vanishing penalty) on the rows and features the model trained on. */
function leastSquares(model: TrainedModel, train: Frame, test: Frame, target: string) {
  const y = targetValues(train, target);
  const usable = y.flatMap((v, i) => (Number.isNaN(v) ? [] : [i]));
  const { train: rows } = validationRows(usable, model.info.options.validationSplit, model.info.options.seed);
  const kinds = Object.fromEntries(model.preprocessor.featureNames.map((n) => [n, "numeric" as const]));
  const ls = fitRidge(featureFrame(model, takeRows(train, rows), target), "__y", model.preprocessor.featureNames, kinds, 1e-6);
  const testFrame = featureFrame(model, test, target);
  const truth = testFrame.columns.__y as number[];
  const keep = truth.flatMap((v, i) => (Number.isNaN(v) ? [] : [i]));
  const pred = ls.predict(testFrame);
  return regressionMetrics(keep.map((i) => truth[i]!), keep.map((i) => pred[i]!));
}

describe("the linear model converges to least squares on small real tables", () => {
  const quiet = { log: false as const };
  it("patience 0 runs every epoch (it used to stop at epoch 11)", async () => {
    const { train } = splitTrainHoldout(await readCsv(tablePath("mpg.csv")), { holdout: 0.25, seed: 3 });
    const model = await trainRegressor(train, { ...quiet, target: "mpg", model: "linear", epochs: 40, patience: 0 });
    expect(model.history).toHaveLength(40);
    expect(model.info.stoppedEarly).toBe(false);
    expect(model.stopSummary()).toMatch(/^ran all 40 epochs; kept the weights of epoch \d+/);
  }, 60_000);

  for (const [file, target] of [["mpg.csv", "mpg"], ["healthexp.csv", "Life_Expectancy"], ["healthexp.csv", "Spending_USD"]] as const) {
    it(`${file} → ${target}: test MAE and RMSE within 2% of closed-form least squares, with default options`, async () => {
      const { train, holdout } = splitTrainHoldout(await readCsv(tablePath(file)), { holdout: 0.25, seed: 3 });
      const model = await trainRegressor(train, { ...quiet, target, model: "linear", test: holdout });
      const ls = leastSquares(model, train, holdout, target);
      const t = model.metrics.test!;
      expect(t.mae / ls.mae).toBeLessThan(1.02);
      expect(t.rmse / ls.rmse).toBeLessThan(1.02);
      // It says when and why it stopped, and which weights it kept.
      expect(model.stopSummary()).toMatch(/^(stopped at epoch \d+: the (training|validation) loss .+|ran all \d+ epochs); kept the weights of epoch \d+/);
    }, 60_000);
  }
});
