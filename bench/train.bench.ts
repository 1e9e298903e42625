/**
 * Training benchmark. Writes docs/benchmarks/train.md.
 *
 *   npx tsx bench/train.bench.ts        (SYNTHLAB_DATA_MIRROR defaults to ../shared/datasets)
 *
 * 1. Quality on the real coffee-sales data (target `money`), one seeded 80/20 split written to
 *    temp CSVs: TF.js MLP and linear (library defaults, 3 seeds) vs scikit-learn
 *    RandomForestRegressor and LinearRegression (bench/train_peer.py, Debian's python3-sklearn),
 *    the peers fitted both on their own features and on exactly the TF.js preprocessing output.
 * 2. Speed: seconds per epoch of the same MLP (F → 64 → 32 → 1, Adam, batch 64) on 100,000 rows,
 *    per TF.js backend (wasm, cpu) vs PyTorch on CPU (Debian's python3-torch), same run.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeCsv } from "../src/data/csv.js";
import { frameFromColumns } from "../src/data/frame.js";
import { createRng } from "../src/data/random.js";
import { splitTrainHoldout } from "../src/data/split.js";
import type { Frame } from "../src/data/types.js";
import { loadDataset } from "../src/datasets/index.js";
import { describeBackend, selectBackend, type BackendName } from "../src/train/backend.js";
import { trainRegressor, type TrainedModel } from "../src/train/models.js";

process.env.SYNTHLAB_DATA_MIRROR ??= resolve("../shared/datasets");
const PY = "/usr/bin/python3";
const SEEDS = [1, 2, 3];
const SPEED_ROWS = 100_000;
const SPEED_FEATURES = 20;
const out: string[] = [];

function peer(args: string[]): Record<string, unknown> | { error: string } {
  const r = spawnSync(PY, ["bench/train_peer.py", ...args], { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || "failed").trim().split("\n").slice(-1)[0]! };
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

const f3 = (x: number) => x.toFixed(3);
const f4 = (x: number) => x.toFixed(4);
function meanStd(xs: number[]): string {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const s = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${f4(m)} ± ${f4(s)}`;
}

/** The TF.js preprocessing output as CSV (features…, target), for the peer's "same features" run. */
async function featureCsv(model: TrainedModel, frame: Frame, path: string): Promise<void> {
  const m = model.preprocessor.transform(frame);
  const y = frame.columns[model.target]!;
  const lines = [[...model.preprocessor.featureNames.map((_, i) => `f${i}`), "y"].join(",")];
  for (let r = 0; r < m.rows; r++) {
    lines.push([...m.values.subarray(r * m.cols, (r + 1) * m.cols), y[r]].join(","));
  }
  await writeFile(path, lines.join("\n") + "\n");
}

async function quality(dir: string): Promise<void> {
  const frame = await loadDataset("coffee-sales", { quiet: true });
  const { train, holdout } = splitTrainHoldout(frame, { holdout: 0.2, seed: 42 });
  const trainCsv = join(dir, "train.csv");
  const testCsv = join(dir, "test.csv");
  await writeCsv(train, trainCsv);
  await writeCsv(holdout, testCsv);

  const runs: Record<"mlp" | "linear", { mae: number[]; rmse: number[]; r2: number[]; epochs: number[]; seconds: number[] }> = {
    mlp: { mae: [], rmse: [], r2: [], epochs: [], seconds: [] },
    linear: { mae: [], rmse: [], r2: [], epochs: [], seconds: [] },
  };
  let backend = "";
  let first: TrainedModel | undefined;
  for (const kind of ["mlp", "linear"] as const) {
    for (const seed of SEEDS) {
      const t = performance.now();
      const model = await trainRegressor(train, { target: "money", model: kind, seed, test: holdout, log: false });
      const r = runs[kind];
      r.seconds.push((performance.now() - t) / 1000);
      r.mae.push(model.metrics.test!.mae);
      r.rmse.push(model.metrics.test!.rmse);
      r.r2.push(model.metrics.test!.r2);
      r.epochs.push(model.history.length);
      backend = model.info.backendDescription;
      process.stderr.write(`${kind} seed ${seed}: test MAE ${f4(model.metrics.test!.mae)} (${model.history.length} epochs)\n`);
      if (!first && kind === "mlp") first = model;
    }
  }
  await featureCsv(first!, train, join(dir, "ftrain.csv"));
  await featureCsv(first!, holdout, join(dir, "ftest.csv"));
  const py = peer(["quality", trainCsv, testCsv, "money", join(dir, "ftrain.csv"), join(dir, "ftest.csv")]);

  out.push(
    "## Quality: coffee-sales, target `money`",
    "",
    `Data: coffee-sales (${frame.rowCount} rows) through the dataset loader; one 80/20 split (splitTrainHoldout, seed 42): ` +
      `${train.rowCount} train, ${holdout.rowCount} test rows, written to temp CSVs that the peer reads. ` +
      `TF.js models use the library defaults (MLP 64-32, Adam 0.01, batch 64, ≤ 100 epochs, early stopping on 15% of train ` +
      `with patience 20, piecewise-linear date encoding with ${first!.preprocessor.featureNames.length} features in all), ` +
      `mean ± std over seeds ${SEEDS.join(", ")}; ${backend}.`,
    "",
    "| model | test MAE | test RMSE | test R² | epochs | seconds |",
    "|---|---|---|---|---|---|",
  );
  for (const kind of ["mlp", "linear"] as const) {
    const r = runs[kind];
    out.push(`| TF.js ${kind} | ${meanStd(r.mae)} | ${meanStd(r.rmse)} | ${meanStd(r.r2)} | ${r.epochs.join(", ")} | ${r.seconds.map((s) => s.toFixed(1)).join(", ")} |`);
  }
  if ("error" in py) {
    out.push("", `scikit-learn peer failed: ${String(py.error)}`);
    return;
  }
  const row = (label: string, m: Record<string, number>) =>
    `| ${label} | ${f4(m.mae!)} | ${f4(m.rmse!)} | ${f4(m.r2!)} | – | ${m.seconds === undefined ? "–" : m.seconds.toFixed(1)} |`;
  const own = py.ownFeatures as Record<string, Record<string, number>>;
  const same = py.tfjsFeatures as Record<string, Record<string, number>>;
  out.push(
    row(`sklearn ${String(py.sklearn)} RandomForest (200 trees), own features`, own.randomForest!),
    row("sklearn LinearRegression, own features", own.linearRegression!),
    row("sklearn RandomForest on the TF.js features", same.randomForest!),
    row("sklearn LinearRegression on the TF.js features", same.linearRegression!),
    row("mean baseline (train mean)", own.meanBaseline!),
  );
  const mlpMae = runs.mlp.mae.reduce((a, b) => a + b, 0) / SEEDS.length;
  const rf = own.randomForest!.mae!;
  out.push(
    "",
    `MLP mean test MAE ${f4(mlpMae)} UAH (goal ≤ 0.10: ${mlpMae <= 0.1 ? "met" : "NOT met"}); ` +
      `random forest ${f4(rf)} UAH, so the forest's MAE is ${(mlpMae / rf).toFixed(1)}× smaller than the MLP's. ` +
      "Prices here are step functions of product × date (4 price periods), which trees fit exactly; the MLP approximates the steps.",
  );
}

/** Same MLP on 100k synthetic numeric rows; returns seconds per epoch (epoch 2, warm). */
async function tfjsEpoch(name: BackendName, frame: Frame, epochs: number, batchSize = 64): Promise<{ seconds: number[]; backend: string }> {
  const info = await selectBackend(name);
  if (info.name !== name) return { seconds: [], backend: `${name} unavailable` };
  const model = await trainRegressor(frame, {
    target: "y", model: "mlp", epochs, validationSplit: 0, patience: 0, batchSize, seed: 1, log: false, dateBins: 0,
  });
  const ends = model.history.map((h) => h.elapsedMs / 1000);
  const seconds = ends.map((e, i) => (i === 0 ? e : e - ends[i - 1]!));
  model.network.dispose();
  return { seconds, backend: describeBackend(info).replace(/^TF\.js backend: /, "") };
}

async function speed(): Promise<void> {
  const rng = createRng(0);
  const cols: Record<string, number[]> = {};
  for (let j = 0; j < SPEED_FEATURES; j++) cols[`x${j}`] = Array.from({ length: SPEED_ROWS }, () => rng.normal());
  cols.y = cols.x0!.map((v, i) => Math.sin(v) + cols.x1![i]! * cols.x2![i]! + 0.1 * rng.normal());
  const frame = frameFromColumns(cols);

  const wasm = await tfjsEpoch("wasm", frame, 3);
  process.stderr.write(`wasm: ${wasm.seconds.map(f3).join(", ")} s/epoch\n`);
  const wasm256 = await tfjsEpoch("wasm", frame, 2, 256);
  process.stderr.write(`wasm, batch 256: ${wasm256.seconds.map(f3).join(", ")} s/epoch\n`);
  const cpu = await tfjsEpoch("cpu", frame, 2);
  process.stderr.write(`cpu: ${cpu.seconds.map(f3).join(", ")} s/epoch\n`);
  await selectBackend("wasm");
  const torch1 = peer(["speed", String(SPEED_ROWS), String(SPEED_FEATURES), "3", "64", "1"]);
  const torch2 = peer(["speed", String(SPEED_ROWS), String(SPEED_FEATURES), "3", "64", "2"]);
  const warm = (s: number[]) => (s.length > 1 ? Math.min(...s.slice(1)) : s[0] ?? Number.NaN);
  const torchWarm = (p: Record<string, unknown> | { error: string }) => ("error" in p ? Number.NaN : warm(p.epochSeconds as number[]));
  const ref = torchWarm(torch1);
  const perBatch = (seconds: number) => ((seconds * 1000) / Math.ceil(SPEED_ROWS / 64)).toFixed(2);

  out.push(
    "",
    "## Speed: one epoch of the same MLP on 100,000 rows",
    "",
    `${SPEED_ROWS.toLocaleString("en-US")} rows × ${SPEED_FEATURES} standard-normal features, y = sin(x0) + x1·x2 + noise; MLP ${SPEED_FEATURES} → 64 → 32 → 1 (ReLU), ` +
      "Adam 0.01, MSE, batch 64, reshuffled each epoch, the loss read back every batch in both (TF.js: synthlab's training loop via trainRegressor, " +
      "no validation split; PyTorch: the plain loop in bench/train_peer.py). Warm epoch = fastest epoch after the first. " +
      `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), shared with other work while measured ` +
      `(1-minute load average ${loadavg()[0]!.toFixed(1)} at the end of this section), so absolute times are noisy; ratios are from the same run.`,
    "",
    "| implementation | epochs (s) | warm epoch (s) | ms per batch | vs PyTorch 1 thread |",
    "|---|---|---|---|---|",
    `| TF.js ${wasm.backend} | ${wasm.seconds.map(f3).join(", ")} | ${f3(warm(wasm.seconds))} | ${perBatch(warm(wasm.seconds))} | ${(warm(wasm.seconds) / ref).toFixed(2)}× |`,
    `| TF.js ${wasm256.backend}, batch 256 (not the same setting: for scale) | ${wasm256.seconds.map(f3).join(", ")} | ${f3(warm(wasm256.seconds))} | ${((warm(wasm256.seconds) * 1000) / Math.ceil(SPEED_ROWS / 256)).toFixed(2)} | ${(warm(wasm256.seconds) / ref).toFixed(2)}× |`,
    `| TF.js ${cpu.backend} | ${cpu.seconds.map(f3).join(", ")} | ${f3(warm(cpu.seconds))} | ${perBatch(warm(cpu.seconds))} | ${(warm(cpu.seconds) / ref).toFixed(2)}× |`,
  );
  for (const [label, p] of [["1 thread", torch1], ["2 threads", torch2]] as const) {
    if ("error" in p) out.push(`| PyTorch (${label}) | failed: ${String(p.error)} | | | |`);
    else out.push(`| PyTorch ${String(p.torch)} CPU (${label}) | ${(p.epochSeconds as number[]).map(f3).join(", ")} | ${f3(torchWarm(p))} | ${perBatch(torchWarm(p))} | ${(torchWarm(p) / ref).toFixed(2)}× |`);
  }
  out.push(
    "",
    "The training step is written for the wasm backend's costs (src/train/dense.ts, src/train/adam.ts): one fused kernel " +
      "per dense layer forward, gradients with explicit transposes (its transposed matMul is ~6× slower than transpose + " +
      "matMul at these sizes), no input gradient for the first layer, one Adam update over all weights at once instead of " +
      "one per variable, and batches copied from JavaScript arrays instead of gathered. That took the epoch from 2.47× to " +
      "1.2–1.4× PyTorch (runs on this shared machine vary). What remains is mostly per-kernel overhead (about 50 small kernels per batch), so a 4× larger " +
      "batch costs well under 4× per batch (see the batch-256 row): `--batch-size 256` shortens epochs on large tables.",
    "",
    "No native backend here: `@tensorflow/tfjs-node` in node_modules is an npm alias of pure-JS `@tensorflow/tfjs` (danfojs-node's " +
      "override), which registers no \"tensorflow\" backend, so selectBackend() picks wasm. TF.js reports SIMD support but no multi-thread support under Node " +
      "here (WASM_HAS_MULTITHREAD_SUPPORT false), so the single-threaded SIMD binary runs.",
  );
}

const dir = await mkdtemp(join(tmpdir(), "synthlab-train-bench-"));
const started = performance.now();
try {
  await quality(dir);
  await speed();
} finally {
  await rm(dir, { recursive: true, force: true });
}
const header = [
  "# Training (src/train)",
  "",
  "Command: `npx tsx bench/train.bench.ts` (peers: `/usr/bin/python3 bench/train_peer.py`, scikit-learn and PyTorch from Debian).",
  `Run: ${new Date().toISOString()}, ${((performance.now() - started) / 1000).toFixed(0)} s in all.`,
  "",
];
await mkdir("docs/benchmarks", { recursive: true });
await writeFile("docs/benchmarks/train.md", [...header, ...out].join("\n") + "\n");
process.stdout.write([...header, ...out].join("\n") + "\n");
