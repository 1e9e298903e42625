/**
 * Data-stage benchmark: CSV parsing (vs plain papaparse with dynamicTyping, the peer, in the same
 * run), schema inference, typed-array views, danfo DataFrame construction at 100k rows, table
 * display and the spam-assassin loader. Writes docs/benchmarks/data.md.
 *
 *   npx tsx bench/data.bench.ts            (SYNTHLAB_DATA_MIRROR defaults to ../shared/datasets)
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Papa from "papaparse";
import { numericColumn, categoricalCodes } from "../src/data/columns.js";
import { parseCsv } from "../src/data/csv.js";
import { fromDataFrame, toDataFrame } from "../src/data/dataframe.js";
import { frameBundle } from "../src/data/display.js";
import { inferSchema } from "../src/data/schema.js";
import { splitTrainHoldout } from "../src/data/split.js";
import { loadDataset } from "../src/datasets/index.js";
import { medianTime } from "./support/timing.js";

const MIRROR = resolve(process.env.SYNTHLAB_DATA_MIRROR ?? "../shared/datasets");

/** Median wall time in ms over `reps` runs after one warm-up. */
function time(fn: () => unknown, reps: number): number {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}


/** Medians of two functions timed alternately, so machine load hits both alike. */
function timePair(a: () => unknown, b: () => unknown, reps: number): [number, number] {
  a();
  b();
  const ta: number[] = [], tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    let t = performance.now();
    a();
    ta.push(performance.now() - t);
    t = performance.now();
    b();
    tb.push(performance.now() - t);
  }
  const med = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [med(ta), med(tb)];
}

const rows: string[][] = [];
const add = (what: string, ms: number, extra = ""): void => {
  rows.push([what, ms.toFixed(1), extra]);
  process.stdout.write(`${what}: ${ms.toFixed(1)} ms ${extra}\n`);
};

const small = await readFile(join(MIRROR, "coffee-sales.csv"), "utf8");
const [header, ...lines] = small.trimEnd().split("\n");
const copies = Math.ceil(100_000 / lines.length);
const big = [header, ...Array.from({ length: copies }, () => lines).flat().slice(0, 100_000)].join("\n") + "\n";

const papaTyped = (text: string) => Papa.parse(text, { header: true, dynamicTyping: true, skipEmptyLines: true });

const [oursSmall, peerSmall] = timePair(() => parseCsv(small), () => papaTyped(small), 15);
add("parseCsv coffee-sales.csv (3547 × 11)", oursSmall, `papaparse peer ${peerSmall.toFixed(1)} ms, ratio ours/peer ${(oursSmall / peerSmall).toFixed(2)}`);
const [oursBig, peerBig] = timePair(() => parseCsv(big), () => papaTyped(big), 7);
add("parseCsv 100k × 11", oursBig, `papaparse peer ${peerBig.toFixed(1)} ms, ratio ours/peer ${(oursBig / peerBig).toFixed(2)}; ${Math.round(100_000 / (oursBig / 1000)).toLocaleString("en")} rows/s`);

const frame = parseCsv(big);
add("inferSchema 100k × 11", time(() => inferSchema(frame), 5));
add("numericColumn(Time, datetime) 100k", time(() => numericColumn(frame, "Time", "datetime"), 10));
add("numericColumn(money) 100k", time(() => numericColumn(frame, "money"), 10));
add("categoricalCodes(coffee_name) 100k", time(() => categoricalCodes(frame, "coffee_name"), 10));
add("splitTrainHoldout 100k (stratified by coffee_name)", time(() => splitTrainHoldout(frame, { seed: 1, stratify: "coffee_name" }), 5));
add("frameBundle 100k (head/tail HTML + text)", time(() => frameBundle(frame), 10));

let t = performance.now();
createRequire(import.meta.url)("danfojs-node");
add("require('danfojs-node') (first load)", performance.now() - t);
const df = toDataFrame(frame);
add("toDataFrame 100k × 11 (danfo construction)", time(() => toDataFrame(frame), 3));
add("fromDataFrame 100k × 11", time(() => fromDataFrame(df), 3));
add("frameBundle(danfo DataFrame 100k)", time(() => frameBundle(df), 3));

process.env.SYNTHLAB_DATA_MIRROR = MIRROR;
t = performance.now();
await loadDataset("spam-assassin");
add("loadDataset spam-assassin (6046 files, first)", performance.now() - t);
const cacheDir = await mkdtemp(join(tmpdir(), "synthlab-bench-"));
add("loadDataset coffee-sales (cached, sha256 + parse + clean)", await medianTime(() => loadDataset("coffee-sales", { quiet: true, cacheDir }), 5));
await rm(cacheDir, { recursive: true, force: true });

const md = [
  "# Data stage benchmark",
  "",
  `Command: \`npx tsx bench/data.bench.ts\` — run ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPU cores (${cpus()[0]?.model ?? "?"}), shared machine.`,
  "Times are medians of several runs after a warm-up (first-load rows: one run). The peer for CSV parsing is",
  "papaparse itself with `header: true, dynamicTyping: true` (no line tracking, no strict typing, no checks), timed",
  "alternately with ours. The machine is shared with other jobs, so absolute times vary by up to ~2x between runs.",
  "danfo.js: loading `danfojs-node` costs seconds once per process (it pulls in TF.js), which is why",
  "src/data/dataframe.ts requires it lazily; building a 100k-row DataFrame from a Frame afterwards is cheap.",
  "",
  "| what | ms | notes |",
  "|---|---:|---|",
  ...rows.map((r) => `| ${r.join(" | ")} |`),
  "",
].join("\n");
await mkdir("docs/benchmarks", { recursive: true });
await writeFile("docs/benchmarks/data.md", md);
process.stdout.write("wrote docs/benchmarks/data.md\n");
