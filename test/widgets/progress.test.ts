/**
 * Progress as a widget: an IntProgress moved through comm updates where the front end renders
 * widgets, replaced by the plain bar when the work ends; plain bundles only everywhere else.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { liveProgress, liveProgressAvailable, registerProgressView } from "../../src/display/progress.js";
import { registerMagic, unregisterMagic } from "../../src/magics/index.js";
import generateMagic from "../../src/magics/library/generate.js";
import trainMagic from "../../src/magics/library/train.js";
import { frameFromRecords } from "../../src/data/frame.js";
import { commManager, installProgressWidgets, installWidgetTargets, liveWidgetCount, RecordingTransport, WIDGET_VIEW_MIME } from "../../src/widgets/index.js";
import { makeContext } from "../magics/helpers.js";

let wire: RecordingTransport;
let dir: string;
beforeAll(async () => {
  registerMagic(generateMagic);
  registerMagic(trainMagic);
  dir = await mkdtemp(join(tmpdir(), "synthlab-wprogress-"));
});
afterAll(async () => {
  unregisterMagic("generate");
  unregisterMagic("train");
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  commManager().reset();
  wire = new RecordingTransport();
  commManager().transport = wire;
  installWidgetTargets();
  installProgressWidgets();
});
afterEach(() => {
  registerProgressView(null);
  commManager().transport = null;
  commManager().reset();
});

type Shown = { bundle: Record<string, unknown>; displayId: string; update: boolean };

describe("liveProgress as a widget", () => {
  it("shows an IntProgress once, moves it by comm updates, and ends with a plain bar", async () => {
    const shown: Shown[] = [];
    const before = liveWidgetCount();
    commManager().widgetsAvailable = true;
    const p = liveProgress({ display: (bundle, o) => shown.push({ bundle, ...o }) }, 0);
    p.update({ value: 1, max: 4, text: "1 / 4" });
    await new Promise((r) => setTimeout(r, 5));
    p.update({ value: 3, max: 4, text: "3 / 4" });
    await new Promise((r) => setTimeout(r, 5));
    expect(shown).toHaveLength(1);
    const first = shown[0]!.bundle;
    const view = first[WIDGET_VIEW_MIME] as { model_id: string };
    expect(view.model_id).toMatch(/^[0-9a-f]{32}$/);
    expect(first["text/plain"]).toBe("1 / 4");
    expect(String(first["text/html"])).toContain('<progress value="1" max="4"');
    const box = wire.sent.find((m) => m.type === "comm_open" && m.content["comm_id"] === view.model_id)!;
    expect((box.content["data"] as { state: Record<string, unknown> }).state["_model_name"]).toBe("HBoxModel");
    const updates = wire.sent.filter((m) => m.type === "comm_msg").map((m) => (m.content["data"] as { state: Record<string, unknown> }).state);
    expect(updates).toContainEqual({ value: 3 });
    expect(updates).toContainEqual({ value: "3 / 4" });

    p.done({ value: 4, max: 4, text: "done" });
    const last = shown.at(-1)!;
    expect(last.update).toBe(true);
    expect(last.displayId).toBe(shown[0]!.displayId);
    expect(last.bundle[WIDGET_VIEW_MIME]).toBeUndefined();
    expect(last.bundle["text/plain"]).toBe("done");
    // The box, bar, label and their layouts/styles are all closed: nothing is left in the kernel.
    expect(liveWidgetCount()).toBe(before);
    expect(wire.sent.filter((m) => m.type === "comm_close").map((m) => m.content["comm_id"])).toContain(view.model_id);
  });

  it("is used only once a widget front end connected, and never for `live: false` or a text sink", () => {
    expect(liveProgressAvailable()).toBe(false);
    commManager().handleOpen({ comm_id: "ctl", target_name: "jupyter.widget.control", data: {} });
    expect(liveProgressAvailable()).toBe(true);
    const shown: Shown[] = [];
    liveProgress({ display: (bundle, o) => shown.push({ bundle, ...o }), live: false }, 0).update({ value: 1, max: 2, text: "plain" });
    const lines: string[] = [];
    liveProgress({ write: (t) => lines.push(t) }, 0).update({ value: 1, max: 2, text: "a line" });
    expect(shown[0]!.bundle[WIDGET_VIEW_MIME]).toBeUndefined();
    expect(lines).toEqual(["a line\n"]);
    registerProgressView(null);
    expect(liveProgressAvailable()).toBe(false);
  });
});

describe("%%generate progress", () => {
  const run = async (): Promise<{ bundle: Record<string, unknown>; options?: { displayId?: string; update?: boolean } }[]> => {
    const t = makeContext(dir);
    expect(await t.run("%%generate sales --schema coffee-shop --rows 120 --seed 3\nCoffee shop sales")).toEqual({ status: "ok" });
    return t.io.events.flatMap((e) => (e.kind === "display" ? [{ bundle: e.bundle, options: e.options }] : []));
  };

  it("is a live widget where the front end renders widgets, and plain at the end", async () => {
    commManager().widgetsAvailable = true;
    const before = liveWidgetCount();
    const displays = await run();
    expect(displays[0]!.bundle[WIDGET_VIEW_MIME]).toBeDefined();
    const id = displays[0]!.options!.displayId;
    const final = displays.filter((d) => d.options?.displayId === id).at(-1)!;
    expect(final.bundle[WIDGET_VIEW_MIME]).toBeUndefined();
    expect(String(final.bundle["text/plain"])).toMatch(/^Generated sales \(offline\): 120 \/ 120 rows/);
    expect(liveWidgetCount()).toBe(before);
  });

  it("headless (no widget front end): no widget view, no comm message", async () => {
    const displays = await run();
    expect(displays.some((d) => WIDGET_VIEW_MIME in d.bundle)).toBe(false);
    expect(wire.sent).toHaveLength(0);
  });
});

describe("%%train progress", () => {
  it("adds a live epoch bar beside its chart only where widgets render, plain at the end", async () => {
    const t = makeContext(dir);
    t.scope.set("d", frameFromRecords(Array.from({ length: 60 }, (_, i) => ({ a: i % 7, y: 2 * (i % 7) + 1 }))));
    const runTrain = async (): Promise<{ bundle: Record<string, unknown>; options?: { displayId?: string; update?: boolean } }[]> => {
      const before = t.io.events.length;
      expect((await t.run("%%train --data d --target y --model linear --epochs 5 --as m\n")).status).toBe("ok");
      return t.io.events.slice(before).flatMap((e) => (e.kind === "display" ? [{ bundle: e.bundle, options: e.options }] : []));
    };
    // Headless: only the chart and the metrics, no widget.
    const plain = await runTrain();
    expect(plain.some((d) => WIDGET_VIEW_MIME in d.bundle)).toBe(false);
    expect(plain.some((d) => /^epoch \d+ \/ 5/.test(String(d.bundle["text/plain"])))).toBe(false);

    commManager().widgetsAvailable = true;
    const before = liveWidgetCount();
    const live = await runTrain();
    const bar = live.find((d) => WIDGET_VIEW_MIME in d.bundle)!;
    expect(String(bar.bundle["text/plain"])).toMatch(/^epoch 1 \/ 5 · loss /);
    const end = live.filter((d) => d.options?.displayId === bar.options!.displayId).at(-1)!;
    expect(end.bundle[WIDGET_VIEW_MIME]).toBeUndefined();
    expect(String(end.bundle["text/plain"])).toMatch(/kept epoch/);
    expect(liveWidgetCount()).toBe(before);
  }, 120_000);
});
