/**
 * Constraints: declared (text or rule objects) and mined from the real rows by the validity
 * diagnostic, honoured by every mode (determined columns recomputed, the rest rejected and topped
 * up), checked by the report's diagnostic with 0 broken rows. Bad constraints: one clear error each.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readCsv } from "../../src/data/csv.js";
import { inferSchema } from "../../src/data/schema.js";
import type { Frame } from "../../src/data/types.js";
import { evaluate } from "../../src/evaluate/index.js";
import { evalKindOf, validityDiagnostic, withCanonicalDates, type RowRule } from "../../src/evaluate/index.js";
import { generate, GenerateError, type GenerateOptions } from "../../src/generate/index.js";
import { parseConstraint } from "../../src/generate/constraints/index.js";
import type { EvalKind } from "../../src/evaluate/types.js";
import { tablePath } from "../support/tables.js";
import { llmRequest, useLocalServer } from "./llm/helpers.js";
import { trips } from "../support/trips.js";

/** The report's validity diagnostic (same schema, kinds and date reading as evaluate()). */
function diagnostic(real: Frame, synth: Frame, declared: RowRule[] = []) {
  const schema = inferSchema(real);
  const kinds: Record<string, EvalKind> = {};
  for (const c of schema.columns) kinds[c.name] = evalKindOf(c, real.columns[c.name]!);
  const columns = schema.columns.map((c) => c.name).filter((c) => kinds[c] !== "text");
  return validityDiagnostic(withCanonicalDates(real, schema, columns), withCanonicalDates(synth, schema, columns), { columns, kinds, declared });
}

function kindsOf(real: Frame): Record<string, EvalKind> {
  const schema = inferSchema(real);
  return Object.fromEntries(schema.columns.map((c) => [c.name, evalKindOf(c, real.columns[c.name]!)]));
}

async function errorOf(options: GenerateOptions): Promise<string> {
  try { await generate(options); } catch (e) {
    expect(e).toBeInstanceOf(GenerateError);
    expect((e as Error).message).not.toContain("\n");
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

const real = trips();

describe("constraint syntax", () => {
  const kinds = kindsOf(real);
  it("reads every kind into the diagnostic's rule objects", () => {
    expect(parseConstraint("pickup<=dropoff", kinds)).toEqual({ type: "order", a: "pickup", b: "dropoff", strict: false });
    expect(parseConstraint("dropoff > pickup", kinds)).toEqual({ type: "order", a: "pickup", b: "dropoff", strict: true });
    expect(parseConstraint("total=fare+tip", kinds)).toEqual({ type: "sum", total: "total", parts: ["fare", "tip"], relation: "=" });
    expect(parseConstraint("total>=fare+tip", kinds)).toEqual({ type: "sum", total: "total", parts: ["fare", "tip"], relation: "≥" });
    expect(parseConstraint("total=fare*tip", kinds)).toEqual({ type: "product", total: "total", parts: ["fare", "tip"] });
    expect(parseConstraint("borough<-zone", kinds)).toEqual({ type: "determines", a: "zone", b: "borough", both: false });
    expect(parseConstraint("combo(zone, borough)", kinds)).toEqual({ type: "combination", columns: ["zone", "borough"] });
    expect(parseConstraint("fare>=5", kinds)).toEqual({ type: "range", column: "fare", min: 5 });
    expect(parseConstraint("60>=fare", kinds)).toEqual({ type: "range", column: "fare", max: 60 });
    expect(parseConstraint("5<=fare<=60", kinds)).toEqual({ type: "range", column: "fare", min: 5, max: 60 });
    expect(parseConstraint("pickup>=2024-03-10", kinds)).toEqual({ type: "range", column: "pickup", min: Date.UTC(2024, 2, 10) });
  });

  it.each([
    ["pikup<=dropoff", /"pikup" is not a column; columns are pickup, dropoff/],
    ["fare", /has no comparison/],
    ["fare>5", /bounds are inclusive; write >= instead of >/],
    ["zone>=3", /zone is categorical, and a range needs a numeric or datetime column/],
    ["fare>=cheap", /"cheap" is not a column/],
    ["fare>=1.2.3", /"1.2.3" is neither a column nor a number/],
    ["pickup>=someday2", /"someday2" is not a column/],
    ["pickup>=2024-13-45", /neither a column nor an ISO date/],
    ["60<=fare<=5", /the range is empty/],
    ["total=fare+tip*2", /mix of \+ and \*/],
    ["fare=fare+tip", /cannot be part of its own sum/],
    ["fare=tip", /two equal columns are one column/],
    ["zone=Midtown", /use a condition/],
    ["combo(zone)", /two or more different columns/],
  ])("%s", (text, pattern) => {
    expect(() => parseConstraint(text, kinds)).toThrow(pattern);
  });
});

describe("mined rules: 0 broken rows in every mode's output (ordered date-times, a sum, a lookup)", () => {
  it("the real table has the rules, and the plain copula breaks them", async () => {
    const texts = diagnostic(real, real).rules.map((r) => r.text);
    expect(texts).toEqual(expect.arrayContaining(["pickup ≤ dropoff", "total = fare + tip", "zone → borough"]));
    const plain = await generate({ like: real, rows: 400, seed: 1, mineConstraints: false });
    const broken = diagnostic(real, plain.frame).rules.find((r) => r.text === "pickup ≤ dropoff")!;
    expect(broken.broken).toBeGreaterThan(0);
  });

  it.each(["copula", "offline", "cart"] as const)("%s", async (mode) => {
    const run = await generate({ like: real, rows: 400, seed: 1, mode });
    expect(run.frame.rowCount).toBe(400);
    const d = diagnostic(real, run.frame);
    expect(d.rules.length).toBeGreaterThanOrEqual(3);
    for (const r of d.rules) expect({ rule: r.text, broken: r.broken }).toEqual({ rule: r.text, broken: 0 });
    expect(run.constraints.map((r) => r.type)).toEqual(expect.arrayContaining(["order", "sum", "determines"]));
  });

  it("the report (evaluate) shows 0 broken rows for the mined and the declared rules", async () => {
    const run = await generate({ like: real, rows: 300, seed: 2, constraints: ["fare>=8", "combo(zone,borough)"] });
    const report = await evaluate({ real, synthetic: run.frame, constraints: run.constraints, noiseResamples: 1, queries: 20 });
    const rules = report.json.diagnostic.rules;
    expect(rules.map((r) => r.text)).toEqual(expect.arrayContaining(["fare ≥ 8", "(zone, borough) as in the real rows", "pickup ≤ dropoff", "total = fare + tip"]));
    for (const r of rules) expect({ rule: r.text, broken: r.broken }).toEqual({ rule: r.text, broken: 0 });
    expect(Math.min(...run.frame.columns["fare"]!.map(Number))).toBeGreaterThanOrEqual(8);
  });

  describe("LLM modes (local test server)", () => {
    const env = useLocalServer();
    it.each(["llm-rows", "llm-program"] as const)("%s", async (mode) => {
      const { options, ...req } = llmRequest(env.server, env.dir);
      const run = await generate({ ...req, schema: undefined, like: real, options, mode, rows: 30, batchSize: 10 } as GenerateOptions);
      expect(run.frame.rowCount).toBe(30);
      const d = diagnostic(real, run.frame);
      for (const r of d.rules) expect({ rule: r.text, broken: r.broken }).toEqual({ rule: r.text, broken: 0 });
      if (mode === "llm-rows") {
        const prompt = (JSON.parse(env.server.chatRequests()[0]!.body) as { messages: { content: string }[] }).messages[1]!.content;
        expect(prompt).toContain("- pickup ≤ dropoff");
      }
    });
  });
});

describe("real tables", () => {
  let patents: Frame, bowl: Frame;
  beforeAll(async () => {
    patents = await readCsv(tablePath("edison_patents.csv"), { log: () => {} });
    bowl = await readCsv(tablePath("super_bowl.csv"), { log: () => {} });
  });

  it("edison patents: executed ≤ applied ≤ issued date order holds in the copula's rows", async () => {
    const before = diagnostic(patents, (await generate({ like: patents, rows: 500, seed: 1, mineConstraints: false })).frame);
    const orders = before.rules.filter((r) => r.rule.type === "order");
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.some((r) => r.broken > 0)).toBe(true);
    const run = await generate({ like: patents, rows: 500, seed: 1 });
    for (const r of diagnostic(patents, run.frame).rules) expect({ rule: r.text, broken: r.broken }).toEqual({ rule: r.text, broken: 0 });
  });

  it("super bowl: the points sum rule and lookups hold", async () => {
    const run = await generate({ like: bowl, rows: 200, seed: 1 });
    const d = diagnostic(bowl, run.frame);
    expect(d.rules.some((r) => r.rule.type === "sum")).toBe(true);
    for (const r of d.rules) expect({ rule: r.text, broken: r.broken }).toEqual({ rule: r.text, broken: 0 });
  });
});

describe("declared constraints", () => {
  it("offline: a product is recomputed and a range rejects", async () => {
    const run = await generate({ schema: "coffee-shop", rows: 300, seed: 1, constraints: ["amount=price*quantity", "quantity<=2"] });
    const f = run.frame.columns;
    for (let i = 0; i < run.rowCount; i++) {
      expect(f["amount"]![i]).toBeCloseTo((f["price"]![i] as number) * (f["quantity"]![i] as number), 6);
      expect(f["quantity"]![i] as number).toBeLessThanOrEqual(2);
    }
  });

  it.each([
    [["fare>=20", "fare<=15"], /"fare ≥ 20" and "fare ≤ 15" contradict each other/],
    [["pickup<dropoff", "dropoff<pickup"], /contradict each other \(a column would be below itself\)/],
    [["total=fare+tip", "total=fare*tip"], /both compute total; keep one/],
    [["fare=total+tip", "total=fare+tip"], /compute columns from each other in a circle/],
    [["fare>=1000"], /no real value of fare lies in it/],
    [["zone<=borough"], /an order compares numeric or datetime columns/],
    [["pickup<=fare"], /pickup is datetime and fare is numeric/],
    [["total=zone+tip"], /zone is categorical; sums and products are over numeric columns/],
    [["nope<=fare"], /"nope" is not a column; columns are pickup, dropoff/],
  ] as [string[], RegExp][])("%j is refused", async (constraints, pattern) => {
    expect(await errorOf({ like: real, rows: 10, constraints })).toMatch(pattern);
  });

  it("a lookup needs real rows; a rule object is checked like text", async () => {
    expect(await errorOf({ schema: "coffee-shop", rows: 10, constraints: ["price<-product"] })).toMatch(/read off real rows: pass a real table/);
    expect(await errorOf({ like: real, rows: 10, constraints: [{ type: "order", a: "fare", b: "nope" }] })).toMatch(/"nope" is not a column/);
    expect(await errorOf({ like: real, rows: 10, constraints: "fare>=1" as never })).toMatch(/constraints must be a list/);
  });

  it("a constraint no draw can meet fails clearly after the cap, never with fewer rows", async () => {
    // Every real fare is at most ~60 and tip at most ~25% of it: fare + tip ≥ 2 × fare + 1 never holds.
    const msg = await errorOf({ like: real, rows: 20, seed: 1, mode: "offline", constraints: ["tip>=fare+total"] });
    expect(msg).toMatch(/offline: only 0 of 20 rows after drawing [\d,]+ rows \(rejected [\d,]+ by "tip ≥ fare \+ total"/);
  });
});
