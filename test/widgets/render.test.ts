/**
 * The widgets' state as ipywidgets 8's own front-end code renders it: the state the control comm
 * sends (`update_states`) is embedded in a page with @jupyter-widgets/html-manager's embedder
 * (bundling @jupyter-widgets/base, controls and output) and opened in Debian's Chromium through
 * playwright-core. A model name, module version or state key the front end does not know shows as
 * "Error displaying widget" or a console error; a wrong trait shows as the wrong text.
 * (The live round trip with a kernel is the browser test's job.)
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Button, Checkbox, commManager, Dropdown, FloatSlider, HBox, HTML, installWidgetTargets, IntProgress, IntRangeSlider,
  IntSlider, Label, Output, RecordingTransport, Tab, Text, Textarea, ToggleButtons, VBox, type Widget,
} from "../../src/widgets/index.js";

const REPO = resolve(import.meta.dirname, "../..");
const EMBED = join(REPO, "node_modules/@jupyter-widgets/html-manager/dist/embed.js");
const CHROMIUM = "/usr/bin/chromium";

/** What each view must show: a CSS class of ipywidgets' view and text it renders from our state. */
interface Expect {
  name: string;
  widget: Widget;
  cls: string;
  text?: string;
  /** A selector inside the view whose value/ textContent is checked. */
  value?: { selector: string; prop: "value" | "textContent"; equals: string };
}

let dir: string;
let rendered: { cls: string; text: string; values: Record<string, string> }[] = [];
let errors: string[] = [];
let cases: Expect[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium).`);
  commManager().reset();
  const wire = new RecordingTransport();
  commManager().transport = wire;
  installWidgetTargets();

  const out = new Output();
  out.appendStdout("hello from the output widget\n");
  await out.flush();
  const a = new Label({ value: "left" });
  const b = new Label({ value: "right" });
  cases = [
    { name: "IntSlider", widget: new IntSlider({ value: 7, max: 20, description: "rows" }), cls: "widget-hslider", text: "rows", value: { selector: ".widget-readout", prop: "textContent", equals: "7" } },
    { name: "FloatSlider", widget: new FloatSlider({ value: 0.25, min: 0, max: 1, step: 0.05, description: "noise" }), cls: "widget-hslider", value: { selector: ".widget-readout", prop: "textContent", equals: "0.25" } },
    { name: "IntRangeSlider", widget: new IntRangeSlider({ value: [2, 8], max: 10 }), cls: "widget-hslider", value: { selector: ".widget-readout", prop: "textContent", equals: "2 – 8" } },
    { name: "Dropdown", widget: new Dropdown({ options: [["small", 1], ["large", 2]], value: 2 }), cls: "widget-dropdown", value: { selector: "select", prop: "value", equals: "large" } },
    { name: "ToggleButtons", widget: new ToggleButtons({ options: ["accept", "reject", "edit"], value: "reject" }), cls: "widget-toggle-buttons", text: "accept", value: { selector: ".mod-active", prop: "textContent", equals: "reject" } },
    { name: "Checkbox", widget: new Checkbox({ value: true, description: "dedup" }), cls: "widget-checkbox", value: { selector: "input", prop: "value", equals: "on" } },
    { name: "Text", widget: new Text({ value: "hello text" }), cls: "widget-text", value: { selector: "input", prop: "value", equals: "hello text" } },
    { name: "Textarea", widget: new Textarea({ value: "two\nlines" }), cls: "widget-textarea", value: { selector: "textarea", prop: "value", equals: "two\nlines" } },
    { name: "Button", widget: new Button({ description: "Generate", button_style: "primary" }), cls: "widget-button", text: "Generate" },
    { name: "Label", widget: new Label({ value: "a plain label" }), cls: "widget-label", text: "a plain label" },
    { name: "HTML", widget: new HTML({ value: "<b>bold html</b>" }), cls: "widget-html", value: { selector: "b", prop: "textContent", equals: "bold html" } },
    { name: "IntProgress", widget: new IntProgress({ value: 30, max: 60, bar_style: "success" }), cls: "widget-hprogress" },
    { name: "Output", widget: out, cls: "widget-output", text: "hello from the output widget" },
    { name: "HBox", widget: new HBox([a, b]), cls: "widget-hbox", text: "leftright" },
    { name: "VBox", widget: new VBox([new Label({ value: "top" }), new Label({ value: "bottom" })]), cls: "widget-vbox", text: "topbottom" },
    { name: "Tab", widget: new Tab([new Label({ value: "first page" }), new Label({ value: "second page" })], { titles: ["One", "Two"] }), cls: "widget-tab", text: "One" },
  ];

  // The states exactly as a connecting front end gets them from the control comm.
  commManager().handleOpen({ comm_id: "ctl", target_name: "jupyter.widget.control", data: {} });
  commManager().handleMsg({ comm_id: "ctl", data: { method: "request_states" } });
  const reply = wire.dataOf("comm_msg", "ctl")[0]!;
  const state = { version_major: 2, version_minor: 0, state: reply["states"] };
  const views = cases
    .map((c) => `<div class="case"><script type="application/vnd.jupyter.widget-view+json">${JSON.stringify({ version_major: 2, version_minor: 0, model_id: c.widget.modelId })}</script></div>`)
    .join("\n");
  dir = mkdtempSync(join(tmpdir(), "synthlab-render-"));
  const page = join(dir, "index.html");
  writeFileSync(
    page,
    `<!doctype html><html><head><meta charset="utf-8"><script src="${pathToFileURL(EMBED).href}"></script>` +
      `<script type="application/vnd.jupyter.widget-state+json">${JSON.stringify(state).replace(/</g, "\\u003c")}</script></head><body>${views}</body></html>`,
  );
  commManager().transport = null;
  commManager().reset();

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--allow-file-access-from-files", "--no-sandbox"] });
  try {
    const tab = await browser.newPage();
    tab.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
    tab.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    await tab.goto(pathToFileURL(page).href);
    // Page code as strings: the test program is compiled without the DOM library.
    await tab.waitForFunction(
      `document.querySelectorAll(".case .jupyter-widgets, .case .jupyter-widgets-error-widget").length >= ${cases.length}`,
      undefined,
      { timeout: 60_000 },
    );
    const probes = JSON.stringify(cases.map((c) => c.value ?? null));
    rendered = (await tab.evaluate(`[...document.querySelectorAll(".case")].map((div, i) => {
      const probe = ${probes}[i];
      // Every class in the rendered view (it sits in html-manager's "widget-subarea" wrapper).
      const classes = [...div.querySelectorAll("*")].flatMap((e) => [...e.classList]);
      const el = probe ? div.querySelector(probe.selector) : null;
      const value = el ? String(probe.prop === "value" ? el.value : el.textContent) : "";
      return { cls: classes.join(" "), text: div.textContent || "", values: { value } };
    })`)) as typeof rendered;
  } finally {
    await browser.close();
  }
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("ipywidgets 8's front end (html-manager) renders our state", () => {
  it("without errors", () => {
    expect(errors).toEqual([]);
    expect(rendered.map((r) => r.text).filter((t) => /Error displaying widget|Failed to/i.test(t))).toEqual([]);
  });

  it.each(["IntSlider", "FloatSlider", "IntRangeSlider", "Dropdown", "ToggleButtons", "Checkbox", "Text", "Textarea", "Button", "Label", "HTML", "IntProgress", "Output", "HBox", "VBox", "Tab"])(
    "%s",
    (name) => {
      const i = cases.findIndex((c) => c.name === name);
      const c = cases[i]!;
      const r = rendered[i]!;
      expect(r.cls.split(/\s+/)).toContain(c.cls);
      if (c.text) expect(r.text).toContain(c.text);
      if (c.value) expect(r.values["value"]).toBe(c.value.equals);
    },
  );
});
