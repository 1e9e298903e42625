/**
 * Magics: IPython-style `%line` and `%%cell` commands on top of the TypeScript kernel.
 * The execution host calls `runMagicCell(code, ctx)` for every cell (it answers
 * `{ handled: false }` for TypeScript) and `loadLibraryMagics()` once at start.
 * See docs/magics.md for the syntax.
 */
import { builtinMagics } from "./builtin/index.js";
import { registerMagic } from "./registry.js";

for (const def of builtinMagics) registerMagic(def);

export * from "./types.js";
export { parseMagicArgs, parseTokens, formatHelp, magicLabel, suggest, editDistance } from "./args.js";
export { tokenize, resolveTokens, interpolateText, interpolatedText, type Token, type RawToken, type Piece } from "./tokenize.js";
export {
  registerMagic,
  unregisterMagic,
  getMagic,
  listMagics,
  loadLibraryMagics,
  isMagicDefinition,
  registry,
  type MagicRegistry,
} from "./registry.js";
export {
  isMagicCode,
  splitMagicCell,
  splitMixedCell,
  runMagicCell,
  resolveArgs,
  usageErrorOutcome,
  isUsageError,
  type MagicInvocation,
  type MagicCellResult,
  type CellPart,
  type TypeScriptPart,
} from "./run.js";
export { blankMagicLines, topLevelMagicLines } from "./mixed.js";
export * from "./builtin/index.js";
