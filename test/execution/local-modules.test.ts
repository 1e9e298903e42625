import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createExecutionHost } from "../../src/kernel/execution/index.js";
import type { ExecutionHost } from "../../src/kernel/types.js";
import { RecordingIO, request } from "./recording-io.js";

let host: ExecutionHost;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "synthlab-nb-"));
  writeFileSync(path.join(dir, "helper.ts"), "export function triple(n: number): number {\n  return n * 3;\n}\n");
  writeFileSync(path.join(dir, "data.txt"), "from the notebook directory\n");
  host = await createExecutionHost({ cwd: dir });
}, 120_000);

afterAll(async () => {
  await host.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

it("imports a local .ts module next to the notebook, with its types", async () => {
  const ok = await host.execute(request("import { triple } from './helper';\ntriple(14)"), new RecordingIO());
  expect(ok).toEqual({ status: "ok", result: { "text/plain": "42" } });
  const bad = await host.execute(request("const s: string = triple(1);"), new RecordingIO());
  expect(bad).toMatchObject({ status: "error", ename: "TSError" });
});

it("resolves relative paths and __dirname against the notebook directory", async () => {
  const r = await host.execute(
    request("import { readFileSync } from 'node:fs';\n[__dirname === " + JSON.stringify(dir) + ", readFileSync(__dirname + '/data.txt', 'utf8').trim()]"),
    new RecordingIO(),
  );
  expect(r).toEqual({ status: "ok", result: { "text/plain": "[ true, 'from the notebook directory' ]" } });
});

it("refuses a working directory that does not exist, naming it", async () => {
  await expect(createExecutionHost({ cwd: path.join(dir, "missing") })).rejects.toThrow(/cwd ".*missing" is not a directory; pass the notebook's folder/);
});
