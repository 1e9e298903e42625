/**
 * Real public tables through generate → report (issue 10): dates in their own formats stay dates
 * in the synthetic rows and in the report; identifiers are named and skipped.
 */
import { describe, expect, it } from "vitest";
import { readCsv } from "../../src/data/csv.js";
import { takeRows } from "../../src/data/frame.js";
import { parseDateTimeMs } from "../../src/data/datetime.js";
import { evaluate } from "../../src/evaluate/report/report.js";
import { generate } from "../../src/generate/index.js";
import { tablePath } from "../support/tables.js";

const quiet = { log: () => {} };
const present = (v: unknown[]): string[] => v.filter((x): x is string => typeof x === "string");

describe("real tables with non-ISO dates", () => {
  it("airplane_crashes (mm/dd/yyyy, HH:MM with gaps): copula keeps both formats and the report compares them as datetimes", async () => {
    const all = await readCsv(tablePath("airplane_crashes.csv"), quiet);
    // Every 8th row: ~660 rows, fast enough and still spread over 1908–2009.
    const real = takeRows(all, Array.from({ length: Math.floor(all.rowCount / 8) }, (_, i) => i * 8));
    const run = await generate({ like: real, mode: "copula", rows: 400, seed: 2 });
    const dates = present(run.frame.columns.Date as unknown[]);
    const times = present(run.frame.columns.Time as unknown[]);
    expect(dates.length).toBe(400);
    expect(dates.every((d) => /^\d{2}\/\d{2}\/\d{4}$/.test(d))).toBe(true);
    expect(times.every((t) => /^\d{2}:\d{2}$/.test(t))).toBe(true);
    // The missing share of Time (about 40%) is kept.
    expect(times.length).toBeGreaterThan(150);
    expect(times.length).toBeLessThan(320);
    const r = await evaluate({ real, synthetic: run.frame, queries: 20 });
    const kinds = Object.fromEntries(r.json.fidelity.columns.map((c) => [c.name, c.kind]));
    expect(kinds.Date).toBe("datetime");
    expect(kinds.Time).toBe("datetime");
    expect(r.json.fidelity.columns.find((c) => c.name === "Date")!.ksComplement).toBeGreaterThan(0.85);
    expect(r.warnings.join("\n")).toMatch(/Skipped identifier column\(s\) .*"Registration"/);
  });

  it("super_bowl (51 rows, d-Mon-yy): generated dates are d-Mon-yy in 1967–2017", async () => {
    const real = await readCsv(tablePath("super_bowl.csv"), quiet);
    const run = await generate({ like: real, mode: "copula", rows: 60, seed: 1 });
    const dates = present(run.frame.columns.Date as unknown[]);
    expect(dates.every((d) => /^\d{1,2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2}$/.test(d))).toBe(true);
    const ms = dates.map((d) => parseDateTimeMs(d, "d-mon-yy"));
    expect(Math.min(...ms)).toBeGreaterThanOrEqual(Date.UTC(1967, 0, 15));
    expect(Math.max(...ms)).toBeLessThanOrEqual(Date.UTC(2017, 1, 5));
    const r = await evaluate({ real, synthetic: run.frame, queries: 20 });
    expect(r.json.fidelity.columns.find((c) => c.name === "Date")).toMatchObject({ kind: "datetime" });
  });
});
