/**
 * When training stops, which weights it keeps, and when the learning rate drops: one small state
 * machine fed each epoch's losses, so the rules can be tested without TF.js.
 *
 * Why these rules (a small table's 15% validation split is a few dozen noisy rows):
 * - The learning rate halves when the *training* loss has not improved by a relative `trainDelta`
 *   for `plateau` epochs: Adam at a fixed rate jitters around the optimum instead of reaching it,
 *   and the training loss is the smoother signal of whether the optimizer still makes progress.
 * - The weights kept are those of the latest epoch whose validation errors are not worse than the
 *   best epoch's beyond noise (paired over the validation rows: the mean difference of squared errors
 *   is within `z` standard errors), not the argmin: on a small validation set an under-trained epoch
 *   can win the argmin by chance, and restoring it leaves the model under-trained.
 * - Early stopping fires after `patience` epochs in a row that are worse than the best beyond noise
 *   (overfitting), never before `minEpochs`. A flat, noisy validation loss while the training loss
 *   still falls does not stop training.
 * - Training has converged when the learning rate is at its floor and the training loss has not
 *   improved for `max(plateau, patience)` more epochs: more epochs would not change the model.
 */

export interface StoppingOptions {
  /** Epochs in a row worse than the best before stopping; 0 = never stop before the last epoch. */
  patience: number;
  /** No early stop (on validation or convergence) before this epoch. */
  minEpochs: number;
  /** Epochs without a training-loss improvement before the learning rate halves. */
  plateau: number;
  /**
   * Relative training-loss improvement that counts (default 1e-5): small, because a least-squares
   * fit creeps along ill-conditioned directions long after the loss looks flat.
   */
  trainDelta?: number;
  /** Standard errors a later epoch may be worse than the best and still be kept (default 1: more lets an MLP drift into overfitting). */
  z?: number;
  /** The learning rate never drops below learningRate × minLrFactor (default 1/1024). */
  minLrFactor?: number;
}

export interface EpochDecision {
  /** Snapshot the current weights: they are the ones to keep so far. */
  keep: boolean;
  /** Multiply the learning rate by this (1 = unchanged). */
  lrFactor: number;
  /** Stop after this epoch; `reason` says why. */
  stop: boolean;
  reason?: string;
}

export class StoppingMonitor {
  private readonly trainDelta: number;
  private readonly z: number;
  private readonly minLrFactor: number;
  private bestVal = Number.POSITIVE_INFINITY;
  /** Per-row squared validation errors of the best epoch. */
  private bestErrors: Float64Array | null = null;
  private bestEpoch = 0;
  private sinceKept = 0;
  private trainAnchor = Number.POSITIVE_INFINITY;
  private sinceTrain = 0;
  /** Current learning rate as a share of the initial one. */
  lrScale = 1;

  constructor(private readonly o: StoppingOptions) {
    this.trainDelta = o.trainDelta ?? 1e-5;
    this.z = o.z ?? 1;
    this.minLrFactor = o.minLrFactor ?? 1 / 1024;
  }

  /** Whether weights with these per-row squared validation errors are worth keeping: no worse than the best beyond noise. */
  keeps(errors: Float64Array): boolean {
    const best = this.bestErrors;
    if (!best || best.length !== errors.length || errors.length < 2) return mean(errors) <= this.bestVal;
    const n = errors.length;
    let s = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = errors[i]! - best[i]!;
      s += d;
      ss += d * d;
    }
    const m = s / n;
    const se = Math.sqrt(Math.max(ss / n - m * m, 0) / (n - 1));
    return m <= this.z * se;
  }

  /** Feed one finished epoch (1-based); `valErrors` are its per-row squared validation errors, null without a validation split. */
  update(epoch: number, trainLoss: number, valErrors: Float64Array | null): EpochDecision {
    const d: EpochDecision = { keep: false, lrFactor: 1, stop: false };
    const mayStop = this.o.patience > 0 && epoch >= this.o.minEpochs;

    if (trainLoss < this.trainAnchor * (1 - this.trainDelta)) {
      this.trainAnchor = trainLoss;
      this.sinceTrain = 0;
    } else if (++this.sinceTrain >= this.o.plateau && this.lrScale / 2 >= this.minLrFactor) {
      this.lrScale /= 2;
      d.lrFactor = 0.5;
      this.sinceTrain = 0;
    } else if (mayStop && this.sinceTrain >= Math.max(this.o.plateau, this.o.patience) && this.lrScale / 2 < this.minLrFactor) {
      d.stop = true;
      d.reason = `the training loss converged (no improvement for ${this.sinceTrain} epochs at the smallest learning rate)`;
    }

    // Without a validation split the last weights are the model: nothing to snapshot.
    if (valErrors === null) return d;
    const valLoss = mean(valErrors);
    if (valLoss < this.bestVal) {
      this.bestVal = valLoss;
      this.bestErrors = Float64Array.from(valErrors);
      this.bestEpoch = epoch;
    }
    d.keep = this.keeps(valErrors);
    if (d.keep) this.sinceKept = 0;
    else if (++this.sinceKept >= this.o.patience && mayStop && !d.stop) {
      d.stop = true;
      d.reason = `the validation loss stayed above its best (epoch ${this.bestEpoch}) beyond noise for ${this.sinceKept} epochs`;
    }
    return d;
  }
}

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return x.length ? s / x.length : Number.NaN;
}
