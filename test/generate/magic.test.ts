import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerMagic, unregisterMagic } from "../../src/magics/index.js";
import generateMagic from "../../src/magics/library/generate.js";
import { progressText } from "../../src/frontend/progress.js";
import { throttle } from "../../src/display/progress.js";
import { isDataFrame } from "../../src/data/dataframe.js";
import { frameFromRecords } from "../../src/data/frame.js";
import { makeContext } from "../magics/helpers.js";

let dir: string;
beforeAll(async () => {
  registerMagic(generateMagic);
  dir = await mkdtemp(join(tmpdir(), "synthlab-genmagic-"));
});
afterAll(async () => {
  unregisterMagic("generate");
  await rm(dir, { recursive: true, force: true });
});

describe("%%generate", () => {
  it("binds a DataFrame, updates one progress display in place and ends with a summary", async () => {
    const t = makeContext(dir);
    const outcome = await t.run("%%generate sales --schema coffee-shop --rows 250 --seed 3\nCoffee shop sales");
    expect(outcome).toEqual({ status: "ok" });
    const df = t.scope.get("sales");
    expect(isDataFrame(df)).toBe(true);
    expect((df as { shape: number[] }).shape).toEqual([250, 11]);
    const displays = t.io.events.filter((e) => e.kind === "display");
    const first = displays[0]!;
    expect(first.kind === "display" && first.options?.displayId).toBeTruthy();
    const id = first.kind === "display" ? first.options!.displayId : "";
    const updates = displays.filter((e) => e.kind === "display" && e.options?.displayId === id && e.options?.update);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    const lastUpdate = updates.at(-1)!;
    expect(lastUpdate.kind === "display" && String(lastUpdate.bundle["text/plain"])).toMatch(/^Generated sales \(offline\): 250 \/ 250 rows/);
    const summary = displays.at(-1)!;
    expect(summary.kind === "display" && summary.options?.displayId).toBeFalsy();
    expect(summary.kind === "display" && String(summary.bundle["text/html"])).toContain("250 rows × 11 columns, mode offline, seed 3");
  });

  it("same seed, same rows; --like takes a notebook table and defaults to the copula", async () => {
    const t = makeContext(dir);
    t.scope.set("real", frameFromRecords(Array.from({ length: 80 }, (_, i) => ({ x: i % 10, y: (i % 10) * 2 + (i % 3), c: i % 2 ? "a" : "b" }))));
    expect(await t.run("%%generate s1 --like real --rows 40 --seed 8")).toEqual({ status: "ok" });
    expect(await t.run("%%generate s2 --like real --rows 40 --seed 8")).toEqual({ status: "ok" });
    const a = t.scope.get("s1") as { values: unknown[][] }, b = t.scope.get("s2") as { values: unknown[][] };
    expect(a.values).toEqual(b.values);
    expect(t.io.events.some((e) => e.kind === "display" && /\(copula\)/.test(String(e.bundle["text/plain"])))).toBe(true);
  });

  it("reads --like and --schema from files relative to the notebook", async () => {
    await writeFile(join(dir, "real.csv"), "a,b\n1,x\n2,y\n3,x\n4,y\n5,x\n");
    await writeFile(join(dir, "schema.json"), JSON.stringify({ columns: [{ name: "n", kind: "integer", min: 5, max: 6 }] }));
    const t = makeContext(dir);
    expect(await t.run("%%generate f --like real.csv --rows 10")).toEqual({ status: "ok" });
    expect(await t.run("%%generate g --schema schema.json --rows 10")).toEqual({ status: "ok" });
    const g = t.scope.get("g") as { values: number[][] };
    expect(g.values.every(([n]) => n === 5 || n === 6)).toBe(true);
  });

  it("argument errors are one usage line, and nothing is bound", async () => {
    const t = makeContext(dir);
    const cases: [string, RegExp][] = [
      ["%%generate sales --rows ten --schema coffee-shop", /--rows expects an integer/],
      ["%%generate sales --rws 5 --schema coffee-shop", /unknown option --rws.*did you mean --rows/],
      ["%%generate sales --mode magic --schema coffee-shop", /--mode must be one of offline, copula, cart, llm-rows, llm-program, text, grounded; got "magic"/],
      ["%%generate --schema coffee-shop", /missing NAME/],
      ["%%generate 9lives --schema coffee-shop", /NAME "9lives" is not a valid variable name/],
      ["%%generate sales --like nowhere", /--like nowhere: no notebook variable, file or dataset of that name/],
      ["%%generate sales --schema bakery", /--schema bakery: no notebook variable, example \(coffee-shop\) or JSON file/],
      ["%%generate sales --mode copula --schema coffee-shop", /copula mode fits real data/],
      ["%%generate sales --rows 5", /Nothing to generate from/],
      ["%%generate sales --schema coffee-shop --budget -1", /--budget must be a number > 0; got -1\./],
    ];
    for (const [cell, re] of cases) {
      const outcome = await t.run(cell);
      expect(outcome.status, cell).toBe("error");
      if (outcome.status !== "error") continue;
      expect(outcome.ename, cell).toBe("UsageError");
      expect(outcome.evalue, cell).toMatch(re);
      expect(outcome.traceback.length, cell).toBe(1);
    }
    t.scope.set("notATable", 42);
    const o = await t.run("%%generate sales --like notATable");
    expect(o.status === "error" && o.evalue).toMatch(/--like notATable: the variable is not a table/);
    expect(t.scope.has("sales")).toBe(false);
  });

  it("an LLM mode without an API key or base URL says so before drawing any progress", async () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    try {
      const t = makeContext(dir);
      const outcome = await t.run("%%generate sales --mode llm-program --schema coffee-shop --rows 5\nCoffee sales");
      expect(outcome.status === "error" && outcome.ename).toBe("UsageError");
      expect(outcome.status === "error" && outcome.evalue).toMatch(/No LLM provider configured: set OPENAI_API_KEY .* or OPENAI_BASE_URL/);
      // No "0 / 5 rows · stopped" bar: nothing was displayed at all.
      expect(t.io.events.filter((e) => e.kind === "display")).toEqual([]);
      expect(t.scope.has("sales")).toBe(false);
    } finally {
      if (saved.key !== undefined) process.env.OPENAI_API_KEY = saved.key;
      if (saved.url !== undefined) process.env.OPENAI_BASE_URL = saved.url;
    }
  });

  it("a schema error from the generator is one usage line", async () => {
    const t = makeContext(dir);
    t.scope.set("bad", { columns: [{ name: "x", kind: "numeric", expression: "y * 2" }] });
    const outcome = await t.run("%%generate out --schema bad --rows 3");
    expect(outcome.status === "error" && outcome.ename).toBe("UsageError");
    expect(outcome.status === "error" && outcome.evalue).toMatch(/Column "x": expression "y \* 2" uses "y"/);
  });
});

describe("progress helpers", () => {
  it("formats rows, speed, tokens, cost, retries and invalid rows", () => {
    expect(progressText("s", "llm-rows", { rows: 1200, target: 2000, rowsPerSecond: 33.4, tokens: 12345, costUsd: 0.01234, retries: 2, invalidRows: 3 }))
      .toBe("Generating s (llm-rows): 1,200 / 2,000 rows · 33 rows/s · 12,345 tokens · $0.0123 · 2 retries · 3 invalid");
  });

  it("throttles to one update per interval and flushes the latest", () => {
    let now = 0;
    const sent: number[] = [];
    const th = throttle<number>((v) => sent.push(v), 250, () => now);
    th.push(1); // sent at t=0
    now = 100; th.push(2); // held
    now = 200; th.push(3); // replaces 2
    now = 260; th.push(4); // sent
    now = 300; th.push(5);
    th.flush();
    expect(sent).toEqual([1, 4, 5]);
    th.cancel();
  });

  it("sends a held-back value when its window ends, and cancel drops it", async () => {
    const sent: number[] = [];
    const th = throttle<number>((v) => sent.push(v), 30);
    th.push(1);
    th.push(2); // held: the generator then goes quiet
    expect(sent).toEqual([1]);
    await new Promise((r) => setTimeout(r, 80));
    expect(sent).toEqual([1, 2]);
    th.push(3); // window over: sent at once
    th.push(4); // held
    th.cancel();
    await new Promise((r) => setTimeout(r, 80));
    expect(sent).toEqual([1, 2, 3]);
  });
});
