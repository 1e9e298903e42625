import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { frameFromRecords, takeRows } from "../../src/data/frame.js";
import type { Frame } from "../../src/data/types.js";
import { displaySymbol } from "../../src/display/protocol.js";
import { generateOffline, COFFEE_SHOP_SCHEMA } from "../../src/generate/offline/index.js";
import { createRng } from "../../src/data/random.js";
import { selectBackend } from "../../src/train/backend.js";
import { r2 } from "../../src/train/metrics.js";
import { evaluateModel, loadModel, predict, saveModel, trainRegressor } from "../../src/train/models.js";

const dirs: string[] = [];
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

/** y = 3·a − 2·b + 5 + small noise, with a categorical offset. */
function linearTable(n: number, seed: number): Frame {
  const rng = createRng(seed);
  const rows = Array.from({ length: n }, () => {
    const a = rng.uniform(-2, 2);
    const b = rng.uniform(0, 5);
    const g = rng.next() < 0.5 ? "x" : "y";
    return { a, b, g, y: 3 * a - 2 * b + 5 + (g === "x" ? 1 : -1) + rng.normal() * 0.2 };
  });
  return frameFromRecords(rows);
}

const quiet = { log: false as const };

describe("trainRegressor", () => {
  it("reports and records the TF.js backend", async () => {
    const info = await selectBackend();
    expect(["tensorflow", "wasm", "cpu"]).toContain(info.name);
    const lines: string[] = [];
    const model = await trainRegressor(linearTable(60, 1), { target: "y", model: "linear", epochs: 2, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(new RegExp(`^TF\\.js backend: ${info.name}`));
    expect(model.info.backend).toBe(info.name);
    expect(model.summary()).toContain(`TF.js backend: ${info.name}`);
  });

  it("learns a linear target with noise (linear model, R² > 0.95 on unseen rows)", async () => {
    const model = await trainRegressor(linearTable(400, 2), { ...quiet, target: "y", model: "linear", epochs: 60, seed: 3, test: linearTable(200, 99) });
    expect(model.metrics.test!.r2).toBeGreaterThan(0.95);
    expect(model.metrics.test!.mae).toBeLessThan(model.metrics.baseline!.mae / 5);
  });

  it("learns amount = price × quantity on the offline coffee-shop table (MLP)", async () => {
    const { frame } = await generateOffline(COFFEE_SHOP_SCHEMA, { rows: 500, seed: 7 });
    const test = (await generateOffline(COFFEE_SHOP_SCHEMA, { rows: 200, seed: 8 })).frame;
    const features = ["price", "quantity", "product"];
    const model = await trainRegressor(frame, { ...quiet, target: "amount", model: "mlp", features, epochs: 80, layers: [32, 16], seed: 1, test });
    expect(model.metrics.test!.r2).toBeGreaterThan(0.95);
    // A product interaction no linear model can fit: the MLP beats the linear one clearly.
    const linear = await trainRegressor(frame, { ...quiet, target: "amount", model: "linear", features, epochs: 80, seed: 1, test });
    expect(model.metrics.test!.rmse).toBeLessThan(linear.metrics.test!.rmse);
  });

  it("is reproducible for a seed", async () => {
    const t = linearTable(120, 5);
    const a = await trainRegressor(t, { ...quiet, target: "y", model: "mlp", layers: [8], epochs: 3, seed: 11 });
    const b = await trainRegressor(t, { ...quiet, target: "y", model: "mlp", layers: [8], epochs: 3, seed: 11 });
    const c = await trainRegressor(t, { ...quiet, target: "y", model: "mlp", layers: [8], epochs: 3, seed: 12 });
    expect(Array.from(a.predictValues(t))).toEqual(Array.from(b.predictValues(t)));
    expect(Array.from(a.predictValues(t))).not.toEqual(Array.from(c.predictValues(t)));
  });

  it("early stopping restores the kept epoch's weights and says when and why it stopped", async () => {
    const t = linearTable(200, 6);
    const model = await trainRegressor(t, { ...quiet, target: "y", model: "mlp", layers: [16], epochs: 200, patience: 3, minEpochs: 5, learningRate: 0.2, seed: 2 });
    const h = model.history;
    const best = Math.min(...h.map((e) => e.valLoss!));
    // The kept epoch is the best or no worse than it beyond noise; its weights reproduce its validation MAE.
    expect(h[model.info.bestEpoch - 1]!.valLoss).toBeLessThan(best * 1.5);
    expect(model.metrics.validation!.mae).toBeCloseTo(h[model.info.bestEpoch - 1]!.valMae!, 4);
    expect(model.info.stoppedEarly).toBe(true);
    expect(h.length).toBeGreaterThanOrEqual(Math.max(5, model.info.bestEpoch + 3));
    expect(model.stopSummary()).toMatch(new RegExp(`^stopped at epoch ${h.length}: the (validation|training) loss .+; kept the weights of epoch ${model.info.bestEpoch}`));
    expect(model.toString()).toContain(model.stopSummary());
  });

  it("stops after the current batch when the signal aborts and keeps the best weights so far", async () => {
    const t = linearTable(300, 8);
    const controller = new AbortController();
    const epochs: number[] = [];
    const model = await trainRegressor(t, {
      ...quiet,
      target: "y",
      model: "mlp",
      layers: [16],
      epochs: 500,
      batchSize: 16,
      patience: 0,
      seed: 4,
      signal: controller.signal,
      onEpoch: (e) => { epochs.push(e.epoch); if (e.epoch === 3) setTimeout(() => controller.abort(), 0); },
    });
    expect(model.info.interrupted).toBe(true);
    expect(model.history.length).toBeGreaterThanOrEqual(3);
    expect(model.history.length).toBeLessThan(10);
    expect(model.info.bestEpoch).toBeGreaterThanOrEqual(1);
    // Weights are those of the kept epoch (a completed epoch or the interrupted partial one).
    if (model.info.bestEpoch <= model.history.length) {
      expect(model.metrics.validation!.mae).toBeCloseTo(model.history[model.info.bestEpoch - 1]!.valMae!, 4);
    }
    expect(model.stopSummary()).toMatch(/^interrupted after epoch \d+; kept the weights of epoch \d+/);
    expect(model.metrics.validation!.r2).toBeGreaterThan(0);
  });

  it("save → load predicts identically, preprocessing included", async () => {
    const t = linearTable(150, 9);
    const model = await trainRegressor(t, { ...quiet, target: "y", model: "mlp", layers: [8, 4], epochs: 5, seed: 1 });
    const dir = await mkdtemp(join(tmpdir(), "synthlab-model-"));
    dirs.push(dir);
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const unseen = frameFromRecords([{ a: 0.5, b: 1, g: "never seen" }, { a: -1, b: null, g: "x" }]);
    expect(Array.from(loaded.predictValues(t))).toEqual(Array.from(model.predictValues(t)));
    expect(Array.from(loaded.predictValues(unseen))).toEqual(Array.from(model.predictValues(unseen)));
    expect(loaded.info.history).toEqual(model.info.history);
    await expect(loadModel(join(dir, "nope"))).rejects.toThrow(/folder written by saveModel/);
  });

  it("predict adds a prediction column; evaluateModel matches the recorded test metrics", async () => {
    const train = linearTable(120, 10);
    const test = linearTable(40, 11);
    const model = await trainRegressor(train, { ...quiet, target: "y", model: "linear", epochs: 10, test });
    const out = predict(model, takeRows(test, [0, 1, 2]));
    expect(out.columnNames).toEqual([...test.columnNames, "prediction"]);
    expect(out.columns.prediction!.every((v) => typeof v === "number")).toBe(true);
    expect(evaluateModel(model, test)).toEqual(model.metrics.test);
    const p = model.predictValues(test);
    expect(r2(test.columns.y as number[], p)).toBeCloseTo(model.metrics.test!.r2, 9);
  });

  it("accepts a danfo DataFrame and predicts into a DataFrame, on the same TF.js engine", async () => {
    const { toDataFrame, isDataFrame } = await import("../../src/data/dataframe.js");
    const df = toDataFrame(linearTable(80, 15));
    const model = await trainRegressor(df, { ...quiet, target: "y", model: "linear", epochs: 3 });
    const info = await selectBackend();
    expect(model.info.backend).toBe(info.name);
    const out = predict(model, df);
    expect(isDataFrame(out)).toBe(true);
    expect(out.columns).toContain("prediction");
    expect(out.shape).toEqual([80, 5]);
  });

  it("displays a metrics table and the loss chart", async () => {
    const model = await trainRegressor(linearTable(80, 12), { ...quiet, target: "y", model: "linear", epochs: 4 });
    const bundle = await model[displaySymbol]();
    expect(String(bundle["text/html"])).toContain("<table>");
    expect(String(bundle["text/html"])).toMatch(/validation/);
    expect(String(bundle["text/plain"])).toMatch(/MAE/);
    // The loss chart is rendered (src/charts/render.ts) and embedded as a PNG.
    expect(String(bundle["text/html"])).toMatch(/<img alt="loss per epoch" width="\d+" height="\d+" src="data:image\/png;base64,/);
    const spec = model.lossChart() as { data: { values: { series: string }[] } };
    expect(spec.data.values.filter((v) => v.series === "validation")).toHaveLength(4);
  });

  it("says how to fix a diverging run instead of returning NaN predictions", async () => {
    // Adam moves each weight by about the learning rate per step: 1e30 overflows float32 at once.
    await expect(trainRegressor(linearTable(100, 14), { ...quiet, target: "y", model: "linear", epochs: 5, validationSplit: 0, learningRate: 1e30 }))
      .rejects.toThrow(/Training diverged at epoch 1 .*lower the learning rate/);
  });

  it("rejects bad input with one clear error", async () => {
    const t = linearTable(30, 13);
    await expect(trainRegressor(t, { ...quiet, target: "nope" })).rejects.toThrow(/Target column "nope" is not in the table/);
    await expect(trainRegressor(t, { ...quiet, target: "g" })).rejects.toThrow(/Target column "g" is not numeric/);
    await expect(trainRegressor([], { ...quiet, target: "y" })).rejects.toThrow(/empty/);
    await expect(trainRegressor(frameFromRecords([{ a: 1, y: 2 }, { a: 2, y: 2 }]), { ...quiet, target: "y" })).rejects.toThrow(/constant/);
    await expect(trainRegressor(t, { ...quiet, target: "y", epochs: 0 })).rejects.toThrow(/epochs must be a whole number/);
    await expect(trainRegressor(t, { ...quiet, target: "y", model: "forest" as never })).rejects.toThrow(/Unknown model "forest"/);
    const test = frameFromRecords([{ a: 1, y: 2 }]);
    await expect(trainRegressor(t, { ...quiet, target: "y", test })).rejects.toThrow(/lacks feature column\(s\).*"b", "g"/);
  });
});
