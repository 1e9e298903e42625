/**
 * The display protocol (after tslab and Deno's Jupyter kernel): any object with a
 * `[Symbol.for("Jupyter.display")]()` method returning a MIME bundle is shown with that
 * bundle. The kernel never type-checks values itself; it asks this module.
 */

/** A Jupyter MIME bundle: MIME type → data (string for text types, JSON for JSON types). */
export type MimeBundle = Record<string, unknown>;

/**
 * Jupyter's per-output `metadata`, keyed by MIME type: e.g. `{ "image/png": { width: 360, height: 200 } }`
 * tells the front end to draw a 2× PNG at its CSS size instead of its pixel size.
 */
export type MimeMetadata = Record<string, unknown>;

/**
 * Where a bundle carries its metadata: a symbol key, so `JSON.stringify` and the `data` field of
 * the message never see it, while object spreads (adding text/plain) keep it.
 */
const metadataKey = Symbol.for("synthlab.display.metadata");

/** The bundle with display metadata attached (returned as the same object). */
export function withMetadata<T extends MimeBundle>(bundle: T, metadata: MimeMetadata): T {
  (bundle as Record<symbol, unknown>)[metadataKey] = metadata;
  return bundle;
}

/** The display metadata a bundle carries ({} when none): the kernel sends it as the output's metadata. */
export function bundleMetadata(bundle: MimeBundle | undefined): MimeMetadata {
  const m = bundle ? (bundle as Record<symbol, unknown>)[metadataKey] : undefined;
  return typeof m === "object" && m !== null ? { ...(m as MimeMetadata) } : {};
}

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
