/**
 * Types across a growing notebook (one source file per cell), from a folder outside the
 * repository, and the types of values magics put into the notebook.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createExecutionHost } from "../../src/kernel/execution/index.js";
import { registerMagic } from "../../src/magics/index.js";
import { NOTEBOOK_TYPES } from "../../src/magics/types.js";
import type { ExecuteOutcome, ExecutionHost } from "../../src/kernel/types.js";
import { RecordingIO, request } from "./recording-io.js";

let host: ExecutionHost;
let dir: string;

async function run(code: string): Promise<ExecuteOutcome> {
  return host.execute(request(code), new RecordingIO());
}

function plain(outcome: ExecuteOutcome): unknown {
  if (outcome.status !== "ok") throw new Error(`cell failed: ${JSON.stringify(outcome)}`);
  return outcome.result?.["text/plain"];
}

function tsError(outcome: ExecuteOutcome): string[] {
  if (outcome.status !== "error" || outcome.ename !== "TSError") throw new Error(`expected a TSError, got ${JSON.stringify(outcome)}`);
  return outcome.traceback;
}

beforeAll(async () => {
  // A course folder: outside the repository, no package.json, its own node_modules with one package.
  dir = mkdtempSync(path.join(tmpdir(), "synthlab-course-"));
  const local = path.join(dir, "node_modules", "simple-statistics");
  mkdirSync(local, { recursive: true });
  writeFileSync(path.join(local, "package.json"), JSON.stringify({ name: "simple-statistics", version: "0.0.1", main: "index.js", types: "index.d.ts" }));
  writeFileSync(path.join(local, "index.js"), "exports.sum = () => 'the local copy';\n");
  writeFileSync(path.join(local, "index.d.ts"), "export declare function sum(values: number[]): string;\n");
  host = await createExecutionHost({ cwd: dir });
}, 120_000);

afterAll(async () => {
  await host.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe("from a folder outside the repository", () => {
  it('imports "synthlab" and vega-lite with their types', async () => {
    expect((await run('import { Chart, parseCsv } from "synthlab";\nimport type { TopLevelSpec } from "vega-lite";')).status).toBe("ok");
    expect(plain(await run('parseCsv("a,b\\n1,2\\n3,4").rowCount'))).toBe("2");
    // The types are there: a wrong property and a wrong mark are type errors, not `any`.
    expect(tsError(await run('parseCsv("a\\n1").rowCountt;')).join("\n")).toMatch(/rowCountt/);
    expect(tsError(await run('const spec: TopLevelSpec = { mark: "nonsense", data: { values: [] } };')).join("\n")).toMatch(/nonsense/);
    expect(plain(await run('typeof Chart'))).toBe("'function'");
  });

  it("prefers a package in the notebook's own node_modules", async () => {
    expect(plain(await run('import { sum } from "simple-statistics";\nsum([1, 2])'))).toBe("'the local copy'");
    // Its own types too: sum returns a string here.
    expect(plain(await run("sum([1]).toUpperCase()"))).toBe("'THE LOCAL COPY'");
  });

  it("says how to install a module that is truly missing", async () => {
    const tb = tsError(await run('import { x } from "no-such-package-synthlab-test";'));
    expect(tb.join("\n")).toContain("npm install no-such-package-synthlab-test");
  });
});

describe("a long notebook", () => {
  it("keeps types across many cells; a redeclared name takes its new type; errors name only the new cell", async () => {
    expect((await run("interface Point { x: number; y: number }\nconst origin: Point = { x: 0, y: 0 };\nfunction norm(p: Point) { return Math.hypot(p.x, p.y); }")).status).toBe("ok");
    for (let i = 0; i < 120; i++) {
      const outcome = await run(`const v${i} = ${i};\nfunction g${i}(n: number) { return n + v${i}; }\ninterface T${i} { k${i}: number }`);
      expect(outcome.status).toBe("ok");
    }
    // Types from the first and a middle cell still check, and the values are there.
    expect(plain(await run("const t: T60 = { k60: g60(1) };\nnorm({ x: 3, y: 4 }) + t.k60"))).toBe("66");
    expect(tsError(await run("const bad: T60 = { k60: 'no' };")).join("\n")).toMatch(/^ {2}1:\d+ - Type 'string' is not assignable to type 'number'/m);
    // Redeclaring an interface and a const: the later one wins, and the earlier cells are not re-checked.
    expect((await run("interface Point { lat: number }\nconst origin = 'moved';")).status).toBe("ok");
    expect(plain(await run("origin.toUpperCase()"))).toBe("'MOVED'");
    const errors = tsError(await run("const p: Point = { x: 1, y: 2 };"));
    // Diagnostics of this one-line cell only: nothing from the 120 older cells (no file names, no other lines).
    expect(errors.slice(1).length).toBeGreaterThan(0);
    for (const line of errors.slice(1)) expect(line).toMatch(/^ {2}1:\d+ - /);
    expect(errors.join("\n")).toMatch(/'lat'|'x'/); // Checked against the redeclared Point.
  }, 120_000);
});

describe("values magics put into the notebook", () => {
  beforeAll(() => {
    registerMagic({
      name: "typed_values_test",
      kind: "line",
      description: "test: sets one value of each notebook type",
      async run(_args, _body, ctx) {
        ctx.scope.set("tmodel", {}, NOTEBOOK_TYPES.TrainedModel);
        ctx.scope.set("treport", {}, NOTEBOOK_TYPES.Report);
        ctx.scope.set("tframe", {}, NOTEBOOK_TYPES.Frame);
        return undefined;
      },
    });
  });

  it("%%generate gives a DataFrame: completion offers its members, a wrong use is a type error", async () => {
    expect((await run("%%generate synth --schema coffee-shop --rows 20 --seed 1")).status).toBe("ok");
    const c = await host.complete("synth.he", 8);
    expect(c.matches).toContain("head");
    const info = await host.inspect("synth", 5, 0);
    expect(String(info.data["text/plain"])).toMatch(/let synth: DataFrame/);
    expect(plain(await run("synth.shape[0]"))).toBe("20");
    expect(tsError(await run("const rows: string = synth.shape[0];")).join("\n")).toMatch(/not assignable to type 'string'/);
  }, 120_000);

  it("declares TrainedModel, Report and Frame with their types, not any", async () => {
    expect((await run("%typed_values_test")).status).toBe("ok");
    expect(String((await host.inspect("tmodel", 6, 0)).data["text/plain"])).toMatch(/let tmodel: TrainedModel/);
    expect(String((await host.inspect("treport", 7, 0)).data["text/plain"])).toMatch(/let treport: Report/);
    expect(String((await host.inspect("tframe", 6, 0)).data["text/plain"])).toMatch(/let tframe: Frame/);
    // With `any` these would compile.
    expect(tsError(await run("const n: number = treport;")).join("\n")).toMatch(/Report/);
    expect(tsError(await run("tmodel.noSuchMethod();")).join("\n")).toMatch(/noSuchMethod/);
  }, 60_000);
});
