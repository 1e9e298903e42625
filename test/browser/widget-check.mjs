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
function check(name, ok, detail = "") {
  results.push({ name, ok });
  console.log(`${ok ? "ok" : "FAIL"} - ${name}${detail ? ` (${detail})` : ""}`);
  return ok;
}

// 1. The page bundle: ipywidgets 8 frontend + @jupyterlab/services, built now, never committed.
const t0 = Date.now();
mkdirSync(args.build, { recursive: true });
const repo = new URL("../..", import.meta.url).pathname;
const esbuild = spawnSync(join(repo, "node_modules/.bin/esbuild"), [
  join(repo, "test/browser/widget-page.mjs"), "--bundle", "--format=iife", "--platform=browser", `--outfile=${join(args.build, "page.js")}`,
  "--define:process.env.NODE_ENV=\"production\"", "--define:global=window", "--log-level=error",
  ...["woff", "woff2", "ttf", "eot", "svg", "png"].map((ext) => `--loader:.${ext}=dataurl`),
], { encoding: "utf8" });
if (!check("the ipywidgets 8 frontend bundles with esbuild", esbuild.status === 0 && existsSync(join(args.build, "page.js")),
  `${Date.now() - t0} ms${esbuild.status ? `; ${esbuild.stderr.slice(0, 400)}` : ""}`)) finish(null);
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

async function widgetChecks(page, run) {
  // Filled in with the widget API (slider, button, text, review).
}
