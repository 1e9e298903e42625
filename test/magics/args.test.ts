import { describe, expect, it } from "vitest";
import { editDistance, formatHelp, parseMagicArgs, type MagicDefinition } from "../../src/magics/index.js";

/** A definition exercising every option kind. */
const gen: MagicDefinition = {
  name: "generate",
  kind: "cell",
  description: "Generate synthetic rows.",
  options: [
    { name: "rows", short: "n", type: "integer", help: "Rows to make.", default: 100 },
    { name: "temperature", type: "number", help: "Sampling temperature." },
    { name: "mode", short: "m", type: "string", help: "Generator.", choices: ["offline", "copula", "llm-rows"], default: "offline" },
    { name: "like", type: "string", help: "Real table to imitate.", required: true },
    { name: "cache", type: "boolean", help: "Use the cache.", default: true },
    { name: "verbose", short: "v", type: "boolean", help: "Say more." },
    { name: "quiet", short: "q", type: "boolean", help: "Say less." },
    { name: "drop", type: "string", help: "Column to drop.", repeatable: true },
    { name: "seed", type: "integer", help: "Seeds.", repeatable: true },
  ],
  positionals: [
    { name: "name", help: "Variable to store the rows in.", required: true },
    { name: "notes", help: "Free words.", rest: true },
  ],
  examples: ["%%generate sales --like real --rows 2000"],
  run: async () => undefined,
};

const parse = (line: string): ReturnType<typeof parseMagicArgs> => parseMagicArgs(gen, line);
const usage = (line: string): string => {
  try {
    parse(line);
  } catch (err) {
    expect((err as Error).name).toBe("UsageError");
    return (err as Error).message;
  }
  throw new Error(`expected a usage error for: ${line}`);
};

describe("parseMagicArgs", () => {
  it("reads --opt value, --opt=value and -x value for each type", () => {
    const a = parse("sales --like real --rows 2000 --temperature=0.7 -m copula");
    expect(a).toMatchObject({ name: "sales", like: "real", rows: 2000, temperature: 0.7, mode: "copula" });
    expect(parse("s --like r -n5").rows).toBe(5);
    expect(parse("s --like r -n=7").rows).toBe(7);
  });

  it("applies defaults, false for absent flags and [] for absent repeatables", () => {
    const a = parse("s --like r");
    expect(a.rows).toBe(100);
    expect(a.mode).toBe("offline");
    expect(a.cache).toBe(true);
    expect(a.verbose).toBe(false);
    expect(a.drop).toEqual([]);
    expect(a.notes).toEqual([]);
    expect(a.temperature).toBeUndefined();
  });

  it("handles --flag, --no-flag, --flag=false and grouped short flags", () => {
    expect(parse("s --like r --no-cache").cache).toBe(false);
    expect(parse("s --like r --verbose").verbose).toBe(true);
    expect(parse("s --like r --verbose=false").verbose).toBe(false);
    const g = parse("s --like r -vq");
    expect([g.verbose, g.quiet]).toEqual([true, true]);
  });

  it("collects repeatable options into arrays, converting their type", () => {
    const a = parse("s --like r --drop a --drop=b --seed 1 --seed 2");
    expect(a.drop).toEqual(["a", "b"]);
    expect(a.seed).toEqual([1, 2]);
  });

  it("tokenizes like a shell: quotes, escapes, -- and rest positionals", () => {
    const a = parse(`"my sales" --like 'real data' one "two three" four\\ five`);
    expect(a.name).toBe("my sales");
    expect(a.like).toBe("real data");
    expect(a.notes).toEqual(["one", "two three", "four five"]);
    expect(parse(`s --like r -- --not-an-option -x`).notes).toEqual(["--not-an-option", "-x"]);
    expect(parse(`s --like 'it"s' "say \\"hi\\""`).notes).toEqual(['say "hi"']);
    expect(parse(`s --like r --temperature -0.5`).temperature).toBe(-0.5);
  });

  it("keeps literal braces written as {{ and }}", () => {
    expect(parse("s --like {{a}}").like).toBe("{a}");
    expect(parse("s --like '{b}'").like).toBe("{b}");
  });

  it("reports type errors in one line naming the option, the value and the help", () => {
    expect(usage("s --like r --rows ten")).toBe(`%%generate: --rows expects an integer, got "ten". See %%generate?`);
    expect(usage("s --like r --rows 2.5")).toContain("--rows expects an integer");
    expect(usage("s --like r --temperature warm")).toContain(`--temperature expects a number, got "warm"`);
    expect(usage("s --like r --rows")).toContain("--rows expects an integer, got nothing");
  });

  it("rejects values outside choices, suggesting the closest", () => {
    const m = usage("s --like r --mode copla");
    expect(m).toContain("--mode must be one of offline, copula, llm-rows");
    expect(m).toContain("did you mean copula?");
  });

  it("suggests the closest option for an unknown one", () => {
    expect(usage("s --like r --rwos 3")).toContain("unknown option --rwos; did you mean --rows?");
    expect(usage("s --like r --temprature 1")).toContain("did you mean --temperature?");
    expect(usage("s --like r --zzzzzz 1")).not.toContain("did you mean");
    expect(usage("s --like r -x 1")).toContain("unknown option -x");
  });

  it("requires required options and positionals, and rejects extras and repeats", () => {
    expect(usage("s")).toContain("--like is required");
    expect(usage("--like r")).toContain("missing NAME");
    expect(usage("s --like r --rows 1 --rows 2")).toContain("--rows was given twice");
    const noRest: MagicDefinition = { ...gen, positionals: [gen.positionals![0]!] };
    expect(() => parseMagicArgs(noRest, "a b --like r")).toThrow(/unexpected argument "b"/);
  });

  it("reports unclosed quotes and braces", () => {
    expect(usage(`s --like "r`)).toContain(`unclosed " quote`);
    expect(usage(`s --like 'r`)).toContain("unclosed ' quote");
    expect(usage(`s --like {r`)).toContain(`unclosed "{"`);
    expect(usage(`s --like r}`)).toContain(`unmatched "}"`);
  });

  it("passes the line verbatim for rawArgs magics", () => {
    const raw: MagicDefinition = { name: "t", kind: "line", description: "d", rawArgs: true, run: async () => undefined };
    expect(parseMagicArgs(raw, "  f('a  b', {x: 1}) --no  ")).toEqual({ line: "f('a  b', {x: 1}) --no" });
  });
});

describe("formatHelp", () => {
  const help = formatHelp(gen);
  it("has a usage line built from the definition", () => {
    const usageLine = help.split("\n")[0]!;
    expect(usageLine.startsWith("Usage: %%generate")).toBe(true);
    expect(usageLine).toContain("--like LIKE"); // required: no brackets
    expect(usageLine).toContain("[--rows N]");
    expect(usageLine).toContain("[--mode {offline,copula,llm-rows}]");
    expect(usageLine).toContain("NAME");
    expect(usageLine).toContain("[NOTES...]");
  });
  it("lists every option with its help, type, default, choices and short name", () => {
    for (const o of gen.options!) expect(help).toContain(o.help);
    expect(help).toMatch(/-n, --rows N +Rows to make\. \(integer; default: 100\)/);
    expect(help).toContain("--[no-]cache");
    expect(help).toContain("one of: offline, copula, llm-rows");
    expect(help).toMatch(/--like LIKE +Real table to imitate\. \(required\)/);
    expect(help).toContain("repeatable");
  });
  it("includes the description, arguments and examples", () => {
    expect(help).toContain("Generate synthetic rows.");
    expect(help).toMatch(/Arguments:\n +NAME +Variable to store the rows in\. \(required\)/);
    expect(help).toContain("Examples:\n  %%generate sales --like real --rows 2000");
  });
  it("writes flags named no-x as they are typed", () => {
    const h = formatHelp({ ...gen, options: [{ name: "no-stdout", type: "boolean", help: "Keep stdout." }] });
    expect(h).toContain("[--no-stdout]");
    expect(h).toMatch(/ --no-stdout +Keep stdout\./);
    expect(h).not.toContain("[no-]");
  });

  it("shows both forms for a line-and-cell magic", () => {
    const both = formatHelp({ ...gen, kind: "both" });
    expect(both).toMatch(/^Usage: %generate/);
    expect(both).toContain("Usage: %%generate");
  });
});

describe("editDistance", () => {
  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("rows", "rwos")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});
