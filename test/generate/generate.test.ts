import { describe, expect, it } from "vitest";
import { generate, pickMode, createGenerator, GenerationRun, GenerateError, COFFEE_SHOP_SCHEMA } from "../../src/generate/index.js";
import { displaySymbol, isDisplayable } from "../../src/display/protocol.js";
import { frameFromRecords } from "../../src/data/frame.js";
import type { Progress } from "../../src/generate/types.js";

describe("generate()", () => {
  it("picks the mode from what it is given", () => {
    expect(pickMode({ like: [] })).toBe("copula");
    expect(pickMode({ schema: "coffee-shop" })).toBe("offline");
    expect(pickMode({ description: "tweets" })).toBe("llm-rows");
    expect(pickMode({ mode: "offline", like: [] })).toBe("offline");
    expect(() => pickMode({})).toThrow(/Nothing to generate from/);
    expect(() => pickMode({ mode: "magic" as never })).toThrow(/Unknown mode "magic"; use one of offline, copula/);
  });

  it("offline with an example schema name: seeded rows, progress, stats, provenance", async () => {
    const progress: Progress[] = [];
    const run = await generate({ rows: 300, schema: "coffee-shop", seed: 5, onProgress: (p) => progress.push(p) });
    expect(run).toBeInstanceOf(GenerationRun);
    expect(run.mode).toBe("offline");
    expect(run.frame.rowCount).toBe(300);
    expect(run.frame.columnNames).toEqual(COFFEE_SHOP_SCHEMA.columns.map((c) => c.name));
    expect(run.stats.rows).toBe(300);
    expect(run.provenance).toMatchObject({ method: "offline", seed: 5 });
    expect(progress.length).toBe(11); // one per column
    expect(progress.at(-1)!.rows).toBe(300);
    const again = await generate({ rows: 300, schema: "coffee-shop", seed: 5 });
    expect(again.frame.columns).toEqual(run.frame.columns);
  });

  it("infers the schema from `like` for offline mode and fits a copula by default", async () => {
    const like = frameFromRecords(Array.from({ length: 60 }, (_, i) => ({ size: ["S", "M", "L"][i % 3], price: 2 + (i % 7) * 0.5, qty: 1 + (i % 4) })));
    const off = await generate({ rows: 200, like, mode: "offline", seed: 1 });
    expect(off.schema.columns.map((c) => c.kind)).toEqual(["categorical", "numeric", "integer"]);
    expect(new Set(off.frame.columns.size)).toEqual(new Set(["S", "M", "L"]));
    const qty = off.frame.columns.qty as number[];
    expect(Math.min(...qty)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...qty)).toBeLessThanOrEqual(4);
    // Real prices have one decimal (2, 2.5, 3 …); the offline ones keep that precision.
    const prices = off.frame.columns.price as number[];
    expect(prices.every((p) => Math.round(p * 10) / 10 === p && p >= 2 && p <= 5)).toBe(true);
    expect(new Set(prices).size).toBeGreaterThan(7); // sampled from the range, not only the real values
    const cop = await generate({ rows: 200, like, seed: 1 });
    expect(cop.mode).toBe("copula");
    expect(cop.frame.rowCount).toBe(200);
  });

  it("copula with dedup removes rows that copy real rows and tops up", async () => {
    // Few distinct real rows: many plain copula samples coincide with a real row.
    const like = frameFromRecords(Array.from({ length: 40 }, (_, i) => ({ a: i % 2, b: i % 3 === 0 ? "x" : "y" })));
    const plain = await generate({ rows: 50, like, seed: 2 });
    const realKeys = new Set(like.columns.a!.map((a, i) => `${a}|${like.columns.b![i]}`));
    expect(plain.frame.columns.a!.some((a, i) => realKeys.has(`${a}|${plain.frame.columns.b![i]}`))).toBe(true);
    const deduped = await generate({ rows: 50, like, seed: 2, dedup: "exact" });
    expect(deduped.frame.rowCount).toBe(0); // every possible row is a real row
    expect(deduped.warnings.join(" ")).toMatch(/Only 0 of 50 rows are distinct/);
    expect(deduped.stats.duplicatesRemoved).toBeGreaterThan(0);
  });

  it("adds a _meta provenance column on request", async () => {
    const run = await generate({ rows: 3, schema: "coffee-shop", seed: 9, meta: true, runId: "r1" });
    expect(run.frame.columnNames.at(-1)).toBe("_meta");
    expect(JSON.parse(String(run.frame.columns._meta![0]))).toEqual({ method: "offline", seed: 9, runId: "r1" });
  });

  it("displays a summary and the table head", async () => {
    const run = await generate({ rows: 20, schema: "coffee-shop", seed: 1 });
    expect(isDisplayable(run)).toBe(true);
    const bundle = run[displaySymbol]();
    expect(String(bundle["text/plain"])).toMatch(/^Generated 20 rows × 11 columns, mode offline, seed 1/);
    const html = String(bundle["text/html"]);
    expect(html).toContain("<b>Generated</b> 20 rows × 11 columns");
    expect(html).toContain(String(run.frame.columns.id![0]));
    expect(html).not.toContain(String(run.frame.columns.id![10])); // head only
    const df = run.toDataFrame();
    expect(df.shape).toEqual([20, 11]);
  });

  it("rejects bad requests with one clear error", async () => {
    await expect(generate({ rows: -5, schema: "coffee-shop" })).rejects.toThrow(/rows must be a whole number ≥ 0, got -5/);
    await expect(generate({ rows: 5, schema: "bakery" })).rejects.toThrow(/Unknown example schema "bakery"; known: coffee-shop/);
    await expect(generate({ rows: 5, mode: "copula", schema: "coffee-shop" })).rejects.toThrow(/copula mode fits real data/);
    await expect(generate({ rows: 5, schema: { columns: [{ name: "x", kind: "numeric" }] } })).rejects.toThrow(GenerateError);
    await expect(createGenerator("nope" as never)).rejects.toThrow(/Unknown mode/);
  });

  it("LLM modes without a provider say so and name the offline modes", async () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    try {
      await expect(generate({ rows: 5, mode: "llm-rows", schema: "coffee-shop", description: "sales" })).rejects.toThrow(/offline/);
    } finally {
      if (saved.key !== undefined) process.env.OPENAI_API_KEY = saved.key;
      if (saved.url !== undefined) process.env.OPENAI_BASE_URL = saved.url;
    }
  });
});
