/** `%who [TYPE]`: the notebook's variable names, optionally only those of one type. */
import type { MagicDefinition } from "../types.js";

/** Does the value match a type name: typeof ("number", "function"), "array", or a class name in its prototype chain. */
export function matchesType(value: unknown, type: string): boolean {
  const t = type.toLowerCase();
  if (t === "array") return Array.isArray(value);
  if (t === "null") return value === null;
  if (typeof value === t && !(t === "object" && value === null)) return true;
  if (value === null || value === undefined) return false;
  let proto: unknown = Object.getPrototypeOf(value);
  while (proto) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
    if (ctor && typeof ctor.name === "string" && ctor.name.toLowerCase() === t) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}

const who: MagicDefinition = {
  name: "who",
  kind: "line",
  description:
    "List the notebook's variables (names starting with _ are left out). With TYPE, only variables of that " +
    "type: a typeof name (number, string, function, ...), array, or a class name (DataFrame, Map, ...).",
  positionals: [{ name: "type", help: "Only variables of this type." }],
  examples: ["%who", "%who number", "%who DataFrame"],
  async run(args, _body, ctx) {
    const type = typeof args.type === "string" ? args.type : undefined;
    const names = ctx.scope
      .names()
      .filter((n) => !n.startsWith("_"))
      .filter((n) => type === undefined || matchesType(ctx.scope.get(n), type))
      .sort();
    if (names.length === 0) {
      ctx.io.stdout(type === undefined ? "Interactive namespace is empty.\n" : `No variables of type ${type}.\n`);
    } else {
      ctx.io.stdout(names.join("\t") + "\n");
    }
    return undefined;
  },
};

export default who;
