import { beforeAll, describe, expect, it } from "vitest";
import { frameFromRecords } from "../../src/data/frame.js";
import { createRng } from "../../src/data/random.js";
import type { Frame } from "../../src/data/types.js";
import { registerMagic, runMagicCell } from "../../src/magics/index.js";
import trainMagic from "../../src/magics/library/train.js";
import { TrainedModel } from "../../src/train/models.js";
import { makeContext, RecordingIO } from "../magics/helpers.js";

function table(n: number, seed: number): Frame {
  const rng = createRng(seed);
  return frameFromRecords(Array.from({ length: n }, () => {
    const a = rng.uniform(0, 4);
    return { a, k: rng.next() < 0.5 ? "u" : "v", y: 2 * a + 1 + rng.normal() * 0.1 };
  }));
}

beforeAll(() => registerMagic(trainMagic));

describe("%%train", () => {
  it("trains, updates one loss chart in place, shows metrics and binds the model", async () => {
    const t = makeContext();
    t.scope.set("train", table(150, 1));
    t.scope.set("holdout", table(50, 2));
    const outcome = await t.run("%%train --data train --test holdout --target y --model linear --epochs 40 --batch-size 16 --as m\n");
    expect(outcome.status).toBe("ok");
    const model = t.scope.get("m");
    expect(model).toBeInstanceOf(TrainedModel);
    expect((model as TrainedModel).metrics.test!.r2).toBeGreaterThan(0.9);
    expect(t.io.out).toMatch(/^TF\.js backend: (wasm|cpu|tensorflow)/);
    expect(t.io.out).toContain("m = TrainedModel (linear, target y)");
    const displays = t.io.events.filter((e) => e.kind === "display");
    const live = displays.filter((e) => e.kind === "display" && e.options?.displayId);
    expect(live.length).toBeGreaterThanOrEqual(2);
    const ids = new Set(live.map((e) => (e.kind === "display" ? e.options!.displayId : "")));
    expect(ids.size).toBe(1);
    // First a new display, then updates of that same display.
    expect(live.map((e) => (e.kind === "display" ? e.options!.update : null))).toEqual([false, ...live.slice(1).map(() => true)]);
    // Throttled: fewer chart updates than epochs (40 quick epochs take well under 20 s).
    expect(live.length).toBeLessThan(40);
    const last = live[live.length - 1]!;
    if (last.kind === "display") expect(JSON.stringify(last.bundle)).toMatch(/kept epoch/);
    const table_ = displays[displays.length - 1]!;
    if (table_.kind === "display") expect(String(table_.bundle["text/html"])).toMatch(/<table>.*test/);
  });

  it("stops cleanly on interrupt and keeps the best weights", async () => {
    const t = makeContext();
    t.scope.set("train", table(400, 3));
    const controller = new AbortController();
    const io = new RecordingIO();
    const ctx = { ...t.ctx, io, signal: controller.signal };
    setTimeout(() => controller.abort(), 300);
    const result = await runMagicCell("%train --data train --target y --model mlp --layers 16 --epochs 1000 --patience 0 --batch-size 8", ctx);
    expect(result.handled).toBe(true);
    const model = t.scope.get("model") as TrainedModel;
    expect(model.info.interrupted).toBe(true);
    expect(model.info.history.length).toBeLessThan(1000);
    expect(io.out).toMatch(/Interrupted: stopped after the current batch and kept the best weights/);
  });

  it("gives one clear line for bad input", async () => {
    const t = makeContext();
    t.scope.set("train", table(30, 4));
    const noTarget = await t.run("%%train --data train\n");
    expect(noTarget.status).toBe("error");
    if (noTarget.status === "error") expect(noTarget.evalue).toMatch(/--target/);
    const unknown = await t.run("%%train --data nothing_here --target y\n");
    if (unknown.status === "error") {
      expect(unknown.ename).toBe("UsageError");
      expect(unknown.evalue).toMatch(/--data nothing_here: no notebook variable/);
    } else expect.unreachable("expected a usage error");
    const badTarget = await t.run("%%train --data train --target k\n");
    if (badTarget.status === "error") {
      expect(badTarget.ename).toBe("UsageError");
      expect(badTarget.evalue).toMatch(/Target column "k" is not numeric/);
    } else expect.unreachable("expected a usage error");
    const badLayers = await t.run("%%train --data train --target y --layers 8,x\n");
    if (badLayers.status === "error") expect(badLayers.evalue).toMatch(/--layers 8,x/);
    else expect.unreachable("expected a usage error");
  });
});
