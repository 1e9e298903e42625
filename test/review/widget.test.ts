// The review's widget view at the protocol level: what a front end sends (a button's click, a text
// box's update + submit, a dropdown's index) is fed to the comm manager as comm_msg content, and the
// decision, the count and the JSONL file change. No kernel and no browser.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { frameFromRecords } from "../../src/data/frame.js";
import { displaySymbol } from "../../src/display/protocol.js";
import { commManager, installWidgetTargets, RecordingTransport, WIDGET_VIEW_MIME, getWidget, type Widget } from "../../src/widgets/index.js";
import { review, reviewFile } from "../../src/review/index.js";

let wire: RecordingTransport;
beforeEach(() => {
  commManager().reset();
  wire = new RecordingTransport();
  commManager().transport = wire;
  installWidgetTargets();
});
afterEach(() => commManager().reset());

const table = () => frameFromRecords(Array.from({ length: 12 }, (_, i) => ({ product: ["Latte", "Cocoa"][i % 2], price: 2 + i })));
const fresh = () => mkdtempSync(path.join(tmpdir(), "synthlab-review-w-"));

/** What a front end sends for one user action. */
const click = (w: Widget) => commManager().handleMsg({ comm_id: w.modelId, data: { method: "custom", content: { event: "click" } } });
const update = (w: Widget, state: Record<string, unknown>) => commManager().handleMsg({ comm_id: w.modelId, data: { method: "update", state, buffer_paths: [] } });
const submit = (w: Widget) => commManager().handleMsg({ comm_id: w.modelId, data: { method: "custom", content: { event: "submit" } } });

function shown(r: ReturnType<typeof review>) {
  const bundle = r[displaySymbol]();
  const view = bundle[WIDGET_VIEW_MIME] as { model_id: string };
  const root = getWidget(view.model_id)!;
  // The view's parts, found as the front end would: by their CSS class.
  const byClass = (cls: string) => [...wire.dataOf("comm_open")].map((d) => d as { state: Record<string, unknown> })
    .map((d, i) => ({ d, id: String(wire.sent.filter((m) => m.type === "comm_open")[i]!.content["comm_id"]) }))
    .find(({ d }) => ((d.state["_dom_classes"] as string[] | undefined) ?? []).includes(cls))!.id;
  const part = (cls: string) => getWidget(byClass(`synthlab-review-${cls}`))!;
  return { bundle, root, part };
}

describe("review widget over the comm protocol", () => {
  it("displays as a widget view with the page as text and HTML for front ends without widgets", () => {
    const r = review(table(), { name: "w", dir: fresh() });
    const { bundle, root } = shown(r);
    expect(root.modelName).toBe("VBoxModel");
    expect(String(bundle["text/plain"])).toContain("Review w: page 1 of 2 · accepted 0 · edited 0 · rejected 0 · pending 12 (of 12)");
    expect(String(bundle["text/html"])).toContain('<td>Latte</td>');
    expect(wire.dataOf("comm_open").length).toBeGreaterThan(10);
  });

  it("a click on Accept / Reject decides the selected row, updates the count and writes the file", () => {
    const dir = fresh();
    const r = review(table(), { name: "clicks", dir });
    const { part } = shown(r);
    click(part("accept"));                 // row 1 (the cursor), then the cursor moves to row 2
    click(part("reject"));                 // row 2
    update(part("row"), { index: 4 });     // pick row 5 in the dropdown
    click(part("accept"));
    expect(r.counts()).toMatchObject({ accepted: 2, rejected: 1, pending: 9 });
    expect(part("counts").get("value")).toBe("accepted 2 · edited 0 · rejected 1 · pending 9 (of 12)");
    // The kernel told the front end the new count and page.
    const updates = wire.dataOf("comm_msg", part("counts").modelId).filter((d) => d["method"] === "update");
    expect(updates.at(-1)).toMatchObject({ state: { value: "accepted 2 · edited 0 · rejected 1 · pending 9 (of 12)" } });
    expect(String(part("page").get("value"))).toContain('data-row="2" data-state="rejected"');
    const lines = readFileSync(reviewFile(dir, "clicks"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { decision: string; row: { price: number } });
    expect(lines.map((l) => [l.decision, l.row.price])).toEqual([["accepted", 2], ["rejected", 3], ["accepted", 6]]);
  });

  it("a typed command submitted with Enter decides rows; a bad one is shown, not thrown", () => {
    const r = review(table(), { name: "keys", dir: fresh() });
    const { part } = shown(r);
    const box = part("command");
    update(box, { value: "r 3-4" });
    submit(box);
    expect(r.counts().rejected).toBe(2);
    expect(box.get("value")).toBe(""); // cleared for the next command
    update(box, { value: "e 1 price=99" });
    submit(box);
    expect(r.counts().edited).toBe(1);
    update(box, { value: "zap" });
    submit(box);
    expect(String(part("status").get("value"))).toMatch(/unknown command "zap"/);
    update(box, { value: "n" });
    submit(box);
    expect(String(part("page").get("value"))).toContain('data-row="11"');
  });

  it("Edit loads the row into the editor and Save stores the edit", () => {
    const r = review(table(), { name: "ed", dir: fresh() });
    const { part } = shown(r);
    click(part("edit"));
    expect(JSON.parse(String(part("editor").get("value")))).toEqual({ product: "Latte", price: 2 });
    update(part("editor"), { value: '{"product": "Mocha", "price": 2}' });
    click(part("save"));
    expect(r.session.state(0)).toBe("edited");
    expect(r.session.row(0).product).toBe("Mocha");
    update(part("editor"), { value: "{not json" });
    click(part("save"));
    expect(String(part("status").get("value"))).toMatch(/does not hold a JSON object/);
  });

  it("re-opening by name after a restart shows earlier decisions", () => {
    const dir = fresh();
    const first = review(table(), { name: "again", dir });
    click(shown(first).part("reject"));
    first.close();
    commManager().reset(); commManager().transport = wire = new RecordingTransport(); installWidgetTargets();
    const second = review(table(), { name: "again", dir });
    const { part, bundle } = shown(second);
    expect(second.counts().rejected).toBe(1);
    expect(String(bundle["text/plain"])).toContain("#1 [rejected]");
    expect(String(part("page").get("value"))).toContain('data-row="1" data-state="rejected"');
  });
});
