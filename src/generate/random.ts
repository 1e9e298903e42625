/**
 * Seeded randomness for the generators, on top of the data stage's `createRng`. Each column
 * gets its own stream derived from (seed, column name), so adding or reordering a column never
 * changes the values of the others.
 */
import { createRng, type Rng } from "../data/random.js";

export type { Rng };

/** 32-bit FNV-1a over the label, then a murmur3 finaliser with the seed mixed in. */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= Math.floor(seed / 0x100000000) >>> 0; // seeds above 2^32 still matter
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The stream for one column (or other named purpose) of a run. */
export function streamFor(seed: number, label: string): Rng {
  return createRng(deriveSeed(seed, label));
}
