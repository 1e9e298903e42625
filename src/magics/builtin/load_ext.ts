/**
 * `%load_ext MODULE`: the extension mechanism. MODULE is a path (relative to the notebook) or
 * a package name; it exports `load(registry)` (named, or on its default export), or a default
 * MagicDefinition / MagicDefinition[].
 */
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isMagicDefinition, registry, type MagicRegistry } from "../registry.js";
import { MagicUsageError, type MagicDefinition } from "../types.js";

const loaded = new Set<string>();

/** Where `spec` points, seen from `cwd`: a file URL for paths, a resolved file or the bare name for packages. */
function locate(spec: string, cwd: string): string {
  if (spec.startsWith(".") || isAbsolute(spec)) return pathToFileURL(resolve(cwd, spec)).href;
  try {
    return pathToFileURL(createRequire(join(cwd, "noop.js")).resolve(spec)).href;
  } catch {
    // ESM-only packages (no "require" export condition) cannot be resolved by require.resolve;
    // import() below resolves them from synthlab's own location.
    return spec;
  }
}

type ExtensionModule = { load?: unknown; default?: unknown };

/** Load an extension; returns the names of the magics it registered. */
export async function loadExtension(spec: string, cwd: string): Promise<{ names: string[]; already: boolean }> {
  const where = locate(spec, cwd);
  if (loaded.has(where)) return { names: [], already: true };
  let mod: ExtensionModule;
  try {
    mod = (await import(where)) as ExtensionModule;
    // CommonJS `exports.default = ...` arrives one level down (import() wraps module.exports).
    const inner = mod.default as ExtensionModule | undefined;
    if (inner && typeof inner === "object" && !Array.isArray(inner) && "default" in inner && !isMagicDefinition(inner)) {
      mod = inner;
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" || code === "ERR_UNSUPPORTED_DIR_IMPORT") {
      throw new MagicUsageError(`%load_ext: cannot find ${JSON.stringify(spec)} from ${cwd}; give a path (./ext.js) or an installed package.`);
    }
    throw err;
  }
  const names: string[] = [];
  const recording: MagicRegistry = {
    register(def: MagicDefinition) {
      registry.register(def);
      names.push(def.name);
    },
    get: registry.get,
    list: registry.list,
  };
  const def = mod.default as { load?: unknown } | undefined;
  const load = typeof mod.load === "function" ? mod.load : typeof def?.load === "function" ? def.load : undefined;
  if (load) {
    await (load as (r: MagicRegistry) => unknown)(recording);
  } else {
    const defs = Array.isArray(mod.default) ? (mod.default as unknown[]) : [mod.default];
    if (!defs.length || !defs.every(isMagicDefinition)) {
      throw new MagicUsageError(
        `%load_ext: ${JSON.stringify(spec)} exports neither load(registry) nor a default MagicDefinition or MagicDefinition[].`,
      );
    }
    for (const d of defs) recording.register(d as MagicDefinition);
  }
  loaded.add(where);
  return { names, already: false };
}

const loadExt: MagicDefinition = {
  name: "load_ext",
  kind: "line",
  description:
    "Load a magics extension: a module (path relative to the notebook, or a package) that exports " +
    "load(registry) or a default MagicDefinition[]. Loading the same module again does nothing.",
  positionals: [{ name: "module", help: "Path or package name.", required: true }],
  examples: ["%load_ext ./my-magics.js", "%load_ext synthlab-extra-magics"],
  async run(args, _body, ctx) {
    const spec = String(args.module);
    const { names, already } = await loadExtension(spec, ctx.cwd);
    if (already) ctx.io.stdout(`The ${spec} extension is already loaded. Restart the kernel to reload it.\n`);
    else {
      const list = names.map((n) => `%${n}`).join(", ");
      ctx.io.stdout(`Loaded extension ${spec}${names.length ? `: ${list}` : " (it registered no magics)"}\n`);
    }
    return undefined;
  },
};

export default loadExt;
