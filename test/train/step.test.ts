/**
 * The hand-written training step (src/train/adam.ts, src/train/dense.ts) against TF.js's own
 * implementations as the reference: tf.train.adam for the optimizer, automatic differentiation of
 * matMul + bias + ReLU and mean squared difference for the gradients.
 */
import { describe, expect, it } from "vitest";
import type { Tensor, Tensor2D, Variable } from "@tensorflow/tfjs";
import { loadTf, selectBackend, type BackendName, type TF } from "../../src/train/backend.js";
import { FlatAdam } from "../../src/train/adam.js";
import { denseTrainer } from "../../src/train/dense.js";

function seededVars(tf: TF, shapes: number[][], seed: number): Variable[] {
  return shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.5, "float32", seed + i)));
}

/** The plain formulation whose gradients TF.js derives itself. */
function referenceLoss(tf: TF, vars: readonly Variable[], x: Tensor2D, y: Tensor2D): Tensor {
  let h: Tensor = x;
  for (let i = 0; i < vars.length; i += 2) {
    h = tf.add(tf.matMul(h as Tensor2D, vars[i] as Tensor as Tensor2D), vars[i + 1]!);
    if (i + 2 < vars.length) h = tf.relu(h);
  }
  return tf.mean(tf.squaredDifference(h, y));
}

function maxAbsDiff(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe("training step", () => {
  // wasm transposes explicitly, cpu uses matMul's transpose flags: both paths are checked.
  for (const [backend, shapes] of [["wasm", [[5, 1], [1]]], ["wasm", [[5, 8], [8], [8, 4], [4], [4, 1], [1]]], ["cpu", [[5, 8], [8], [8, 4], [4], [4, 1], [1]]]] as [BackendName, number[][]][]) {
    it(`dense gradients equal TF.js's automatic ones (${backend}, ${shapes.length / 2} layer${shapes.length > 2 ? "s" : ""})`, async () => {
      await selectBackend(backend);
      const { tf } = await loadTf();
      expect(tf.getBackend()).toBe(backend);
      const vars = seededVars(tf, shapes, 11);
      const x = tf.randomNormal([16, 5], 0, 1, "float32", 3) as Tensor2D;
      const y = tf.randomNormal([16, 1], 0, 1, "float32", 4) as Tensor2D;
      const trainer = denseTrainer(tf);
      const ours = tf.variableGrads(() => trainer.mse(trainer.forward(vars, x), y), vars);
      const ref = tf.variableGrads(() => referenceLoss(tf, vars, x, y) as never, vars);
      expect(ours.value.dataSync()[0]).toBeCloseTo(ref.value.dataSync()[0]!, 5);
      for (const v of vars) {
        const g = ours.grads[v.name]!;
        expect(g.shape).toEqual(v.shape);
        expect(maxAbsDiff(g.dataSync(), ref.grads[v.name]!.dataSync())).toBeLessThan(1e-5);
      }
      // The gradients are not all zero (a broken mask or a missing term shows above as a mismatch).
      expect(Math.max(...vars.map((v) => Math.max(...Array.from(ours.grads[v.name]!.dataSync(), Math.abs))))).toBeGreaterThan(1e-3);
      tf.dispose([x, y, ours.value, ref.value, ...Object.values(ours.grads), ...Object.values(ref.grads), ...vars]);
    });
  }

  it("FlatAdam takes the same steps as tf.train.adam, also after a learning-rate change", async () => {
    await selectBackend("wasm");
    const { tf } = await loadTf();
    const shapes = [[5, 8], [8], [8, 1], [1]];
    const a = seededVars(tf, shapes, 21);
    const b = seededVars(tf, shapes, 21);
    const x = tf.randomNormal([32, 5], 0, 1, "float32", 5) as Tensor2D;
    const y = tf.randomNormal([32, 1], 0, 1, "float32", 6) as Tensor2D;
    const ours = new FlatAdam(tf, a, { learningRate: 0.05 });
    const ref = tf.train.adam(0.05);
    for (let step = 0; step < 25; step++) {
      if (step === 15) {
        ours.learningRate = 0.01;
        (ref as unknown as { learningRate: number }).learningRate = 0.01;
      }
      const l1 = ours.minimize(() => referenceLoss(tf, a, x, y) as never);
      const l2 = ref.minimize(() => referenceLoss(tf, b, x, y) as never, true, b)!;
      expect(l1.dataSync()[0]).toBeCloseTo(l2.dataSync()[0]!, 4);
      tf.dispose([l1, l2]);
    }
    expect(ours.iterations).toBe(25);
    for (let i = 0; i < a.length; i++) expect(maxAbsDiff(a[i]!.dataSync(), b[i]!.dataSync())).toBeLessThan(1e-4);
    // The variables moved: the steps did something.
    const start = seededVars(tf, shapes, 21);
    expect(maxAbsDiff(a[0]!.dataSync(), start[0]!.dataSync())).toBeGreaterThan(0.05);
    ours.dispose();
    ref.dispose();
    tf.dispose([x, y, ...a, ...b, ...start]);
  });

  it("FlatAdam leaves no tensors behind per step", async () => {
    const { tf } = await loadTf();
    const vars = seededVars(tf, [[3, 1], [1]], 31);
    const x = tf.ones([4, 3]) as Tensor2D;
    const y = tf.zeros([4, 1]) as Tensor2D;
    const opt = new FlatAdam(tf, vars, { learningRate: 0.1 });
    const trainer = denseTrainer(tf);
    opt.minimize(() => trainer.mse(trainer.forward(vars, x), y)).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) opt.minimize(() => trainer.mse(trainer.forward(vars, x), y)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    tf.dispose([x, y, ...vars]);
  });
});
