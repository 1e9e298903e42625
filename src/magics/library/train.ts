/**
 * %%train --data NAME --target COL [--test NAME] [--model linear|mlp] [--epochs N] … [--as NAME]
 * Trains a TF.js regressor: a loss / validation-loss chart updated in place each epoch (about
 * twice a second at most), then the metrics table; the model is bound to `--as` (default `model`).
 * Interrupting stops after the current batch and keeps the best weights so far.
 * The options are declared once for magic and CLI in src/frontend/commands/train.ts.
 * Heavy modules (TF.js, the chart renderer) are imported inside `run`.
 */
import { NOTEBOOK_TYPES } from "../types.js";
import { defineMagic, variableName } from "../../frontend/magic.js";
import { libraryOptions } from "../../frontend/spec.js";
import { resolveTable } from "../../frontend/tables.js";
import { trainStatus } from "../../frontend/progress.js";
import { liveProgress, liveProgressAvailable } from "../../display/progress.js";
import { trainCommand } from "../../frontend/commands/train.js";

/** Live chart updates at most this often (ms). */
const UPDATE_MS = 500;

export default defineMagic(trainCommand, async (args, _body, ctx) => {
  const variable = variableName("--as", String(args.as));
  const options = libraryOptions(trainCommand, args);
  const where = { scope: ctx.scope, cwd: ctx.cwd, quiet: true, log: (line: string) => ctx.io.stdout(line + "\n") };
  const data = await resolveTable("data", String(args.data), where);
  const test = args.test !== undefined ? await resolveTable("test", String(args.test), where) : undefined;

  const { trainRegressor } = await import("../../train/models.js");
  const { lossChartSpec } = await import("../../charts/training.js");
  const { chartBundle } = await import("../../charts/render.js");

  // One display_id for the live chart; renders are chained so that updates never overlap.
  const displayId = `synthlab-train-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const points: { epoch: number; loss: number; valLoss: number | null }[] = [];
  let shown = false;
  let lastSent = 0;
  let rendering: Promise<void> = Promise.resolve();
  const send = (status: string, bestEpoch?: number) => {
    const snapshot = points.slice();
    rendering = rendering.then(async () => {
      const bundle = await chartBundle(lossChartSpec(snapshot, { bestEpoch, title: `Loss per epoch (${String(args.target)}) — ${status}` }));
      ctx.io.display(bundle, { displayId, update: shown });
      shown = true;
    });
  };

  // Where the front end shows live progress views (widgets), an epoch bar too; elsewhere the chart is the progress.
  const bar = liveProgressAvailable() ? liveProgress({ display: (bundle, o) => ctx.io.display(bundle, o) }) : undefined;
  let maxEpochs = 1;

  let model;
  try {
    model = await trainRegressor(data, {
      target: String(args.target),
      ...options,
      test,
      signal: ctx.signal,
      log: (line) => ctx.io.stdout(line + "\n"),
      onEpoch: (e, run) => {
        points.push({ epoch: e.epoch, loss: e.loss, valLoss: e.valLoss });
        maxEpochs = run.maxEpochs;
        bar?.update({ value: e.epoch, max: maxEpochs, text: `epoch ${e.epoch} / ${maxEpochs} · loss ${e.loss.toPrecision(4)}` });
        const now = Date.now();
        if (now - lastSent >= UPDATE_MS) {
          lastSent = now;
          send(`epoch ${e.epoch}`);
        }
      },
    });
  } catch (e) {
    bar?.done({ value: points.length, max: maxEpochs, text: `stopped at epoch ${points.length}` });
    throw e;
  } finally {
    await rendering;
  }
  const info = model.info;
  bar?.done({ value: info.history.length, max: Math.max(maxEpochs, info.history.length), text: trainStatus(info) });
  if (points.length) {
    send(trainStatus(info), info.bestEpoch);
    await rendering;
  }

  ctx.scope.set(variable, model, NOTEBOOK_TYPES.TrainedModel);
  const { escapeHtml, htmlTable } = await import("../../train/display.js");
  const header = ["", "MAE", "RMSE", "R²", "MAPE %"];
  const notes = model.preprocessor.notes();
  ctx.io.display({
    "text/html": `<div><p>${escapeHtml(model.summary())}</p><p>${escapeHtml(model.stopSummary())}</p>${htmlTable(header, model.metricRows())}${notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("")}</div>`,
    "text/plain": [model.toString(), ...notes].join("\n"),
  });
  if (info.interrupted) ctx.io.stdout(`Interrupted: stopped after the current batch and kept the best weights (epoch ${info.bestEpoch}).\n`);
  ctx.io.stdout(`${variable} = TrainedModel (${info.options.model}, target ${model.target})\n`);
  return undefined;
});
