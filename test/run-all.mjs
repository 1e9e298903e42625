#!/usr/bin/env node
// `npm test`: build, type-check, unit/integration tests (vitest), the Jupyter protocol suite
// (Debian's jupyter_kernel_test) against the installed kernel, and notebook executions with
// real Jupyter. Prints one closing line "N passed, N failed" over every suite.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
let passed = 0;
let failed = 0;
const failures = [];

function step(name, cmd, args, opts = {}) {
  process.stdout.write(`\n=== ${name}: ${cmd} ${args.join(" ")}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: opts.capture ? ["ignore", "pipe", "pipe"] : "inherit", env: { ...process.env, ...opts.env }, encoding: "utf8" });
  if (opts.capture) {
    process.stdout.write(r.stdout ?? "");
    process.stderr.write(r.stderr ?? "");
  }
  return r;
}

function countStep(name, r) {
  if (r.status === 0) passed++;
  else { failed++; failures.push(name); }
}

// 1. Build and type-check (each counts as one check).
countStep("build", step("build", "npx", ["tsc", "-p", "tsconfig.build.json"]));
countStep("typecheck", step("typecheck", "npx", ["tsc", "-p", "tsconfig.test.json"]));

// 2. vitest, counted per test through its JSON report.
const out = join(mkdtempSync(join(tmpdir(), "synthlab-test-")), "vitest.json");
const v = step("vitest", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${out}`]);
if (existsSync(out)) {
  const j = JSON.parse(readFileSync(out, "utf8"));
  passed += j.numPassedTests;
  failed += j.numFailedTests + (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  if (j.numFailedTests) failures.push(`vitest (${j.numFailedTests} failed)`);
  // A file that fails to load has no tests in the counts: count it.
  for (const f of j.testResults ?? []) {
    if (f.status === "failed" && (f.assertionResults ?? []).length === 0) { failed++; failures.push(`vitest file ${f.name}`); }
  }
} else countStep("vitest", v);
if (v.status !== 0 && !failures.some((f) => f.startsWith("vitest"))) { failed++; failures.push("vitest (exit code)"); }

// 3. Python-side suites: each prints "RESULT: N passed, N failed" as its last line.
for (const [name, script] of [
  ["jupyter_kernel_test", "test/kernel/run_kernel_test.sh"],
  ["notebooks (nbclient)", "test/notebooks/run_notebooks.sh"],
  ["browser (chromium + Jupyter Notebook)", "test/browser/run_browser_test.sh"],
  ["browser widgets (ipywidgets 8 frontend + live kernel)", "test/browser/run_widget_test.sh"],
]) {
  if (!existsSync(join(root, script))) { failed++; failures.push(`${name}: ${script} missing`); continue; }
  const r = step(name, "bash", [script], { capture: true });
  // Our scripts print "RESULT: N passed, N failed"; Python's unittest prints "Ran N tests" and "OK".
  const ran = /Ran (\d+) tests?[\s\S]*?\n(OK|FAILED)/.exec(`${r.stderr}${r.stdout}`);
  const m = /RESULT: (\d+) passed, (\d+) failed/.exec(`${r.stdout}`) ??
    (ran && ran[2] === "OK" ? [ran[0], ran[1], "0"] : null);
  if (m) { passed += Number(m[1]); failed += Number(m[2]); if (Number(m[2]) || r.status !== 0) failures.push(name); }
  else countStep(name, r);
  if (m && r.status !== 0 && Number(m[2]) === 0) { failed++; }
}

process.stdout.write(`\n${failures.length ? "FAILED: " + failures.join("; ") + "\n" : ""}`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
