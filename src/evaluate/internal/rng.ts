/** Seeded random helpers over the data stage's generator, so every sampled metric is reproducible. */
import { createRng } from "../../data/random.js";

export type Rng = () => number;

export function seededRng(seed: number): Rng {
  const r = createRng(seed);
  return () => r.next();
}

export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** k distinct indices out of 0..n-1 (partial Fisher–Yates), or all of them when k >= n. */
export function sampleIndices(rng: Rng, n: number, k: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (k >= n) return idx;
  for (let i = 0; i < k; i++) {
    const j = i + randInt(rng, n - i);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.slice(0, k);
}

/** A random permutation of 0..n-1 (Fisher–Yates). `sampleIndices(rng, n, n)` keeps the order; this does not. */
export function shuffledIndices(rng: Rng, n: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx;
}
