/**
 * Kernel start-up and cells as a person types them, synthlab vs tslab vs Python's ipykernel, all in one run.
 *   npx tsx bench/kernel.bench.ts            (after `npx tsc -p tsconfig.build.json`)
 * Env: BENCH_STARTS (default 20), BENCH_IDLE_STARTS (default 5), BENCH_HISTORY (default 300),
 * BENCH_SAMPLE (default 30). Writes docs/benchmarks/kernel.md.
 *
 * start        = spawn → first kernel_info_reply (what Jupyter waits for before showing "idle")
 * first cell   = a fresh kernel answers kernel_info, sits idle 2 s (the user types), then a first
 *                cell: execute_request → iopub status idle
 * trivial cell = a distinct trivial expression (`17 * 3 + 4`, never the same code twice):
 *                execute_request → iopub status idle; on a fresh kernel, and on a kernel that ran
 *                HISTORY cells that each declare a const, a function and an interface (a Python
 *                class for ipykernel); the two kernels take turns, so both see the same load
 * declaration  = one of those declaration cells: the first SAMPLE on the fresh kernel, and the
 *                next SAMPLE on the kernel with HISTORY of them, taking turns the same way
 * Each cell also gets the kernel process's CPU time (all its threads, from /proc/PID/task/N/schedstat,
 * nanoseconds): on a shared, loaded machine wall times swing with other work, CPU time much less.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { KernelClient, REPO, SCRIPTED_HOST, type Msg, type StartOptions } from "../test/kernel/client.js";

const STARTS = Number(process.env["BENCH_STARTS"] ?? 20);
const IDLE_STARTS = Number(process.env["BENCH_IDLE_STARTS"] ?? 5);
const HISTORY = Number(process.env["BENCH_HISTORY"] ?? 300);
const SAMPLE = Number(process.env["BENCH_SAMPLE"] ?? 30);
const IDLE_MS = 2000;

type Language = "ts" | "python";

interface Peer {
  name: string;
  language: Language;
  argv?: StartOptions["argv"];
  env?: NodeJS.ProcessEnv;
  /** Only start-up is measured (rows that explain another row). */
  startOnly?: boolean;
  available: boolean;
}

const tslabBin = join(REPO, "node_modules/.bin/tslab");
const built = existsSync(join(REPO, "dist/cli/commands/kernel.js"));
const peers: Peer[] = [
  { name: "synthlab", language: "ts", available: built },
  // The same kernel with the scripted JavaScript host: what the protocol layer alone costs.
  { name: "synthlab, protocol only (scripted JS host)", language: "ts", env: { SYNTHLAB_EXECUTION_MODULE: SCRIPTED_HOST }, startOnly: true, available: built },
  { name: "tslab", language: "ts", argv: (f) => [tslabBin, "kernel", "--config-path", f], available: existsSync(tslabBin) },
  {
    name: "ipykernel",
    language: "python",
    argv: (f) => ["/usr/bin/python3", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", f],
    available: existsSync("/usr/lib/python3/dist-packages/ipykernel"),
  },
];

/** The i-th trivial cell: distinct code every time, valid in TypeScript and Python. */
const trivialCell = (i: number): string => `${i} * 3 + ${(i * 7) % 11}`;

/** The i-th declaration cell: a const, a function and an interface (Python: a class with annotations). */
function declarationCell(language: Language, i: number): string {
  if (language === "python") {
    return `c${i} = ${i}\ndef f${i}(x):\n    return x + c${i}\nclass I${i}:\n    a: int\n    b${i}: str`;
  }
  return `const c${i} = ${i};\nfunction f${i}(x: number) { return x + c${i}; }\ninterface I${i} { a: number; b${i}: string }`;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const wall = (ts: Timing[]): number => median(ts.map((t) => t.wall));
const cpu = (ts: Timing[]): number => median(ts.map((t) => t.cpu));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startKernel(peer: Peer): Promise<KernelClient> {
  return KernelClient.start({ argv: peer.argv, env: { PYDEVD_DISABLE_FILE_VALIDATION: "1", ...peer.env } });
}

/** CPU time of a process, all threads, in ms (Linux); NaN where /proc is not there. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return ns / 1e6;
  } catch {
    return NaN;
  }
}

/** Cells whose status idle never came (the reply time was used). */
let lostCells = 0;

interface Timing {
  wall: number;
  cpu: number;
}

/** execute_request → iopub status idle for that request (wall ms, kernel CPU ms); fails if the cell errs. */
async function timeCell(k: KernelClient, code: string): Promise<Timing> {
  const cpu0 = cpuMs(k.proc.pid);
  const t = performance.now();
  const id = await k.send("shell", "execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  // tslab sometimes never sends status idle (un-awaited sends); then its reply time counts, and the cell is counted as lost.
  let repliedAt: number | undefined;
  const idle = await k.waitFor(
    () => {
      if (k.iopub.some((m: Msg) => m.parent_header.msg_id === id && m.header.msg_type === "status" && m.content.execution_state === "idle")) return "idle";
      if (k.replies.has(id)) repliedAt ??= performance.now();
      return repliedAt !== undefined && performance.now() - repliedAt > 2000 ? "lost" : undefined;
    },
    60_000,
    "status idle",
  );
  const elapsed = (idle === "lost" ? repliedAt! : performance.now()) - t;
  if (idle === "lost") lostCells++;
  const cpu = cpuMs(k.proc.pid) - cpu0;
  const reply = await k.waitFor(() => k.replies.get(id), 60_000, "execute_reply");
  if (reply.content.status !== "ok") throw new Error(`cell failed: ${JSON.stringify(reply.content).slice(0, 300)}\n${code}`);
  k.iopub.length = 0;
  return { wall: elapsed, cpu };
}

async function startTime(peer: Peer): Promise<number> {
  const t0 = performance.now();
  const k = await startKernel(peer);
  try {
    const id = await k.send("shell", "kernel_info_request", {});
    await k.waitFor(() => k.replies.get(id), 60_000, "kernel_info_reply");
    return performance.now() - t0;
  } finally {
    await k.close();
  }
}

/** kernel_info, 2 s idle, then the first cell. */
async function firstCellAfterIdle(peer: Peer, n: number): Promise<Timing> {
  const k = await startKernel(peer);
  try {
    const id = await k.send("shell", "kernel_info_request", {});
    await k.waitFor(() => k.replies.get(id), 60_000, "kernel_info_reply");
    await sleep(IDLE_MS);
    return await timeCell(k, trivialCell(100_000 + n));
  } finally {
    await k.close();
  }
}

interface CellTimes {
  trivialFresh: Timing[];
  /**
   * The fresh kernel's CPU over the whole trivial-cell sample / SAMPLE: unlike the per-cell CPU
   * (request → status idle), it includes what its threads do between cells (garbage collection
   * and optimising compilation finishing in the background).
   */
  trivialFreshTotalCpu: number;
  declFirst: Timing[];
  declLast: Timing[];
  trivialAfter: Timing[];
}

/**
 * Two kernels of the peer side by side: A stays fresh, B gets HISTORY declaration cells. Then
 * cells alternate between A and B, so "fresh" and "after HISTORY" are measured under the same
 * machine load (this machine is shared; load swings within a minute).
 */
async function cellTimes(peer: Peer): Promise<CellTimes> {
  const a = await startKernel(peer);
  const b = await startKernel(peer).catch(async (err: unknown) => {
    await a.close();
    throw err;
  });
  try {
    await a.ready();
    await b.ready();
    let n = 0;
    for (let i = 0; i < 10; i++) {
      await timeCell(a, trivialCell(n++)); // warm-up
      await timeCell(b, trivialCell(n++));
    }
    for (let i = 0; i < HISTORY; i++) await timeCell(b, declarationCell(peer.language, i));
    const trivialFresh: Timing[] = [];
    const aCpu0 = cpuMs(a.proc.pid);
    const trivialAfter: Timing[] = [];
    for (let i = 0; i < SAMPLE; i++) {
      trivialFresh.push(await timeCell(a, trivialCell(n++)));
      trivialAfter.push(await timeCell(b, trivialCell(n++)));
    }
    const trivialFreshTotalCpu = (cpuMs(a.proc.pid) - aCpu0) / SAMPLE;
    const declFirst: Timing[] = [];
    const declLast: Timing[] = [];
    for (let i = 0; i < SAMPLE; i++) {
      declFirst.push(await timeCell(a, declarationCell(peer.language, i)));
      declLast.push(await timeCell(b, declarationCell(peer.language, HISTORY + i)));
    }
    return { trivialFresh, trivialFreshTotalCpu, declFirst, declLast, trivialAfter };
  } finally {
    await a.close();
    await b.close();
  }
}

interface Result {
  start: number[];
  firstAfterIdle: Timing[];
  cells?: CellTimes;
  failures: number;
  /** Cells without status idle (tslab): their reply time was used. */
  lost: number;
}

async function retrying<T>(r: Result, what: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      // A busy shared machine occasionally loses a start (port race, timeout): count it, retry a few.
      if (++r.failures > 3) throw err;
      console.log(`${what}: retrying (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`);
    }
  }
}

const loadBefore = loadavg();
const results: Record<string, Result> = {};
for (const peer of peers) {
  if (!peer.available) {
    console.log(`${peer.name}: not installed, skipped`);
    continue;
  }
  const r: Result = { start: [], firstAfterIdle: [], failures: 0, lost: 0 };
  try {
    const starts = peer.startOnly ? Math.min(STARTS, 10) : STARTS;
    for (let i = 0; i < starts; i++) r.start.push(await retrying(r, `${peer.name} start`, () => startTime(peer)));
    if (!peer.startOnly) {
      for (let i = 0; i < IDLE_STARTS; i++) r.firstAfterIdle.push(await retrying(r, `${peer.name} first cell`, () => firstCellAfterIdle(peer, i)));
      const lost0 = lostCells;
      r.cells = await retrying(r, `${peer.name} cells`, () => cellTimes(peer));
      r.lost = lostCells - lost0;
    }
  } catch (err) {
    console.log(`${peer.name}: failed (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`);
    continue;
  }
  results[peer.name] = r;
  const c = r.cells;
  console.log(
    `${peer.name}: start ${median(r.start).toFixed(0)} ms` +
      (c
        ? `, first cell after idle ${wall(r.firstAfterIdle).toFixed(0)} ms, trivial ${wall(c.trivialFresh).toFixed(1)} → ${wall(c.trivialAfter).toFixed(1)} ms ` +
          `(CPU ${cpu(c.trivialFresh).toFixed(1)} → ${cpu(c.trivialAfter).toFixed(1)}), declaration ${wall(c.declFirst).toFixed(1)} → ${wall(c.declLast).toFixed(1)} ms ` +
          `(CPU ${cpu(c.declFirst).toFixed(1)} → ${cpu(c.declLast).toFixed(1)})`
        : ""),
  );
}
const loadAfter = loadavg();

const f1 = (x: number) => x.toFixed(1);
const ours = results["synthlab"];
const ipy = results["ipykernel"];
const lines = [
  "# Kernel benchmark",
  "",
  `Command: \`npx tsx bench/kernel.bench.ts\` (BENCH_STARTS=${STARTS}, BENCH_IDLE_STARTS=${IDLE_STARTS}, BENCH_HISTORY=${HISTORY}, BENCH_SAMPLE=${SAMPLE}); ` +
    `${new Date().toISOString()}; Node ${process.versions.node}; ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}. ` +
    `Load average (1 min) ${loadBefore[0]!.toFixed(1)} at the start and ${loadAfter[0]!.toFixed(1)} at the end: the machine is shared, ` +
    "so absolute times are noisy; the ratios between kernels measured in the same run are what count.",
  "",
  `synthlab ran with ${existsSync(join(REPO, "dist/kernel/execution/index.js")) ? "its real execution host (dist/kernel/execution, the TypeScript engine)" : "the scripted JavaScript test host (the execution layer was not built)"}.`,
  "",
  "- **start**: spawn → first `kernel_info_reply`, median of the starts.",
  `- **first cell after idle**: spawn → \`kernel_info_reply\`, ${IDLE_MS / 1000} s idle (the user types), then a first trivial cell: \`execute_request\` → iopub \`status: idle\`; median of ${IDLE_STARTS} starts.`,
  `- **trivial cell**: a distinct expression each time (\`17 * 3 + 8\`), \`execute_request\` → iopub \`status: idle\`, median of ${SAMPLE}; *fresh*: a kernel after 10 warm-up cells; *after ${HISTORY}*: a second kernel of the same kind after ${HISTORY} declaration cells. The two kernels take turns cell by cell, so both columns see the same machine load.`,
  `- **declaration cell**: \`const cN = N; function fN(x: number) {…}; interface IN {…}\` (ipykernel: a variable, a def and a class), median of ${SAMPLE}: *first* on the fresh kernel, *last* on the kernel that already has ${HISTORY} of them (taking turns the same way).`,
  "- Each cell is shown as *wall ms / kernel CPU ms* (CPU time of the kernel process, all threads, during the cell).",
  "- The *protocol only* row runs the same kernel process with a trivial JavaScript host (test/kernel/fixtures/scripted-host.mjs): start-up without the TypeScript engine.",
  "",
  `| kernel | start ms | first cell after ${IDLE_MS / 1000} s idle | trivial cell, fresh | trivial cell after ${HISTORY} | declaration cell, first | declaration cell, last | failed tries | cells without status idle |`,
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
];
for (const [name, r] of Object.entries(results)) {
  const c = r.cells;
  const cell = (xs: Timing[] | undefined) => (xs ? `${f1(wall(xs))} / ${f1(cpu(xs))}` : "—");
  lines.push(
    `| ${name} | ${median(r.start).toFixed(0)} | ${r.firstAfterIdle.length ? `${wall(r.firstAfterIdle).toFixed(0)} / ${cpu(r.firstAfterIdle).toFixed(0)}` : "—"} | ${cell(c?.trivialFresh)} | ${cell(c?.trivialAfter)} | ${cell(c?.declFirst)} | ${cell(c?.declLast)} | ${r.failures} | ${r.lost} |`,
  );
}
for (const peer of peers) if (peer.available && !results[peer.name]) lines.push(`| ${peer.name} | failed | | | | | | |`);
for (const peer of peers) if (!peer.available) lines.push(`| ${peer.name} | not installed | | | | | | |`);

lines.push(
  "",
  `Kernel CPU per trivial cell including the work its threads do between cells (the fresh kernel's CPU over the ${SAMPLE} sampled cells, divided by ${SAMPLE}): ` +
    Object.entries(results)
      .filter(([, r]) => r.cells)
      .map(([name, r]) => `${name} ${f1(r.cells!.trivialFreshTotalCpu)} ms`)
      .join(", ") +
    ".",
);
lines.push("", "Goals (issue 13), from this run:", "");
const goal = (text: string, value: number | undefined, limit: number, unit: string) =>
  lines.push(`- ${text}: ${value === undefined ? "not measured" : `${value.toFixed(2)}${unit} (goal ≤ ${limit}${unit}) — ${value <= limit ? "met" : "not met"}`}`);
const oc = ours?.cells;
const ic = ipy?.cells;
for (const [label, m] of [["wall", wall], ["kernel CPU", cpu]] as const) {
  goal(`${label}: trivial distinct cell, synthlab / ipykernel (medians, fresh)`, oc && ic ? m(oc.trivialFresh) / m(ic.trivialFresh) : undefined, 1.5, "×");
  goal(`${label}: trivial cell after ${HISTORY} declaration cells / fresh (synthlab)`, oc ? m(oc.trivialAfter) / m(oc.trivialFresh) : undefined, 1.2, "×");
  goal(`${label}: declaration cell, last ${SAMPLE} / first ${SAMPLE} (synthlab)`, oc ? m(oc.declLast) / m(oc.declFirst) : undefined, 1.2, "×");
}
goal(`wall: first cell after kernel_info and ${IDLE_MS / 1000} s idle (synthlab)`, ours?.firstAfterIdle.length ? wall(ours.firstAfterIdle) : undefined, 300, " ms");
lines.push("");
mkdirSync(join(REPO, "docs/benchmarks"), { recursive: true });
writeFileSync(join(REPO, "docs/benchmarks/kernel.md"), lines.join("\n"));
console.log(lines.join("\n"));
