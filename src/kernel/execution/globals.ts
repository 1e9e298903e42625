/**
 * Globals every cell sees: display, clearOutput, input, password. They act on the running cell
 * (or the most recent one, for calls from timers after a cell ended). Their TypeScript
 * declarations are added to the cell compiler as a virtual module (GLOBALS_DTS).
 */
import { router, type DisplayHandle } from "./output.js";

export const GLOBALS_MODULE = "__synthlab_globals__";

/** Ambient types for the cell compiler (the converter prefixes `export {};`, making this a module). */
export const GLOBALS_DTS = `
declare global {
  interface SynthlabDisplayOptions {
    /** Jupyter display id: a later display with the same id and update: true replaces this output. */
    displayId?: string;
    update?: boolean;
    metadata?: Record<string, unknown>;
    /** The value is a MIME bundle ({ "text/html": "…" }): show it as given (IPython's raw=True). */
    raw?: boolean;
  }
  interface SynthlabDisplayHandle {
    readonly displayId: string;
    /** Replace the displayed output in place. */
    update(value: unknown): void;
  }
  /** Show a value (rich MIME bundle) below the cell; returns a handle that can update it. */
  function display(value: unknown, options?: SynthlabDisplayOptions): SynthlabDisplayHandle;
  namespace display {
    /** Replace the output shown under \`target\` (a handle or a display id). */
    function update(value: unknown, target: SynthlabDisplayHandle | string): void;
  }
  /** Clear the cell's output; with wait, clear when the next output arrives (no flicker). */
  function clearOutput(wait?: boolean): void;
  /** Ask the user for a line of text (Jupyter stdin). */
  function input(prompt?: string): Promise<string>;
  /** Ask for a secret; the front end hides what is typed. */
  function password(prompt?: string): Promise<string>;
}
`;

function noCell(): never {
  throw new Error("no cell is running: display/clearOutput/input/password work inside notebook cells.");
}

interface DisplayFn {
  (value: unknown, options?: { displayId?: string; update?: boolean; metadata?: Record<string, unknown>; raw?: boolean }): DisplayHandle;
  update(value: unknown, target: DisplayHandle | string): void;
}

let installed = false;

export function installGlobals(): void {
  if (installed) return;
  installed = true;
  const display = ((value: unknown, options?: { displayId?: string; update?: boolean; metadata?: Record<string, unknown>; raw?: boolean }) => {
    const out = router.current() ?? noCell();
    return out.showValue(value, options);
  }) as DisplayFn;
  display.update = (value: unknown, target: DisplayHandle | string) => {
    const displayId = typeof target === "string" ? target : target?.displayId;
    if (typeof displayId !== "string" || displayId === "") {
      throw new TypeError("display.update(value, target): target must be a display handle or a display id string.");
    }
    (router.current() ?? noCell()).showValue(value, { displayId, update: true });
  };
  const globals: Record<string, unknown> = {
    display,
    clearOutput: (wait?: boolean) => (router.current() ?? noCell()).clearOutput(Boolean(wait)),
    input: (prompt?: string) => (router.current() ?? noCell()).input(prompt ?? "", false),
    password: (prompt?: string) => (router.current() ?? noCell()).input(prompt ?? "", true),
  };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
