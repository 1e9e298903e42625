/**
 * Live progress for long library calls, shown wherever the caller runs: in a notebook cell a
 * progress bar updated in place (one display id, as %%generate shows it), elsewhere (CLI, scripts)
 * a line on stderr, rewritten in place on a terminal. Library functions report here, so a magic, a
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

let counter = 0;

/** A live progress display on `sink` (default: the running cell, else stderr). */
export function liveProgress(sink: ProgressSink = defaultProgressSink(), ms = THROTTLE_MS): LiveProgress {
  const displayId = `synthlab-progress-${Date.now().toString(36)}-${(++counter).toString(36)}`;
  let shown = false;
  let broken = false;
  const show = (s: ProgressState, final: boolean): void => {
    if (broken) return;
    try {
      if (sink.display) {
        sink.display(progressBundle(s.text, s.value, s.max), { displayId, update: shown });
      } else if (sink.write) {
        sink.write(sink.tty ? `\r${s.text}${final ? "\n" : ""}` : `${s.text}\n`);
      }
      shown = true;
    } catch {
      broken = true; // e.g. the cell that started the work has ended: progress is not worth an error
    }
  };
  // Without a terminal, a line per update would flood a log: one a second is enough.
  const updates = throttle<ProgressState>((s) => show(s, false), sink.display || sink.tty ? ms : Math.max(ms, 1000));
  return {
    update: (s) => updates.push(s),
    done: (s) => { updates.cancel(); show(s, true); },
  };
}
