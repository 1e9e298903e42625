/**
 * Value → MIME bundle, in this order: the value's own `[Symbol.for("Jupyter.display")]()`,
 * then the registered formatters, then `text/plain` from util.inspect. A failing formatter never
 * fails the display: the error is reported and the value falls back to text/plain. Formatters are
 * registered by the stages that own them (src/builtinFormatters.ts), never looked up from here.
 */
import { inspect } from "node:util";
import { listFormatters } from "./formatters.js";
import { displaySymbol, isDisplayable, type MimeBundle } from "./protocol.js";

export interface ToMimeBundleOptions {
  /** Called when a display method or formatter throws (default: a line on process.stderr). */
  onError?(error: unknown, source: string): void;
}

/** util.inspect settings for text/plain: no ANSI colours, enough depth to see nested results. */
export function plainText(value: unknown): string {
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 });
}

function defaultOnError(error: unknown, source: string): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`display: ${source} failed (${text}); showing text/plain instead.\n`);
}

function isBundle(value: unknown): value is MimeBundle {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
}

/** Ensure a text/plain entry (front ends without rich renderers and nbconvert need one). */
function withPlain(bundle: MimeBundle, value: unknown): MimeBundle {
  return "text/plain" in bundle ? bundle : { ...bundle, "text/plain": plainText(value) };
}

export async function toMimeBundle(value: unknown, options: ToMimeBundleOptions = {}): Promise<MimeBundle> {
  const onError = options.onError ?? defaultOnError;
  if (isDisplayable(value)) {
    try {
      const bundle: unknown = await value[displaySymbol]();
      if (isBundle(bundle)) return withPlain(bundle, value);
      onError(new TypeError("the display method did not return a MIME bundle object"), "Symbol.for(\"Jupyter.display\")");
    } catch (err) {
      onError(err, 'Symbol.for("Jupyter.display")');
    }
    return { "text/plain": plainText(value) };
  }
  for (const f of listFormatters()) {
    let matches = false;
    try {
      matches = f.test(value);
    } catch {
      matches = false;
    }
    if (!matches) continue;
    try {
      const bundle: unknown = await f.format(value);
      if (isBundle(bundle)) return withPlain(bundle, value);
      onError(new TypeError("it returned no MIME bundle"), `formatter "${f.name}"`);
    } catch (err) {
      onError(err, `formatter "${f.name}"`);
    }
    break;
  }
  return { "text/plain": plainText(value) };
}
