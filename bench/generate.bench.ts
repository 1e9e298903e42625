/**
 * Offline generation speed: the coffee-shop example schema into memory and to CSV, at 1e5 and
 * 1e6 rows, with peak memory; against the peer bench/generate_peer.py (the seed walkthrough's
 * per-row Python + Faker generator of the same 11 columns) measured in the same run.
 * Each measurement runs in its own child process so peak RSS belongs to that one scenario.
 *
 *   npx tsx bench/generate.bench.ts            # writes docs/benchmarks/generate.md
 *   npx tsx bench/generate.bench.ts --quick    # 1e5 only
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");

interface Measure { rows: number; seconds: number; cpuSeconds: number; maxRssMb: number; bytes?: number; faker?: boolean }

async function child(scenario: string, rows: number, out?: string): Promise<void> {
  const { generateOffline, COFFEE_SHOP_SCHEMA } = await import("../src/generate/offline/index.js");
  const { writeFrameFile } = await import("../src/generate/output.js");
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { frame } = await generateOffline(COFFEE_SHOP_SCHEMA, { rows, seed: 1 });
  if (scenario === "csv") await writeFrameFile(frame, out!);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  if (frame.rowCount !== rows) throw new Error("row count mismatch");
  const m: Measure = { rows, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  if (out) m.bytes = statSync(out).size;
  process.stdout.write(JSON.stringify(m) + "\n");
}

function runOurs(scenario: "memory" | "csv", rows: number, dir: string): Measure {
  const out = scenario === "csv" ? join(dir, `ours-${rows}.csv`) : undefined;
  const args = ["--import", "tsx", fileURLToPath(import.meta.url), "--child", scenario, String(rows), ...(out ? [out] : [])];
  const text = execFileSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(text.trim().split("\n").at(-1)!) as Measure;
}

function runPeer(scenario: "memory" | "csv", rows: number, dir: string): Measure {
  const out = scenario === "csv" ? join(dir, `peer-${rows}.csv`) : undefined;
  const text = execFileSync("/usr/bin/python3", [join(HERE, "generate_peer.py"), "--rows", String(rows), ...(out ? ["--out", out] : [])], { encoding: "utf8" });
  const m = JSON.parse(text.trim()) as Measure;
  if (out) m.bytes = statSync(out).size;
  return m;
}

function median(ms: Measure[]): Measure {
  return [...ms].sort((a, b) => a.seconds - b.seconds)[Math.floor(ms.length / 2)]!;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") return child(argv[1]!, Number(argv[2]), argv[3]);
  const quick = argv.includes("--quick");
  const sizes = quick ? [100_000] : [100_000, 1_000_000];
  const dir = mkdtempSync(join(tmpdir(), "synthlab-genbench-"));
  const load0 = loadavg()[0]!;
  const started = Date.now();
  const rows: string[] = [];
  let peerFaker = true;
  const baseline = runOurs("memory", 0, dir);
  try {
    for (const n of sizes) {
      for (const scenario of ["memory", "csv"] as const) {
        // Three runs of ours at 1e5 (median), one at 1e6; the peer once (it takes tens of seconds at 1e6).
        const ours = median(Array.from({ length: n <= 100_000 ? 3 : 1 }, () => runOurs(scenario, n, dir)));
        const peer = runPeer(scenario, n, dir);
        if (peer.faker === false) peerFaker = false;
        const line =
          `| ${n.toLocaleString("en-US")} | ${scenario === "memory" ? "into memory" : "to CSV file"} | ` +
          `${ours.seconds.toFixed(3)} s | ${ours.cpuSeconds.toFixed(3)} s | ${Math.round(n / ours.seconds).toLocaleString("en-US")} | ${Math.round(n / ours.cpuSeconds).toLocaleString("en-US")} | ${ours.maxRssMb.toFixed(0)} MB | ` +
          `${peer.seconds.toFixed(3)} s | ${peer.cpuSeconds.toFixed(3)} s | ${Math.round(n / peer.seconds).toLocaleString("en-US")} | ${peer.maxRssMb.toFixed(0)} MB | ` +
          `**${(peer.seconds / ours.seconds).toFixed(1)}×** | ${(peer.cpuSeconds / ours.cpuSeconds).toFixed(1)}× |`;
        rows.push(line);
        process.stderr.write(line + "\n");
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const md = `# Benchmark: offline generation (coffee-shop schema)

Command: \`npx tsx bench/generate.bench.ts\` (writes this file). Date: ${new Date().toISOString()}; the whole run took ${((Date.now() - started) / 1000).toFixed(0)} s.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}; load average at start ${load0.toFixed(2)}
and at the end ${loadavg()[0]!.toFixed(2)} (the machine is shared with other jobs, so absolute numbers are noisy; the ratio is measured in the same run).

What is measured: \`generateOffline(COFFEE_SHOP_SCHEMA, { rows, seed: 1 })\` (11 columns: sequential id, date in 2022,
time 06:00–21:00, a linked menu group of 5 columns, quantity 1–3, derived amount = round(price × quantity, 2),
weighted payment type), timed inside a fresh child process (module loading excluded, JIT warm-up included);
"to CSV file" adds \`writeFrameFile\` (src/generate/output.ts: the data stage's \`frameToCsv\` on 20,000-row chunks,
streamed to the file; this is what \`synthlab generate --out x.csv\` does). Peak memory is the child's max RSS (an empty run: ${baseline.maxRssMb.toFixed(0)} MB).

Peer: \`bench/generate_peer.py\` — the seed walkthrough's approach: a per-row Python loop building dicts, Faker
(Debian python3-fake-factory, Faker 0.9.3) for the date, \`random\` for the rest, \`csv.DictWriter\` for the file.
${peerFaker ? "" : "**This run's peer had no Faker installed and used `random` for the date instead** (install python3-fake-factory).\n"}Ratio = peer time / synthlab time (higher is better for synthlab). CPU time (user + system; for Node it includes
V8's garbage-collector threads) is shown because wall time on a loaded machine mostly measures the other jobs.
Goal: ≥ 500,000 rows/s into memory.

| rows | target | synthlab wall | synthlab CPU | synthlab rows/s (wall) | synthlab rows/s (CPU) | synthlab peak RSS | peer wall | peer CPU | peer rows/s (wall) | peer peak RSS | speed-up (wall) | speed-up (CPU) |
|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join("\n")}

Reading the numbers: into memory, the cost is building 11 column arrays (the per-row string ids and the row checks
are the largest parts; dates and times come from tables formatted once). To CSV, most of the extra time is the data
stage's \`frameToCsv\` (papaparse) formatting each chunk; peak memory is the in-memory table plus one chunk's text.
The peer's per-row dicts cost more memory in memory, while its streamed \`csv.DictWriter\` keeps a flat 21 MB.
`;
  mkdirSync(join(ROOT, "docs/benchmarks"), { recursive: true });
  writeFileSync(join(ROOT, "docs/benchmarks/generate.md"), md);
  process.stderr.write(`wrote docs/benchmarks/generate.md\n`);
}

await main();
