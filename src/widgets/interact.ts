/**
 * ipywidgets' helpers on top of the controls: `link`/`dlink` keep traits of two widgets equal in
 * the kernel, `interactive`/`interact` build controls from plain values and re-run a function
 * into an Output whenever one changes.
 */
import { Checkbox, Dropdown, FloatSlider, IntSlider, Text, VBox } from "./controls.js";
import { Output } from "./output.js";
import { Widget, type Change } from "./widget.js";

export type TraitRef = readonly [Widget, string];

export interface Link {
  /** Stop syncing. */
  unlink(): void;
}

function checkRef(fn: string, ref: TraitRef): void {
  if (!Array.isArray(ref) || !(ref[0] instanceof Widget) || typeof ref[1] !== "string") {
    throw new TypeError(`${fn}: each end must be [widget, "trait"], e.g. [slider, "value"].`);
  }
  if (!(ref[1] in ref[0])) throw new TypeError(`${fn}: ${ref[0].className} has no trait "${ref[1]}".`);
}

/** Keep `target`'s trait equal to `source`'s (source → target only), through `transform`. */
export function dlink(source: TraitRef, target: TraitRef, transform: (v: unknown) => unknown = (v) => v): Link {
  checkRef("dlink", source);
  checkRef("dlink", target);
  const [s, sName] = source;
  const [t, tName] = target;
  const copy = (): void => void ((t as unknown as Record<string, unknown>)[tName] = transform((s as unknown as Record<string, unknown>)[sName]));
  copy();
  const off = s.observe(copy, sName);
  return { unlink: off };
}

/** Keep two traits equal both ways (ipywidgets' `link`); `a`'s value wins at the start. */
export function link(a: TraitRef, b: TraitRef): Link {
  checkRef("link", a);
  checkRef("link", b);
  let busy = false;
  const sync = (from: TraitRef, to: TraitRef) => (c: Change): void => {
    if (busy) return;
    busy = true;
    try {
      (to[0] as unknown as Record<string, unknown>)[to[1]] = c.new;
    } finally {
      busy = false;
    }
  };
  (b[0] as unknown as Record<string, unknown>)[b[1]] = (a[0] as unknown as Record<string, unknown>)[a[1]];
  const offA = a[0].observe(sync(a, b), a[1]);
  const offB = b[0].observe(sync(b, a), b[1]);
  return { unlink: () => { offA(); offB(); } };
}

/**
 * How a control is given to `interactive`, after ipywidgets' abbreviations:
 * - an integer `n` → IntSlider over [-n, 3n] (0 → [0, 1]); a fraction → FloatSlider likewise;
 * - `[min, max]` or `[min, max, step]` (numbers) → IntSlider, or FloatSlider if any is a fraction;
 * - `true`/`false` → Checkbox; a string → Text;
 * - an array of strings or of `[label, value]` pairs → Dropdown;
 * - a widget with a `value` trait → itself.
 */
export type Abbreviation =
  | number
  | boolean
  | string
  | readonly [number, number]
  | readonly [number, number, number]
  | readonly (string | readonly [string, unknown])[]
  | Widget;

/** The control for one abbreviation (see Abbreviation). */
export function widgetFor(name: string, abbrev: Abbreviation): Widget {
  if (abbrev instanceof Widget) {
    if (!("value" in abbrev)) throw new TypeError(`interact: the widget for "${name}" has no value trait.`);
    return abbrev;
  }
  const description = name;
  if (typeof abbrev === "boolean") return new Checkbox({ value: abbrev, description });
  if (typeof abbrev === "string") return new Text({ value: abbrev, description });
  if (typeof abbrev === "number") {
    if (!Number.isFinite(abbrev)) throw new TypeError(`interact: "${name}" is ${abbrev}; give a finite number.`);
    const [min, max] = abbrev === 0 ? [0, 1] : abbrev > 0 ? [-abbrev, 3 * abbrev] : [3 * abbrev, -abbrev];
    return Number.isInteger(abbrev)
      ? new IntSlider({ value: abbrev, min, max, description })
      : new FloatSlider({ value: abbrev, min, max, step: (max - min) / 100, description });
  }
  if (Array.isArray(abbrev)) {
    if ((abbrev.length === 2 || abbrev.length === 3) && abbrev.every((x) => typeof x === "number")) {
      const [min, max, step] = abbrev as number[];
      if (min! > max!) throw new TypeError(`interact: "${name}" is [${min}, ${max}]; min must not be above max.`);
      if ((abbrev as number[]).every(Number.isInteger)) {
        const s = step ?? 1;
        return new IntSlider({ min, max, step: s, value: min! + Math.round((max! - min!) / 2 / s) * s, description });
      }
      return new FloatSlider({ min, max, step: step ?? (max! - min!) / 100, value: (min! + max!) / 2, description });
    }
    if (abbrev.length > 0) return new Dropdown<unknown>({ options: abbrev as (string | [string, unknown])[], description });
  }
  throw new TypeError(
    `interact: cannot make a control for "${name}" from ${JSON.stringify(abbrev)}; use a number, [min, max(, step)], a boolean, a string, a list of options or a widget.`,
  );
}

/** Controls + an Output; `fn` re-runs into the Output whenever a control changes. */
export class Interactive<A extends Record<string, unknown> = Record<string, unknown>> extends VBox {
  readonly controls: Record<keyof A & string, Widget>;
  readonly out: Output;
  /** What `fn` returned last (awaited when it returns a promise). */
  result: unknown;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly fn: (args: A) => unknown, abbreviations: Record<keyof A & string, Abbreviation>) {
    if (typeof fn !== "function") throw new TypeError("interact(fn, controls): fn must be a function of one object argument.");
    if (typeof abbreviations !== "object" || abbreviations === null) throw new TypeError("interact(fn, controls): controls must be an object, e.g. { n: [1, 10] }.");
    const controls = Object.fromEntries(Object.entries(abbreviations).map(([k, v]) => [k, widgetFor(k, v as Abbreviation)])) as Record<keyof A & string, Widget>;
    const out = new Output();
    super([...Object.values<Widget>(controls), out], { _dom_classes: ["widget-interact"] });
    this.controls = controls;
    this.out = out;
    for (const w of Object.values<Widget>(controls)) w.observe(() => void this.update(), "value");
    void this.update();
  }

  /** The current value of each control. */
  get kwargs(): A {
    return Object.fromEntries(Object.entries<Widget>(this.controls).map(([k, w]) => [k, (w as unknown as { value: unknown }).value])) as A;
  }

  /** Re-run `fn` with the controls' values, into the Output (runs one at a time, in order). */
  update(): Promise<void> {
    this.running = this.running.then(async () => {
      this.out.clearOutput();
      try {
        const value = await this.out.capture(() => this.fn(this.kwargs));
        this.result = value;
        if (value !== undefined) await this.out.appendDisplayData(value);
      } catch (err) {
        this.out.appendStderr(`${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
      }
      await this.out.flush();
    });
    return this.running;
  }

  /** Close the controls and the Output with the box. */
  override close(): void {
    for (const w of Object.values<Widget>(this.controls)) w.close();
    this.out.close();
    super.close();
  }
}

/** Controls for `fn`'s arguments, built from `controls` (see Abbreviation); not shown by itself. */
export function interactive<A extends Record<string, unknown>>(fn: (args: A) => unknown, controls: Record<keyof A & string, Abbreviation>): Interactive<A> {
  return new Interactive(fn, controls);
}

/**
 * ipywidgets' `interact`: the controls and `fn`'s output. It is a widget: the cell's last value
 * or `display(...)` shows it (a TypeScript function cannot be shown the way Python's decorator does).
 */
export const interact = interactive;
