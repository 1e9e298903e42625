/**
 * The one progress formatter of magics and CLI: the text of a generate run's progress and of a
 * training epoch. Where it is shown (a progress bar updated in place in a notebook, a line on
 * stderr elsewhere) is display/progress.ts's liveProgress, given the sink below or the cell's.
 */
import type { Progress } from "../generate/types.js";
import type { EpochLog, ModelInfo } from "../train/models.js";
import type { LiveProgress, ProgressSink } from "../display/progress.js";
import { liveProgress } from "../display/progress.js";
import { formatCount as count } from "../display/format.js";

/** "Generating sales (copula): 1,200 / 2,000 rows · 33 rows/s · 12,345 tokens · $0.0123 · …". */
export function progressText(name: string, mode: string, p: Progress, done = false): string {
  const parts = [`${done ? "Generated" : "Generating"} ${name} (${mode}): ${count(p.rows)} / ${count(p.target)} rows`];
  if (p.rowsPerSecond > 0) parts.push(`${count(p.rowsPerSecond)} rows/s`);
  if (p.tokens !== undefined) parts.push(`${count(p.tokens)} tokens`);
  if (p.costUsd !== undefined) parts.push(`$${p.costUsd.toFixed(4)}`);
  if (p.requests !== undefined) parts.push(`${count(p.requests)} requests`);
  if (p.cacheHits) parts.push(`${count(p.cacheHits)} cache hits`);
  if (p.retries !== undefined) parts.push(`${count(p.retries)} retries`);
  if (p.invalidRows !== undefined) parts.push(`${count(p.invalidRows)} invalid`);
  if (p.nodes) parts.push(p.nodes.cooling ? `${p.nodes.total - p.nodes.cooling} of ${p.nodes.total} nodes up` : `${p.nodes.total} nodes`);
  if (p.phase && !done) parts.push(p.phase);
  return parts.join(" · ");
}

/**
 * A generate run's live progress on `sink`: `update` while rows arrive, `done` with the final
 * counts (over the last update), `stopped` when the run failed (the last state, marked stopped).
 */
export function generateProgress(name: string, mode: string, target: number, sink?: ProgressSink, showStart = true): {
  update(p: Progress): void;
  done(final: Partial<Progress>): void;
  stopped(): void;
} {
  const live: LiveProgress = liveProgress(sink);
  let latest: Progress = { rows: 0, target, rowsPerSecond: 0 };
  const state = (p: Progress, text: string) => ({ value: p.rows, max: p.target, text });
  // A notebook shows the bar at once; a log gets its first line with the first rows.
  if (showStart) live.update(state(latest, progressText(name, mode, latest)));
  return {
    update(p) {
      latest = p;
      live.update(state(p, progressText(name, mode, p)));
    },
    done(final) {
      const p = { ...latest, ...final };
      live.done(state(p, progressText(name, mode, p, true)));
    },
    stopped() {
      live.done(state(latest, `${progressText(name, mode, latest)} · stopped`));
    },
  };
}

/** "epoch   12  loss 0.01234  val_loss 0.02345  val_mae 0.1234  1.2 s": one line per training epoch. */
export function epochText(e: EpochLog): string {
  const val = e.valLoss === null ? "" : `  val_loss ${e.valLoss.toFixed(5)}  val_mae ${e.valMae!.toFixed(4)}`;
  return `epoch ${String(e.epoch).padStart(4)}  loss ${e.loss.toFixed(5)}${val}  ${(e.elapsedMs / 1000).toFixed(1)} s`;
}

/** How training ended, for the live chart's title: "stopped at epoch 40, kept epoch 20". */
export function trainStatus(info: Pick<ModelInfo, "interrupted" | "stoppedEarly" | "history" | "bestEpoch">): string {
  if (info.interrupted) return `interrupted after epoch ${info.history.length}, kept epoch ${info.bestEpoch}`;
  if (info.stoppedEarly) return `stopped at epoch ${info.history.length}, kept epoch ${info.bestEpoch}`;
  return `done, kept epoch ${info.bestEpoch}`;
}

/** The command line's progress sink: stderr, one line rewritten in place on a terminal. */
export function stderrSink(): ProgressSink {
  return { write: (text) => void process.stderr.write(text), tty: process.stderr.isTTY === true };
}
