/**
 * Live progress for long library calls, shown wherever the caller runs: in a notebook cell a
 * progress bar updated in place (one display id, as %%generate shows it; a live IntProgress widget
 * while it runs when the front end renders widgets), elsewhere (CLI, scripts) a line on stderr,
 * rewritten in place on a terminal. Library functions report here, so a magic, a
 * CLI command and a plain TypeScript cell all get the same display without wiring it themselves.
 */
import { commManager } from "../widgets/comm.js";
import { HBox, IntProgress, Label } from "../widgets/controls.js";
import { displaySymbol, type MimeBundle } from "./protocol.js";

/** Updates at most this often (ms): ~4/s keeps a front end responsive. */
export const THROTTLE_MS = 250;

/** A progress bar and its text line as a display bundle (HTML <progress> plus text/plain). */
export function progressBundle(text: string, value: number, max: number): MimeBundle {
  const esc = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const top = Math.max(max, 1);
  return {
    "text/plain": text,
    "text/html": `<div><progress value="${Math.min(Math.max(value, 0), top)}" max="${top}" style="width:16em"></progress> <span>${esc}</span></div>`,
  };
}

/**
 * Calls `send` at most once per `ms`. A value held back is sent when its window ends (a trailing
 * timer), so the display never lags behind work that went quiet; `flush` sends it now, `cancel`
 * drops it (before the final update).
 */
export function throttle<T>(send: (v: T) => void, ms = THROTTLE_MS, now: () => number = Date.now): { push(v: T): void; flush(): void; cancel(): void } {
  let last = -Infinity;
  let pending: T | undefined;
  let has = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const clear = (): void => { if (timer !== undefined) { clearTimeout(timer); timer = undefined; } };
  const flush = (): void => {
    clear();
    if (has) { has = false; last = now(); send(pending as T); }
  };
  return {
    push(v) {
      const t = now();
      if (t - last >= ms) { clear(); last = t; has = false; send(v); return; }
      pending = v;
      has = true;
      if (timer === undefined) {
        timer = setTimeout(flush, Math.max(0, ms - (t - last)));
        timer.unref?.();
      }
    },
    flush,
    cancel() { clear(); has = false; },
  };
}

export interface ProgressState {
  value: number;
  max: number;
  text: string;
}

export interface LiveProgress {
  /** Throttled: the latest state is shown within THROTTLE_MS. */
  update(state: ProgressState): void;
  /** The final state, shown at once (no more updates after it). */
  done(state: ProgressState): void;
}

/** Where the progress goes: a notebook display (id-updated bundles) or a text stream. */
export interface ProgressSink {
  display?(bundle: MimeBundle, options: { displayId: string; update: boolean }): void;
  /**
   * With `display`: show a live IntProgress widget while the work runs (the front end renders
   * widgets), replaced by the plain bundle when it ends, so saved notebooks keep no widget.
   */
  widgets?: boolean;
  write?(text: string): void;
  /** A terminal: rewrite one line with \r instead of printing a line per update. */
  tty?: boolean;
}

/** The kernel's `display` global (src/kernel/execution/globals.ts) when a notebook cell runs this code. */
type DisplayGlobal = (value: unknown, options?: { displayId?: string; update?: boolean }) => unknown;

/** The running notebook cell's display when there is one, else stderr. */
export function defaultProgressSink(): ProgressSink {
  const display = (globalThis as { display?: unknown }).display;
  if (typeof display === "function") {
    return {
      widgets: widgetsAvailable(),
      display: (bundle, options) => {
        // The display protocol object keeps the bundle as is (a plain object would be shown as JSON).
        (display as DisplayGlobal)({ [displaySymbol]: () => bundle }, options);
      },
    };
  }
  return { write: (text) => void process.stderr.write(text), tty: process.stderr.isTTY === true };
}

/**
 * True when the kernel's front end renders ipywidgets (it opened the widget control comm when it
 * connected). Headless runs (nbclient, `synthlab run`) never do, and get plain bundles.
 */
export function widgetsAvailable(): boolean {
  return commManager().widgetsAvailable;
}

/** The live widget form of a progress display: a bar and its text line, updated through comms. */
class ProgressWidget {
  private readonly bar: IntProgress;
  private readonly label: Label;
  private readonly box: HBox;

  constructor(s: ProgressState) {
    this.bar = new IntProgress({ value: 0, max: Math.max(s.max, 1), layout: { width: "16em" } });
    this.label = new Label({ value: s.text });
    this.box = new HBox([this.bar, this.label]);
    this.set(s);
  }

  /** The widget view, with the plain bundle as the fallback for front ends without widgets. */
  bundle(s: ProgressState): MimeBundle {
    return { ...progressBundle(s.text, s.value, s.max), ...this.box[displaySymbol]() , "text/plain": s.text };
  }

  set(s: ProgressState): void {
    const max = Math.max(s.max, 1);
    this.bar.set({ max, value: Math.min(Math.max(Math.round(s.value), 0), max) });
    this.label.value = s.text;
  }

  close(): void {
    for (const w of [this.box, this.bar, this.label]) w.close();
  }
}

let counter = 0;

/** A live progress display on `sink` (default: the running cell, else stderr). */
export function liveProgress(sink: ProgressSink = defaultProgressSink(), ms = THROTTLE_MS): LiveProgress {
  const displayId = `synthlab-progress-${Date.now().toString(36)}-${(++counter).toString(36)}`;
  let shown = false;
  let broken = false;
  let widget: ProgressWidget | undefined;
  const show = (s: ProgressState, final: boolean): void => {
    if (broken) return;
    try {
      if (sink.display && sink.widgets && !final) {
        // Live: the first state shows the widget; later ones only move it (no new output).
        if (!widget) {
          widget = new ProgressWidget(s);
          sink.display(widget.bundle(s), { displayId, update: shown });
        } else widget.set(s);
      } else if (sink.display) {
        // The end (or no widgets): a plain bundle replaces the widget, which is then closed.
        sink.display(progressBundle(s.text, s.value, s.max), { displayId, update: shown });
        widget?.close();
        widget = undefined;
      } else if (sink.write) {
        sink.write(sink.tty ? `\r${s.text}${final ? "\n" : ""}` : `${s.text}\n`);
      }
      shown = true;
    } catch {
      broken = true; // e.g. the cell that started the work has ended: progress is not worth an error
      widget?.close();
      widget = undefined;
    }
  };
  // Without a terminal, a line per update would flood a log: one a second is enough.
  const updates = throttle<ProgressState>((s) => show(s, false), sink.display || sink.tty ? ms : Math.max(ms, 1000));
  return {
    update: (s) => updates.push(s),
    done: (s) => { updates.cancel(); show(s, true); },
  };
}
