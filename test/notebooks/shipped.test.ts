/**
 * What the shipped notebooks promise a reader in Jupyter: report cells are never squeezed into a
 * scrolled box, and the notebook's own advice is phrased for the notebook (command-line flags only
 * where the text is about the command line).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const NOTEBOOKS = ["01-sales-prediction.ipynb", "02-text-data.ipynb", "03-compare-generators.ipynb", "04-interactive-review.ipynb", "05-bias-mitigation.ipynb", "06-grounded.ipynb"];

interface Cell { cell_type: string; source: string | string[]; metadata: Record<string, unknown> }
function cells(name: string): Cell[] {
  const nb = JSON.parse(readFileSync(new URL(`../../notebooks/${name}`, import.meta.url), "utf8")) as { cells: Cell[] };
  return nb.cells;
}
const text = (c: Cell): string => (Array.isArray(c.source) ? c.source.join("") : c.source);

describe("shipped notebooks", () => {
  it("every report cell turns output scrolling off (Notebook 6 reads metadata.scrolled)", () => {
    const reportCells = NOTEBOOKS.flatMap((n) => cells(n).filter((c) => c.cell_type === "code" && /^%%?report\b/m.test(text(c))));
    expect(reportCells.length).toBeGreaterThan(0);
    for (const c of reportCells) expect(c.metadata.scrolled).toBe(false);
  });

  it('"What to try next" tells a notebook reader to change the parameter cell, not to pass -p flags', () => {
    for (const name of NOTEBOOKS) {
      const next = cells(name).filter((c) => c.cell_type === "markdown" && /What to try next/.test(text(c)));
      expect(next, name).toHaveLength(1);
      expect(text(next[0]!), name).not.toMatch(/`-p /);
      expect(text(next[0]!), name).toMatch(/parameters cell/);
    }
  });
});
