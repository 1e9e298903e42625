/**
 * nbformat 4.5 notebooks: the types the runner reads and writes, reading (4.0–4.5, with
 * missing cell ids filled in) and writing in Jupyter's own layout (multi-line strings as
 * lists of lines, 1-space indent, trailing newline) so diffs against saved notebooks stay small.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { InputError } from "../../errors.js";

export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CellMetadata {
  tags?: string[];
  [key: string]: unknown;
}
export interface CodeCell {
  id: string;
  cell_type: "code";
  metadata: CellMetadata;
  source: MultilineString;
  outputs: Output[];
  execution_count: number | null;
}
export interface MarkdownCell {
  id: string;
  cell_type: "markdown";
  metadata: CellMetadata;
  source: MultilineString;
  attachments?: Record<string, Record<string, unknown>>;
}
export interface RawCell {
  id: string;
  cell_type: "raw";
  metadata: CellMetadata;
  source: MultilineString;
  attachments?: Record<string, Record<string, unknown>>;
}
export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

export function joinSource(source: MultilineString | undefined): string {
  return Array.isArray(source) ? source.join("") : (source ?? "");
}

/** Jupyter's on-disk form: lines that keep their "\n", the last without. */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

const ID = /^[a-zA-Z0-9-_]{1,64}$/;

export function newCellId(taken: Set<string>): string {
  for (;;) {
    const id = randomBytes(4).toString("hex");
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/** Check the shape, fill in what 4.0–4.4 notebooks lack (cell ids), and upgrade to 4.5. */
export function normalizeNotebook(value: unknown, where: string): Notebook {
  const nb = value as Partial<Notebook> | null;
  if (!nb || typeof nb !== "object" || !Array.isArray(nb.cells)) {
    throw new InputError(`${where}: not a Jupyter notebook (no "cells" list).`);
  }
  if (nb.nbformat !== 4) {
    throw new InputError(`${where}: nbformat ${String(nb.nbformat)} is not supported; convert it with \`jupyter nbconvert --to notebook\` (nbformat 4).`);
  }
  const taken = new Set<string>();
  const cells: Cell[] = nb.cells.map((raw, i) => {
    const c = raw as unknown as Record<string, unknown>;
    const type = c.cell_type;
    if (type !== "code" && type !== "markdown" && type !== "raw") {
      throw new InputError(`${where}: cell ${i + 1} has unknown cell_type ${JSON.stringify(type)}.`);
    }
    const id = typeof c.id === "string" && ID.test(c.id) && !taken.has(c.id) ? c.id : newCellId(taken);
    taken.add(id);
    const metadata = (c.metadata && typeof c.metadata === "object" ? c.metadata : {}) as CellMetadata;
    const source = joinSource(c.source as MultilineString | undefined);
    if (type === "code") {
      return {
        id,
        cell_type: "code",
        metadata,
        source,
        outputs: Array.isArray(c.outputs) ? (c.outputs as Output[]) : [],
        execution_count: typeof c.execution_count === "number" ? c.execution_count : null,
      };
    }
    const cell: MarkdownCell | RawCell = { id, cell_type: type, metadata, source };
    if (c.attachments && typeof c.attachments === "object") cell.attachments = c.attachments as MarkdownCell["attachments"];
    return cell;
  });
  return { nbformat: 4, nbformat_minor: 5, metadata: (nb.metadata ?? {}) as Record<string, unknown>, cells };
}

export async function readNotebook(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new InputError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message}).`);
  }
  return normalizeNotebook(json, path);
}

function isTextMime(mime: string): boolean {
  return mime.startsWith("text/") || mime === "image/svg+xml";
}

/** The notebook as Jupyter writes it. */
export function serializeNotebook(nb: Notebook): string {
  const cells = nb.cells.map((cell) => {
    const source = splitLines(joinSource(cell.source));
    if (cell.cell_type !== "code") return { ...cell, source };
    return {
      ...cell,
      source,
      outputs: cell.outputs.map((o): Output => {
        if (o.output_type === "stream") return { ...o, text: splitLines(joinSource(o.text)) };
        if (o.output_type === "error") return o;
        const data: Record<string, unknown> = {};
        for (const [mime, v] of Object.entries(o.data)) data[mime] = typeof v === "string" && isTextMime(mime) ? splitLines(v) : v;
        return { ...o, data };
      }),
    };
  });
  return JSON.stringify({ ...nb, cells }, null, 1) + "\n";
}
