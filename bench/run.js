#!/usr/bin/env node
// `npm run bench [name ...]`: runs bench/<name>.bench.ts (all by default), each of which writes
// docs/benchmarks/<name>.md, then assembles docs/benchmarks.md from those sections.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const wanted = process.argv.slice(2);
const all = readdirSync(join(root, "bench"))
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""))
  .sort();
const unknown = wanted.filter((n) => n !== "--assemble" && !all.includes(n));
if (unknown.length) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(", ")}; known: ${all.join(", ")}\n`);
  process.exit(2);
}
// `--assemble` only rebuilds docs/benchmarks.md from the sections already written.
const benches = wanted.includes("--assemble") ? [] : all.filter((n) => wanted.length === 0 || wanted.includes(n));
let failed = 0;
for (const name of benches) {
  process.stdout.write(`\n=== bench ${name}\n`);
  const r = spawnSync("npx", ["tsx", `bench/${name}.bench.ts`], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) { failed++; process.stderr.write(`bench ${name} failed (exit ${r.status})\n`); }
}
assemble();
process.exit(failed ? 1 : 0);

function assemble() {
  const dir = join(root, "docs", "benchmarks");
  const parts = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".md")).sort() : [];
  const header = [
    "# Benchmarks",
    "",
    "Made by `npm run bench` (all) or `npm run bench -- NAME` (one of: " + all.join(", ") + ").",
    "Each section below is written by its benchmark in bench/ and says the exact command, the machine",
    "(2 cores, 24 GiB, no GPU) and the peer it was measured against in the same run.",
    "",
  ];
  const body = parts.map((f) => readFileSync(join(dir, f), "utf8").trim()).join("\n\n---\n\n");
  writeFileSync(join(root, "docs", "benchmarks.md"), header.join("\n") + "\n" + body + "\n");
}
