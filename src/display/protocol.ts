/**
 * The display protocol (after tslab and Deno's Jupyter kernel): any object with a
 * `[Symbol.for("Jupyter.display")]()` method returning a MIME bundle is shown with that
 * bundle. The kernel never type-checks values itself; it asks this module.
 */

/** A Jupyter MIME bundle: MIME type → data (string for text types, JSON for JSON types). */
export type MimeBundle = Record<string, unknown>;

/** Global symbol so objects from any copy of any package can opt in without importing us. */
export const displaySymbol: unique symbol = Symbol.for("Jupyter.display") as never;

export interface Displayable {
  [displaySymbol](): MimeBundle | Promise<MimeBundle>;
}

export function isDisplayable(value: unknown): value is Displayable {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[displaySymbol] === "function"
  );
}
