/**
 * The widget module without a kernel: state, validation, observers, the messages a widget would
 * send (through a RecordingTransport), and what it does with messages from a front end.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toMimeBundle } from "../../src/display/mime.js";
import {
  Button,
  Checkbox,
  commManager,
  Dropdown,
  FloatSlider,
  HBox,
  HTML,
  IntProgress,
  IntRangeSlider,
  IntSlider,
  installWidgetTargets,
  interact,
  Label,
  link,
  dlink,
  liveWidgetCount,
  openComm,
  Output,
  RecordingTransport,
  registerCommTarget,
  Tab,
  Text,
  Textarea,
  ToggleButtons,
  VBox,
  Widget,
  WIDGET_VIEW_MIME,
  type Change,
} from "../../src/widgets/index.js";

let wire: RecordingTransport;
beforeEach(() => {
  commManager().reset();
  wire = new RecordingTransport();
  commManager().transport = wire;
  installWidgetTargets();
});
afterEach(() => {
  commManager().transport = null;
});

/** A front end's update of `w`, as the kernel receives it. */
function fromFrontend(w: Widget, data: Record<string, unknown>): void {
  commManager().handleMsg({ comm_id: w.modelId, data });
}

describe("widget models", () => {
  it("opens layout and style before the slider, with ipywidgets 8 state and protocol 2.1.0", () => {
    const s = new IntSlider({ value: 5, max: 10, description: "n" });
    const opens = wire.sent.filter((m) => m.type === "comm_open");
    expect(opens.map((m) => (m.content["data"] as { state: Record<string, unknown> }).state["_model_name"])).toEqual([
      "LayoutModel",
      "SliderStyleModel",
      "IntSliderModel",
    ]);
    const open = opens[2]!;
    expect(open.content).toMatchObject({ comm_id: s.modelId, target_name: "jupyter.widget" });
    expect(open.metadata).toEqual({ version: "2.1.0" });
    const data = open.content["data"] as { state: Record<string, unknown>; buffer_paths: unknown[] };
    expect(data.buffer_paths).toEqual([]);
    expect(data.state).toMatchObject({
      _model_module: "@jupyter-widgets/controls",
      _model_module_version: "2.0.0",
      _view_name: "IntSliderView",
      _view_module: "@jupyter-widgets/controls",
      value: 5,
      min: 0,
      max: 10,
      step: 1,
      description: "n",
      layout: `IPY_MODEL_${s.layout.modelId}`,
      style: `IPY_MODEL_${s.style.modelId}`,
    });
    expect(s.layout.get("_model_module")).toBe("@jupyter-widgets/base");
  });

  it("shows as a widget view with a text/plain fallback", async () => {
    const s = new IntSlider({ value: 5 });
    const bundle = await toMimeBundle(s);
    expect(bundle[WIDGET_VIEW_MIME]).toEqual({ version_major: 2, version_minor: 0, model_id: s.modelId });
    expect(bundle["text/plain"]).toBe("IntSlider(value=5)");
    expect(String(new IntSlider({ value: 3, max: 9, description: "k" }))).toBe("IntSlider(value=3, max=9, description='k')");
  });

  it("sends an update for a kernel-side change and fires observers with old and new", () => {
    const s = new IntSlider({ value: 1 });
    const seen: Change[] = [];
    s.observe((c) => seen.push(c), "value");
    s.value = 7;
    expect(s.value).toBe(7);
    expect(wire.dataOf("comm_msg", s.modelId)).toEqual([{ method: "update", state: { value: 7 }, buffer_paths: [] }]);
    expect(seen.map((c) => [c.name, c.old, c.new])).toEqual([["value", 1, 7]]);
    s.value = 7; // no change, no message
    expect(wire.dataOf("comm_msg", s.modelId)).toHaveLength(1);
  });

  it("applies a front-end update, echoes it, and fires observers", () => {
    const s = new IntSlider({ value: 1 });
    const values: unknown[] = [];
    s.observe((c) => values.push(c.new));
    fromFrontend(s, { method: "update", state: { value: 42 }, buffer_paths: [] });
    expect(s.value).toBe(42);
    expect(values).toEqual([42]);
    expect(wire.dataOf("comm_msg", s.modelId)).toEqual([{ method: "echo_update", state: { value: 42 }, buffer_paths: [] }]);
  });

  it("clamps values into [min, max] and corrects the front end through its echo", () => {
    const s = new IntSlider({ value: 200, max: 100 });
    expect(s.value).toBe(100);
    fromFrontend(s, { method: "update", state: { value: 500 }, buffer_paths: [] });
    expect(s.value).toBe(100);
    const msgs = wire.dataOf("comm_msg", s.modelId);
    expect(msgs).toEqual([{ method: "echo_update", state: { value: 100 }, buffer_paths: [] }]);
    const r = new IntRangeSlider({ value: [8, 2], max: 5 });
    expect(r.value).toEqual([2, 5]);
    const f = new FloatSlider({ value: 0.25, min: 0, max: 1, step: 0.05 });
    f.value = 2.5;
    expect(f.value).toBe(1);
  });

  it("rejects bad input with one clear line and keeps the old state", () => {
    const s = new IntSlider({ value: 3 });
    expect(() => (s.value = 2.5)).toThrow("IntSlider.value must be an integer, got 2.5.");
    expect(() => ((s as unknown as { value: unknown }).value = "x")).toThrow(/IntSlider.value must be a finite number, got "x"/);
    expect(s.value).toBe(3);
    expect(() => s.set("colour", 1)).toThrow(/IntSlider has no trait "colour"; known traits: .*value/);
    expect(() => new IntSlider({ min: 5, max: 1 })).toThrow("IntSlider: min (5) is above max (1).");
  });

  it("answers request_state with the full state", () => {
    const t = new Text({ value: "hi" });
    fromFrontend(t, { method: "request_state" });
    const [reply] = wire.dataOf("comm_msg", t.modelId);
    expect(reply!["method"]).toBe("update");
    expect(reply!["state"]).toMatchObject({ value: "hi", _model_name: "TextModel", layout: `IPY_MODEL_${t.layout.modelId}` });
  });

  it("Dropdown and ToggleButtons sync index; value and label follow, with observers", () => {
    const d = new Dropdown({ options: [["one", 1], ["two", 2], ["three", 3]] as const, value: 2 });
    expect(d.get("_options_labels")).toEqual(["one", "two", "three"]);
    expect(d.index).toBe(1);
    const changes: [string, unknown, unknown][] = [];
    d.observe((c) => changes.push([c.name, c.old, c.new]), ["value", "label"]);
    fromFrontend(d, { method: "update", state: { index: 2 }, buffer_paths: [] });
    expect(d.value).toBe(3);
    expect(d.label).toBe("three");
    expect(changes).toEqual([["value", 2, 3], ["label", "two", "three"]]);
    d.value = 1;
    expect(wire.dataOf("comm_msg", d.modelId).at(-1)).toEqual({ method: "update", state: { index: 0 }, buffer_paths: [] });
    expect(() => (d.value = 9)).toThrow("Dropdown: 9 is not one of the options (1, 2, 3).");
    const t = new ToggleButtons({ options: ["accept", "reject"], tooltips: ["keep it", "drop it"] });
    expect(t.value).toBe("accept");
    t.label = "reject";
    expect(t.index).toBe(1);
    expect(String(t)).toBe("ToggleButtons(options=('accept', 'reject'), value=\"reject\")");
    d.options = ["x", "y"];
    expect(d.value).toBe("x");
    expect(d.get("_options_labels")).toEqual(["x", "y"]);
  });

  it("Button runs onClick handlers on a click from the front end", () => {
    const b = new Button({ description: "Go" });
    let clicks = 0;
    const off = b.onClick((btn) => {
      expect(btn).toBe(b);
      clicks++;
    });
    fromFrontend(b, { method: "custom", content: { event: "click" } });
    fromFrontend(b, { method: "custom", content: { event: "click" } });
    expect(clicks).toBe(2);
    off();
    b.click();
    expect(clicks).toBe(2);
    // A failing handler is reported as one line; the next handler still runs.
    const errors: string[] = [];
    commManager().onError = (t) => errors.push(t);
    b.onClick(() => {
      throw new Error("no network");
    });
    b.onClick(() => clicks++);
    fromFrontend(b, { method: "custom", content: { event: "click" } });
    expect(errors).toEqual(['Button "Go" click handler failed: Error: no network']);
    expect(clicks).toBe(3);
  });

  it("has the other controls with ipywidgets' model and view names", () => {
    const expected: [Widget, string, string][] = [
      [new Checkbox({ value: true }), "CheckboxModel", "CheckboxView"],
      [new Textarea({ value: "a\nb", rows: 3 }), "TextareaModel", "TextareaView"],
      [new Label({ value: "l" }), "LabelModel", "LabelView"],
      [new HTML({ value: "<b>x</b>" }), "HTMLModel", "HTMLView"],
      [new IntProgress({ value: 3, max: 10 }), "IntProgressModel", "ProgressView"],
      [new Output(), "OutputModel", "OutputView"],
    ];
    for (const [w, model, view] of expected) {
      expect(w.getState()["_model_name"]).toBe(model);
      expect(w.getState()["_view_name"]).toBe(view);
    }
    expect(new Output().getState()["_model_module"]).toBe("@jupyter-widgets/output");
    expect(new IntProgress().style.get("_model_name")).toBe("ProgressStyleModel");
  });

  it("containers refer to children by IPY_MODEL references; Tab has titles and selected_index", () => {
    const a = new IntSlider();
    const b = new Text();
    const box = new HBox([a, b]);
    expect(box.getState()["children"]).toEqual([`IPY_MODEL_${a.modelId}`, `IPY_MODEL_${b.modelId}`]);
    const v = new VBox([box]);
    expect(v.children[0]).toBe(box);
    const tab = new Tab([a, b], { titles: ["one", "two"] });
    expect(tab.getState()).toMatchObject({ selected_index: 0, titles: ["one", "two"], _view_name: "TabView" });
    fromFrontend(tab, { method: "update", state: { selected_index: 1 }, buffer_paths: [] });
    expect(tab.selected_index).toBe(1);
    expect(() => new HBox([1 as unknown as Widget])).toThrow("HBox.children must be an array of widgets.");
  });

  it("close sends comm_close for the widget and its own layout/style, and frees them", () => {
    const before = liveWidgetCount();
    const s = new IntSlider();
    expect(liveWidgetCount()).toBe(before + 3);
    const ids = [s.modelId, s.layout.modelId, s.style.modelId];
    s.close();
    expect(liveWidgetCount()).toBe(before);
    expect(wire.sent.filter((m) => m.type === "comm_close").map((m) => m.content["comm_id"])).toEqual(ids);
    expect(commManager().get(s.modelId)).toBeUndefined();
    expect(s.closed).toBe(true);
  });

  it("a comm_close from the front end closes the widget", () => {
    const s = new IntSlider();
    commManager().handleClose({ comm_id: s.modelId, data: {} });
    expect(s.closed).toBe(true);
  });

  it("the control comm answers request_states with every open widget", () => {
    const s = new IntSlider({ value: 4 });
    expect(commManager().widgetsAvailable).toBe(false);
    expect(commManager().handleOpen({ comm_id: "ctl", target_name: "jupyter.widget.control", data: {} })).toBe(true);
    expect(commManager().widgetsAvailable).toBe(true);
    commManager().handleMsg({ comm_id: "ctl", data: { method: "request_states" } });
    const [reply] = wire.dataOf("comm_msg", "ctl");
    expect(reply!["method"]).toBe("update_states");
    const states = reply!["states"] as Record<string, { model_name: string; model_module: string; model_module_version: string; state: Record<string, unknown> }>;
    expect(states[s.modelId]).toMatchObject({ model_name: "IntSliderModel", model_module: "@jupyter-widgets/controls", model_module_version: "2.0.0", state: { value: 4 } });
    expect(states[s.layout.modelId]!.model_name).toBe("LayoutModel");
  });

  it("works without any transport (plain Node): state and observers, no messages", () => {
    commManager().transport = null;
    const s = new IntSlider({ value: 1 });
    let fired = 0;
    s.observe(() => fired++);
    s.value = 2;
    expect(fired).toBe(1);
    expect(s.isOpen).toBe(false);
    expect(wire.sent).toHaveLength(0);
  });
});

describe("link, interact, Output", () => {
  it("link keeps two traits equal both ways; unlink stops it", () => {
    const a = new IntSlider({ value: 1 });
    const b = new IntSlider({ value: 5 });
    const l = link([a, "value"], [b, "value"]);
    expect(b.value).toBe(1);
    a.value = 3;
    expect(b.value).toBe(3);
    fromFrontend(b, { method: "update", state: { value: 9 }, buffer_paths: [] });
    expect(a.value).toBe(9);
    l.unlink();
    a.value = 4;
    expect(b.value).toBe(9);
    const label = new Label();
    dlink([a, "value"], [label, "value"], (v) => `n = ${String(v)}`);
    a.value = 6;
    expect(label.value).toBe("n = 6");
    expect(() => link([a, "nope"], [b, "value"])).toThrow('link: IntSlider has no trait "nope".');
  });

  it("Output captures console output and displays, in order", async () => {
    const out = new Output();
    out.capture(() => {
      console.log("hello", 1);
      (globalThis as unknown as { display(v: unknown): void }).display({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>x</b>" }) });
      console.error("oops");
    });
    await out.flush();
    expect(out.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "hello 1\n" },
      { output_type: "display_data", data: { "text/html": "<b>x</b>", "text/plain": expect.any(String) }, metadata: {} },
      { output_type: "stream", name: "stderr", text: "oops\n" },
    ]);
    expect("display" in globalThis).toBe(false);
    out.clearOutput();
    expect(out.outputs).toEqual([]);
  });

  it("interact builds controls from abbreviations and re-runs fn into its Output on change", async () => {
    const calls: unknown[] = [];
    const w = interact(
      ({ n, scale, name, flag, pick }: { n: number; scale: number; name: string; flag: boolean; pick: string }) => {
        calls.push([n, scale, name, flag, pick]);
        console.log(`n=${n}`);
        return n * 2;
      },
      { n: [1, 9], scale: 0.5, name: "abc", flag: true, pick: ["a", "b"] },
    );
    await w.update();
    expect(w.controls.n).toBeInstanceOf(IntSlider);
    expect((w.controls.n as IntSlider).value).toBe(5);
    expect(w.controls.scale).toBeInstanceOf(FloatSlider);
    expect((w.controls.scale as FloatSlider).max).toBe(1.5);
    expect(w.controls.name).toBeInstanceOf(Text);
    expect(w.controls.flag).toBeInstanceOf(Checkbox);
    expect(w.controls.pick).toBeInstanceOf(Dropdown);
    expect(w.result).toBe(10);
    fromFrontend(w.controls.n, { method: "update", state: { value: 2 }, buffer_paths: [] });
    await w.update();
    expect(w.result).toBe(4);
    expect(calls.at(-1)).toEqual([2, 0.5, "abc", true, "a"]);
    expect(w.out.outputs[0]).toEqual({ output_type: "stream", name: "stdout", text: "n=2\n" });
    expect(w.out.outputs[1]).toMatchObject({ output_type: "display_data", data: { "text/plain": "4" } });
    expect(() => interact(() => 0, { x: {} as never })).toThrow(/interact: cannot make a control for "x"/);
  });
});

describe("comms", () => {
  it("a registered target gets the comm and its messages; unknown targets are closed", () => {
    const got: unknown[] = [];
    registerCommTarget("my.target", (comm, open) => {
      got.push(["open", open.data]);
      comm.onMsg((m) => {
        got.push(["msg", m.data]);
        comm.send({ echo: m.data["x"] });
      });
      comm.onClose(() => got.push(["close"]));
    });
    expect(commManager().handleOpen({ comm_id: "c1", target_name: "my.target", data: { a: 1 } })).toBe(true);
    commManager().handleMsg({ comm_id: "c1", data: { x: 2 } });
    commManager().handleClose({ comm_id: "c1", data: {} });
    expect(got).toEqual([["open", { a: 1 }], ["msg", { x: 2 }], ["close"]]);
    expect(wire.dataOf("comm_msg", "c1")).toEqual([{ echo: 2 }]);
    expect(commManager().handleOpen({ comm_id: "c2", target_name: "nobody", data: {} })).toBe(false);
    expect(wire.sent.at(-1)).toMatchObject({ type: "comm_close", content: { comm_id: "c2" } });
  });

  it("openComm sends comm_open; a handler that throws is reported, not thrown", () => {
    const errors: string[] = [];
    commManager().onError = (t) => errors.push(t);
    const comm = openComm("kernel.side", { hello: true });
    expect(wire.sent.at(-1)).toMatchObject({ type: "comm_open", content: { comm_id: comm.commId, target_name: "kernel.side", data: { hello: true } } });
    comm.onMsg(() => {
      throw new Error("boom");
    });
    commManager().handleMsg({ comm_id: comm.commId, data: {} });
    expect(errors).toEqual(["comm kernel.side message handler failed: Error: boom"]);
    expect(commManager().commInfo("kernel.side")).toEqual({ [comm.commId]: { target_name: "kernel.side" } });
    comm.close();
    expect(() => comm.send({})).toThrow(/is closed; open a new one to send/);
  });
});
