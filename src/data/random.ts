/**
 * Seeded pseudo-random numbers: the one generator of every stage (splits, generators, training
 * shuffles, metric sampling). Each stage draws from an `Rng` made here, so one integer seed
 * reproduces a whole run and there is one type to learn.
 *
 * The core is mulberry32: a 32-bit state, one multiply-xorshift round per draw. It is small,
 * fast and passes the usual statistical batteries well enough for sampling and shuffling; it is
 * NOT cryptographic. String seeds are hashed to 32 bits with FNV-1a so "run-42" works too.
 */

export type Seed = number | string;

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Standard normal (Box-Muller; one value per call, the spare is cached). */
  normal(): number;
  /** Index drawn with probability proportional to `weights` (non-negative, not all zero). */
  weighted(weights: readonly number[]): number;
  /** Fisher-Yates shuffle IN PLACE; returns the same array for chaining. */
  shuffle<T>(items: T[]): T[];
  /** 0..n-1 in random order: the index order `shuffle` would give (same draws). */
  permutation(n: number): Int32Array;
  /** k distinct indices out of 0..n-1 (partial Fisher-Yates), in draw order; all n in order when k >= n (no draws). */
  sample(n: number, k: number): number[];
  /** An independent generator derived from this one (for parallel sub-streams). */
  fork(): Rng;
}

/** FNV-1a over the UTF-16 code units; numbers are truncated to uint32. */
export function seedToUint32(seed: Seed): number {
  if (typeof seed === "number") {
    if (!Number.isFinite(seed)) throw new RangeError(`Seed must be a finite number or a string, got ${seed}.`);
    // Mix the high bits in so seeds above 2^32 do not collide with their low word.
    return (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Fisher-Yates shuffle in place, from the last index down: the draw order every shuffle here keeps. */
function fisherYates<A extends { length: number; [i: number]: unknown }>(items: A, next: () => number): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

export function createRng(seed: Seed = 0): Rng {
  let state = seedToUint32(seed);
  let spare: number | null = null;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`rng.int(n) needs a positive integer n, got ${n}.`);
    return Math.floor(next() * n);
  };

  const rng: Rng = {
    next,
    int,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next(); // log(0) guard
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    weighted(weights) {
      let total = 0;
      for (const w of weights) {
        if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`rng.weighted: weights must be finite and >= 0, got ${w}.`);
        total += w;
      }
      if (total <= 0) throw new RangeError("rng.weighted: at least one weight must be positive.");
      let x = next() * total;
      for (let i = 0; i < weights.length; i++) {
        x -= weights[i]!;
        if (x < 0) return i;
      }
      // Floating-point rounding can leave x a hair above 0: return the last positive weight.
      for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
      return weights.length - 1;
    },
    shuffle: (items) => fisherYates(items, next),
    permutation(n) {
      // Its own loop over the typed array (not fisherYates): monomorphic, about twice as fast on
      // the training shuffles; the same draws as shuffle() of 0..n-1 (test/data/random.test.ts).
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = out[i]!;
        out[i] = out[j]!;
        out[j] = tmp;
      }
      return out;
    },
    sample(n, k) {
      const idx = Array.from({ length: n }, (_, i) => i);
      if (k >= n) return idx;
      for (let i = 0; i < k; i++) {
        const j = i + Math.floor(next() * (n - i));
        const t = idx[i]!;
        idx[i] = idx[j]!;
        idx[j] = t;
      }
      return idx.slice(0, k);
    },
    fork: () => createRng(Math.floor(next() * 4294967296)),
  };
  return rng;
}
