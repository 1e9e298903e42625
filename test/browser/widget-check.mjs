// Drives ipywidgets' own frontend against a live synthlab kernel (see run_widget_test.sh). Builds the
// test page (test/browser/widget-page.mjs) with esbuild into --build, serves it to Chromium on the
// Jupyter server's own origin (playwright answers the page's URL; REST and websocket calls go to the
// real server), executes cells through the kernel connection and acts on the rendered widgets as a
// person would: drag/keys on a slider, clicks, typing. After each action a cell asks the kernel what
// it saw. Usage: JUPYTER_TEST_TOKEN=T node test/browser/widget-check.mjs --url U --root DIR --build DIR --profile DIR
// Prints "ok - ..." / "FAIL - ..." per check and "RESULT: N passed, N failed" last; exit 1 on any failure.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const ACTION_TIMEOUT_MS = 15_000;
const { values: args } = parseArgs({
  options: { url: { type: "string" }, root: { type: "string" }, build: { type: "string" }, profile: { type: "string" } },
});
const token = process.env.JUPYTER_TEST_TOKEN;
for (const name of ["url", "root", "build", "profile"]) if (!args[name]) usage(`--${name} is required`);
if (!token) usage("JUPYTER_TEST_TOKEN must hold the server's token");

function usage(problem) {
  console.log(`widget-check: ${problem}`);
  console.log("RESULT: 0 passed, 1 failed");
  process.exit(2);
}

const results = [];
const t0 = Date.now();
function check(name, ok, detail = "") {
  results.push({ name, ok });
  console.log(`${ok ? "ok" : "FAIL"} - ${name}${detail ? ` (${detail})` : ""} [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
  return ok;
}

// 1. The page bundle: ipywidgets 8 frontend + @jupyterlab/services, built now, never committed.
mkdirSync(args.build, { recursive: true });
const repo = new URL("../..", import.meta.url).pathname;
const esbuild = spawnSync(join(repo, "node_modules/.bin/esbuild"), [
  join(repo, "test/browser/widget-page.mjs"), "--bundle", "--format=iife", "--platform=browser", `--outfile=${join(args.build, "page.js")}`,
  "--define:process.env.NODE_ENV=\"production\"", "--define:global=window", "--log-level=error",
  ...["woff", "woff2", "ttf", "eot", "svg", "png"].map((ext) => `--loader:.${ext}=dataurl`),
], { encoding: "utf8" });
if (!check("the ipywidgets 8 frontend bundles with esbuild", esbuild.status === 0 && existsSync(join(args.build, "page.js")),
  `${esbuild.status ? `; ${esbuild.stderr.slice(0, 400)}` : ""}`)) finish(null);
const files = {
  "index.html": ["text/html", `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="page.css"></head>` +
    `<body><div id="cells"></div><script src="page.js"></script></body></html>`],
  "page.js": ["text/javascript", readFileSync(join(args.build, "page.js"))],
  "page.css": ["text/css", existsSync(join(args.build, "page.css")) ? readFileSync(join(args.build, "page.css")) : ""],
};

const browser = await chromium.launchPersistentContext(args.profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1200, height: 900 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    // The page is answered by playwright (no network address), so Chromium counts it as public and would
    // block its websocket to 127.0.0.1 (Local Network Access); a page served by Jupyter is not blocked.
    "--disable-features=LocalNetworkAccessChecks"],
}).catch((err) => usage(`could not launch /usr/bin/chromium: ${err.message.split("\n")[0]}`));

let page;
const pageErrors = [];
const consoleLines = [];
/** A page call that gives up after `ms` with a message naming what it waited for. */
function within(ms, what, promise) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms); })])
    .finally(() => clearTimeout(timer));
}
try {
  page = browser.pages()[0] ?? await browser.newPage();
  page.setDefaultTimeout(ACTION_TIMEOUT_MS);
  page.on("pageerror", (err) => pageErrors.push(err.message));
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") consoleLines.push(`${m.type()}: ${m.text()}`); });
  // The page lives on the server's origin, so its REST and websocket calls are same-origin, as in Notebook.
  await page.route(`${args.url}/synthlab-widget-test/**`, (route) => {
    const name = new URL(route.request().url()).pathname.split("/").pop();
    const file = files[name];
    return file ? route.fulfill({ status: 200, contentType: file[0], body: file[1] }) : route.fulfill({ status: 404, body: "" });
  });
  await page.goto(`${args.url}/synthlab-widget-test/index.html`, { waitUntil: "load" });
  const info = await within(60_000, "starting the kernel", page.evaluate((o) => window.widgetTest.connect(o), { baseUrl: args.url, token, kernelName: "synthlab" }));
  check("the page starts a synthlab kernel through the server's REST + websocket API", info.implementation === "synthlab",
    `implementation ${info.implementation}, protocol ${info.protocol}`);
  const run = (code) => within(60_000, `running ${JSON.stringify(code.slice(0, 60))}`, page.evaluate((c) => window.widgetTest.run(c), code));
  const r = await run("console.log(6 * 7)");
  check("a cell runs through the kernel connection", r.status === "ok" && r.stdout.trim() === "42", JSON.stringify(r));
  await widgetChecks(page, run);
  check("no uncaught JavaScript errors in the page", pageErrors.length === 0, pageErrors.join(" | ").slice(0, 400));
} catch (err) {
  check("browser session completed", false, err.message.split("\n")[0]);
  const logs = await page?.evaluate(() => window.widgetTest?.logs ?? []).catch(() => []);
  for (const line of [...consoleLines, ...(logs ?? [])].slice(-20)) console.log(`    page: ${line.slice(0, 300)}`);
} finally {
  await page?.evaluate(() => window.widgetTest?.shutdown()).catch(() => undefined);
  await browser.close();
}
finish();

function finish() {
  const passed = results.filter((r) => r.ok).length;
  console.log(`RESULT: ${passed} passed, ${results.length - passed} failed`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

/** The kernel's answer to a cell that prints one JSON line. */
async function kernelSays(run, code) {
  const r = await run(code);
  try { return JSON.parse(r.stdout.trim().split("\n").pop()); } catch { return { error: `${r.status}: ${r.errors.join("; ")} ${r.stderr}`.slice(0, 300) }; }
}

async function widgetChecks(page, run) {
  // A slider: rendered by the standard IntSlider view, moved with the keyboard as a person would.
  const s = await run(`import { IntSlider, Button } from "synthlab/widgets";
const slider = new IntSlider({ value: 3, min: 0, max: 10, description: "rows" });
const seen: number[] = [];
slider.observe((c) => { seen.push(c.new as number); }, "value");
slider`);
  const handle = page.locator(`#cell-${s.cell} .widget-slider .noUi-handle`);
  const rendered = s.status === "ok" && s.views === 1 && await handle.count() === 1;
  check("an IntSlider shown by a cell renders as ipywidgets' slider view", rendered, JSON.stringify(s).slice(0, 300));
  if (rendered) {
    await handle.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await page.locator(`#cell-${s.cell} .widget-readout`).filter({ hasText: /^5$/ }).waitFor().catch(() => undefined);
    const k = await kernelSays(run, "console.log(JSON.stringify({ value: slider.value, seen }))");
    check("moving the slider (two arrow keys) changes the value the next cell sees and fires observe", k.value === 5 && k.seen?.includes(5),
      JSON.stringify(k));
  }

  // A button: a click runs the kernel's onClick handler.
  const b = await run(`let clicks = 0;
const button = new Button({ description: "Count me" });
button.onClick(() => { clicks += 1; });
button`);
  const btn = page.locator(`#cell-${b.cell} button`, { hasText: "Count me" });
  if (check("a Button renders as ipywidgets' button view", b.status === "ok" && await btn.count() === 1, JSON.stringify(b).slice(0, 300))) {
    await btn.click();
    await btn.click();
    const k = await kernelSays(run, "console.log(JSON.stringify({ clicks }))");
    check("two clicks on the button run its onClick handler twice in the kernel", k.clicks === 2, JSON.stringify(k));
  }

  // A review: accept and reject rows by buttons, by the row picker and by a typed command with Enter.
  const r = await run(`import { review } from "synthlab";
const rows = ["Latte", "Cocoa", "Espresso", "Mocha", "Tea", "Americano"].map((product, i) => ({ product, price: 2 + i }));
const rv = review(rows, { name: "browser", pageSize: 4 });
rv`);
  const cell = page.locator(`#cell-${r.cell}`);
  const counts = cell.locator(".synthlab-review-counts");
  const shown = r.status === "ok" && r.views === 1 && await cell.locator(".synthlab-review-page table").count() === 1;
  check("a review renders with the standard widget views (page, count, buttons, command box)", shown
    && await counts.textContent() === "accepted 0 · edited 0 · rejected 0 · pending 6 (of 6)", JSON.stringify(r).slice(0, 300));
  if (!shown) return;
  const waitCount = (text) => counts.filter({ hasText: text }).waitFor().then(() => true, () => false);
  await cell.locator("button.synthlab-review-accept").click();               // row 1
  await waitCount("accepted 1 ");
  await cell.locator("button.synthlab-review-reject").click();               // row 2 (the cursor moved on)
  await waitCount("rejected 1 ");
  await cell.locator(".synthlab-review-row select").selectOption({ label: "#4" });
  await cell.locator("button.synthlab-review-accept").click();               // row 4
  const afterClicks = await waitCount("accepted 2 · edited 0 · rejected 1 · pending 3 (of 6)");
  let k = await kernelSays(run, "console.log(JSON.stringify({ counts: rv.counts(), states: [0, 1, 2, 3].map((i) => rv.session.state(i)) }))");
  check("Accept / Reject clicks and the row picker decide rows in the kernel", afterClicks
    && JSON.stringify(k.states) === JSON.stringify(["accepted", "rejected", "pending", "accepted"]), JSON.stringify(k));
  const box = cell.locator(".synthlab-review-command input");
  await box.fill("r 3");
  await box.press("Enter");
  await waitCount("rejected 2 ");
  await box.fill("e 5 price=9.5");
  await box.press("Enter");
  await waitCount("edited 1 ");
  await box.fill("n");
  await box.press("Enter");
  const paged = await cell.locator('.synthlab-review-page tr[data-row="5"][data-state="edited"]').waitFor().then(() => true, () => false);
  k = await kernelSays(run, `const ok = rv.accepted();
console.log(JSON.stringify({ counts: rv.counts(), products: ok["product"].values, meta: ok["_meta"].values.map((m: string) => JSON.parse(m).review), page: rv.session.page, file: rv.file, cwd: process.cwd() }))`);
  check("commands typed in the review's box and sent with Enter reject, edit and turn the page", paged
    && k.counts?.rejected === 2 && k.counts?.edited === 1 && k.page === 1, JSON.stringify(k));
  check("the kernel's accepted rows carry the decision in _meta", JSON.stringify(k.products) === JSON.stringify(["Latte", "Mocha", "Tea"])
    && JSON.stringify(k.meta) === JSON.stringify(["accepted", "accepted", "edited"]), JSON.stringify(k));
  const file = join(args.root, ".synthlab", "review", "browser.jsonl");
  const lines = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [];
  check("each decision made in the browser is a line in .synthlab/review/browser.jsonl beside the kernel",
    JSON.stringify(lines.map((l) => [l.decision, l.row.product])) === JSON.stringify([["accepted", "Latte"], ["rejected", "Cocoa"],
      ["accepted", "Mocha"], ["rejected", "Espresso"], ["edited", "Tea"]]) && lines[4]?.edited?.price === 9.5, `${lines.length} lines`);
}
