import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { frameToRecords } from "../../../src/data/frame.js";
import { validateRow } from "../../../src/data/schema.js";
import { SandboxError } from "../../../src/generate/llm/errors.js";
import { createLlmGenerator } from "../../../src/generate/llm/index.js";
import { runSandboxed } from "../../../src/generate/llm/sandbox.js";
import { toSandboxScript } from "../../../src/generate/llm/program.js";
import { startOpenAiServer, type OpenAiTestServer } from "../../support/openai-server.js";
import { SALES_SCHEMA, TEST_KEY, llmRequest, recordingHooks, useLocalServer } from "./helpers.js";

const env = useLocalServer({ apiKey: TEST_KEY });

const gen = createLlmGenerator("llm-program");
const run = (src: string, extra: { timeoutMs?: number; memoryBytes?: number } = {}) => runSandboxed(src, { seed: 1, args: [3], ...extra });

describe("llm-program", () => {
  it("runs the model's program in the sandbox and keeps the program in the result", async () => {
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 300 }), recordingHooks());
    expect(env.server.chatRequests()).toHaveLength(1); // one request, any number of rows
    expect(res.frame.rowCount).toBe(300);
    for (const r of frameToRecords(res.frame)) expect(validateRow(r, SALES_SCHEMA)).toEqual([]);
    expect(res.program).toMatch(/function generate\(rng, faker, n\)/);
    const prompt = JSON.parse(env.server.chatRequests()[0]!.body).messages[1].content as string;
    expect(prompt).toContain("JSON Schema:");
  });

  it("is deterministic for a seed and differs across seeds", async () => {
    const a = await gen.generate(llmRequest(env.server, env.dir, { rows: 50 }, { checkpointDir: `${env.dir}/a` }), recordingHooks());
    const b = await gen.generate(llmRequest(env.server, env.dir, { rows: 50 }, { checkpointDir: `${env.dir}/b` }), recordingHooks());
    expect(frameToRecords(a.frame)).toEqual(frameToRecords(b.frame));
    const c = await gen.generate(llmRequest(env.server, env.dir, { rows: 50, seed: 99 }), recordingHooks());
    expect(frameToRecords(c.frame)).not.toEqual(frameToRecords(a.frame));
  });

  it("strips TypeScript types before running", async () => {
    env.server.script({
      kind: "content",
      content: [
        "```typescript",
        "interface Row { product: string; price: number; quantity: number; card: boolean }",
        "export function generate(rng: () => number, faker: unknown, n: number): Row[] {",
        "  const out: Row[] = [];",
        "  for (let i = 0; i < n; i++) out.push({ product: ['Latte', 'Cocoa'][i % 2], price: 1 + Math.round(rng() * 800) / 100, quantity: 1 + (i % 3), card: rng() < 0.5 });",
        "  return out;",
        "}",
        "```",
      ].join("\n"),
    });
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 20 }), recordingHooks());
    expect(res.frame.rowCount).toBe(20);
    expect(res.program).toContain("interface Row");
  });

  it("sends a malicious program back with the sandbox error, then uses the corrected one", async () => {
    env.server.script({ kind: "content", content: "```js\nfunction generate(rng, faker, n) { return require('fs').readFileSync('/etc/passwd', 'utf8'); }\n```" });
    const res = await gen.generate(llmRequest(env.server, env.dir, { rows: 10 }), recordingHooks());
    const chats = env.server.chatRequests();
    expect(chats).toHaveLength(2);
    const fix = JSON.parse(chats[1]!.body).messages as { role: string; content: string }[];
    expect(fix.at(-1)!.content).toMatch(/reach outside the sandbox.*'require' is not defined/);
    expect(res.frame.rowCount).toBe(10);
    expect((res.stats.extra as { programFailures: string[] }).programFailures).toHaveLength(1);
  });

  it("gives up with one clear error when every program fails", async () => {
    const bad = { kind: "content" as const, content: "```js\nfunction generate() { return [{ nope: 1 }]; }\n```" };
    env.server.script(bad, bad, bad, bad);
    await expect(gen.generate(llmRequest(env.server, env.dir, { rows: 10 }, { maxAttempts: 2 }), recordingHooks())).rejects.toThrow(
      /no working generator program after 2 attempts; last problem: 1 of 1 rows are invalid/,
    );
  });
});

describe("sandbox escapes fail cleanly", () => {
  it("has no file system (require)", async () => {
    await expect(run("function generate() { return require('fs').readdirSync('/'); }")).rejects.toThrow(/outside the sandbox.*'require' is not defined/);
  });
  it("has no static imports", async () => {
    await expect(run("import fs from 'fs';\nfunction generate() { return fs.readdirSync('/'); }")).rejects.toThrow(/outside the sandbox.*could not load module 'fs'/);
  });
  it("turns imports in TypeScript into require, which is absent too", async () => {
    const script = await toSandboxScript("import * as fs from 'node:fs';\nexport function generate(): string[] { return fs.readdirSync('/'); }");
    await expect(run(script)).rejects.toThrow(/'require' is not defined/);
  });
  it("has no dynamic import that can succeed", async () => {
    await expect(run("function generate() { return import('fs'); }")).rejects.toThrow(/must return its rows directly, not a Promise/);
  });
  it("has no network (fetch, XMLHttpRequest)", async () => {
    await expect(run("function generate() { return fetch('http://127.0.0.1/'); }")).rejects.toThrow(/'fetch' is not defined/);
    await expect(run("function generate() { return new XMLHttpRequest(); }")).rejects.toThrow(/'XMLHttpRequest' is not defined/);
  });
  it("has no process, and the Function constructor reaches only the sandbox's own global", async () => {
    await expect(run("function generate() { return process.env; }")).rejects.toThrow(/'process' is not defined/);
    const g = await run("function generate() { const g = Function('return this')(); return [typeof g.process, typeof g.require, typeof g.fetch]; }");
    expect(g).toEqual(["undefined", "undefined", "undefined"]);
  });
  it("stops an infinite loop at the time limit", async () => {
    const t0 = Date.now();
    const err = await run("function generate() { while (true) {} }", { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SandboxError);
    expect((err as Error).message).toMatch(/longer than the 500 ms time limit/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
  it("stops a memory bomb at the memory limit", async () => {
    await expect(run("function generate() { return new ArrayBuffer(1 << 30).byteLength; }")).rejects.toThrow(/exceeded the 64 MiB memory limit/);
    await expect(run("function generate() { let a = [1]; while (true) a = a.concat(a); }", { memoryBytes: 16 * 1024 * 1024, timeoutMs: 20_000 }))
      .rejects.toThrow(/exceeded the 16 MiB memory limit/);
  });
  it("gives the program a seeded rng (Math.random included) and faker data", async () => {
    const src = "function generate(rng, faker, n) { return [rng(), Math.random(), faker.pick(faker.cities)]; }";
    const a = await runSandboxed(src, { seed: 5, data: { cities: ["Kyiv", "Lviv"] } });
    const b = await runSandboxed(src, { seed: 5, data: { cities: ["Kyiv", "Lviv"] } });
    const c = await runSandboxed(src, { seed: 6, data: { cities: ["Kyiv", "Lviv"] } });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(["Kyiv", "Lviv"]).toContain((a as unknown[])[2]);
  });
});
