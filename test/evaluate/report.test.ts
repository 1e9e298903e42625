import { describe, expect, it } from "vitest";
import { frameFromColumns, frameToRecords, takeRows } from "../../src/data/frame.js";
import { evaluate, EvaluateError, noiseFloor, Report } from "../../src/evaluate/index.js";
import { displaySymbol, isDisplayable } from "../../src/display/protocol.js";
import { fixtureTables, linearTable } from "./helpers.js";

const { real, synthetic, holdout } = fixtureTables();

function keys(o: object): string[] {
  return Object.keys(o).sort();
}

describe("evaluate → Report", () => {
  it("produces the DESIGN.md section 5 JSON (version 1, stable keys) with scores in [0, 1]", async () => {
    const r = await evaluate({ real, synthetic, holdout, target: "y", timeColumn: "date" });
    const j = JSON.parse(JSON.stringify(r));
    expect(keys(j)).toEqual(["diagnostic", "fidelity", "notMeasured", "privacy", "rows", "scores", "utility", "version", "warnings"]);
    expect(keys(j.diagnostic)).toEqual(["columns", "rules", "score"]);
    expect(j.notMeasured).toEqual({}); // every score measured
    expect(j.version).toBe(1);
    expect(j.rows).toEqual({ real: 60, synthetic: 45, holdout: 60 });
    for (const k of ["fidelity", "utility", "privacy"]) {
      expect(j.scores[k]).toBeGreaterThanOrEqual(0);
      expect(j.scores[k]).toBeLessThanOrEqual(1);
    }
    expect(keys(j.fidelity)).toEqual(["autocorrelation", "columnShapes", "columns", "correlation", "histogramSimilarity", "mutualInformation", "noiseFloor"]);
    const x = j.fidelity.columns.find((c: { name: string }) => c.name === "x");
    expect(x).toMatchObject({ name: "x", kind: "numeric" });
    expect(x).toHaveProperty("ksComplement");
    expect(x).toHaveProperty("histogramSimilarity");
    expect(j.fidelity.columns.find((c: { name: string }) => c.name === "cat")).toHaveProperty("tvComplement");
    expect(keys(j.fidelity.correlation)).toEqual(["pairs", "score", "scoreRelevant"]);
    expect(keys(j.fidelity.correlation.pairs[0])).toEqual(["a", "b", "method", "real", "score", "synthetic"]);
    expect(keys(j.fidelity.mutualInformation.pairs[0])).toEqual(["a", "b", "real", "score", "synthetic"]);
    expect(keys(j.fidelity.autocorrelation)).toEqual(["acfScore", "pacfScore"]);
    expect(j.fidelity.noiseFloor).toMatchObject({ columnShapes: expect.any(Number), correlation: expect.any(Number), mutualInformation: expect.any(Number), fidelitySd: expect.any(Number), resamples: 5, sizes: { real: 60, synthetic: 45 }, source: "real+holdout" });
    expect(keys(j.utility)).toEqual(["featureImportance", "noiseFloor", "prediction", "qscore"]);
    // Utility and privacy noise floors: half the holdout scored against the other half.
    expect(j.utility.noiseFloor).toBeGreaterThan(0);
    expect(j.privacy.noiseFloor).toBeGreaterThan(0);
    expect(j.utility.prediction).toMatchObject({ target: "y", trtr: { mae: expect.any(Number), rmse: expect.any(Number), r2: expect.any(Number) }, score: expect.any(Number) });
    expect(keys(j.utility.featureImportance)).toEqual(["real", "score", "synthetic", "tau"]);
    expect(keys(j.utility.qscore)).toEqual(["ci95", "queries", "score"]);
    expect(j.utility.qscore.queries).toBeGreaterThanOrEqual(200);
    expect(keys(j.privacy)).toEqual(["exactMatch", "membershipInference", "neighbors", "noiseFloor"]);
    expect(keys(j.privacy.exactMatch)).toEqual(["count", "holdoutRate", "rate", "score"]);
    expect(j.privacy.exactMatch.count).toBe(3);
    expect(j.privacy.neighbors).toMatchObject({ p: expect.any(Number), score: expect.any(Number), pCopy: expect.any(Number), dcrSynthetic: { p5: expect.any(Number), median: expect.any(Number) }, dcrHoldout: { p5: expect.any(Number), median: expect.any(Number) } });
    expect(keys(j.privacy.membershipInference)).toEqual(["auc", "score"]);
    expect(j.warnings.join(" ")).toMatch(/never seen in the real data/); // the fixture's unseen category "d"
  });

  it("a copy of the real table: fidelity ≈ 1, privacy low, findings name the copies", async () => {
    const train = linearTable(400, 1, 3);
    const hold = linearTable(100, 2, 3); // any size: every training row is compared
    const r = await evaluate({ real: train, synthetic: takeRows(train, Array.from({ length: 400 }, (_, i) => i)), holdout: hold, target: "y" });
    expect(r.scores.fidelity!).toBeGreaterThan(0.99);
    expect(r.scores.privacy!).toBeLessThan(0.1);
    expect(r.findings().join(" ")).toMatch(/exact copies of training rows/);
    expect(r.findings().join(" ")).toMatch(/Membership inference AUC/);
  });

  it("a fresh sample from the same process: privacy high and fidelity near its noise floor", async () => {
    const r = await evaluate({ real: linearTable(400, 3, 3), synthetic: linearTable(400, 4, 3), holdout: linearTable(400, 5, 3), target: "y" });
    expect(r.scores.privacy!).toBeGreaterThan(0.8);
    expect(Math.abs(r.scores.fidelity! - r.json.fidelity.noiseFloor!.fidelity!)).toBeLessThan(0.05);
  });

  it("findings name a broken strong correlation and a shifted column", async () => {
    const real = linearTable(400, 7, 3);
    const a = real.columns.a as number[];
    const broken = frameFromColumns({ ...real.columns, a: a.map((_, i) => a[(i * 131) % 400]! + 5) } as Record<string, unknown[]>);
    const f = (await evaluate({ real, synthetic: broken })).findings().join("\n");
    expect(f).toMatch(/strong correlation between "a" and "y" is not kept/);
    expect(f).toMatch(/Column "a" has a different distribution/);
  });

  it("noiseFloor() is the report's noise floor, and a holdout from the same process sits near 1 at this size", async () => {
    const [a, b] = [linearTable(2000, 11, 3), linearTable(2000, 12, 3)];
    const kinds = { a: "numeric", b: "numeric", c: "categorical", y: "numeric" } as const;
    // Resampled at the synthetic table's size (1500 rows here), from the real and holdout rows.
    const nf = noiseFloor(a, b, 1500, { kinds, columns: ["a", "b", "c", "y"] });
    const r = await evaluate({ real: a, synthetic: linearTable(1500, 13, 3), holdout: b });
    expect(nf.score).toBeCloseTo(r.json.fidelity.noiseFloor!.fidelity!, 12);
    expect(nf.score!).toBeGreaterThan(0.95);
  });

  it("works without a holdout: prediction and distance metrics are null and the warning says why; the noise floor resamples the real rows", async () => {
    const r = await evaluate({ real: frameToRecords(real), synthetic: frameToRecords(synthetic), target: "y" });
    // The noise floor no longer needs a holdout: it resamples the real table at both sizes.
    expect(r.json.fidelity.noiseFloor).toMatchObject({ source: "real", sizes: { real: 60, synthetic: 45 } });
    expect(r.json.utility.prediction).toBeNull();
    expect(r.json.privacy.neighbors).toBeNull();
    expect(r.json.privacy.membershipInference).toBeNull();
    expect(r.json.privacy.exactMatch.holdoutRate).toBeNull();
    expect(r.warnings.join(" ")).toMatch(/No holdout/);
  });

  it("without a holdout privacy is not measured: null with its reason in JSON, HTML and text, never a lone 1", async () => {
    const r = await evaluate({ real, synthetic });
    expect(r.scores.privacy).toBeNull();
    expect(r.json.notMeasured.privacy).toMatch(/needs a holdout/);
    expect(r.json.notMeasured.privacy).toMatch(/exact copies of training rows: 3/);
    expect(r.json.privacy.exactMatch.count).toBe(3); // the copies are still counted
    expect(r.scores.utility).not.toBeNull(); // QScore needs no holdout
    expect(r.json.notMeasured.utility).toBeUndefined();
    const bundle = (await r[displaySymbol]()) as Record<string, string>;
    const privacyRow = /<tr><td>privacy<\/td><td[^>]*>([^<]*)<\/td>/.exec(bundle["text/html"]!);
    expect(privacyRow?.[1]).toBe("not measured");
    expect(bundle["text/html"]).toMatch(/privacy not measured: needs a holdout/);
    expect(bundle["text/plain"]).toMatch(/privacy {2}not measured: needs a holdout/);
  });
});

describe("input validation", () => {
  it("0 rows is one clear error", async () => {
    const empty = frameFromColumns({ x: [], y: [], k: [], cat: [], date: [] });
    await expect(evaluate({ real: empty, synthetic })).rejects.toThrow(/real table has 0 rows/);
    await expect(evaluate({ real, synthetic: empty })).rejects.toThrow(EvaluateError);
  });
  it("mismatched columns are named", async () => {
    const other = frameFromColumns({ x: [1], y: [2], extra: [3] });
    await expect(evaluate({ real, synthetic: other })).rejects.toThrow(/lacks "k", "cat", "date" and has extra "extra"/);
  });
  it("an unknown target or time column is named with the choices", async () => {
    await expect(evaluate({ real, synthetic, target: "nope" })).rejects.toThrow(/target "nope" is not a column: choose one of x, y, k, cat, date/);
    await expect(evaluate({ real, synthetic, timeColumn: "when" })).rejects.toThrow(/time column "when"/);
  });
  it("odd data gives warnings and null metrics, never a crash", async () => {
    const odd = frameFromColumns({
      empty: [null, null, null, null],
      constant: [5, 5, 5, 5],
      when: ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
      mixed: [1, 2, 3, 4],
      cat: ["a", "b", "a", "b"],
    });
    const one = frameFromColumns({ empty: [null], constant: [5], when: ["2024-01-02"], mixed: ["oops"], cat: ["zzz"] });
    const r = await evaluate({ real: odd, synthetic: one, holdout: odd, target: "mixed", timeColumn: "when" });
    const w = r.warnings.join("\n");
    expect(w).toMatch(/"empty" is empty/);
    expect(w).toMatch(/"constant" is constant/);
    expect(w).toMatch(/synthetic table has a single row/);
    expect(w).toMatch(/"mixed": 1 synthetic value\(s\) are not numbers/);
    expect(w).toMatch(/"cat": 1 synthetic category never seen/);
    expect(w).toMatch(/autocorrelation/);
    const constant = r.json.fidelity.columns.find((c) => c.name === "constant")!;
    expect(constant.statisticSimilarity!.mean).toBeNull();
    expect(r.json.fidelity.columns.find((c) => c.name === "mixed")!.ksComplement).toBeNull();
    expect(JSON.stringify(r)).not.toMatch(/NaN/);
  });
});

describe("display and HTML", () => {
  it("is displayable: an HTML summary with scores and findings, charts inline, no scripts", async () => {
    const r = await evaluate({ real, synthetic, holdout, target: "y", timeColumn: "date" });
    expect(r).toBeInstanceOf(Report);
    expect(isDisplayable(r)).toBe(true);
    const bundle = (await r[displaySymbol]()) as Record<string, string>;
    expect(bundle["text/plain"]).toMatch(/fidelity .* \(noise floor /);
    const html = bundle["text/html"]!;
    expect(html).toMatch(/<h3>Findings<\/h3>/);
    expect(html).toMatch(/noise floor/);
    expect(html).not.toMatch(/<script/i);
    expect((html.match(/<svg|<img/g) ?? []).length).toBeGreaterThanOrEqual(8);
  });
  it("fits the screen: scores and findings first, every chart in a closed section, each PNG at its design size", async () => {
    const r = await evaluate({ real, synthetic, holdout, target: "y", timeColumn: "date" });
    const html = ((await r[displaySymbol]()) as Record<string, string>)["text/html"]!;
    const firstSection = html.indexOf("<details");
    expect(html.indexOf('class="scores"')).toBeLessThan(firstSection);
    expect(html.indexOf("<h3>Findings</h3>")).toBeLessThan(firstSection);
    // The same four scores as the text summary, validity included.
    expect(html.slice(0, firstSection)).toMatch(/<td>validity<\/td><td class="score">[\d.]+<\/td>/);
    expect(html.slice(0, firstSection)).not.toMatch(/<img|<svg/);
    const sections = html.match(/<details[^>]*>/g) ?? [];
    expect(sections.length).toBe(5); // validity, fidelity, utility, privacy, column distributions
    expect(sections.every((d) => !/\bopen\b/.test(d))).toBe(true);
    expect(html).toMatch(/<summary>Column distributions, real vs synthetic \(5 charts\)<\/summary>/);
    const imgs = [...html.matchAll(/<img [^>]*width="(\d+)" height="(\d+)" src="data:image\/png;base64,([^"]+)"/g)];
    expect(imgs.length).toBe((html.match(/<img/g) ?? []).length);
    for (const [, w, h, b64] of imgs) {
      const png = Buffer.from(b64!, "base64");
      expect(Number(w) * 2).toBeCloseTo(png.readUInt32BE(16), -1); // IHDR width: the PNG has 2× the pixels
      expect(Number(h) * 2).toBeCloseTo(png.readUInt32BE(20), -1);
    }
    // The standalone page opens every section.
    expect((await r.toHTML()).match(/<details[^>]*\bopen\b/g)?.length).toBe(5);
  });
  it("toHTML is one self-contained page (nothing fetched from the network)", async () => {
    const r = await evaluate({ real, synthetic, holdout });
    const page = await r.toHTML({ title: "fixture <report>" });
    expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(page).toContain("fixture &lt;report&gt;");
    expect(page).toContain("<h3>Validity</h3>");
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/i);
  });
});

describe("utility with a holdout that has no target value", () => {
  it("skips prediction with a warning rather than scoring rows it cannot score", async () => {
    // Before one set of regression metrics, every MAE here was 0 / 1 = 0 and the TSTR score a made-up 1.
    const blank = { ...holdout, columns: { ...holdout.columns, y: holdout.columns.y!.map(() => null) } };
    const r = await evaluate({ real, synthetic, holdout: blank, target: "y" });
    const j = JSON.parse(JSON.stringify(r));
    expect(j.utility.prediction).toBeNull();
    expect(j.warnings.join("\n")).toMatch(/holdout has no "y" value: prediction and feature importance are skipped/);
  });
});
