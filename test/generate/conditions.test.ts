/**
 * Conditional generation: fixed values, exact counts per value and rebalance targets, in every
 * mode (offline, copula, llm-rows, llm-program), and one clear error for each impossible request.
 * Real rows: the public titanic table (test/support/tables.ts). LLM modes run against the local
 * OpenAI-compatible test server (never a mocked SDK).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readCsv } from "../../src/data/csv.js";
import type { CellValue, Frame } from "../../src/data/types.js";
import { generate, GenerateError, parseCondition, parseRebalance, type GenerateOptions } from "../../src/generate/index.js";
import { countsForShares } from "../../src/generate/conditions/index.js";
import { tablePath } from "../support/tables.js";
import { SALES_SCHEMA, llmRequest, useLocalServer } from "./llm/helpers.js";

let titanic: Frame;
beforeAll(async () => {
  titanic = await readCsv(tablePath("titanic.csv"), { log: () => {} });
});

function tally(values: readonly CellValue[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}

const mean = (xs: readonly CellValue[]): number => {
  const n = xs.filter((x): x is number => typeof x === "number");
  return n.reduce((a, b) => a + b, 0) / n.length;
};

/** The one error line a request gives (and that it is a GenerateError, not a crash). */
async function errorOf(options: GenerateOptions): Promise<string> {
  try {
    await generate(options);
  } catch (e) {
    expect(e).toBeInstanceOf(GenerateError);
    const msg = (e as Error).message;
    expect(msg).not.toContain("\n");
    return msg;
  }
  throw new Error("expected an error");
}

describe("condition syntax", () => {
  it("reads fixed values, counts, quoted values and rebalance targets", () => {
    expect(parseCondition("coffee_name=Latte")).toEqual({ kind: "fixed", column: "coffee_name", value: "Latte" });
    expect(parseCondition("coffee_name=Latte:300,Cocoa:200")).toEqual({ kind: "counts", column: "coffee_name", counts: [["Latte", 300], ["Cocoa", 200]] });
    expect(parseCondition('city="Washington, DC":10,Boston:5')).toEqual({ kind: "counts", column: "city", counts: [["Washington, DC", 10], ["Boston", 5]] });
    expect(parseRebalance("sex")).toEqual({ kind: "shares", column: "sex", shares: "uniform" });
    expect(parseRebalance("sex=uniform")).toEqual({ kind: "shares", column: "sex", shares: "uniform" });
    expect(parseRebalance("sex=male:25%,female:75%")).toEqual({ kind: "shares", column: "sex", shares: [["male", 0.25], ["female", 0.75]] });
  });

  it("refuses malformed conditions with one line each", () => {
    expect(() => parseCondition("coffee_name=")).toThrow(/has no value/);
    expect(() => parseCondition("=Latte")).toThrow(/names no column/);
    expect(() => parseCondition("coffee_name=Latte:3,Cocoa")).toThrow(/every value needs a count/);
    expect(() => parseCondition("coffee_name=Latte:-3,Cocoa:2")).toThrow(/whole number ≥ 0, got -3/);
    expect(() => parseCondition("coffee_name=Latte:2.5,Cocoa:2")).toThrow(/whole number/);
    expect(() => parseRebalance("sex=male:0.5,female:0.4")).toThrow(/add up to 0.9, not 1/);
    expect(() => parseRebalance("sex=male:1.5,female:-0.5")).toThrow(/between 0 and 1/);
    expect(() => parseCondition('city="Washington, DC:3')).toThrow(/quote is not closed/);
  });

  it("rounds shares to counts that add up exactly", () => {
    const c = countsForShares([1 / 3, 1 / 3, 1 / 3], 100);
    expect(c.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
  });
});

describe("copula: exact conditioning", () => {
  it("returns exactly the requested counts", async () => {
    const run = await generate({ like: titanic, rows: 300, seed: 3, conditions: "embarked=Q:100,C:120,S:80" });
    expect(run.frame.rowCount).toBe(300);
    expect(tally(run.frame.columns["embarked"]!)).toEqual({ Q: 100, C: 120, S: 80 });
    // Exact: the copula held the column, it did not throw rows away.
    expect((run.stats.extra?.["rejected"] as Record<string, number>)["condition"] ?? 0).toBe(0);
  });

  it("draws the other columns from their conditional distribution, not the overall one", async () => {
    const first = await generate({ like: titanic, rows: 400, seed: 1, conditions: "class=First" });
    const third = await generate({ like: titanic, rows: 400, seed: 1, conditions: "class=Third" });
    expect(new Set(first.frame.columns["class"]!)).toEqual(new Set(["First"]));
    // Real: first-class fares average ~84, third ~14. Fixing the value alone would give both the overall ~32.
    expect(mean(first.frame.columns["fare"]!)).toBeGreaterThan(50);
    expect(mean(third.frame.columns["fare"]!)).toBeLessThan(25);
    // pclass is determined by class in the real rows (a mined rule): it follows.
    expect(new Set(first.frame.columns["pclass"]!)).toEqual(new Set([1]));
  });

  it("holds two columns at once (a Gibbs draw of the joint latent interval)", async () => {
    const run = await generate({ like: titanic, rows: 200, seed: 2, conditions: ["sex=female", "embarked=Q:50,S:150"] });
    expect(tally(run.frame.columns["sex"]!)).toEqual({ female: 200 });
    expect(tally(run.frame.columns["embarked"]!)).toEqual({ Q: 50, S: 150 });
  });

  it("rebalances a skewed column to uniform shares within one point", async () => {
    const run = await generate({ like: titanic, rows: 900, seed: 4, rebalance: "embarked" });
    const t = tally(run.frame.columns["embarked"]!);
    for (const k of ["S", "C", "Q"]) expect(Math.abs(t[k]! / 900 - 1 / 3)).toBeLessThanOrEqual(0.01);
    // The real shares are far from uniform (S ~72%), so this is a change, not a copy.
    expect(tally(titanic.columns["embarked"]!)["S"]! / titanic.rowCount).toBeGreaterThan(0.7);
  });

  it("rebalances to given proportions", async () => {
    const run = await generate({ like: titanic, rows: 500, seed: 4, rebalance: "who=man:0.2,woman:0.3,child:0.5" });
    expect(tally(run.frame.columns["who"]!)).toEqual({ man: 100, woman: 150, child: 250 });
  });

  it("is deterministic for a seed", async () => {
    const a = await generate({ like: titanic, rows: 100, seed: 9, conditions: "embarked=Q:50,C:50" });
    const b = await generate({ like: titanic, rows: 100, seed: 9, conditions: "embarked=Q:50,C:50" });
    expect(b.frame.columns).toEqual(a.frame.columns);
  });
});

describe("cart: the held column drawn first", () => {
  it("returns exactly the requested counts, the other columns from the leaves the held value leads to", async () => {
    const run = await generate({ mode: "cart", like: titanic, rows: 300, seed: 3, conditions: "embarked=Q:100,C:120,S:80" });
    expect(tally(run.frame.columns["embarked"]!)).toEqual({ Q: 100, C: 120, S: 80 });
    expect((run.stats.extra?.["rejected"] as Record<string, number>)["condition"] ?? 0).toBe(0);
    const first = await generate({ mode: "cart", like: titanic, rows: 300, seed: 1, conditions: "class=First" });
    const third = await generate({ mode: "cart", like: titanic, rows: 300, seed: 1, conditions: "class=Third" });
    expect(mean(first.frame.columns["fare"]!)).toBeGreaterThan(50);
    expect(mean(third.frame.columns["fare"]!)).toBeLessThan(25);
    expect(new Set(first.frame.columns["pclass"]!)).toEqual(new Set([1]));
  });

  it("rebalances within one point", async () => {
    const run = await generate({ mode: "cart", like: titanic, rows: 600, seed: 4, rebalance: "who" });
    expect(tally(run.frame.columns["who"]!)).toEqual({ man: 200, woman: 200, child: 200 });
  });
});

describe("offline: rejection and top-up", () => {
  it("returns exactly the requested counts and a fixed value", async () => {
    const run = await generate({ schema: "coffee-shop", rows: 200, seed: 1, conditions: ["product=Latte:120,Croissant:80", "payment_type=credit"] });
    expect(tally(run.frame.columns["product"]!)).toEqual({ Latte: 120, Croissant: 80 });
    expect(tally(run.frame.columns["payment_type"]!)).toEqual({ credit: 200 });
    // Linked menu columns stay with their product.
    const prices = new Set(run.frame.columns["product"]!.map((p, i) => `${p}:${run.frame.columns["price"]![i]}`));
    expect(prices).toEqual(new Set(["Latte:4.25", "Croissant:3.25"]));
    // Ids are unique although rows came from several draws.
    expect(new Set(run.frame.columns["id"]!).size).toBe(200);
  });

  it("warns about a rare value, and fails clearly when the draw cap cannot reach it", async () => {
    const schema = {
      columns: [
        { name: "tier", kind: "categorical" as const, values: ["common", "rare", "never"], weights: [0.995, 0.005, 1e-9] },
        { name: "n", kind: "integer" as const, min: 1, max: 9 },
      ],
    };
    const ok = await generate({ schema, rows: 40, seed: 1, conditions: "tier=rare:20,common:20" });
    expect(tally(ok.frame.columns["tier"]!)).toEqual({ rare: 20, common: 20 });
    expect(ok.warnings.join(" ")).toMatch(/tier=rare is rare \(0\.\d+% of the pilot rows\)/);
    const msg = await errorOf({ schema, rows: 10, seed: 1, conditions: "tier=never:5,common:5" });
    expect(msg).toMatch(/only 0 of 5 rows with tier=never after drawing [\d,]+ rows/);
    expect(msg).toMatch(/use --mode copula/);
  });
});

describe("impossible or malformed conditions: one clear error each", () => {
  it.each([
    [{ conditions: "nope=1" }, /Condition on "nope": no such column; columns are survived, pclass/],
    [{ conditions: "embarked=X" }, /embarked has no value "X" in the real rows; use one of S, C, Q/],
    [{ conditions: "fare=9999" }, /9999 is outside the range of fare in the real rows \(0 to 512.3292\)/],
    [{ conditions: "age=old" }, /age is numeric and "old" is not a number/],
    [{ conditions: "embarked=S:10,C:10" }, /counts add up to 20 but 100 rows were asked for/],
    [{ conditions: ["embarked=S:50,C:50", "sex=male:50,female:50"] }, /only one column can have them/],
    [{ conditions: ["sex=male", "sex=female"] }, /Two conditions on sex/],
    [{ conditions: "embarked=S:50,S:50" }, /S is listed twice/],
    [{ rebalance: "fare" }, /rebalance a categorical column/],
    [{ rebalance: "nope" }, /no such column/],
  ] as [Partial<GenerateOptions>, RegExp][])("%j", async (extra, pattern) => {
    expect(await errorOf({ like: titanic, rows: 100, ...extra })).toMatch(pattern);
  });

  it("refuses a datetime condition and conditions in the text mode", async () => {
    const trips = { columnNames: ["t", "x"], rowCount: 30, columns: { t: Array.from({ length: 30 }, (_, i) => `2024-01-${String(i + 1).padStart(2, "0")}`), x: Array.from({ length: 30 }, (_, i) => i % 3) } };
    expect(await errorOf({ like: trips, rows: 10, conditions: "t=2024-01-02" })).toMatch(/range constraint instead/);
    expect(await errorOf({ mode: "text", rows: 10, description: "x", conditions: "label=spam" })).toMatch(/text mode takes no conditions/);
  });

  it("in the offline mode, a value the schema never makes is named with the values it does", async () => {
    expect(await errorOf({ schema: "coffee-shop", rows: 10, conditions: "product=Tea" })).toMatch(/product has no value "Tea" in a 5,000-row pilot sample of the schema; use one of/);
  });
});

describe("LLM modes: the condition in the schema and prompt, rejection through the engine's top-up rounds", () => {
  const env = useLocalServer();
  const base = (extra: Partial<GenerateOptions> = {}): GenerateOptions => {
    const { options, ...req } = llmRequest(env.server, env.dir);
    return { ...req, options, ...extra } as GenerateOptions;
  };

  it("llm-rows: exact counts per value; each stream's schema holds its value", async () => {
    const run = await generate(base({ mode: "llm-rows", rows: 30, batchSize: 10, conditions: "product=Latte:20,Cocoa:10" }));
    expect(tally(run.frame.columns["product"]!)).toEqual({ Latte: 20, Cocoa: 10 });
    const bodies = env.server.chatRequests().map((r) => JSON.parse(r.body) as { messages: { content: string }[]; response_format: { json_schema: { schema: unknown } } });
    const prompts = bodies.map((b) => b.messages[1]!.content);
    expect(prompts.filter((p) => p.includes('Every row must have product = "Latte"'))).toHaveLength(2);
    expect(prompts.filter((p) => p.includes('Every row must have product = "Cocoa"'))).toHaveLength(1);
    expect(JSON.stringify(bodies[0]!.response_format.json_schema.schema)).toMatch(/"enum":\["(Latte|Cocoa)"\]/);
  });

  it("llm-rows: a server ignoring the condition is rejected and topped up, then fails clearly after the cap", async () => {
    // The first answer ignores the condition (all Espresso); the correction turn and later batches follow it.
    const espresso = JSON.stringify({ rows: Array.from({ length: 5 }, (_, i) => ({ product: "Espresso", price: 2 + i, quantity: 1, card: true })) });
    env.server.script({ kind: "content", content: espresso });
    const run = await generate(base({ mode: "llm-rows", rows: 5, batchSize: 5, conditions: "product=Latte" }));
    expect(tally(run.frame.columns["product"]!)).toEqual({ Latte: 5 });
    const fix = JSON.parse(env.server.chatRequests()[1]!.body) as { messages: { content: string }[] };
    expect(fix.messages.at(-1)!.content).toMatch(/row 1: product must be "Latte", got "Espresso"/);

    // A server that never follows it: bounded requests, then one clear error, never fewer rows in silence.
    const stubborn = await (await import("../support/openai-server.js")).startOpenAiServer({ defaultAction: { kind: "content", content: espresso } });
    try {
      const { options, ...req } = llmRequest(stubborn, env.dir, {}, { checkpointDir: `${env.dir}/cp2`, cache: false });
      let msg = "";
      try { await generate({ ...req, options, mode: "llm-rows", rows: 5, batchSize: 5, conditions: "product=Latte" } as GenerateOptions); } catch (e) { msg = (e as Error).message; }
      expect(msg).toMatch(/llm-rows: only 0 of 5 rows with product=Latte after the top-up rounds/);
      expect(stubborn.chatRequests().length).toBeLessThanOrEqual(6);
    } finally {
      await stubborn.close();
    }
  });

  it("llm-program: the program's rows are kept per value until every count is met", async () => {
    const run = await generate(base({ mode: "llm-program", rows: 40, conditions: "product=Latte:10,Cocoa:30" }));
    expect(tally(run.frame.columns["product"]!)).toEqual({ Latte: 10, Cocoa: 30 });
    const prompt = (JSON.parse(env.server.chatRequests()[0]!.body) as { messages: { content: string }[] }).messages[1]!.content;
    expect(prompt).toMatch(/product=Latte in 25\.0% of rows; product=Cocoa in 75\.0% of rows/);
  });

  it("llm-program: a program that never writes the value fails clearly", async () => {
    const program = "```javascript\nfunction generate(rng, faker, n) { const out = []; for (let i = 0; i < n; i++) out.push({ product: 'Espresso', price: 1 + Math.floor(rng() * 8), quantity: 1, card: rng() < 0.5 }); return out; }\n```";
    env.server.script({ kind: "content", content: program });
    expect(await errorOf(base({ mode: "llm-program", rows: 10, conditions: "product=Latte" }))).toMatch(/llm-program: only 0 of 10 rows with product=Latte/);
  });

  it("checks values against the schema's list when there are no real rows", async () => {
    expect(await errorOf(base({ mode: "llm-rows", rows: 10, conditions: "product=Tea" }))).toMatch(/product has no value "Tea" in the schema; use one of Latte, Espresso, Cocoa/);
    expect(SALES_SCHEMA.columns[0]!.values).toContain("Latte");
  });
});

describe("magic and CLI options", () => {
  it("%%generate --condition/--rebalance/--constraint, and one usage line for a bad one", async () => {
    const { registerMagic, unregisterMagic } = await import("../../src/magics/index.js");
    const generateMagic = (await import("../../src/magics/library/generate.js")).default;
    const { makeContext } = await import("../magics/helpers.js");
    registerMagic(generateMagic);
    try {
      const t = makeContext();
      t.scope.set("real", titanic);
      expect(await t.run('%%generate s --like real --rows 90 --rebalance embarked --condition "sex=female" --constraint "fare>=5"')).toEqual({ status: "ok" });
      const df = t.scope.get("s") as { column(c: string): { values: CellValue[] } };
      expect(tally(df.column("embarked").values)).toEqual({ S: 30, C: 30, Q: 30 });
      expect(Math.min(...df.column("fare").values.map(Number))).toBeGreaterThanOrEqual(5);
      const bad = await t.run('%%generate s --like real --rows 10 --condition "embarked=X"');
      expect(bad.status === "error" && bad.ename).toBe("UsageError");
      expect(bad.status === "error" && bad.evalue).toMatch(/^%%generate: Condition embarked=X: embarked has no value "X" in the real rows; use one of S, C, Q\.$/);
    } finally {
      unregisterMagic("generate");
    }
  });

  it("synthlab generate --condition writes exact counts; a bad constraint exits 2 with one line", async () => {
    const { run } = await import("../../src/cli/commands/generate.js");
    const { runCli } = await import("../support/cli.js");
    const ok = await runCli(run, ["--like", tablePath("titanic.csv"), "--rows", "50", "--condition", "class=First:20,Third:30", "--no-mine-constraints", "--out", "-", "--quiet"]);
    expect(ok.code).toBe(0);
    const { parseCsv } = await import("../../src/data/csv.js");
    expect(tally(parseCsv(ok.stdout).columns["class"]!)).toEqual({ First: 20, Third: 30 });
    const bad = await runCli(run, ["--like", tablePath("titanic.csv"), "--rows", "5", "--constraint", "fare>>3", "--out", "-"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/^synthlab generate: Constraint "fare>>3" is malformed: write e.g. "pickup<=dropoff"/);
  });
});
