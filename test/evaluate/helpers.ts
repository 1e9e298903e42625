// Test helpers: the fixture tables (written by test/fixtures/evaluate/make_fixtures.py).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { frameFromColumns } from "../../src/data/frame.js";
import type { Frame } from "../../src/data/types.js";

const dir = fileURLToPath(new URL("../fixtures/evaluate/", import.meta.url));

type Cols = Record<string, unknown[]>;

export function fixtureTables(): { real: Frame; synthetic: Frame; holdout: Frame } {
  const d = JSON.parse(readFileSync(dir + "datasets.json", "utf8")) as { real: Cols; synthetic: Cols; holdout: Cols };
  return { real: frameFromColumns(d.real), synthetic: frameFromColumns(d.synthetic), holdout: frameFromColumns(d.holdout) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reference JSON is read loosely in tests
export function reference(): any {
  return JSON.parse(readFileSync(dir + "reference.json", "utf8"));
}

/** A seeded table with a numeric target that depends on the other columns. */
export function linearTable(n: number, seed: number, noise = 0.1): Frame {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const a: number[] = [], b: number[] = [], c: string[] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = rnd() * 10;
    const x2 = rnd() * 5;
    const cat = ["u", "v", "w"][Math.floor(rnd() * 3)]!;
    a.push(x1);
    b.push(x2);
    c.push(cat);
    y.push(3 * x1 - x2 + (cat === "u" ? 4 : 0) + (rnd() - 0.5) * noise);
  }
  return frameFromColumns({ a, b, c, y });
}
