/**
 * Notebook progress as a widget: the live view of display/progress.ts's liveProgress when the
 * front end renders ipywidgets: an IntProgress bar and its text in an HBox, moved by comm updates
 * (no new output per step). liveProgress replaces it with the plain bar when the work ends and
 * closes it, so a saved notebook holds no widget view.
 */
import { progressBundle, registerProgressView, type ProgressState, type ProgressView } from "../display/progress.js";
import { displaySymbol, type MimeBundle } from "../display/protocol.js";
import { commManager } from "./comm.js";
import { HBox, IntProgress, Label } from "./controls.js";

/** A bar and its text line, updated through comms. */
export class ProgressWidget implements ProgressView {
  private readonly bar: IntProgress;
  private readonly label: Label;
  private readonly box: HBox;

  constructor(s: ProgressState) {
    this.bar = new IntProgress({ value: 0, max: Math.max(s.max, 1), layout: { width: "16em" } });
    this.label = new Label({ value: s.text });
    this.box = new HBox([this.bar, this.label]);
    this.set(s);
  }

  /** The widget view, with the plain bar as the fallback for front ends without widgets. */
  bundle(s: ProgressState): MimeBundle {
    return { ...progressBundle(s.text, s.value, s.max), ...this.box[displaySymbol](), "text/plain": s.text };
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

/**
 * Use widgets for notebook progress whenever the front end renders them (it opened the
 * jupyter.widget.control comm or asked comm_info about jupyter.widget). The kernel calls this at
 * start; headless runs never meet a widget front end, so they keep the plain bar.
 */
export function installProgressWidgets(): void {
  registerProgressView({
    available: () => commManager().widgetsAvailable,
    create: (s) => new ProgressWidget(s),
  });
}
