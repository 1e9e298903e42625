/**
 * Magic definitions. A magic is a thin layer: parse arguments, call the library, display.
 * The parser, registry and built-ins live in src/magics; library magics in src/magics/library.
 */
import type { CellIO, DisplayOptions, ExecuteOutcome } from "../kernel/types.js";
import { UsageError } from "../errors.js";

/**
 * The kernel types a magic may use. Magics meet the kernel only through this module
 * (docs/architecture.md), so they import these from here, never from src/kernel.
 */
export type { CellIO, DisplayOptions, ExecuteOutcome };

/** Notebook scope: the variables that cells see. */
export interface NotebookScope {
  get(name: string): unknown;
  has(name: string): boolean;
  /**
   * Put a value into the notebook. `type` is the TypeScript type later cells see, e.g.
   * `import("synthlab").Report` (so completion and type checks work on it); without it the type
   * follows `typeof value` for primitives and is `any` otherwise.
   */
  set(name: string, value: unknown, type?: string): void;
  names(): string[];
}

export interface MagicContext {
  io: CellIO;
  scope: NotebookScope;
  /** Evaluate a TypeScript/JavaScript expression in the notebook (used for `{expr}` interpolation). */
  evaluate(expression: string): Promise<unknown>;
  /** Run code as a cell (TypeScript, or magics); used by %%time, %%capture. */
  runCell(code: string, io: CellIO): Promise<ExecuteOutcome>;
  /** Aborted when the user interrupts the cell. */
  signal: AbortSignal;
  /** Directory relative paths resolve against (the notebook's). */
  cwd: string;
}

export type OptionType = "string" | "number" | "integer" | "boolean";

export interface MagicOption {
  /** Long name without dashes, e.g. "rows" for --rows. */
  name: string;
  short?: string;
  type: OptionType;
  help: string;
  default?: string | number | boolean;
  required?: boolean;
  choices?: readonly string[];
  /** May be given more than once; the value becomes an array. */
  repeatable?: boolean;
  /** Smallest allowed value of an integer/number option (inclusive; exclusive with `minExclusive`). */
  min?: number;
  minExclusive?: boolean;
  /** Largest allowed value of an integer/number option (inclusive). */
  max?: number;
  /** The value's name in the help, e.g. "DIR" for `--cache-dir DIR` (default: the option name in capitals). */
  metavar?: string;
}

export interface MagicPositional {
  name: string;
  help: string;
  required?: boolean;
  /** Takes all remaining words. */
  rest?: boolean;
}

export type MagicArgs = Record<string, string | number | boolean | string[] | number[] | undefined>;

export interface MagicDefinition {
  name: string;
  /** "line": `%name args`; "cell": `%%name args` + body; "both": either. */
  kind: "line" | "cell" | "both";
  description: string;
  options?: readonly MagicOption[];
  positionals?: readonly MagicPositional[];
  /** Examples shown in `%name?` help. */
  examples?: readonly string[];
  /**
   * The argument line is code or free text (`%time stmt`): no tokenizing, no `{expr}`
   * interpolation; `args.line` holds it verbatim (trimmed).
   */
  rawArgs?: boolean;
  /** Interpolate `{expr}` in the cell body too (off by default: bodies are often code or prose with braces). */
  interpolateBody?: boolean;
  /**
   * Run the magic. `body` is the cell body for cell magics (undefined for line magics).
   * May return a value: it becomes the cell's result (shown as execute_result).
   */
  run(args: MagicArgs, body: string | undefined, ctx: MagicContext): Promise<unknown>;
}

/** TypeScript types of values magics put into the notebook (for `NotebookScope.set`). */
export const NOTEBOOK_TYPES = {
  DataFrame: 'import("synthlab").DataFrame',
  Frame: 'import("synthlab").Frame',
  TrainedModel: 'import("synthlab").TrainedModel',
  Report: 'import("synthlab").Report',
  Comparison: 'import("synthlab").Comparison',
} as const;

/**
 * A usage error: shown as one clear line (no stack), the kernel continues. The one UsageError of
 * magics and CLI (src/errors.ts), under the name extensions already use.
 */
export const MagicUsageError = UsageError;
export type MagicUsageError = UsageError;
