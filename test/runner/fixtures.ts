/** Notebook fixtures for the runner tests. */
import type { Cell, Notebook } from "../../src/kernel/runner/index.js";

/** A 1×1 PNG. */
export const PNG_B64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

let n = 0;
export function code(source: string, tags?: string[]): Cell {
  return {
    id: `c${++n}`,
    cell_type: "code",
    metadata: tags ? { tags } : {},
    source,
    outputs: [{ output_type: "stream", name: "stdout", text: "stale output from an old run\n" }],
    execution_count: 99,
  };
}

export function markdown(source: string): Cell {
  return { id: `m${++n}`, cell_type: "markdown", metadata: {}, source };
}

export function notebook(cells: Cell[]): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
}
