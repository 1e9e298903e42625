/**
 * `synthlab train` end to end, as a child process running the command module from source
 * (tsx), so it does not depend on a build of the whole package.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../src/data/random.js";

let dir = "";
const root = process.cwd();

function csv(n: number, seed: number): string {
  const rng = createRng(seed);
  const lines = ["a,k,y"];
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(0, 4);
    const k = rng.next() < 0.5 ? "u" : "v";
    lines.push(`${a.toFixed(4)},${k},${(2 * a + (k === "u" ? 1 : -1) + rng.normal() * 0.1).toFixed(4)}`);
  }
  return lines.join("\n") + "\n";
}

function cli(...args: string[]) {
  const script = `const m = await import(${JSON.stringify(join(root, "src/cli/commands/train.ts"))}); process.exitCode = await m.run(${JSON.stringify(args)});`;
  return spawnSync(process.execPath, ["--import", pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href, "--input-type=module", "-e", script], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, SYNTHLAB_DATA_MIRROR: process.env.SYNTHLAB_DATA_MIRROR ?? join(root, "../shared/datasets") },
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "synthlab-train-cli-"));
  await writeFile(join(dir, "train.csv"), csv(200, 1));
  await writeFile(join(dir, "test.csv"), csv(60, 2));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("synthlab train", () => {
  it("trains from CSV files, prints metrics, saves the model and writes JSON", async () => {
    const r = cli("--data", "train.csv", "--test", "test.csv", "--target", "y", "--model", "linear", "--epochs", "30", "--batch-size", "16", "--save", "m", "--json", "out.json");
    expect(r.stderr).toMatch(/TF\.js backend: (wasm|cpu|tensorflow)/);
    expect(r.stderr).toMatch(/epoch +1 +loss/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/test\s+[\d.]+/);
    expect(r.stdout).toContain("Model saved to m");
    const out = JSON.parse(await readFile(join(dir, "out.json"), "utf8"));
    expect(out.target).toBe("y");
    expect(out.metrics.test.r2).toBeGreaterThan(0.9);
    expect(out.metrics.test.mae).toBeLessThan(out.metrics.baseline.mae);
    expect(out.history.length).toBeGreaterThan(0);
    const saved = JSON.parse(await readFile(join(dir, "m", "model.json"), "utf8"));
    expect(saved.format).toBe("synthlab-model");
  });

  it("Ctrl-C stops after the current batch, prints the metrics of the best weights and exits 130", async () => {
    const script = `const m = await import(${JSON.stringify(join(root, "src/cli/commands/train.ts"))}); ` +
      `process.exitCode = await m.run(["--data", "train.csv", "--target", "y", "--epochs", "5000", "--patience", "0", "--batch-size", "8", "--save", "int"]);`;
    const child = spawn(process.execPath, ["--import", pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href, "--input-type=module", "-e", script], { cwd: dir });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (!sent && /epoch +2 /.test(stderr)) { sent = true; child.kill("SIGINT"); }
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toContain("Interrupted: finishing the current batch");
    expect(stdout).toMatch(/\(interrupted\), best epoch \d+/);
    expect(stdout).toContain("Model saved to int");
  }, 120_000);

  it("exits 2 with one clear line for bad input", () => {
    const noTarget = cli("--data", "train.csv");
    expect(noTarget.status).toBe(2);
    expect(noTarget.stderr).toMatch(/--target is required/);
    const missingFile = cli("--data", "nope.csv", "--target", "y");
    expect(missingFile.status).toBe(2);
    expect(missingFile.stderr).toMatch(/--data nope.csv: no such file\./);
    const badTarget = cli("--data", "train.csv", "--target", "k", "--quiet");
    expect(badTarget.status).toBe(2);
    expect(badTarget.stderr).toMatch(/Target column "k" is not numeric/);
    expect(badTarget.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
