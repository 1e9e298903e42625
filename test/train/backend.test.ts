import { afterEach, describe, expect, it } from "vitest";
import { describeBackend, selectBackend, tfjs } from "../../src/train/backend.js";
import { loadDataset } from "../../src/datasets/index.js";
import { Preprocessor } from "../../src/train/preprocess.js";

const saved = process.env.SYNTHLAB_TF_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.SYNTHLAB_TF_BACKEND;
  else process.env.SYNTHLAB_TF_BACKEND = saved;
});

describe("backend choice", () => {
  it("prefers native TensorFlow, else wasm, and says why it skipped one", async () => {
    const info = await selectBackend();
    const tf = tfjs();
    expect(tf.getBackend()).toBe(info.name);
    if (info.name !== "tensorflow") {
      // Here @tensorflow/tfjs-node is an npm alias of pure TF.js: it must not count as native.
      expect(info.notes.join("\n")).toMatch(/tensorflow:/);
      expect(info.name).toBe("wasm");
      expect(describeBackend(info)).toMatch(/^TF\.js backend: wasm \((SIMD|no SIMD), \d+ threads?\)$/);
    }
  });

  it("uses one TF.js engine: the wasm backend is registered where @tensorflow/tfjs looks", async () => {
    await selectBackend("wasm");
    const tf = tfjs();
    expect(tf.findBackend("wasm")).not.toBeNull();
    expect(tf.tensor1d([1, 2, 3]).sum().dataSync()[0]).toBe(6);
  });

  it("can switch to cpu and back, and runs the same math on both", async () => {
    const tf = tfjs();
    const onWasm = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync());
    expect((await selectBackend("cpu")).name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    const onCpu = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync());
    expect(Array.from(onCpu)).toEqual(Array.from(onWasm));
    expect((await selectBackend("wasm")).name).toBe("wasm");
  });

  it("names the valid values for a bad SYNTHLAB_TF_BACKEND", async () => {
    process.env.SYNTHLAB_TF_BACKEND = "gpu";
    await expect(selectBackend()).rejects.toThrow(/SYNTHLAB_TF_BACKEND="gpu" is not a TF.js backend: use one of tensorflow, wasm, cpu/);
  });
});

describe("coffee-sales preprocessing (real data via the dataset loader)", () => {
  it("reads the time column as a time of day, the date as a datetime and drops constant cash_type", async () => {
    process.env.SYNTHLAB_DATA_MIRROR ??= new URL("../../../shared/datasets", import.meta.url).pathname;
    const frame = await loadDataset("coffee-sales", { quiet: true });
    const pre = Preprocessor.fit(frame, { target: "money" });
    const kinds = Object.fromEntries(pre.steps.map((s) => [s.column, s.kind]));
    expect(kinds).toMatchObject({ Time: "time", Date: "datetime", coffee_name: "categorical", hour_of_day: "numeric" });
    expect(pre.dropped.map((d) => d.column)).toEqual(["cash_type"]);
    const m = pre.transform(frame);
    expect(m.rows).toBe(3547);
    expect(m.values.every((v) => Number.isFinite(v))).toBe(true);
  });
});
