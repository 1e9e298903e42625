/**
 * %%compare through the magic runner: candidates from the cell body and --candidate, tables from
 * notebook variables. The LLM candidate is a local OpenAI-compatible TEST DOUBLE
 * (test/support/openai-server.ts), not a model.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frameFromRecords } from "../../src/data/frame.js";
import { Comparison } from "../../src/compare/index.js";
import { getMagic, loadLibraryMagics, runMagicCell } from "../../src/magics/index.js";
import { MagicUsageError } from "../../src/magics/types.js";
import { fakeMagicContext } from "../support/magic-context.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { removeTempDirs, tempDir } from "../generate/llm/helpers.js";

const table = frameFromRecords(Array.from({ length: 120 }, (_, i) => ({ size: (i % 9) + 1.5, price: ((i % 9) + 1.5) * 2.1 + (i % 4), shop: ["north", "south", "east"][i % 3]! })));
let server: OpenAiTestServer;
beforeAll(async () => {
  server = await startOpenAiServer({ latencyMs: 2 });
  await loadLibraryMagics();
});
afterAll(async () => {
  await server.close();
  removeTempDirs();
});

describe("%%compare (test doubles)", () => {
  it("takes candidates from the body and --candidate, binds the Comparison and displays it", async () => {
    expect(getMagic("compare")?.kind).toBe("both");
    const vars = new Map<string, unknown>([["shops", table]]);
    const { ctx, out } = fakeMagicContext(vars);
    const dir = tempDir();
    const cell = `%%compare --real shops --split 0.25 --target price --rows 30 --seed 2 --queries 30 --candidate offline --checkpoint ${dir}/c.jsonl --as cmp\n` +
      "# one candidate per line\ncopula\n" +
      `name=double (test double),base=${server.url},model=magic-double,price_in=1,price_out=2\n`;
    const res = await runMagicCell(cell, ctx);
    expect(res.handled).toBe(true);
    const cmp = vars.get("cmp") as Comparison;
    expect(cmp).toBeInstanceOf(Comparison);
    expect(cmp.candidates.map((c) => [c.name, c.status])).toEqual([["offline", "ok"], ["copula", "ok"], ["double (test double)", "ok"]]);
    expect(cmp.candidates[0]!.mae?.target).toBe("price");
    expect(out.displays).toHaveLength(1);
    expect(String(out.displays[0]!["text/html"])).toContain("Recommendation: ");
    expect(out.stdout).toContain("copula: scoring (report)");
    expect(out.stdout).toContain("Stored in cmp (a Comparison)");
  });

  it("bad input is one usage line", async () => {
    const { ctx } = fakeMagicContext(new Map<string, unknown>([["shops", table]]));
    await expect(runMagicCell("%%compare --real shops --rows 10\n", ctx)).rejects.toThrow(/%%compare: No candidates/);
    await expect(runMagicCell("%%compare --real shops --rows 10\nname=x,base=http://127.0.0.1:9/v1,model=m,key=sk-abc\n", ctx)).rejects.toThrow(MagicUsageError);
    await expect(runMagicCell("%%compare --real nope --rows 10\ncopula\n", ctx)).rejects.toThrow(/--real nope/);
    await expect(runMagicCell("%%compare --real shops\ncopula\n", ctx)).rejects.toThrow(/--rows/);
  });
});
