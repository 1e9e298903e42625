/**
 * The review through the real kernel process (built dist/), with the TypeScript test client as the
 * front end: comm_msg messages — a button's click, a text box's update and Enter (submit) — change
 * the decisions the next cell sees and the decision file in the kernel's folder.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelClient, REPO, type Msg } from "../kernel/client.js";

describe("review over the kernel's comms", () => {
  let k: KernelClient;
  const dir = mkdtempSync(join(tmpdir(), "synthlab-review-kernel-"));

  beforeAll(async () => {
    if (!existsSync(join(REPO, "dist/review/index.js"))) throw new Error("dist/ is missing: run `npx tsc -p tsconfig.build.json` first.");
    k = await KernelClient.start();
    await k.ready();
    await k.execute("0", {}, 150_000);
  }, 180_000);
  afterAll(async () => { await k?.close(); });

  /** The comm id of the review part with this CSS class, from the comm_open messages of a cell. */
  const part = (outputs: Msg[], cls: string): string => {
    const open = outputs.find((m) => m.header.msg_type === "comm_open"
      && ((m.content.data.state._dom_classes as string[] | undefined) ?? []).includes(`synthlab-review-${cls}`));
    if (!open) throw new Error(`no comm_open for synthlab-review-${cls}`);
    return open.content.comm_id as string;
  };
  const frontend = (commId: string, data: Record<string, unknown>): Promise<string> => k.send("shell", "comm_msg", { comm_id: commId, data });
  const stateNow = async (): Promise<{ states: string[]; counts: Record<string, number> }> => {
    const r = await k.execute("console.log(JSON.stringify({ states: [0, 1, 2, 3, 4].map((i) => rv.session.state(i)), counts: rv.counts() }))");
    const out = r.outputs.find((m) => m.header.msg_type === "stream");
    return JSON.parse(String(out?.content.text ?? "{}")) as { states: string[]; counts: Record<string, number> };
  };

  it("a click on Reject and a command submitted with Enter change the decisions and the file", async () => {
    const r = await k.execute(
      'import { review } from "synthlab";\n' +
        `const rv = review([1, 2, 3, 4, 5].map((n) => ({ item: "cup " + n, price: n })), { name: "kernel", dir: ${JSON.stringify(dir)} });\n` +
        "rv",
    );
    expect(r.reply.content.status).toBe("ok");
    await frontend(part(r.outputs, "reject"), { method: "custom", content: { event: "click" } });
    const box = part(r.outputs, "command");
    await frontend(box, { method: "update", state: { value: "a 3-4" }, buffer_paths: [] });
    await frontend(box, { method: "custom", content: { event: "submit" } });
    // The kernel answers each action by updating the count label in the front end.
    const counts = part(r.outputs, "counts");
    await k.waitFor(() => k.iopub.find((m) => m.header.msg_type === "comm_msg" && m.content.comm_id === counts
      && m.content.data.state?.value === "accepted 2 · edited 0 · rejected 1 · pending 2 (of 5)"), 20_000, "the count label's update");
    const s = await stateNow();
    expect(s.states).toEqual(["rejected", "pending", "accepted", "accepted", "pending"]);
    const lines = readFileSync(join(dir, ".synthlab", "review", "kernel.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { decision: string; row: { item: string } });
    expect(lines.map((l) => [l.decision, l.row.item])).toEqual([["rejected", "cup 1"], ["accepted", "cup 3"], ["accepted", "cup 4"]]);
  }, 60_000);
});
