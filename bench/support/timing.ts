/** Timing helpers shared by the benchmarks. */

/** The median of a list of numbers (upper middle for even lengths). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median milliseconds of `reps` runs of `fn`, after one warm-up run. */
export async function medianTime(fn: () => Promise<unknown> | unknown, reps: number): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}
