/**
 * Seeded randomness for training (shuffles, validation splits, permutations), on the project's
 * shared generator (src/data/random.ts) so one integer seed reproduces a run.
 */
import { createRng } from "../data/random.js";

export type Rng = () => number;

/** Uniform in [0, 1), from the shared seeded generator. */
export function seededRng(seed: number): Rng {
  const rng = createRng(seed);
  return () => rng.next();
}

/** 0..n-1 in a seeded random order (Fisher–Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
