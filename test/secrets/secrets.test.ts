/**
 * The API key must never leak: with OPENAI_API_KEY set to a fresh random value and OPENAI_BASE_URL
 * pointing at the local OpenAI-compatible test double (test/support/openai-server.ts, a real HTTP
 * server that requires that key), notebooks 01 and 03 run through the built CLI (`synthlab run
 * --out --html`), notebook 03 also through the installed kernel with real Jupyter (nbclient), a
 * small notebook lists the environment with %env, and one runs %%generate over a pool of two
 * --endpoint nodes whose key= name the variables holding the key. Then every saved notebook, HTML page, cache file
 * and captured stdout/stderr is scanned for the key. The server's own record shows the key was really
 * used (every request carried it), so an empty scan is not an accident of LLM code never running.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";

const root = new URL("../../", import.meta.url).pathname;
const bin = join(root, "bin/synthlab.js");
const python = "/usr/bin/python3";

// A fresh key per run, shaped like a real one, so a leak cannot be a coincidence of fixed text.
const hex = randomBytes(24).toString("hex");
const key = `sk-test-${hex}`;
// Also catch partial leaks (a key "masked" by showing most of it): any 16-character run of the random part.
const fragments = Array.from({ length: hex.length - 15 }, (_, i) => hex.slice(i, i + 16));

interface Captured { name: string; code: number | null; stdout: string; stderr: string }

let dir: string;
let server: OpenAiTestServer;
let env: NodeJS.ProcessEnv;
const logs: Captured[] = [];

/** Spawns without blocking the event loop: the test server answers from this same process. */
function exec(name: string, cmd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}, timeoutMs = 150_000): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: dir, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => { stdout += d.toString("utf8"); });
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString("utf8"); });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const r = { name, code, stdout, stderr };
      logs.push(r);
      resolve(r);
    });
  });
}

async function filesUnder(path: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function leaks(text: string): string | null {
  if (text.includes(key)) return "the whole key";
  const f = fragments.find((x) => text.includes(x));
  return f ? `a fragment of the key (${f.length} characters)` : null;
}

/** Outputs of an executed notebook, as one string of its stream text and plain-text results. */
async function outputsText(path: string): Promise<string> {
  const nb = JSON.parse(await readFile(path, "utf8")) as { cells: { outputs?: Record<string, unknown>[] }[] };
  return nb.cells.flatMap((c) => c.outputs ?? []).map((o) => {
    const text = o.text as string | string[] | undefined;
    const data = o.data as Record<string, string | string[]> | undefined;
    const plain = data?.["text/plain"];
    return [text, plain, o.evalue].flat().filter((x) => typeof x === "string").join("");
  }).join("\n");
}

beforeAll(async () => {
  for (const f of ["dist/cli/main.js", "dist/kernel/execution/index.js"]) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: build first with npx tsc -p tsconfig.build.json`);
  }
  dir = await mkdtemp(join(tmpdir(), "synthlab-secrets-"));
  // The server refuses any request without this exact key (HTTP 401), so runs that succeed used it.
  server = await startOpenAiServer({ apiKey: key });
  env = {
    ...process.env,
    OPENAI_API_KEY: key,
    OPENAI_BASE_URL: server.url,
    SYNTHLAB_CACHE_DIR: join(dir, "cache"),
    SYNTHLAB_DATA_MIRROR: process.env.SYNTHLAB_DATA_MIRROR ?? join(root, "../shared/datasets"),
    JUPYTER_PATH: join(dir, "prefix/share/jupyter"),
  };
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the API key never appears in outputs, pages, caches or logs", () => {
  it("the scanner itself finds the key and a partly masked key (negative control)", () => {
    expect(leaks(`token=${key}`)).toBe("the whole key");
    expect(leaks(`sk-te****${hex.slice(10, 40)}`)).toMatch(/fragment/);
    expect(leaks("sk-test-****")).toBeNull();
  });

  it("notebook 03 compares the LLM generators through the configured server", async () => {
    const r = await exec("run 03", process.execPath, [bin, "run", join(root, "notebooks/03-compare-generators.ipynb"),
      "-p", "llmRows=24", "--out", join(dir, "out/03.ipynb"), "--html", join(dir, "out/03.html")]);
    expect(r.code, r.stderr).toBe(0);
    const text = await outputsText(join(dir, "out/03.ipynb"));
    // Both LLM candidates produced rows and were scored against the holdout, so the key was in use.
    expect(text).toMatch(/Trained on llm-rows rows, the model misses/);
    expect(text).toMatch(/Trained on llm-program rows, the model misses/);
    expect(server.chatRequests().length).toBeGreaterThan(0);
  }, 170_000);

  it("notebook 01 runs its llm-rows step through the configured server", async () => {
    const before = server.chatRequests().length;
    const r = await exec("run 01", process.execPath, [bin, "run", join(root, "notebooks/01-sales-prediction.ipynb"),
      "-p", "rows=300", "-p", "epochs=2", "-p", "llmRows=16", "--out", join(dir, "out/01.ipynb"), "--html", join(dir, "out/01.html")]);
    expect(r.code, r.stderr).toBe(0);
    // The run's llm-rows step produced rows (the generation summary names its mode) with new requests.
    expect(await outputsText(join(dir, "out/01.ipynb"))).toMatch(/mode llm-rows/);
    expect(server.chatRequests().length).toBeGreaterThan(before);
  }, 170_000);

  it("%env lists the key masked, even when asked for it by name", async () => {
    const cells = ["%env", "%env OPENAI_API_KEY", 'console.log(Object.keys(process.env).includes("OPENAI_API_KEY"))'];
    const nb = {
      nbformat: 4, nbformat_minor: 5,
      metadata: { kernelspec: { name: "synthlab", display_name: "TypeScript (synthlab)", language: "typescript" } },
      cells: cells.map((source, i) => ({ cell_type: "code", id: `env-${i}`, metadata: {}, source, outputs: [], execution_count: null })),
    };
    await writeFile(join(dir, "env.ipynb"), JSON.stringify(nb));
    const r = await exec("run env", process.execPath, [bin, "run", join(dir, "env.ipynb"), "--out", join(dir, "out/env.ipynb"), "--html", join(dir, "out/env.html")]);
    expect(r.code, r.stderr).toBe(0);
    const text = await outputsText(join(dir, "out/env.ipynb"));
    expect(text).toContain("OPENAI_API_KEY");
    expect(text).toContain("true"); // the variable is set in the kernel, so the masking is what hides it
  }, 90_000);

  it("a pool of endpoints (--endpoint with key= naming variables) runs in a notebook, keys still hidden", async () => {
    const before = server.chatRequests().length;
    const cell = `%%generate pooled --mode llm-rows --schema coffee-shop --rows 8 --batch-size 4 --endpoint "${server.url} key=OPENAI_API_KEY name=first" --endpoint "${server.url} key=POOL_NODE_KEY name=second"\nCoffee sales`;
    const nb = {
      nbformat: 4, nbformat_minor: 5,
      metadata: { kernelspec: { name: "synthlab", display_name: "TypeScript (synthlab)", language: "typescript" } },
      cells: [{ cell_type: "code", id: "pool-0", metadata: {}, source: cell, outputs: [], execution_count: null }],
    };
    await writeFile(join(dir, "pool.ipynb"), JSON.stringify(nb));
    const r = await exec("run pool", process.execPath, [bin, "run", join(dir, "pool.ipynb"), "--out", join(dir, "out/pool.ipynb"), "--html", join(dir, "out/pool.html")], { POOL_NODE_KEY: key });
    expect(r.code, r.stderr).toBe(0);
    const text = await outputsText(join(dir, "out/pool.ipynb"));
    expect(text).toMatch(/node first \(http:\/\/127\.0\.0\.1:\d+\/v1\): \d+ requests/);
    expect(text).toMatch(/node second /);
    expect(server.chatRequests().length).toBeGreaterThan(before);
  }, 90_000);

  it("notebook 03 on the installed kernel with real Jupyter (nbclient)", async () => {
    const install = await exec("kernel install", process.execPath, [bin, "kernel", "install", "--prefix", join(dir, "prefix")]);
    expect(install.code, install.stderr).toBe(0);
    const script = [
      "import sys, nbformat",
      "from nbclient import NotebookClient",
      "nb = nbformat.read(sys.argv[1], as_version=4)",
      "for c in nb.cells:",
      "    if 'parameters' in c.metadata.get('tags', []): c.source += '\\nllmRows = 24;'",
      // Like Jupyter, run the kernel in the notebook's folder (where `import "synthlab"` resolves).
      "NotebookClient(nb, timeout=150, kernel_name='synthlab', resources={'metadata': {'path': sys.argv[3]}}).execute()",
      "nbformat.write(nb, sys.argv[2])",
    ].join("\n");
    const r = await exec("nbclient 03", python, ["-c", script, join(root, "notebooks/03-compare-generators.ipynb"), join(dir, "out/03-nbclient.ipynb"), join(root, "notebooks")]);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(await outputsText(join(dir, "out/03-nbclient.ipynb"))).toMatch(/Trained on llm-program rows, the model misses/);
  }, 170_000);

  it("scans every saved notebook, page, cache file and captured log", async () => {
    const files = await filesUnder(dir);
    const names = files.map((f) => f.slice(dir.length + 1));
    // The scan covers what the runs wrote: the notebooks and pages, and a non-empty LLM cache.
    for (const f of ["out/03.ipynb", "out/03.html", "out/01.ipynb", "out/01.html", "out/env.ipynb", "out/env.html", "out/pool.ipynb", "out/pool.html"]) expect(names).toContain(f);
    expect(names.filter((n) => n.startsWith("cache/")).length).toBeGreaterThan(0);
    const found: string[] = [];
    for (const f of files) {
      const what = leaks(await readFile(f, "latin1"));
      if (what) found.push(`${f.slice(dir.length + 1)}: ${what}`);
    }
    for (const l of logs) {
      for (const [stream, text] of [["stdout", l.stdout], ["stderr", l.stderr]] as const) {
        const what = leaks(text);
        if (what) found.push(`${l.name} ${stream}: ${what}`);
      }
    }
    // The key travelled only in the Authorization header, never in a request body.
    for (const req of server.requests) {
      const what = leaks(req.body);
      if (what) found.push(`request body ${req.method} ${req.path}: ${what}`);
    }
    expect(found).toEqual([]);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${key}`)).toBe(true);
    expect(logs.length).toBeGreaterThanOrEqual(5);
  });
});
