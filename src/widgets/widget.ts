/**
 * The kernel half of an ipywidgets 8 model (Jupyter widget message protocol 2.1): the state lives
 * here, each model is one comm to target `jupyter.widget`, and changes flow both ways as `update`
 * messages (the kernel echoes the front end's own updates back as `echo_update`). Sub-models
 * (layout, style) are widgets too, referenced in state as "IPY_MODEL_<id>", and are opened before
 * the model that refers to them so the front end can resolve the reference.
 *
 * Nothing here needs a kernel: without a comm transport (plain Node) widgets keep state, fire
 * observers and format themselves; only the messages are not sent.
 */
import { randomUUID } from "node:crypto";
import { displaySymbol, type Displayable, type MimeBundle } from "../display/protocol.js";
import { commManager, type Comm, type CommPayload } from "./comm.js";
import { MODEL_SPECS, type ModelName } from "./schema.js";

/** ipywidgets 8's widget message protocol version, sent in each widget comm_open's metadata. */
export const PROTOCOL_VERSION = "2.1.0";
export const WIDGET_TARGET = "jupyter.widget";
export const CONTROL_TARGET = "jupyter.widget.control";
/** The widget-view MIME type a front end renders a model with. */
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";
const REF_PREFIX = "IPY_MODEL_";

/** One changed trait, as traitlets reports it to observers. */
export interface Change<T = unknown> {
  name: string;
  old: T;
  new: T;
  owner: Widget;
  type: "change";
}

export type Observer = (change: Change) => void;

interface ObserverEntry {
  callback: Observer;
  names: Set<string> | null;
}

/** Every live widget by model id: the control comm answers `request_states` from it. */
const LIVE = Symbol.for("synthlab.widgets.live");
function liveWidgets(): Map<string, Widget> {
  const g = globalThis as unknown as Record<symbol, Map<string, Widget> | undefined>;
  return (g[LIVE] ??= new Map());
}

/** The live widget with this model id, if any. */
export function getWidget(modelId: string): Widget | undefined {
  return liveWidgets().get(modelId);
}

/** Number of live (not closed) widgets, sub-models included. */
export function liveWidgetCount(): number {
  return liveWidgets().size;
}

/** Every live widget (a copy). */
export function allWidgets(): Widget[] {
  return [...liveWidgets().values()];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a instanceof Widget || b instanceof Widget) return false;
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/** Widgets become "IPY_MODEL_<id>" references, recursively in arrays and objects. */
function serialize(value: unknown): unknown {
  if (value instanceof Widget) return REF_PREFIX + value.modelId;
  if (Array.isArray(value)) return value.map(serialize);
  if (typeof value === "object" && value !== null && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, serialize(v)]));
  }
  return value;
}

/** "IPY_MODEL_<id>" of a live widget back to the widget (other strings stay strings). */
function deserialize(value: unknown): unknown {
  if (typeof value === "string" && value.startsWith(REF_PREFIX)) return getWidget(value.slice(REF_PREFIX.length)) ?? value;
  if (Array.isArray(value)) return value.map(deserialize);
  return value;
}

/** Put binary buffers back at their paths (protocol 2: buffers travel beside the JSON state). */
function putBuffers(state: Record<string, unknown>, paths: unknown, buffers: Uint8Array[]): void {
  if (!Array.isArray(paths)) return;
  paths.forEach((path, i) => {
    if (!Array.isArray(path) || path.length === 0 || buffers[i] === undefined) return;
    let obj: Record<string | number, unknown> = state;
    for (const key of path.slice(0, -1)) obj = obj[key as string] as Record<string | number, unknown>;
    if (obj) obj[path[path.length - 1] as string] = buffers[i];
  });
}

export type WidgetInit = Record<string, unknown>;

/** A sub-model option: the sub-model itself or the traits to create it with. */
export type SubModelInit<W extends Widget> = W | Record<string, unknown>;

export class Widget implements Displayable {
  readonly modelId: string;
  readonly modelName: ModelName;
  /** Synced state; widgets inside are sent as references. */
  protected readonly state: Record<string, unknown>;
  private comm: Comm | null = null;
  private readonly observers: ObserverEntry[] = [];
  private readonly owned: Widget[] = [];
  private customHandlers: ((content: Record<string, unknown>, buffers: Uint8Array[]) => void)[] = [];
  private isClosed = false;

  constructor(modelName: ModelName, init: WidgetInit = {}) {
    const spec = MODEL_SPECS[modelName];
    this.modelName = modelName;
    this.modelId = randomUUID().replace(/-/g, "");
    this.state = structuredClone(spec.defaults) as Record<string, unknown>;
    const refs = spec.references as Record<string, string>;
    for (const [key, refModel] of Object.entries(refs)) {
      const given = init[key];
      if (given instanceof Widget) {
        this.state[key] = given;
      } else {
        const sub = new SubModel(refModel as ModelName, (typeof given === "object" && given !== null ? given : {}) as WidgetInit);
        this.owned.push(sub);
        this.state[key] = sub;
      }
    }
    const rest = Object.fromEntries(Object.entries(init).filter(([k, v]) => !(k in refs) && v !== undefined));
    this.checkKeys(rest);
    Object.assign(this.state, rest);
    this.validate(this.state);
    liveWidgets().set(this.modelId, this);
    if (commManager().transport) this.open();
  }

  /** The class name without "Model" (IntSliderModel → IntSlider), for messages and text/plain. */
  get className(): string {
    return this.modelName.replace(/Model$/, "");
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Whether the comm to the front end is open (it is once a kernel transport exists). */
  get isOpen(): boolean {
    return this.comm !== null && !this.comm.closed;
  }

  /** One synced trait. */
  get(name: string): unknown {
    return this.state[name];
  }

  /** Set one trait or several at once (validated together); observers fire, the front end is updated. */
  set(name: string, value: unknown): void;
  set(patch: Record<string, unknown>): void;
  set(nameOrPatch: string | Record<string, unknown>, value?: unknown): void {
    const patch = typeof nameOrPatch === "string" ? { [nameOrPatch]: value } : nameOrPatch;
    this.checkKeys(patch);
    const changes = this.apply(patch);
    if (changes.length) this.sendState(changes.map((c) => c.name), "update");
    this.notify(changes);
  }

  /**
   * Call `callback` on each change of `names` (one name, several, or all traits when omitted).
   * Returns a function that removes the observer.
   */
  observe(callback: Observer, names?: string | string[]): () => void {
    if (typeof callback !== "function") throw new TypeError(`${this.className}.observe(callback, names?): callback must be a function.`);
    const list = names === undefined ? null : Array.isArray(names) ? names : [names];
    const entry: ObserverEntry = { callback, names: list ? new Set(list) : null };
    this.observers.push(entry);
    return () => this.unobserve(callback, names);
  }

  /** Remove an observer added with `observe` (same callback and names). */
  unobserve(callback: Observer, names?: string | string[]): void {
    const list = names === undefined ? null : Array.isArray(names) ? names : [names];
    const i = this.observers.findIndex(
      (o) => o.callback === callback && (list === null ? o.names === null : o.names !== null && list.every((n) => o.names!.has(n))),
    );
    if (i >= 0) this.observers.splice(i, 1);
  }

  /** Full state as sent to the front end (widgets as "IPY_MODEL_<id>"). */
  getState(): Record<string, unknown> {
    return serialize(this.state) as Record<string, unknown>;
  }

  /** Send a `custom` message to the front-end model. */
  sendCustom(content: Record<string, unknown>, buffers: Uint8Array[] = []): void {
    if (this.isOpen) this.comm!.send({ method: "custom", content }, { buffers });
  }

  /** Handle `custom` messages from the front end (e.g. a Button's click). */
  onCustom(handler: (content: Record<string, unknown>, buffers: Uint8Array[]) => void): void {
    this.customHandlers.push(handler);
  }

  /**
   * Close the model: comm_close to the front end (its views disappear), observers dropped, and the
   * layout/style made for it closed too. Closing twice does nothing.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    liveWidgets().delete(this.modelId);
    const comm = this.comm;
    this.comm = null;
    comm?.close();
    this.observers.length = 0;
    this.customHandlers = [];
    for (const sub of this.owned.splice(0)) sub.close();
  }

  /**
   * Open the comm (comm_open with the full state), sub-models and children first. Done at
   * construction when a kernel is there, and on display otherwise; a no-op outside a kernel.
   */
  open(): void {
    if (this.isOpen || this.isClosed || !commManager().transport) return;
    for (const ref of this.references()) ref.open();
    const comm = commManager().open(
      WIDGET_TARGET,
      { state: this.getState(), buffer_paths: [] },
      { metadata: { version: PROTOCOL_VERSION }, commId: this.modelId },
    );
    this.attach(comm);
  }

  /** @internal the comm of this model (a front end may re-open it after a reload). */
  attach(comm: Comm): void {
    this.comm = comm;
    comm.onMsg((msg) => this.onMessage(msg));
    comm.onClose(() => {
      // The front end closed the model: it is gone for good, as in ipywidgets.
      if (this.comm === comm) {
        this.comm = null;
        this.close();
      }
    });
  }

  /** The display bundle: the widget view, plus text for front ends that do not render widgets. */
  [displaySymbol](): MimeBundle {
    if (this.isClosed) return { "text/plain": `${this.toString()} (closed)` };
    this.open();
    return {
      [WIDGET_VIEW_MIME]: { version_major: 2, version_minor: 0, model_id: this.modelId },
      "text/plain": this.toString(),
    };
  }

  /** Like ipywidgets' repr: the class and its traits that differ from the defaults, value first. */
  toString(): string {
    const defaults = MODEL_SPECS[this.modelName].defaults as Record<string, unknown>;
    const keys = this.reprKeys().filter((k) => k === "value" || !sameValue(this.state[k], defaults[k]));
    const parts = keys.map((k) => `${k}=${reprValue(this.get(k))}`);
    return `${this.className}(${parts.join(", ")})`;
  }

  /** Node's util.inspect (console.log, text/plain of containers) shows the same text. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- for subclasses ----

  /** Keys shown by toString (when not at their default). */
  protected reprKeys(): string[] {
    return ["value", "description"].filter((k) => k in this.state);
  }

  /** Fix up state after a change (clamp a value into [min, max]); may throw a TypeError for bad input. */
  protected validate(_state: Record<string, unknown>): void {}

  /** Changes of kernel-only traits that follow synced ones (a Dropdown's value follows index). */
  protected derivedChanges(_changes: Change[], _before: Record<string, unknown>): Change[] {
    return [];
  }

  /** Widgets this one refers to (sub-models, children), which must be open before it. */
  protected references(): Widget[] {
    const out: Widget[] = [];
    const walk = (v: unknown): void => {
      if (v instanceof Widget) out.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
    };
    Object.values(this.state).forEach(walk);
    return out;
  }

  // ---- internal ----

  private checkKeys(patch: Record<string, unknown>): void {
    for (const key of Object.keys(patch)) {
      if (!(key in this.state) || key.startsWith("_model_") || key.startsWith("_view_")) {
        const known = Object.keys(this.state).filter((k) => !k.startsWith("_"));
        throw new TypeError(`${this.className} has no trait "${key}"; known traits: ${known.join(", ")}.`);
      }
    }
  }

  /** Apply a patch, validate, and return what changed (synced and derived). */
  private apply(patch: Record<string, unknown>): Change[] {
    const before = { ...this.state };
    Object.assign(this.state, patch);
    try {
      this.validate(this.state);
    } catch (err) {
      // Bad input leaves the widget as it was.
      for (const k of Object.keys(this.state)) if (!(k in before)) delete this.state[k];
      Object.assign(this.state, before);
      throw err;
    }
    const changes: Change[] = [];
    for (const name of Object.keys(this.state)) {
      if (!sameValue(before[name], this.state[name])) changes.push({ name, old: before[name], new: this.state[name], owner: this, type: "change" });
    }
    return [...changes, ...this.derivedChanges(changes, before)];
  }

  private sendState(keys: string[], method: "update" | "echo_update"): void {
    const synced = keys.filter((k) => k in this.state);
    if (!this.isOpen || synced.length === 0) return;
    const state = Object.fromEntries(synced.map((k) => [k, serialize(this.state[k])]));
    this.comm!.send({ method, state, buffer_paths: [] });
  }

  private notify(changes: Change[]): void {
    for (const change of changes) {
      for (const o of [...this.observers]) {
        if (o.names === null || o.names.has(change.name)) {
          commManager().guard(() => o.callback(change), `${this.className} observer of "${change.name}"`);
        }
      }
    }
  }

  private onMessage(msg: CommPayload): void {
    const method = msg.data["method"];
    if (method === "update") {
      const raw = (typeof msg.data["state"] === "object" && msg.data["state"] !== null ? { ...(msg.data["state"] as Record<string, unknown>) } : {});
      putBuffers(raw, msg.data["buffer_paths"], msg.buffers);
      const patch: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(raw)) if (k in this.state && !k.startsWith("_model_") && !k.startsWith("_view_")) patch[k] = deserialize(v);
      let changes: Change[];
      try {
        changes = this.apply(patch);
      } catch (err) {
        // The front end sent a value we refuse: put its view back to ours.
        commManager().onError(`${this.className}: ignored an update from the front end (${err instanceof Error ? err.message : String(err)})`);
        this.sendState(Object.keys(patch), "update");
        return;
      }
      // Echo the keys the front end sent (protocol 2.1) with their validated values: the sender
      // applies its own echo, so a clamped value reaches its view. Other synced keys that
      // validation changed go as a plain update.
      this.sendState(Object.keys(patch), "echo_update");
      const others = changes.filter((c) => c.name in this.state && !(c.name in patch));
      if (others.length) this.sendState(others.map((c) => c.name), "update");
      this.notify(changes);
    } else if (method === "request_state") {
      this.sendState(Object.keys(this.state), "update");
    } else if (method === "custom") {
      const content = (typeof msg.data["content"] === "object" && msg.data["content"] !== null ? msg.data["content"] : {}) as Record<string, unknown>;
      for (const h of [...this.customHandlers]) commManager().guard(() => h(content, msg.buffers), `${this.className} custom message handler`);
    }
  }
}

/** A layout or style model: plain traits, no view of its own. */
export class SubModel extends Widget {
  protected override reprKeys(): string[] {
    return Object.keys(this.state).filter((k) => !k.startsWith("_"));
  }
}

function reprValue(v: unknown): string {
  if (typeof v === "string") return `'${v.replace(/'/g, "\\'")}'`;
  if (v instanceof Widget) return v.toString();
  if (Array.isArray(v)) return `[${v.map(reprValue).join(", ")}]`;
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  return String(v);
}

/**
 * Define accessor properties for synced traits on a widget class's prototype, so
 * `slider.value = 3` is `slider.set("value", 3)`. Types come from `declare` fields in the class.
 */
export function defineTraits(cls: { prototype: Widget }, names: readonly string[]): void {
  for (const name of names) {
    Object.defineProperty(cls.prototype, name, {
      get(this: Widget) {
        return this.get(name);
      },
      set(this: Widget, value: unknown) {
        this.set(name, value);
      },
      configurable: true,
      enumerable: false,
    });
  }
}

/**
 * Serve the widget comm targets on the process-wide comm manager (idempotent):
 * - `jupyter.widget.control`: `request_states` is answered with every open model's state, which
 *   ipywidgets 8 front ends ask for when they connect (page reload, second window);
 * - `jupyter.widget`: a front end re-opening a known model's comm is re-attached to it.
 */
export function installWidgetTargets(): void {
  const manager = commManager();
  const names = manager.targetNames();
  if (!names.includes(CONTROL_TARGET)) {
    manager.registerTarget(CONTROL_TARGET, (comm) => {
      comm.onMsg((msg) => {
        if (msg.data["method"] !== "request_states") return;
        const states: Record<string, unknown> = {};
        for (const w of allWidgets()) {
          if (!w.isOpen) continue;
          const state = w.getState();
          states[w.modelId] = {
            model_name: state["_model_name"],
            model_module: state["_model_module"],
            model_module_version: state["_model_module_version"],
            state,
          };
        }
        comm.send({ method: "update_states", states, buffer_paths: [] });
      });
    });
  }
  if (!names.includes(WIDGET_TARGET)) {
    manager.registerTarget(WIDGET_TARGET, (comm, open) => {
      const known = getWidget(comm.commId);
      if (!known) {
        // Front-end-created models have no kernel class here: say so by closing.
        comm.close();
        return;
      }
      known.attach(comm);
      if (Object.keys(open.data).length === 0) comm.send({ method: "update", state: known.getState(), buffer_paths: [] });
    });
  }
}
