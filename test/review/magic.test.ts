// %%review and %%generate --avoid as a notebook uses them: variables in, a bound DataFrame out, the
// decision file beside the notebook, and the rejected rows in the next generation's prompt.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frameFromRecords } from "../../src/data/frame.js";
import { registerMagic, runMagicCell, MagicUsageError } from "../../src/magics/index.js";
import reviewMagic from "../../src/magics/library/review.js";
import generateMagic from "../../src/magics/library/generate.js";
import { fakeMagicContext } from "../support/magic-context.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import type { DataFrame } from "../../src/data/dataframe.js";
import { run as generateCli } from "../../src/cli/commands/generate.js";
import { runCli } from "../support/cli.js";

let server: OpenAiTestServer;
beforeAll(async () => {
  registerMagic(reviewMagic);
  registerMagic(generateMagic);
  server = await startOpenAiServer();
});
afterAll(async () => { await server.close(); });

const synth = () => frameFromRecords([
  { text: "Win a FREE cruise!!! reply now with your bank details", label: "spam", _meta: '{"method":"text","model":"synthlab-test-double"}' },
  { text: "Can we move tomorrow's meeting to 3pm? The room is booked.", label: "ham", _meta: '{"method":"text"}' },
  { text: "Your parcel is waiting, confirm the fee at this short link", label: "spam", _meta: '{"method":"text"}' },
]);

function context() {
  const f = fakeMagicContext(new Map<string, unknown>([["synth", synth()]]));
  f.ctx.cwd = mkdtempSync(path.join(tmpdir(), "synthlab-review-magic-"));
  return f;
}

describe("%%review", () => {
  it("applies body commands, binds NAME to the accepted rows with _meta.review and saves beside the notebook", async () => {
    const { ctx, vars, out } = context();
    await runMagicCell("%%review checked --from synth\na 1\nr 3\ne 2 label=spam\n", ctx);
    expect(out.stdout).toBe("a 1: row 1 accepted\nr 3: row 3 rejected\ne 2 label=spam: row 2 edited\n");
    const df = vars.get("checked") as DataFrame;
    expect(df.shape).toEqual([2, 3]);
    const metas = (df["_meta"].values as string[]).map((m) => JSON.parse(m) as Record<string, string>);
    expect(metas).toEqual([
      { method: "text", model: "synthlab-test-double", review: "accepted" },
      { method: "text", review: "edited" },
    ]);
    expect(df["label"].values).toEqual(["spam", "spam"]);
    expect(existsSync(path.join(ctx.cwd, ".synthlab", "review", "checked.jsonl"))).toBe(true);
    const shown = out.displays.at(-1)!;
    expect(Object.keys(shown)).toEqual(expect.arrayContaining(["text/plain", "text/html"]));
    expect(String(shown["text/plain"])).toContain("accepted 1 · edited 1 · rejected 1 · pending 0 (of 3)");
    // Text rows are shown as cards.
    expect(String(shown["text/html"])).toContain("synthlab-review-card");

    // Re-running the same cell (after a restart) writes nothing new and binds the same rows.
    const before = readFileSync(path.join(ctx.cwd, ".synthlab", "review", "checked.jsonl"), "utf8");
    await runMagicCell("%%review checked --from synth\na 1\nr 3\ne 2 label=spam\n", ctx);
    expect(readFileSync(path.join(ctx.cwd, ".synthlab", "review", "checked.jsonl"), "utf8")).toBe(before);
    expect((vars.get("checked") as DataFrame).shape[0]).toBe(2);
  });

  it("names the problem in one line for a missing table, a bad command or a bad name", async () => {
    const { ctx } = context();
    await expect(runMagicCell("%%review checked --from synht\n", ctx)).rejects.toThrow(/--from synht: no notebook variable of that name; did you mean synth/);
    await expect(runMagicCell("%%review checked --from synth\nx 1\n", ctx)).rejects.toThrow(MagicUsageError);
    await expect(runMagicCell("%%review checked --from synth\na 9\n", ctx)).rejects.toThrow(/%%review: .*no row 9; rows run from 1 to 3/);
    await expect(runMagicCell("%%review checked --from synth --layout grid\n", ctx)).rejects.toThrow(MagicUsageError);
  });
});

describe("%%generate --avoid", () => {
  it("sends a review's rejected rows to the LLM as counter-examples", async () => {
    const { ctx, out } = context();
    await runMagicCell("%%review checked --from synth\nr 1\na 2-3\n", ctx);
    process.env.OPENAI_BASE_URL = server.url;
    try {
      server.requests.length = 0;
      await runMagicCell("%%generate more --mode text --task classification --labels spam,ham --rows 4 --avoid checked\nShort messages.", ctx);
    } finally {
      delete process.env.OPENAI_BASE_URL;
    }
    const prompt = server.chatRequests().map((r) => r.body).join("\n");
    expect(prompt).toContain("do not produce rows like these");
    expect(prompt).toContain("Win a FREE cruise!!!");
    expect(prompt).not.toContain("move tomorrow"); // an accepted row is not a counter-example
    expect(out.stderr).toBe("");
  });

  it("says what to do when --avoid names nothing", async () => {
    const { ctx } = context();
    process.env.OPENAI_BASE_URL = server.url;
    try {
      await expect(runMagicCell("%%generate more --mode llm-rows --rows 2 --avoid nothing\nx", ctx))
        .rejects.toThrow(/%%generate: --avoid nothing: no notebook variable, file or dataset of that name.*nor a review of that name \(no .synthlab\/review\/nothing.jsonl here/);
    } finally {
      delete process.env.OPENAI_BASE_URL;
    }
  });
});

describe("synthlab generate --avoid", () => {
  it("reads a review's rejected rows from .synthlab/review/NAME.jsonl in the working folder", async () => {
    const { ctx } = context();
    await runMagicCell("%%review checked --from synth\nr 3\na 1-2\n", ctx);
    const cwd = process.cwd();
    process.env.OPENAI_BASE_URL = server.url;
    server.requests.length = 0;
    try {
      process.chdir(ctx.cwd);
      const r = await runCli(generateCli, ["--mode", "text", "--task", "classification", "--labels", "spam,ham", "--rows", "3",
        "--avoid", "checked", "--quiet", "--out", "more.jsonl", "--description", "Short messages."]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    } finally {
      process.chdir(cwd);
      delete process.env.OPENAI_BASE_URL;
    }
    const prompt = server.chatRequests().map((q) => q.body).join("\n");
    expect(prompt).toContain("do not produce rows like these");
    expect(prompt).toContain("Your parcel is waiting");
    expect(prompt).not.toContain("Win a FREE cruise");
  });
});
