/**
 * The ipywidgets 8 controls synthlab implements. Trait names are ipywidgets' own (snake_case, as
 * in the state the front end reads), so `new IntSlider({ value: 5, max: 10 })` renders as
 * `widgets.IntSlider(value=5, max=10)` would.
 */
import { commManager } from "./comm.js";
import { defineTraits, SubModel, Widget, type Change, type SubModelInit, type WidgetInit } from "./widget.js";

type Orientation = "horizontal" | "vertical";

/** Traits every DOM widget has. */
interface DomTraits {
  _dom_classes: string[];
  tabbable: boolean | null;
  tooltip: string | null;
  layout: SubModelInit<SubModel>;
}

interface DescriptionTraits extends DomTraits {
  description: string;
  description_allow_html: boolean;
  style: SubModelInit<SubModel>;
}

type Options<T> = Partial<T>;

function finite(cls: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${cls}.${name} must be a finite number, got ${JSON.stringify(v)}.`);
  return v;
}

function integer(cls: string, name: string, v: unknown): number {
  const n = finite(cls, name, v);
  if (!Number.isInteger(n)) throw new TypeError(`${cls}.${name} must be an integer, got ${n}.`);
  return n;
}

function text(cls: string, name: string, v: unknown): string {
  if (typeof v !== "string") throw new TypeError(`${cls}.${name} must be a string, got ${JSON.stringify(v)}.`);
  return v;
}

function bool(cls: string, name: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new TypeError(`${cls}.${name} must be true or false, got ${JSON.stringify(v)}.`);
  return v;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

/** min ≤ max, and value clamped into [min, max], as ipywidgets' bounded traits do. */
function validateBounded(cls: string, s: Record<string, unknown>, isInt: boolean): void {
  const num = isInt ? integer : finite;
  const min = num(cls, "min", s["min"]);
  const max = num(cls, "max", s["max"]);
  if (min > max) throw new TypeError(`${cls}: min (${min}) is above max (${max}).`);
  if ("step" in s && s["step"] !== null) {
    const step = finite(cls, "step", s["step"]);
    if (step <= 0) throw new TypeError(`${cls}.step must be above 0, got ${step}.`);
  }
  s["value"] = clamp(num(cls, "value", s["value"]), min, max);
}

// ---- numbers ----

export interface IntSliderTraits extends DescriptionTraits {
  value: number;
  min: number;
  max: number;
  step: number;
  orientation: Orientation;
  readout: boolean;
  readout_format: string;
  continuous_update: boolean;
  disabled: boolean;
  behavior: string;
}

export interface IntSlider extends Omit<IntSliderTraits, "layout" | "style"> {}
/** An integer slider (value clamped into [min, max]). */
export class IntSlider extends Widget {
  declare layout: SubModel;
  declare style: SubModel;
  constructor(options: Options<IntSliderTraits> = {}) {
    super("IntSliderModel", options as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    validateBounded(this.className, s, true);
    integer(this.className, "step", s["step"]);
  }
  protected override reprKeys(): string[] {
    return ["value", "min", "max", "step", "description"];
  }
}

export interface FloatSliderTraits extends IntSliderTraits {}
export interface FloatSlider extends Omit<FloatSliderTraits, "layout" | "style"> {}
/** A float slider (value clamped into [min, max]). */
export class FloatSlider extends Widget {
  declare layout: SubModel;
  declare style: SubModel;
  constructor(options: Options<FloatSliderTraits> = {}) {
    super("FloatSliderModel", options as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    validateBounded(this.className, s, false);
  }
  protected override reprKeys(): string[] {
    return ["value", "min", "max", "step", "description"];
  }
}

export interface IntRangeSliderTraits extends Omit<IntSliderTraits, "value"> {
  value: [number, number];
}
export interface IntRangeSlider extends Omit<IntRangeSliderTraits, "layout" | "style"> {}
/** Two handles: value is [lower, upper], both clamped into [min, max], lower ≤ upper. */
export class IntRangeSlider extends Widget {
  declare layout: SubModel;
  declare style: SubModel;
  constructor(options: Options<IntRangeSliderTraits> = {}) {
    super("IntRangeSliderModel", options as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    const cls = this.className;
    const min = integer(cls, "min", s["min"]);
    const max = integer(cls, "max", s["max"]);
    if (min > max) throw new TypeError(`${cls}: min (${min}) is above max (${max}).`);
    const v = s["value"];
    if (!Array.isArray(v) || v.length !== 2) throw new TypeError(`${cls}.value must be [lower, upper], got ${JSON.stringify(v)}.`);
    const lo = clamp(integer(cls, "value[0]", v[0]), min, max);
    const hi = clamp(integer(cls, "value[1]", v[1]), min, max);
    s["value"] = lo <= hi ? [lo, hi] : [hi, lo];
  }
  protected override reprKeys(): string[] {
    return ["value", "min", "max", "description"];
  }
}

export interface IntProgressTraits extends DescriptionTraits {
  value: number;
  min: number;
  max: number;
  bar_style: "" | "success" | "info" | "warning" | "danger";
  orientation: Orientation;
}
export interface IntProgress extends Omit<IntProgressTraits, "layout" | "style"> {}
/** A progress bar over [min, max]. */
export class IntProgress extends Widget {
  declare layout: SubModel;
  declare style: SubModel;
  constructor(options: Options<IntProgressTraits> = {}) {
    super("IntProgressModel", options as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    validateBounded(this.className, s, true);
  }
  protected override reprKeys(): string[] {
    return ["value", "max", "description", "bar_style"];
  }
}

// ---- selection ----

/** An option: a label shown as is, or [label, value]. */
export type SelectionOption<V> = string | number | readonly [string, V];

interface SelectionTraits<V> extends DescriptionTraits {
  options: readonly SelectionOption<V>[];
  index: number | null;
  value: V | null;
  label: string | null;
  disabled: boolean;
}

/**
 * Dropdown and ToggleButtons: as in ipywidgets, the options live in the kernel; the front end
 * sees their labels (`_options_labels`) and syncs `index`. `value` and `label` follow `index`.
 */
abstract class Selection<V> extends Widget {
  private opts: { label: string; value: V }[] = [];
  /** The options before `options = ...` replaced them, while that change is reported. */
  private optsBefore: { label: string; value: V }[] | null = null;

  protected static parse<V>(cls: string, options: unknown): { label: string; value: V }[] {
    if (!Array.isArray(options)) throw new TypeError(`${cls}.options must be an array of labels or [label, value] pairs.`);
    return options.map((o: unknown) => {
      if (Array.isArray(o) && o.length === 2 && typeof o[0] === "string") return { label: o[0], value: o[1] as V };
      if (typeof o === "string" || typeof o === "number") return { label: String(o), value: o as V };
      throw new TypeError(`${cls}.options: ${JSON.stringify(o)} is neither a label nor a [label, value] pair.`);
    });
  }

  protected static initState<V>(cls: string, options: Partial<SelectionTraits<V>>): WidgetInit {
    const { options: list = [], value, label, index, ...rest } = options;
    const opts = Selection.parse<V>(cls, list);
    let i: number | null = opts.length ? 0 : null;
    if (index !== undefined) i = index;
    else if (value !== undefined) i = value === null ? null : findValue(cls, opts, value);
    else if (label !== undefined) i = label === null ? null : findLabel(cls, opts, label);
    return { ...rest, _options_labels: opts.map((o) => o.label), index: i };
  }

  constructor(modelName: "DropdownModel" | "ToggleButtonsModel", options: Partial<SelectionTraits<V>>) {
    super(modelName, Selection.initState(modelName.replace(/Model$/, ""), options));
    this.opts = Selection.parse<V>(this.className, options.options ?? []);
  }

  /** The options as [label, value] pairs. */
  get options(): (readonly [string, V])[] {
    return this.opts.map((o) => [o.label, o.value] as const);
  }

  /** Replace the options; the selection moves to the first one (or none). */
  set options(list: readonly SelectionOption<V>[]) {
    const parsed = Selection.parse<V>(this.className, list);
    this.optsBefore = this.opts;
    this.opts = parsed;
    try {
      this.set({ _options_labels: parsed.map((o) => o.label), index: parsed.length ? 0 : null });
    } finally {
      this.optsBefore = null;
    }
  }

  get value(): V | null {
    const i = this.get("index");
    return typeof i === "number" && this.opts[i] ? this.opts[i].value : null;
  }

  set value(v: V | null) {
    this.set("index", v === null ? null : findValue(this.className, this.opts, v));
  }

  get label(): string | null {
    const i = this.get("index");
    return typeof i === "number" && this.opts[i] ? this.opts[i].label : null;
  }

  set label(l: string | null) {
    this.set("index", l === null ? null : findLabel(this.className, this.opts, l));
  }

  protected override validate(s: Record<string, unknown>): void {
    const labels = s["_options_labels"] as unknown[];
    const i = s["index"];
    if (i === null) return;
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= labels.length) {
      throw new TypeError(`${this.className}.index must be an integer in [0, ${labels.length - 1}] or null, got ${JSON.stringify(i)}.`);
    }
  }

  protected override derivedChanges(changes: Change[]): Change[] {
    const c = changes.find((x) => x.name === "index");
    if (!c) return [];
    const at = (opts: { label: string; value: V }[], i: unknown): { label: string | null; value: V | null } =>
      typeof i === "number" && opts[i] ? opts[i] : { label: null, value: null };
    const old = at(this.optsBefore ?? this.opts, c.old);
    const now = at(this.opts, c.new);
    return [
      { name: "value", old: old.value, new: now.value, owner: this, type: "change" },
      { name: "label", old: old.label, new: now.label, owner: this, type: "change" },
    ];
  }

  protected override reprKeys(): string[] {
    return ["description"];
  }

  override toString(): string {
    const rest = super.toString().replace(/^\w+\(|\)$/g, "");
    const labels = this.opts.map((o) => `'${o.label}'`).join(", ");
    return `${this.className}(options=(${labels}), value=${JSON.stringify(this.value)}${rest ? ", " + rest : ""})`;
  }
}

function findValue<V>(cls: string, opts: { label: string; value: V }[], v: V): number {
  const i = opts.findIndex((o) => Object.is(o.value, v) || JSON.stringify(o.value) === JSON.stringify(v));
  if (i < 0) throw new TypeError(`${cls}: ${JSON.stringify(v)} is not one of the options (${opts.map((o) => JSON.stringify(o.value)).join(", ")}).`);
  return i;
}

function findLabel(cls: string, opts: { label: string }[], l: string): number {
  const i = opts.findIndex((o) => o.label === l);
  if (i < 0) throw new TypeError(`${cls}: no option is labelled ${JSON.stringify(l)}.`);
  return i;
}

export interface DropdownTraits<V> extends SelectionTraits<V> {}
/** Pick one of `options` from a drop-down list. */
export class Dropdown<V = string> extends Selection<V> {
  declare layout: SubModel;
  declare style: SubModel;
  declare description: string;
  declare disabled: boolean;
  declare index: number | null;
  constructor(options: Options<DropdownTraits<V>> = {}) {
    super("DropdownModel", options);
  }
}
defineTraits(Dropdown, ["description", "disabled", "index", "tooltip", "layout", "style"]);

export interface ToggleButtonsTraits<V> extends SelectionTraits<V> {
  tooltips: string[];
  icons: string[];
  button_style: "" | "primary" | "success" | "info" | "warning" | "danger";
}
/** Pick one of `options` from a row of buttons. */
export class ToggleButtons<V = string> extends Selection<V> {
  declare layout: SubModel;
  declare style: SubModel;
  declare description: string;
  declare disabled: boolean;
  declare index: number | null;
  declare tooltips: string[];
  declare icons: string[];
  declare button_style: ToggleButtonsTraits<V>["button_style"];
  constructor(options: Options<ToggleButtonsTraits<V>> = {}) {
    super("ToggleButtonsModel", options);
  }
}
defineTraits(ToggleButtons, ["description", "disabled", "index", "tooltip", "tooltips", "icons", "button_style", "layout", "style"]);

// ---- booleans, text ----

export interface CheckboxTraits extends DescriptionTraits {
  value: boolean;
  disabled: boolean;
  indent: boolean;
}
export interface Checkbox extends Omit<CheckboxTraits, "layout" | "style"> {}
export class Checkbox extends Widget {
  declare layout: SubModel;
  declare style: SubModel;
  constructor(options: Options<CheckboxTraits> = {}) {
    super("CheckboxModel", options as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    bool(this.className, "value", s["value"]);
  }
}

export interface TextTraits extends DescriptionTraits {
  value: string;
  placeholder: string;
  disabled: boolean;
  continuous_update: boolean;
}
export interface Text extends Omit<TextTraits, "layout" | "style"> {}
/** One line of text. */
export class Text extends Widget {
  declare layout: SubModel;
  declare style: SubModel;
  constructor(options: Options<TextTraits> = {}) {
    super("TextModel", options as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    text(this.className, "value", s["value"]);
  }
}

export interface TextareaTraits extends TextTraits {
  rows: number | null;
}
export interface Textarea extends Omit<TextareaTraits, "layout" | "style"> {}
/** Several lines of text. */
export class Textarea extends Widget {
  declare layout: SubModel;
  declare style: SubModel;
  constructor(options: Options<TextareaTraits> = {}) {
    super("TextareaModel", options as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    text(this.className, "value", s["value"]);
  }
}

export interface LabelTraits extends DescriptionTraits {
  value: string;
  placeholder: string;
}
export interface Label extends Omit<LabelTraits, "layout" | "style"> {}
/** Plain text (no HTML). */
export class Label extends Widget {
  declare layout: SubModel;
  declare style: SubModel;
  constructor(options: Options<LabelTraits> = {}) {
    super("LabelModel", options as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    text(this.className, "value", s["value"]);
  }
}

export interface HTMLTraits extends LabelTraits {}
export interface HTML extends Omit<HTMLTraits, "layout" | "style"> {}
/** HTML shown as is (the front end sanitizes it as for any widget). */
export class HTML extends Widget {
  declare layout: SubModel;
  declare style: SubModel;
  constructor(options: Options<HTMLTraits> = {}) {
    super("HTMLModel", options as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    text(this.className, "value", s["value"]);
  }
}

// ---- button ----

export interface ButtonTraits extends DomTraits {
  description: string;
  button_style: "" | "primary" | "success" | "info" | "warning" | "danger";
  icon: string;
  disabled: boolean;
  style: SubModelInit<SubModel>;
}
export interface Button extends Omit<ButtonTraits, "layout" | "style"> {}
/** A button; `onClick` handlers run when it is clicked in the front end (or by `click()`). */
export class Button extends Widget {
  declare layout: SubModel;
  declare style: SubModel;
  private clickHandlers: ((button: Button) => void)[] = [];
  constructor(options: Options<ButtonTraits> = {}) {
    super("ButtonModel", options as WidgetInit);
    this.onCustom((content) => {
      if (content["event"] === "click") this.click();
    });
  }
  /** Call `handler(button)` on each click; returns a function that removes it. */
  onClick(handler: (button: Button) => void): () => void {
    if (typeof handler !== "function") throw new TypeError("Button.onClick(handler): handler must be a function.");
    this.clickHandlers.push(handler);
    return () => {
      this.clickHandlers = this.clickHandlers.filter((h) => h !== handler);
    };
  }
  /** Run the click handlers, as a click in the front end does. */
  click(): void {
    // A failing handler is reported (in the kernel: in the cell) and does not stop the others.
    for (const h of [...this.clickHandlers]) commManager().guard(() => h(this), `Button "${this.description}" click handler`);
  }
  protected override reprKeys(): string[] {
    return ["description", "button_style", "icon"];
  }
}

// ---- containers ----

interface BoxTraits extends DomTraits {
  children: Widget[];
  box_style: "" | "success" | "info" | "warning" | "danger";
}

function checkChildren(cls: string, s: Record<string, unknown>): void {
  const children = s["children"];
  if (!Array.isArray(children) || children.some((c) => !(c instanceof Widget))) {
    throw new TypeError(`${cls}.children must be an array of widgets.`);
  }
}

export interface HBox extends Omit<BoxTraits, "layout"> {}
/** Children side by side. */
export class HBox extends Widget {
  declare layout: SubModel;
  constructor(children: Widget[] = [], options: Options<Omit<BoxTraits, "children">> = {}) {
    super("HBoxModel", { ...options, children } as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    checkChildren(this.className, s);
  }
  protected override reprKeys(): string[] {
    return ["children"];
  }
}

export interface VBox extends Omit<BoxTraits, "layout"> {}
/** Children one above the other. */
export class VBox extends Widget {
  declare layout: SubModel;
  constructor(children: Widget[] = [], options: Options<Omit<BoxTraits, "children">> = {}) {
    super("VBoxModel", { ...options, children } as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    checkChildren(this.className, s);
  }
  protected override reprKeys(): string[] {
    return ["children"];
  }
}

interface TabTraits extends BoxTraits {
  titles: string[];
  selected_index: number | null;
}
export interface Tab extends Omit<TabTraits, "layout"> {}
/** One child at a time, chosen by tabs titled `titles`. */
export class Tab extends Widget {
  declare layout: SubModel;
  constructor(children: Widget[] = [], options: Options<Omit<TabTraits, "children">> = {}) {
    super("TabModel", { selected_index: children.length ? 0 : null, ...options, children } as WidgetInit);
  }
  protected override validate(s: Record<string, unknown>): void {
    checkChildren(this.className, s);
    const titles = s["titles"];
    if (!Array.isArray(titles) || titles.some((t) => typeof t !== "string")) throw new TypeError("Tab.titles must be an array of strings.");
  }
  protected override reprKeys(): string[] {
    return ["selected_index", "titles", "children"];
  }
}

const COMMON = ["_dom_classes", "tabbable", "tooltip", "layout"];
const DESCRIBED = [...COMMON, "description", "description_allow_html", "style"];
const SLIDER = [...DESCRIBED, "value", "min", "max", "step", "orientation", "readout", "readout_format", "continuous_update", "disabled", "behavior"];
defineTraits(IntSlider, SLIDER);
defineTraits(FloatSlider, SLIDER);
defineTraits(IntRangeSlider, SLIDER);
defineTraits(IntProgress, [...DESCRIBED, "value", "min", "max", "bar_style", "orientation"]);
defineTraits(Checkbox, [...DESCRIBED, "value", "disabled", "indent"]);
defineTraits(Text, [...DESCRIBED, "value", "placeholder", "disabled", "continuous_update"]);
defineTraits(Textarea, [...DESCRIBED, "value", "placeholder", "disabled", "continuous_update", "rows"]);
defineTraits(Label, [...DESCRIBED, "value", "placeholder"]);
defineTraits(HTML, [...DESCRIBED, "value", "placeholder"]);
defineTraits(Button, [...COMMON, "description", "button_style", "icon", "disabled", "style"]);
defineTraits(HBox, [...COMMON, "children", "box_style"]);
defineTraits(VBox, [...COMMON, "children", "box_style"]);
defineTraits(Tab, [...COMMON, "children", "box_style", "titles", "selected_index"]);
