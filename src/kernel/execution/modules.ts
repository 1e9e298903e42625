/**
 * Modules a notebook can import from any folder. The kernel is synthlab, so its own library and
 * the packages it ships with (its package.json `dependencies`: danfojs-node, vega-lite,
 * simple-statistics, @tensorflow/tfjs, …) resolve even from a course folder with no node_modules.
 * The notebook's own node_modules is always tried first, so a package installed there wins.
 * Used by both the compiler's resolution (types) and the cells' `require` (values).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface Shipped {
  /** The synthlab package folder (has its package.json). */
  root: string;
  names: Set<string>;
  require: NodeJS.Require;
}

let shipped: Shipped | undefined | null;

/** synthlab's own package folder and the names it ships; undefined if not found (never expected). */
function shippedPackages(): Shipped | undefined {
  if (shipped !== undefined) return shipped ?? undefined;
  shipped = null;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!existsSync(file)) continue;
    try {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; dependencies?: Record<string, string> };
      if (pkg.name !== "synthlab") continue;
      shipped = { root: dir, names: new Set(["synthlab", ...Object.keys(pkg.dependencies ?? {})]), require: createRequire(file) };
      break;
    } catch {
      continue;
    }
  }
  return shipped ?? undefined;
}

/** The package a bare specifier names (`@scope/pkg/sub` → `@scope/pkg`); undefined for relative, absolute and `node:` ones. */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || path.isAbsolute(specifier) || specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * A file to resolve `specifier` from when the notebook's folder does not have it: inside
 * synthlab's package folder, for synthlab itself and the packages it ships with.
 */
export function moduleFallback(specifier: string): string | undefined {
  const name = packageNameOf(specifier);
  const s = shippedPackages();
  if (!name || !s || !s.names.has(name)) return undefined;
  return path.join(s.root, "__synthlab_resolve__.ts");
}

/** `require` for a shipped package from synthlab's own folder; undefined if `specifier` is not one. */
export function requireShipped(specifier: string): { value: unknown } | undefined {
  if (!moduleFallback(specifier)) return undefined;
  return { value: shippedPackages()!.require(specifier) };
}

/** The one line that says how to get a missing package. */
export function installHint(specifier: string): string {
  const name = packageNameOf(specifier);
  return name ? `Install it in the notebook's folder: npm install ${name}` : "Check the path (relative paths start at the notebook's folder).";
}
