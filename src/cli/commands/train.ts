/**
 * `synthlab train --data TRAIN --target COL [--test TEST] [options] [--save DIR] [--json FILE]`:
 * trains a TF.js regressor, prints progress per epoch (stderr) and the metrics table (stdout).
 * The options are declared once for magic and CLI in src/frontend/commands/train.ts.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EXIT, prepareOutputPath, runCommand } from "../../frontend/cli.js";
import { trainCommand } from "../../frontend/commands/train.js";
import { epochText } from "../../frontend/progress.js";
import { libraryOptions, stringArg } from "../../frontend/spec.js";
import { resolveTable } from "../../frontend/tables.js";

export function run(argv: string[]): Promise<number> {
  return runCommand(trainCommand, argv, async (args) => {
    const options = libraryOptions(trainCommand, args);
    const json = stringArg(args, "json");
    const save = stringArg(args, "save");
    // Output paths first: a missing folder is created, an impossible one fails before training.
    if (json !== undefined) prepareOutputPath("json", json);
    if (save !== undefined) prepareOutputPath("save", join(save, "model.json"));
    const data = await resolveTable("data", String(args.data));
    const test = args.test !== undefined ? await resolveTable("test", String(args.test)) : undefined;

    const { trainRegressor, saveModel } = await import("../../train/models.js");
    const controller = new AbortController();
    const onSigint = () => {
      process.stderr.write("\nInterrupted: finishing the current batch, keeping the best weights…\n");
      controller.abort();
    };
    process.on("SIGINT", onSigint);
    let trained;
    try {
      trained = await trainRegressor(data, {
        target: String(args.target),
        ...options,
        test,
        signal: controller.signal,
        log: (line) => process.stderr.write(line + "\n"),
        onEpoch: args.quiet === true ? undefined : (e) => void process.stderr.write(`${epochText(e)}\n`),
      });
    } finally {
      process.off("SIGINT", onSigint);
    }
    process.stdout.write(trained.toString() + "\n");
    for (const note of trained.preprocessor.notes()) process.stdout.write(`${note}\n`);
    if (save !== undefined) {
      await saveModel(trained, save);
      process.stdout.write(`Model saved to ${save}\n`);
    }
    if (json !== undefined) {
      const info = trained.info;
      const out = {
        version: 1,
        target: trained.target,
        backend: info.backend,
        options: info.options,
        metrics: info.metrics,
        bestEpoch: info.bestEpoch,
        stoppedEarly: info.stoppedEarly,
        stopped: trained.stopSummary(),
        interrupted: info.interrupted,
        trainRows: info.trainRows,
        validationRows: info.validationRows,
        features: trained.preprocessor.featureNames,
        dropped: trained.preprocessor.dropped,
        history: info.history,
      };
      await writeFile(json, JSON.stringify(out, null, 2) + "\n");
    }
    return trained.info.interrupted ? EXIT.interrupted : EXIT.ok;
  });
}
