// Public API of the display layer: value → MIME bundle and the formatter registry.
export { toMimeBundle, plainText } from "./mime.js";
export type { ToMimeBundleOptions } from "./mime.js";
export { registerFormatter, unregisterFormatter, listFormatters } from "./formatters.js";
export type { Formatter } from "./formatters.js";
