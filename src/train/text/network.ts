/**
 * The classifier's network as plain TF.js variables and ops: dense layers (ReLU between, logits
 * out) trained with FlatAdam and the dense trainer's gradients (../adam.ts, ../dense.ts). For this small model the Layers API's per-step
 * bookkeeping cost several times the maths itself (measured on wasm), so it is not used.
 */
import type { Scalar, Tensor2D, Variable } from "@tensorflow/tfjs";
import type { TF } from "../backend.js";
import type { DenseTrainer } from "../dense.js";

interface Dense {
  kernel: Variable;
  bias: Variable;
}

export class TextNetwork {
  private constructor(private readonly tf: TF, private readonly dense: Dense[]) {}

  /** inputs → hidden… (ReLU) → outputs; He-normal kernels before a ReLU, Glorot-uniform for the output, zero biases; seeded. */
  static create(tf: TF, inputs: number, hidden: readonly number[], outputs: number, seed: number): TextNetwork {
    const sizes = [inputs, ...hidden, outputs];
    const dense: Dense[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const last = i + 2 === sizes.length;
      const init = last ? tf.initializers.glorotUniform({ seed: seed * 7919 + i }) : tf.initializers.heNormal({ seed: seed * 7919 + i });
      dense.push({
        kernel: tf.variable(init.apply([sizes[i]!, sizes[i + 1]!]) as Tensor2D),
        bias: tf.variable(tf.zeros([sizes[i + 1]!])),
      });
    }
    return new TextNetwork(tf, dense);
  }

  /** Unnormalised class scores for a batch of feature rows. */
  logits(x: Tensor2D): Tensor2D {
    const tf = this.tf;
    let h = x;
    this.dense.forEach((d, i) => {
      h = tf.add(tf.matMul(h, d.kernel), d.bias);
      if (i + 1 < this.dense.length) h = tf.relu(h);
    });
    return h;
  }

  /** Class probabilities (softmax of the logits). */
  predict(x: Tensor2D): Tensor2D {
    return this.tf.tidy(() => this.tf.softmax(this.logits(x)));
  }

  /**
   * Mean cross-entropy of one batch plus `l2` × the sum of squared kernel weights, for training: the
   * logits come from `trainer`'s dense layers with hand-written gradients (src/train/dense.ts), the
   * same values as `logits(x)`.
   */
  loss(x: Tensor2D, yOneHot: Tensor2D, l2: number, trainer: DenseTrainer): Scalar {
    const tf = this.tf;
    let loss = tf.losses.softmaxCrossEntropy(yOneHot, trainer.forward(this.variables, x)) as Scalar;
    if (l2 > 0) for (const d of this.dense) loss = tf.add(loss, tf.mul(l2, tf.sum(tf.square(d.kernel)))) as Scalar;
    return loss;
  }

  get variables(): Variable[] {
    return this.dense.flatMap((d) => [d.kernel, d.bias]);
  }

  /** Number of dense layers. */
  get depth(): number {
    return this.dense.length;
  }

  /** Layer `i`'s kernel (rows: inputs, columns: units), row-major. */
  kernel(i: number): Float32Array {
    return this.dense[i]!.kernel.dataSync() as Float32Array;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
