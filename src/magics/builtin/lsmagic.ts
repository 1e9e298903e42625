/** `%lsmagic`: every registered magic with the first sentence of its description. */
import { listMagics } from "../registry.js";
import type { MagicDefinition } from "../types.js";

function summary(def: MagicDefinition): string {
  const text = def.description.trim().replace(/\s+/g, " ");
  const m = /^(.*?[.!?])(\s|$)/.exec(text);
  return m ? m[1]! : text;
}

export function formatMagicList(): string {
  const all = listMagics();
  const line = all.filter((d) => d.kind !== "cell");
  const cell = all.filter((d) => d.kind !== "line");
  const width = Math.max(0, ...all.map((d) => d.name.length + 2));
  const rows = (defs: MagicDefinition[], prefix: string): string[] =>
    defs.map((d) => `  ${(prefix + d.name).padEnd(width)}  ${summary(d)}`);
  return [
    "Line magics:",
    ...rows(line, "%"),
    "",
    "Cell magics:",
    ...rows(cell, "%%"),
    "",
    "Help on one: %name? or %%name?",
  ].join("\n");
}

const lsmagic: MagicDefinition = {
  name: "lsmagic",
  kind: "line",
  description: "List all magics (built-in, library and loaded extensions).",
  async run(_args, _body, ctx) {
    ctx.io.stdout(formatMagicList() + "\n");
    return undefined;
  },
};

export default lsmagic;
