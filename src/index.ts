/**
 * synthlab's library API. Works in plain Node (`import { ... } from "synthlab"`); the kernel's
 * magics are thin layers over these functions.
 */
import { registerBuiltinFormatters } from "./builtinFormatters.js";

export * from "./display/protocol.js";
export * from "./display/index.js";
export * from "./data/index.js";
export * from "./datasets/index.js";
export * from "./generate/index.js";
export * from "./train/index.js";
export * from "./evaluate/index.js";
export * from "./charts/index.js";
export * from "./review/index.js";
// For extension packages that add magics (`%load_ext`).
export { registerMagic, getMagic, listMagics, MagicUsageError } from "./magics/index.js";
export type { MagicDefinition, MagicContext, MagicOption, MagicPositional, MagicArgs, NotebookScope } from "./magics/index.js";
export * from "./compare/index.js";
// Bad input, shown as one line without a stack by magics, CLI and runner (docs/magics.md).
export { InputError, isInputError } from "./errors.js";
export { registerBuiltinFormatters } from "./builtinFormatters.js";

// Importing the library puts the shipped formatters in place, so toMimeBundle shows specs and tables.
void registerBuiltinFormatters();
