/**
 * Just enough of the source map v3 format to map generated cell JavaScript back to the
 * cell's TypeScript: a Base64 VLQ decoder and a position lookup. Cells are compiled in two
 * steps (TypeScript → ES module JS → CommonJS), so a position is looked up through two maps.
 */

export interface RawSourceMap {
  version: number;
  sources: string[];
  mappings: string;
}

/** One mapping segment: generated column, source line, source column (all zero-based). */
interface Segment {
  col: number;
  srcLine: number;
  srcCol: number;
}

export interface Position {
  /** Zero-based line. */
  line: number;
  /** Zero-based column (UTF-16 units). */
  column: number;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Map<string, number>([...B64].map((c, i) => [c, i]));

/** Decode one segment's VLQ fields. */
function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = B64_VALUE.get(ch);
    if (digit === undefined) throw new Error(`invalid source map character ${JSON.stringify(ch)}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}

export class SourceMap {
  private readonly lines: Segment[][];

  constructor(raw: RawSourceMap) {
    this.lines = [];
    let srcLine = 0;
    let srcCol = 0;
    for (const lineText of raw.mappings.split(";")) {
      const segments: Segment[] = [];
      let col = 0;
      for (const seg of lineText.split(",")) {
        if (seg === "") continue;
        const f = decodeVlq(seg);
        col += f[0] ?? 0;
        // Segments of length 1 map to nothing; source fields are relative to the previous segment.
        if (f.length >= 4) {
          srcLine += f[2]!;
          srcCol += f[3]!;
          segments.push({ col, srcLine, srcCol });
        }
      }
      this.lines.push(segments);
    }
  }

  /** The source position of a generated position; the nearest mapped segment at or before it. */
  lookup(pos: Position): Position | undefined {
    const segments = this.lines[pos.line];
    if (!segments || segments.length === 0) {
      // No mapping on this line (e.g. emitted helper code): use the closest mapped line above.
      for (let l = Math.min(pos.line, this.lines.length) - 1; l >= 0; l--) {
        const prev = this.lines[l]!;
        if (prev.length) return { line: prev[prev.length - 1]!.srcLine, column: prev[prev.length - 1]!.srcCol };
      }
      return undefined;
    }
    let best = segments[0]!;
    for (const s of segments) {
      if (s.col <= pos.column) best = s;
      else break;
    }
    return { line: best.srcLine, column: best.srcCol };
  }
}

/** Maps through several source maps in order (the last compile step's map first). */
export function composeLookup(maps: readonly SourceMap[], pos: Position): Position | undefined {
  let p: Position | undefined = pos;
  for (const m of maps) {
    if (!p) return undefined;
    p = m.lookup(p);
  }
  return p;
}

const INLINE = /\n?\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

/** Split an inline `//# sourceMappingURL=data:...` comment off the end of generated code. */
export function extractInlineMap(code: string): { code: string; map?: RawSourceMap } {
  const m = INLINE.exec(code);
  if (!m) return { code };
  const map = JSON.parse(Buffer.from(m[1]!, "base64").toString("utf8")) as RawSourceMap;
  return { code: code.slice(0, m.index), map };
}
