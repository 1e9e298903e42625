/**
 * Display formatters: a registry of (test, format) pairs consulted by toMimeBundle for values
 * that do not implement the display symbol. Other stages register their own (charts in
 * src/charts/formatter.ts, tables in src/data/display.ts; src/builtinFormatters.ts calls both).
 */
import type { MimeBundle } from "./protocol.js";

export interface Formatter {
  /** Unique name; registering the same name again replaces the earlier formatter. */
  name: string;
  /** Cheap check, run on every displayed value. Must not throw (a throw counts as false). */
  test(value: unknown): boolean;
  format(value: unknown): MimeBundle | Promise<MimeBundle>;
}

const formatters: Formatter[] = [];

/**
 * Add a formatter. The most recently registered formatter whose test passes wins, so a
 * package can override a built-in one by registering after it.
 */
export function registerFormatter(formatter: Formatter): void {
  if (!formatter || typeof formatter.name !== "string" || typeof formatter.test !== "function" || typeof formatter.format !== "function") {
    throw new TypeError("registerFormatter expects { name: string, test(value): boolean, format(value): MimeBundle }.");
  }
  unregisterFormatter(formatter.name);
  formatters.push(formatter);
}

export function unregisterFormatter(name: string): boolean {
  const i = formatters.findIndex((f) => f.name === name);
  if (i < 0) return false;
  formatters.splice(i, 1);
  return true;
}

/** Registered formatters, in the order they are tried. */
export function listFormatters(): readonly Formatter[] {
  return [...formatters].reverse();
}
