/**
 * argparse-style parsing of command arguments against a declared option list, and the help text
 * generated from the same list (so the two never disagree). One parser for magics (`%%train …`)
 * and the CLI (`synthlab train …`); the option lists live in src/frontend/commands.
 */
import type { MagicArgs, MagicDefinition, MagicOption } from "../magics/types.js";
import { UsageError } from "../errors.js";
import { tokenize, type Token } from "../magics/tokenize.js";

/** How the user wrote the magic: `%name` or `%%name` (used in messages). */
export function magicLabel(def: MagicDefinition, asCell?: boolean): string {
  const cell = asCell ?? def.kind === "cell";
  return `${cell ? "%%" : "%"}${def.name}`;
}

/**
 * Parse an argument line with no `{expr}` interpolation (a `{` starts an expression and is
 * rejected here; runMagicCell interpolates through the notebook before parsing).
 */
export function parseMagicArgs(def: MagicDefinition, argString: string, asCell?: boolean): MagicArgs {
  const label = magicLabel(def, asCell);
  if (def.rawArgs) return { line: argString.trim() };
  const raw = tokenize(argString, label);
  const tokens: Token[] = raw.map((t) => {
    let text = "";
    for (const piece of t.pieces) {
      if ("expr" in piece) {
        throw new UsageError(`${label}: {${piece.expr}} needs a notebook to evaluate it; write {{ for a literal brace.`);
      }
      text += piece.text;
    }
    return { text, optionCandidate: t.literalStart };
  });
  return parseTokens(def, tokens, label);
}

/** Parse already split (and interpolated) words. */
export function parseTokens(def: MagicDefinition, tokens: readonly Token[], label: string, seeHelp = `See ${label}?`): MagicArgs {
  const options = def.options ?? [];
  const positionals = def.positionals ?? [];
  const fail = (message: string): never => {
    // A sentence ending in a suggestion ("did you mean --rows?") needs no extra full stop.
    throw new UsageError(`${label}: ${message.replace(/\?\.$/, "?")} ${seeHelp}`);
  };
  const byLong = new Map(options.map((o) => [o.name, o] as const));
  const byShort = new Map(options.filter((o) => o.short).map((o) => [o.short!, o] as const));
  const args: MagicArgs = {};
  const given = new Set<string>();
  const words: string[] = [];
  let optionsEnded = false;

  const setValue = (opt: MagicOption, text: string, shown: string): void => {
    const value = convert(opt, text, shown, fail);
    if (opt.repeatable) {
      const prev = args[opt.name];
      args[opt.name] = (Array.isArray(prev) ? [...prev, value] : [value]) as string[] | number[];
    } else {
      if (given.has(opt.name)) fail(`${shown} was given twice; give it once.`);
      args[opt.name] = value;
    }
    given.add(opt.name);
  };

  for (let i = 0; i < tokens.length; i++) {
    const { text, optionCandidate } = tokens[i]!;
    if (optionsEnded || !optionCandidate || !text.startsWith("-") || text === "-" || isNumberLike(text)) {
      words.push(text);
      continue;
    }
    if (text === "--") {
      optionsEnded = true;
      continue;
    }
    let opt: MagicOption | undefined;
    let inline: string | undefined;
    let shown: string;
    if (text.startsWith("--")) {
      const eq = text.indexOf("=");
      const name = eq < 0 ? text.slice(2) : text.slice(2, eq);
      inline = eq < 0 ? undefined : text.slice(eq + 1);
      shown = `--${name}`;
      opt = byLong.get(name);
      if (!opt && name.startsWith("no-")) {
        const negated = byLong.get(name.slice(3));
        if (negated?.type === "boolean") {
          if (inline !== undefined) fail(`${shown} takes no value.`);
          if (given.has(negated.name)) fail(`--${negated.name} was given twice; give it once.`);
          args[negated.name] = false;
          given.add(negated.name);
          continue;
        }
      }
      if (!opt) fail(`unknown option ${shown}${suggest(name, optionNames(options))}.`);
    } else {
      const letter = text[1]!;
      shown = `-${letter}`;
      opt = byShort.get(letter);
      if (!opt) fail(`unknown option ${shown}${suggestShort(letter, options)}.`);
      const tail = text.slice(2);
      if (tail) inline = tail.startsWith("=") ? tail.slice(1) : tail;
      // `-abc` groups of boolean short flags.
      if (opt!.type === "boolean" && inline !== undefined && !text.includes("=")) {
        for (const ch of text.slice(1)) {
          const flag = byShort.get(ch);
          if (!flag || flag.type !== "boolean") fail(`-${ch} in ${text} is not a flag${suggestShort(ch, options)}.`);
          setValue(flag!, "true", `-${ch}`);
        }
        continue;
      }
    }
    const option = opt!;
    if (option.type === "boolean") {
      if (inline === undefined) setValue(option, "true", shown);
      else setValue(option, inline, shown);
      continue;
    }
    if (inline === undefined) {
      const next = tokens[i + 1];
      if (next === undefined) fail(`${shown} expects ${describeValue(option)}, got nothing.`);
      inline = next!.text;
      i++;
    }
    setValue(option, inline, shown);
  }

  // Positionals in order; a `rest` positional takes all remaining words.
  let w = 0;
  for (const pos of positionals) {
    if (pos.rest) {
      args[pos.name] = words.slice(w);
      if (pos.required && w >= words.length) fail(`missing ${pos.name.toUpperCase()}.`);
      w = words.length;
      break;
    }
    if (w < words.length) args[pos.name] = words[w++];
    else if (pos.required) fail(`missing ${pos.name.toUpperCase()}.`);
  }
  if (w < words.length) {
    const extra = words.slice(w).map((x) => JSON.stringify(x)).join(" ");
    const hint = extra.startsWith('"-') ? " (put -- before words that start with -)" : "";
    fail(`unexpected argument${words.length - w > 1 ? "s" : ""} ${extra}${hint}.`);
  }

  // All missing required options in one message: "--data and --target are required."
  const missing = options.filter((o) => o.required && !given.has(o.name)).map((o) => `--${o.name}`);
  if (missing.length) fail(`${missing.length > 1 ? `${missing.slice(0, -1).join(", ")} and ${missing.at(-1)!} are` : `${missing[0]!} is`} required.`);
  for (const opt of options) {
    if (given.has(opt.name)) continue;
    if (opt.default !== undefined) args[opt.name] = opt.repeatable ? ([opt.default] as string[] | number[]) : opt.default;
    else if (opt.type === "boolean") args[opt.name] = false;
    else if (opt.repeatable) args[opt.name] = [];
  }
  return args;
}

function isNumberLike(text: string): boolean {
  return /^-(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text);
}

function convert(
  opt: MagicOption,
  text: string,
  shown: string,
  fail: (message: string) => never,
): string | number | boolean {
  switch (opt.type) {
    case "boolean": {
      const v = text.toLowerCase();
      if (["true", "yes", "1", "on"].includes(v)) return true;
      if (["false", "no", "0", "off"].includes(v)) return false;
      return fail(`${shown} is a flag (true/false), got ${JSON.stringify(text)}.`);
    }
    case "integer": {
      const n = Number(text.replace(/_/g, ""));
      if (text.trim() === "" || !Number.isInteger(n)) fail(`${shown} expects ${describeValue(opt)}, got ${JSON.stringify(text)}.`);
      checkRange(opt, n, shown, fail);
      checkChoice(opt, String(n), shown, fail);
      return n;
    }
    case "number": {
      const n = Number(text.replace(/_/g, ""));
      if (text.trim() === "" || !Number.isFinite(n)) fail(`${shown} expects ${describeValue(opt)}, got ${JSON.stringify(text)}.`);
      checkRange(opt, n, shown, fail);
      checkChoice(opt, String(n), shown, fail);
      return n;
    }
    case "string":
      checkChoice(opt, text, shown, fail);
      return text;
  }
}

/** The one range check of numeric options, for magics and the CLI alike: "--epochs must be an integer ≥ 1; got -1." */
function checkRange(opt: MagicOption, n: number, shown: string, fail: (message: string) => never): void {
  const low = opt.min === undefined ? true : opt.minExclusive ? n > opt.min : n >= opt.min;
  const high = opt.max === undefined || n <= opt.max;
  if (!low || !high) fail(`${shown} must be ${describeValue(opt)}; got ${n}.`);
}

/** "an integer ≥ 1", "a number > 0", "an integer from 0 to 10,000,000". */
export function describeRange(opt: MagicOption): string {
  const num = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 20 });
  if (opt.min !== undefined && opt.max !== undefined && !opt.minExclusive) return `from ${num(opt.min)} to ${num(opt.max)}`;
  const parts: string[] = [];
  if (opt.min !== undefined) parts.push(`${opt.minExclusive ? ">" : "≥"} ${num(opt.min)}`);
  if (opt.max !== undefined) parts.push(`≤ ${num(opt.max)}`);
  return parts.join(" and ");
}

function checkChoice(opt: MagicOption, text: string, shown: string, fail: (message: string) => never): void {
  if (!opt.choices || opt.choices.includes(text)) return;
  const hint = suggest(text, opt.choices, "");
  fail(`${shown} must be one of ${opt.choices.join(", ")}; got ${JSON.stringify(text)}${hint}.`);
}

function describeValue(opt: MagicOption): string {
  if (opt.choices) return `one of ${opt.choices.join(", ")}`;
  const range = describeRange(opt);
  const kind = opt.type === "integer" ? "an integer" : opt.type === "number" ? "a number" : (opt.metavar ?? "a value");
  return range ? `${kind} ${range}` : kind;
}

function optionNames(options: readonly MagicOption[]): string[] {
  const names: string[] = [];
  for (const o of options) {
    names.push(o.name);
    if (o.type === "boolean") names.push(`no-${o.name}`);
  }
  return names;
}

function suggestShort(letter: string, options: readonly MagicOption[]): string {
  const long = options.find((o) => o.name === letter || o.name.startsWith(letter));
  return long ? `; did you mean --${long.name}?` : "";
}

/** "; did you mean --rows?" for the closest name within a small edit distance. */
export function suggest(word: string, candidates: readonly string[], prefix = "--"): string {
  const best = closest(word, candidates);
  return best === undefined ? "" : `; did you mean ${prefix}${best}?`;
}

/** The candidate nearest to `word` within a small edit distance (or containing it), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  if (best === undefined) return undefined;
  const closeEnough = bestDistance <= limit || best.startsWith(word) || (word.length >= 3 && best.includes(word));
  return closeEnough ? best : undefined;
}

/**
 * "; did you mean coffee-sales?" for a mistyped value such as a dataset or variable name. Besides
 * whole names it matches their leading words (`cofee` → `coffee` → coffee-sales), since people
 * type the short name of a dataset.
 */
export function suggestValue(word: string, candidates: readonly string[]): string {
  const byKey = new Map<string, string>();
  for (const c of candidates) {
    byKey.set(c, c);
    const parts = c.split(/[-_.]/);
    for (let k = 1; k < parts.length; k++) {
      const key = parts.slice(0, k).join("-");
      // A short key points to the shortest name it starts (coffee → coffee-sales, not coffee-sales-raw).
      const had = byKey.get(key);
      if (had === undefined || (had !== key && had.length > c.length)) byKey.set(key, c);
    }
  }
  const key = closest(word, [...byKey.keys()]);
  const hit = key === undefined ? undefined : byKey.get(key);
  return hit === undefined || hit === word ? "" : `; did you mean ${hit}?`;
}

/** Damerau-Levenshtein (optimal string alignment): a swapped pair of letters counts as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The `%name?` help: usage line, description, arguments and options tables, examples. */
export function formatHelp(def: MagicDefinition): string {
  const forms = def.kind === "both" ? ["%", "%%"] : def.kind === "cell" ? ["%%"] : ["%"];
  return helpText(def, forms.map((f) => ({ prefix: `${f}${def.name}`, cell: f === "%%" })));
}

/** The `synthlab NAME --help` text, in the same layout as the magics' help. */
export function formatCommandHelp(def: Pick<MagicDefinition, "name" | "description" | "options" | "positionals" | "examples">, epilog?: string): string {
  const text = helpText({ ...def, kind: "line" }, [{ prefix: `synthlab ${def.name}`, cell: false }]);
  return epilog ? `${text}\n\n${epilog.trim()}` : text;
}

function helpText(def: Pick<MagicDefinition, "kind" | "description" | "options" | "positionals" | "examples" | "rawArgs">, forms: readonly { prefix: string; cell: boolean }[]): string {
  const options = def.options ?? [];
  const positionals = def.positionals ?? [];
  const usageParts: string[] = [];
  if (def.rawArgs) {
    const p = positionals[0];
    const name = p ? p.name.toUpperCase() : "ARGS";
    usageParts.push(p?.required ? name : `[${name}]`);
  } else {
    for (const o of options) {
      const flag = `--${o.name}${o.type === "boolean" ? "" : ` ${metavar(o)}`}`;
      const piece = o.required ? flag : `[${flag}]`;
      usageParts.push(o.repeatable ? `${piece}...` : piece);
    }
    for (const p of positionals) {
      const name = p.rest ? `${p.name.toUpperCase()}...` : p.name.toUpperCase();
      usageParts.push(p.required ? name : `[${name}]`);
    }
  }
  const lines: string[] = [];
  for (const f of forms) {
    const body = f.cell ? "\n  <cell body>" : "";
    // A both-kind magic with a free-text argument (%time stmt) takes the body instead in cell form.
    const parts = f.cell && def.rawArgs && def.kind === "both" ? [] : usageParts;
    lines.push(`Usage: ${f.prefix}${parts.length ? " " + parts.join(" ") : ""}${body}`);
  }
  lines.push("", def.description.trim());
  if (positionals.length) {
    lines.push("", "Arguments:");
    const rows = positionals.map((p) => [
      p.rest ? `${p.name.toUpperCase()}...` : p.name.toUpperCase(),
      p.help + (p.required ? " (required)" : ""),
    ]);
    lines.push(...table(rows));
  }
  if (options.length) {
    lines.push("", "Options:");
    const rows = options.map((o) => {
      const value = o.type === "boolean" ? "" : ` ${metavar(o)}`;
      const names = (o.short ? `-${o.short}, ` : "    ") + (o.type === "boolean" && !o.name.startsWith("no-") ? `--[no-]${o.name}` : `--${o.name}${value}`);
      const notes: string[] = [];
      if (o.type === "integer" || o.type === "number") notes.push([o.type, describeRange(o)].filter(Boolean).join(" "));
      if (o.choices) notes.push(`one of: ${o.choices.join(", ")}`);
      if (o.required) notes.push("required");
      if (o.default !== undefined) notes.push(`default: ${String(o.default)}`);
      if (o.repeatable) notes.push("repeatable");
      return [names, o.help + (notes.length ? ` (${notes.join("; ")})` : "")];
    });
    lines.push(...table(rows));
  }
  if (def.examples?.length) {
    lines.push("", "Examples:");
    for (const e of def.examples) lines.push(...e.split("\n").map((l) => (l ? `  ${l}` : "")));
  }
  return lines.join("\n");
}

function metavar(o: MagicOption): string {
  if (o.metavar) return o.metavar;
  if (o.choices) return `{${o.choices.join(",")}}`;
  if (o.type === "integer" || o.type === "number") return "N";
  return o.name.toUpperCase().replace(/-/g, "_");
}

function table(rows: string[][]): string[] {
  const width = Math.min(32, Math.max(...rows.map((r) => r[0]!.length)));
  return rows.map(([a, b]) => (a!.length > width ? `  ${a}\n  ${" ".repeat(width)}  ${b}` : `  ${a!.padEnd(width)}  ${b}`));
}
