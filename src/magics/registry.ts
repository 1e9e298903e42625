/**
 * The magic registry: built-ins, library magics (src/magics/library, loaded at kernel start)
 * and extensions (`%load_ext`). One process-wide registry, like IPython's magics manager.
 */
import { readdir } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { MagicDefinition } from "./types.js";

const magics = new Map<string, MagicDefinition>();

/** What `%load_ext` hands to an extension's `load(registry)`. */
export interface MagicRegistry {
  register(def: MagicDefinition): void;
  get(name: string): MagicDefinition | undefined;
  list(): MagicDefinition[];
}

export const registry: MagicRegistry = {
  register: (def) => registerMagic(def),
  get: (name) => getMagic(name),
  list: () => listMagics(),
};

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Structural check: lets the loader skip modules whose default export is something else. */
export function isMagicDefinition(value: unknown): value is MagicDefinition {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.name === "string" &&
    (v.kind === "line" || v.kind === "cell" || v.kind === "both") &&
    typeof v.description === "string" &&
    typeof v.run === "function"
  );
}

/** Add or replace a magic. A later registration with the same name wins (extensions may override). */
export function registerMagic(def: MagicDefinition): void {
  if (!isMagicDefinition(def)) {
    throw new TypeError("registerMagic: expected { name, kind: 'line'|'cell'|'both', description, run(args, body, ctx) }.");
  }
  if (!NAME.test(def.name)) {
    throw new TypeError(`registerMagic: "${def.name}" is not a valid magic name (letters, digits, _ and -, not starting with a digit).`);
  }
  const seen = new Set<string>();
  for (const o of def.options ?? []) {
    if (seen.has(o.name)) throw new TypeError(`registerMagic: %${def.name} declares --${o.name} twice.`);
    seen.add(o.name);
  }
  const restAt = (def.positionals ?? []).findIndex((p) => p.rest);
  if (restAt >= 0 && restAt !== (def.positionals ?? []).length - 1) {
    throw new TypeError(`registerMagic: %${def.name}: a rest positional must be the last one.`);
  }
  magics.set(def.name, def);
}

export function unregisterMagic(name: string): boolean {
  return magics.delete(name);
}

export function getMagic(name: string): MagicDefinition | undefined {
  return magics.get(name);
}

/** Sorted by name. */
export function listMagics(): MagicDefinition[] {
  return [...magics.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Import every module in the library folder next to this file (dist/magics/library when
 * compiled; src/magics/library when run from source by tsx/vitest) and register each default
 * export that is a MagicDefinition (or an array of them). Anything else is skipped with a
 * warning on stderr; a module that fails to import does not stop the others.
 * Returns the names registered.
 */
export async function loadLibraryMagics(dir?: string): Promise<string[]> {
  const folder = dir ?? fileURLToPath(new URL("./library/", import.meta.url));
  const fromSource = import.meta.url.endsWith(".ts");
  let files: string[];
  try {
    files = await readdir(folder);
  } catch {
    return [];
  }
  const modules = files
    .filter((f) => (f.endsWith(".js") || f.endsWith(".mjs") || (fromSource && f.endsWith(".ts") && !f.endsWith(".d.ts"))))
    .sort();
  const names: string[] = [];
  for (const file of modules) {
    const path = `${folder.replace(/\/$/, "")}/${file}`;
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    } catch (err) {
      warn(`could not load library magic ${file}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const defs = Array.isArray(mod.default) ? (mod.default as unknown[]) : [mod.default];
    for (const def of defs) {
      if (isMagicDefinition(def)) {
        try {
          registerMagic(def);
          names.push(def.name);
        } catch (err) {
          warn(`${file}: ${err instanceof Error ? err.message : String(err)}`);
        }
      } else {
        warn(`${file} does not export a MagicDefinition as default; skipped.`);
      }
    }
  }
  return names;
}

function warn(message: string): void {
  process.stderr.write(`synthlab magics: ${message}\n`);
}
