/**
 * Seeded train/holdout split. The holdout is what privacy metrics and TSTR testing compare
 * against, so it must be reproducible (same seed → same rows) and disjoint from train.
 */
import { FrameError, takeRows } from "./frame.js";
import { createRng, type Seed } from "./random.js";
import type { Frame } from "./types.js";

export interface SplitOptions {
  /** Holdout share in (0, 1) (default 0.2). */
  holdout?: number;
  seed?: Seed;
  /** Keep each level's share of this column equal in both parts (missing is its own level). */
  stratify?: string;
}

export interface SplitResult {
  train: Frame;
  holdout: Frame;
  /** Row indices into the input, ascending (rows keep their original order). */
  trainIndices: number[];
  holdoutIndices: number[];
}

export function splitTrainHoldout(frame: Frame, opts: SplitOptions = {}): SplitResult {
  const share = opts.holdout ?? 0.2;
  if (!(share > 0 && share < 1)) {
    throw new FrameError(`splitTrainHoldout: holdout must be a share between 0 and 1 (e.g. 0.2), got ${share}.`);
  }
  if (frame.rowCount < 2) throw new FrameError(`splitTrainHoldout needs at least 2 rows, the table has ${frame.rowCount}.`);
  const rng = createRng(opts.seed ?? 0);
  const target = Math.min(frame.rowCount - 1, Math.max(1, Math.round(frame.rowCount * share)));

  const groups: number[][] = [];
  if (opts.stratify !== undefined) {
    const col = frame.columns[opts.stratify];
    if (!col) throw new FrameError(`splitTrainHoldout: no column "${opts.stratify}" to stratify by. Available: ${frame.columnNames.join(", ")}.`);
    const byLevel = new Map<string, number[]>();
    col.forEach((v, i) => {
      // Type-tagged keys keep 1 and "1" apart; missing is a level of its own.
      const k = v === null ? "\u0000null" : typeof v === "string" ? v : `\u0000${typeof v}:${String(v)}`;
      let g = byLevel.get(k);
      if (!g) byLevel.set(k, (g = []));
      g.push(i);
    });
    for (const g of byLevel.values()) groups.push(g); // one group per level: unbounded, so no spread
  } else {
    groups.push(Array.from({ length: frame.rowCount }, (_, i) => i));
  }

  // Largest remainder: each group gets floor(size*share), leftovers go to the largest fractions,
  // so the total is exactly `target` and every group's share is as close as possible.
  const quotas = groups.map((g) => g.length * (target / frame.rowCount));
  const counts = quotas.map(Math.floor);
  let left = target - counts.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => [q - Math.floor(q), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    counts[i]!++;
    left--;
  }
  const inHoldout = new Uint8Array(frame.rowCount);
  groups.forEach((g, gi) => {
    const shuffled = rng.shuffle([...g]);
    for (let k = 0; k < counts[gi]!; k++) inHoldout[shuffled[k]!] = 1;
  });
  const trainIndices: number[] = [];
  const holdoutIndices: number[] = [];
  for (let i = 0; i < frame.rowCount; i++) (inHoldout[i] ? holdoutIndices : trainIndices).push(i);
  return { train: takeRows(frame, trainIndices), holdout: takeRows(frame, holdoutIndices), trainIndices, holdoutIndices };
}
