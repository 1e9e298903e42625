/**
 * The training step's arithmetic for a stack of dense layers (ReLU on hidden layers, linear output)
 * and the MSE loss, with hand-written gradients.
 *
 * Why not the Layers call and TF.js's own gradients (measured on the wasm backend, batch 64):
 * - the gradient of `matMul` uses matMul with transposeA / transposeB, which the wasm kernel runs
 *   about 6× slower than an explicit transpose followed by a plain matMul (150 vs 25 µs for 64×64·64×32),
 *   so on wasm the transposes are explicit;
 * - the forward pass as one fused kernel per layer (matMul + bias + ReLU) instead of three;
 * - the first layer's gradient with respect to the input batch is never needed, so it is not computed.
 * The variables are the Layers model's own (kernel, bias per layer), so `predict`, save and load
 * see the trained weights; only training goes through here.
 */
import type { GradSaveFunc, Scalar, Tensor, Tensor2D, Variable } from "@tensorflow/tfjs";
import type { TF } from "./backend.js";

/** TF.js passes custom-gradient functions their inputs and, last, the save function, untyped. */
type Args = (Tensor | GradSaveFunc)[];

export interface DenseTrainer {
  /** Network output for x (rows × features) on the variables [kernel₀, bias₀, kernel₁, bias₁, …]. */
  forward(vars: readonly Variable[], x: Tensor2D): Tensor2D;
  /** Mean squared error; its gradient flows to `pred` only. */
  mse(pred: Tensor2D, y: Tensor2D): Scalar;
}

export function denseTrainer(tf: TF): DenseTrainer {
  // a·bᵀ and aᵀ·b. Only the wasm kernel is slow with transpose flags; on cpu and tensorflow they are
  // free and an explicit transpose would be an extra copy.
  const explicit = tf.getBackend() === "wasm";
  const matMulBT = (a: Tensor2D, b: Tensor2D): Tensor2D => (explicit ? tf.matMul(a, tf.transpose(b)) : tf.matMul(a, b, false, true));
  const matMulAT = (a: Tensor2D, b: Tensor2D): Tensor2D => (explicit ? tf.matMul(tf.transpose(a), b) : tf.matMul(a, b, true, false));
  /** dL/dz for z before the activation: ReLU passes the gradient where its output is positive. */
  const preActivation = (dy: Tensor, out: Tensor, relu: boolean): Tensor => (relu ? tf.mul(dy, tf.step(out)) : dy);

  const layer = (relu: boolean): ((x: Tensor2D, w: Tensor2D, b: Tensor) => Tensor2D) =>
    tf.customGrad<Tensor2D>((...args: Args) => {
      const [x, w, b, save] = args as [Tensor2D, Tensor2D, Tensor, GradSaveFunc];
      const out = tf.fused.matMul({ a: x, b: w, bias: b, activation: relu ? "relu" : "linear" }) as Tensor2D;
      save([x, w, out]);
      return {
        value: out,
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [xs, ws, outs] = saved as [Tensor2D, Tensor2D, Tensor2D];
          const dz = preActivation(dy, outs, relu) as Tensor2D;
          return [matMulBT(dz, ws), matMulAT(xs, dz), tf.sum(dz, 0)];
        },
      };
    });

  /** The first layer: the input batch is a constant, so only the kernel and bias get gradients. */
  const firstLayer = (x: Tensor2D, w: Tensor2D, b: Tensor, relu: boolean): Tensor2D =>
    tf.customGrad<Tensor2D>((...args: Args) => {
      const [wv, bv, save] = args as [Tensor2D, Tensor, GradSaveFunc];
      const out = tf.fused.matMul({ a: x, b: wv, bias: bv, activation: relu ? "relu" : "linear" }) as Tensor2D;
      save([out]);
      return {
        value: out,
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const dz = preActivation(dy, saved[0]!, relu) as Tensor2D;
          return [matMulAT(x, dz), tf.sum(dz, 0)];
        },
      };
    })(w, b);

  const hidden = layer(true);
  const output = layer(false);

  const mse: (pred: Tensor2D, y: Tensor2D) => Scalar = tf.customGrad((...args: Args) => {
    const [pred, y, save] = args as [Tensor2D, Tensor2D, GradSaveFunc];
    const diff = tf.sub(pred, y);
    save([diff]);
    return {
      value: tf.mean(tf.square(diff)),
      // d/dpred mean((pred − y)²) = 2 (pred − y) / n; y is data, its gradient is never used.
      gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.mul(saved[0]!, tf.mul(dy, 2 / saved[0]!.size)), tf.zerosLike(saved[0]!)],
    };
  });

  return {
    forward(vars, x) {
      const n = vars.length / 2;
      let h = firstLayer(x, vars[0] as Tensor2D, vars[1]!, n > 1);
      for (let i = 1; i < n; i++) h = (i < n - 1 ? hidden : output)(h, vars[2 * i] as Tensor2D, vars[2 * i + 1]!);
      return h;
    },
    mse,
  };
}
