// Opens an executed notebook in a running classic Jupyter Notebook (6.x) server with Debian's Chromium
// (driven by playwright-core, no browser download) and checks what a person would see: the charts are
// real images, no output is an error, and the notebook runs on the synthlab kernel.
// Usage: JUPYTER_TEST_TOKEN=T node test/browser/browser-check.mjs --url U --notebook NAME --ipynb FILE
//          --screenshot PNG --profile DIR [--notebook-major 6]
// Prints "ok - ..." / "FAIL - ..." per check and "RESULT: N passed, N failed" last; exit 1 on any failure.
import { readFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const KERNEL_DISPLAY_NAME = "TypeScript (synthlab)";
const MIN_CHART_WIDTH = 100; // px; smaller than any chart the report draws, larger than an icon
const RENDER_TIMEOUT_MS = 60_000;

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    notebook: { type: "string" },
    ipynb: { type: "string" },
    screenshot: { type: "string" },
    profile: { type: "string" },
    "notebook-major": { type: "string", default: "6" },
  },
});
const token = process.env.JUPYTER_TEST_TOKEN;
for (const name of ["url", "notebook", "ipynb", "screenshot", "profile"]) {
  if (!args[name]) usage(`--${name} is required`);
}
if (!token) usage("JUPYTER_TEST_TOKEN must hold the server's token");
if (args["notebook-major"] !== "6") {
  // Notebook 7 is a JupyterLab front end with other selectors and windowed rendering; not covered yet.
  usage(`jupyter notebook ${args["notebook-major"]}.x is not supported by this check; it targets the classic notebook 6.x that Debian ships (apt-get install jupyter-notebook)`);
}

function usage(problem) {
  console.log(`browser-check: ${problem}`);
  console.log("RESULT: 0 passed, 1 failed");
  process.exit(2);
}

/** What the executed notebook file says the page must show: the reference the page is checked against. */
function expectedFromIpynb(file) {
  const nb = JSON.parse(readFileSync(file, "utf8"));
  const join = (v) => (Array.isArray(v) ? v.join("") : (v ?? ""));
  let outputs = 0, pngOutputs = 0, reportImages = 0;
  const errors = [];
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      outputs += 1;
      if (out.output_type === "error") errors.push(`${out.ename}: ${out.evalue}`);
      const data = out.data ?? {};
      if (data["image/png"]) pngOutputs += 1;
      const html = join(data["text/html"]);
      if (html.includes("synthlab-report")) reportImages += (html.match(/<img\b/g) ?? []).length;
    }
  }
  return { outputs, pngOutputs, reportImages, errors, kernel: nb.metadata?.kernelspec?.display_name };
}

const results = [];
function check(name, ok, detail = "") {
  results.push({ name, ok });
  console.log(`${ok ? "ok" : "FAIL"} - ${name}${detail ? ` (${detail})` : ""}`);
}

/** Runs in the page: size, visibility and pixel variety of each image matched by `selector`. */
function measureImages(selector) {
  return [...document.querySelectorAll(selector)].map((img) => {
    const box = img.getBoundingClientRect();
    let colours = 0;
    try {
      // Count distinct colours on a small copy: a blank or broken chart has one or two.
      const canvas = document.createElement("canvas");
      canvas.width = 64; canvas.height = 64;
      const ctx = canvas.getContext("2d");
      ctx.drawImage(img, 0, 0, 64, 64);
      const px = ctx.getImageData(0, 0, 64, 64).data;
      const seen = new Set();
      for (let i = 0; i < px.length; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      colours = seen.size;
    } catch { colours = -1; }
    return {
      complete: img.complete, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight,
      width: box.width, height: box.height, visible: img.checkVisibility({ visibilityProperty: true, opacityProperty: true }),
      colours,
    };
  });
}

function badImages(list) {
  return list.filter((m) => !(m.complete && m.naturalWidth > MIN_CHART_WIDTH && m.width > MIN_CHART_WIDTH
    && m.height > 50 && m.visible && m.colours > 8));
}

const expected = expectedFromIpynb(args.ipynb);
check("executed notebook file has no error outputs", expected.errors.length === 0, expected.errors.join("; "));

// A persistent context is how playwright takes a fresh --user-data-dir (the profile folder is new per run).
const browser = await chromium.launchPersistentContext(args.profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 1000 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
}).catch((err) => usage(`could not launch /usr/bin/chromium: ${err.message.split("\n")[0]}`));

let exitCode = 1;
try {
  const page = browser.pages()[0] ?? await browser.newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`${args.url}/notebooks/${encodeURIComponent(args.notebook)}?token=${token}`, { waitUntil: "load" });

  // Classic notebook: one .output_area per stored output once the notebook model has loaded.
  const rendered = await page.waitForFunction(
    (n) => document.querySelectorAll("#notebook-container .output_area").length >= n, expected.outputs,
    { timeout: RENDER_TIMEOUT_MS }).then(() => true, () => false);
  const outputAreas = await page.locator("#notebook-container .output_area").count();
  check("notebook page renders every stored output", rendered && outputAreas === expected.outputs,
    `${outputAreas} of ${expected.outputs} outputs`);

  // Let every image decode before measuring it.
  await page.waitForFunction(() => [...document.querySelectorAll("#notebook-container .output_area img")]
    .every((img) => img.complete), undefined, { timeout: RENDER_TIMEOUT_MS }).catch(() => undefined);

  const pngs = await page.evaluate(measureImages, "#notebook-container .output_png img");
  const badPngs = badImages(pngs);
  check("image/png chart outputs are visible images wider than 100 px", expected.pngOutputs > 0
    && pngs.length === expected.pngOutputs && badPngs.length === 0,
    `${pngs.length - badPngs.length} good of ${expected.pngOutputs} expected; bad: ${JSON.stringify(badPngs)}`);

  const reportImgs = await page.evaluate(measureImages, "#notebook-container .synthlab-report img");
  const badReport = badImages(reportImgs);
  check("report charts are visible images wider than 100 px", expected.reportImages > 0
    && reportImgs.length === expected.reportImages && badReport.length === 0,
    `${reportImgs.length - badReport.length} good of ${expected.reportImages} expected; bad: ${JSON.stringify(badReport)}`);

  // Error outputs, JS render failures, unrenderable mime types, and stderr that carries a stack trace.
  const errorsShown = await page.evaluate(() => {
    const found = [];
    for (const el of document.querySelectorAll(".output_error, .js-error, .output_unrecognized")) {
      found.push(el.textContent.trim().slice(0, 200));
    }
    for (const el of document.querySelectorAll(".output_stderr")) {
      const text = el.textContent;
      if (/\b\w*Error\b|Traceback|^\s+at .+:\d+:\d+/m.test(text)) found.push(text.trim().slice(0, 200));
    }
    return found;
  });
  check("no output shows an error", errorsShown.length === 0, errorsShown.join(" | "));

  const kernelName = (await page.locator("#kernel_indicator .kernel_indicator_name").textContent())?.trim();
  check(`kernel indicator shows "${KERNEL_DISPLAY_NAME}"`, kernelName === KERNEL_DISPLAY_NAME
    && expected.kernel === KERNEL_DISPLAY_NAME, `page: ${kernelName}; file: ${expected.kernel}`);

  // Opening the notebook starts its kernel through the installed kernelspec; it must come up idle.
  const idle = await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: RENDER_TIMEOUT_MS })
    .then(() => true, () => false);
  const iconTitle = await page.locator("#kernel_indicator_icon").getAttribute("title");
  check("the synthlab kernel starts from the browser and goes idle", idle, `indicator: ${iconTitle}`);

  check("no uncaught JavaScript errors in the page", pageErrors.length === 0, pageErrors.join(" | ").slice(0, 400));

  // Screenshot for the README: the report cell (code + rendered report), its scroll box expanded.
  await page.evaluate(() => {
    for (const el of document.querySelectorAll(".output_scroll")) el.classList.remove("output_scroll");
  });
  const reportCell = page.locator("#notebook-container .cell", { has: page.locator(".synthlab-report") }).first();
  mkdirSync(dirname(args.screenshot), { recursive: true });
  // The classic notebook scrolls inside #site under a fixed header, so the shot is the viewport: the
  // header (notebook name, kernel "TypeScript (synthlab)") above the report cell scrolled to the top.
  await page.setViewportSize({ width: 1280, height: 2000 });
  if (await reportCell.count()) {
    await reportCell.evaluate((cell) => {
      const site = document.getElementById("site");
      site.scrollTop += cell.getBoundingClientRect().top - site.getBoundingClientRect().top - 8;
    });
  }
  // End the shot just under the report's first chart, so no chart is cut in half.
  const firstChartBottom = await page.evaluate(() =>
    document.querySelector("#notebook-container .synthlab-report img")?.getBoundingClientRect().bottom ?? 0);
  const height = firstChartBottom > 200 && firstChartBottom < 1976 ? Math.ceil(firstChartBottom) + 24 : 2000;
  await page.screenshot({ path: args.screenshot, clip: { x: 0, y: 0, width: 1280, height } });
  console.log(`screenshot: ${args.screenshot}`);
  exitCode = results.every((r) => r.ok) ? 0 : 1;
} catch (err) {
  check("browser session completed", false, err.message.split("\n")[0]);
} finally {
  await browser.close();
}
const passed = results.filter((r) => r.ok).length;
console.log(`RESULT: ${passed} passed, ${results.length - passed} failed`);
process.exit(exitCode);
