/**
 * Adam over all of a model's variables at once.
 *
 * Why not `tf.train.adam`: it updates each variable separately, some 14 kernels and several scalar
 * tensors per variable per step. On the wasm backend a small kernel costs ~10 µs however little it
 * computes, so for the MLP (6 variables) the optimizer alone was about a third of each batch of 64.
 * Here the gradients are concatenated into one vector and the moments are single vectors: one
 * concat, 12 element-wise kernels, one split and one subtraction per variable.
 *
 * The update is Kingma & Ba's Adam as TF.js writes it (epsilon added to √v̂):
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
 *   θ ← θ − lr · m̂ / (√v̂ + ε),  m̂ = m / (1−β₁ᵗ),  v̂ = v / (1−β₂ᵗ),
 * with the bias corrections folded into two scalars computed in JavaScript:
 *   lr · m̂ / (√v̂ + ε) = (lr / (1−β₁ᵗ)) · m / (√v · (1/√(1−β₂ᵗ)) + ε).
 */
import type { Scalar, Variable } from "@tensorflow/tfjs";
import type { TF } from "./backend.js";

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  /** Default: the backend's float epsilon (1e-7 for float32), as tf.train.adam. */
  epsilon?: number;
}

export class FlatAdam {
  /** Read on every step, so it may change between steps (learning-rate schedules). */
  learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private step = 0;
  private readonly sizes: number[];
  private readonly m: Variable;
  private readonly v: Variable;
  private readonly constants: Scalar[];

  constructor(private readonly tf: TF, private readonly vars: readonly Variable[], options: AdamOptions) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? tf.backend().epsilon();
    this.sizes = vars.map((v) => v.size);
    const n = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.variable(tf.zeros([n]), false);
    this.v = tf.variable(tf.zeros([n]), false);
    this.constants = [this.beta1, 1 - this.beta1, this.beta2, 1 - this.beta2, this.epsilon].map((c) => tf.keep(tf.scalar(c)));
  }

  /** Steps number so far. */
  get iterations(): number {
    return this.step;
  }

  /** Gradients of `loss` with respect to the variables, then one Adam update. Returns the loss (the caller disposes it). */
  minimize(loss: () => Scalar): Scalar {
    const tf = this.tf;
    this.step += 1;
    const c1 = 1 - this.beta1 ** this.step;
    const c2 = 1 - this.beta2 ** this.step;
    const [b1, omb1, b2, omb2, eps] = this.constants as [Scalar, Scalar, Scalar, Scalar, Scalar];
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, [...this.vars]);
      const g = tf.concat(this.vars.map((x) => tf.reshape(grads[x.name] ?? tf.zerosLike(x), [-1])));
      const m = tf.add(tf.mul(this.m, b1), tf.mul(g, omb1));
      const v = tf.add(tf.mul(this.v, b2), tf.mul(tf.square(g), omb2));
      this.m.assign(m);
      this.v.assign(v);
      const denom = tf.add(tf.mul(tf.sqrt(v), tf.scalar(1 / Math.sqrt(c2))), eps);
      const update = tf.div(tf.mul(m, tf.scalar(this.learningRate / c1)), denom);
      const parts = tf.split(update, this.sizes);
      this.vars.forEach((x, i) => x.assign(tf.sub(x, tf.reshape(parts[i]!, x.shape))));
      return value;
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    for (const c of this.constants) c.dispose();
  }
}
