/**
 * A minimal MagicContext for testing one library magic on its own: notebook variables in a Map,
 * and stdout, stderr and displays collected in `out`. (test/magics/helpers.ts has a fuller one
 * that also runs cells.)
 */
import type { MimeBundle } from "../../src/display/protocol.js";
import type { CellIO } from "../../src/kernel/types.js";
import type { MagicContext } from "../../src/magics/types.js";

export interface FakeMagicContext {
  ctx: MagicContext;
  vars: Map<string, unknown>;
  out: { stdout: string; stderr: string; displays: MimeBundle[] };
}

export function fakeMagicContext(vars: Map<string, unknown> = new Map()): FakeMagicContext {
  const out = { stdout: "", stderr: "", displays: [] as MimeBundle[] };
  const io: CellIO = {
    stdout: (t) => { out.stdout += t; },
    stderr: (t) => { out.stderr += t; },
    display: (b) => { out.displays.push(b); },
    clearOutput: () => {},
    input: () => Promise.reject(new Error("no stdin")),
  };
  const ctx: MagicContext = {
    io,
    scope: { get: (n) => vars.get(n), has: (n) => vars.has(n), set: (n, v) => { vars.set(n, v); }, names: () => [...vars.keys()] },
    evaluate: () => Promise.reject(new Error("not used")),
    runCell: () => Promise.reject(new Error("not used")),
    signal: new AbortController().signal,
    cwd: process.cwd(),
  };
  return { ctx, vars, out };
}
