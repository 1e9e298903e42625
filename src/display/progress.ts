/**
 * Live progress for long library calls, shown wherever the caller runs: in a notebook cell a
 * progress bar updated in place (one display id, as %%generate shows it; while it runs, a live
 * view such as an ipywidgets IntProgress when one is registered and the front end renders it),
 * elsewhere (CLI, scripts) a line on stderr, rewritten in place on a terminal. Library functions report here, so a magic, a
 * CLI command and a plain TypeScript cell all get the same display without wiring it themselves.
 */
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
  /** With `display`: false keeps to plain bundles even where a live view is available. */
  live?: boolean;
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
      display: (bundle, options) => {
        // The display protocol object keeps the bundle as is (a plain object would be shown as JSON).
        (display as DisplayGlobal)({ [displaySymbol]: () => bundle }, options);
      },
    };
  }
  return { write: (text) => void process.stderr.write(text), tty: process.stderr.isTTY === true };
}

/**
 * A live form of a progress display (e.g. a widget moved through comms): shown once by its
 * bundle, then moved by `set` without new outputs, and closed when the work ends.
 */
export interface ProgressView {
  /** What to display first (a fallback for front ends that cannot render the view included). */
  bundle(state: ProgressState): MimeBundle;
  set(state: ProgressState): void;
  close(): void;
}

/** Makes live views; `available()` says whether the current front end can show one now. */
export interface ProgressViewProvider {
  available(): boolean;
  create(state: ProgressState): ProgressView;
}

const PROVIDER = Symbol.for("synthlab.progress.view");

/**
 * Register the live view for notebook progress (the kernel registers the widget one,
 * src/widgets/progress.ts); null removes it. Kept on a global symbol, like the display symbol,
 * so every copy of this module sees it.
 */
export function registerProgressView(provider: ProgressViewProvider | null): void {
  (globalThis as Record<symbol, unknown>)[PROVIDER] = provider ?? undefined;
}

/** Whether a live progress view would be used now (a provider is registered and available). */
export function liveProgressAvailable(): boolean {
  const p = (globalThis as Record<symbol, ProgressViewProvider | undefined>)[PROVIDER];
  return p !== undefined && p.available();
}

let counter = 0;

/** A live progress display on `sink` (default: the running cell, else stderr). */
export function liveProgress(sink: ProgressSink = defaultProgressSink(), ms = THROTTLE_MS): LiveProgress {
  const displayId = `synthlab-progress-${Date.now().toString(36)}-${(++counter).toString(36)}`;
  let shown = false;
  let broken = false;
  // Decided once: a live view while the work runs, replaced by the plain bar at the end.
  const provider = sink.display && sink.live !== false && liveProgressAvailable()
    ? (globalThis as Record<symbol, ProgressViewProvider>)[PROVIDER]
    : undefined;
  let view: ProgressView | undefined;
  const show = (s: ProgressState, final: boolean): void => {
    if (broken) return;
    try {
      if (sink.display && provider && !final) {
        if (!view) {
          view = provider.create(s);
          sink.display(view.bundle(s), { displayId, update: shown });
        } else view.set(s);
      } else if (sink.display) {
        // A saved notebook keeps this plain bundle: the live view is closed once it is replaced.
        sink.display(progressBundle(s.text, s.value, s.max), { displayId, update: shown });
        view?.close();
        view = undefined;
      } else if (sink.write) {
        sink.write(sink.tty ? `\r${s.text}${final ? "\n" : ""}` : `${s.text}\n`);
      }
      shown = true;
    } catch {
      broken = true; // e.g. the cell that started the work has ended: progress is not worth an error
      view?.close();
      view = undefined;
    }
  };
  // Without a terminal, a line per update would flood a log: one a second is enough.
  const updates = throttle<ProgressState>((s) => show(s, false), sink.display || sink.tty ? ms : Math.max(ms, 1000));
  return {
    update: (s) => updates.push(s),
    done: (s) => { updates.cancel(); show(s, true); },
  };
}
