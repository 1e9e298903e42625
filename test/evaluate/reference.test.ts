// Every metric against values computed independently by scipy / scikit-learn / numpy
// (test/fixtures/evaluate/make_fixtures.py).
import { describe, expect, it } from "vitest";
import { fixtureTables, reference } from "./helpers.js";
import { ksComplement } from "../../src/evaluate/columns/ksComplement.js";
import { tvComplement } from "../../src/evaluate/columns/tvComplement.js";
import { histogramSimilarity } from "../../src/evaluate/columns/histogramSimilarity.js";
import { columnStatistics, statisticSimilarity, type NumericStats } from "../../src/evaluate/columns/statistics.js";
import { correlationPair, cramersV } from "../../src/evaluate/pairs/correlation.js";
import { normalizedMutualInformation } from "../../src/evaluate/pairs/mutualInformation.js";
import { prepareColumns } from "../../src/evaluate/pairs/prepare.js";
import { kendallTau } from "../../src/evaluate/utility/featureImportance.js";
import { rocAuc } from "../../src/evaluate/privacy/membershipInference.js";
import { acf, pacfFromAcf } from "../../src/evaluate/table/autocorrelation.js";
import { privacyDistances, neighborsFromDistances, quantile } from "../../src/evaluate/privacy/dcr.js";
import { membershipFromDistances } from "../../src/evaluate/privacy/membershipInference.js";
import { exactMatch } from "../../src/evaluate/privacy/exactMatch.js";
import { contingency } from "../../src/evaluate/pairs/prepare.js";
import type { EvalKind } from "../../src/evaluate/types.js";
import { binPair } from "../../src/evaluate/columns/binning.js";
import { frameFromColumns } from "../../src/data/frame.js";

const TOL = 1e-9;
const GOWER_TOL = 1e-6; // the nearest-neighbour kernel computes in float32
const { real, synthetic, holdout } = fixtureTables();
const ref = reference();
const kinds: Record<string, EvalKind> = { x: "numeric", y: "numeric", k: "numeric", date: "datetime", cat: "categorical" };
const numericCols = ["x", "y", "k", "date"];

describe("column metrics match scipy/pandas", () => {
  for (const c of numericCols) {
    it(`ksComplement(${c}) = 1 − scipy ks_2samp statistic`, () => {
      const r = ksComplement(real.columns[c]!, synthetic.columns[c]!, { kind: kinds[c]! });
      expect(r.raw).toBeCloseTo(ref.columns[c].ks, 12);
      expect(Math.abs(r.score! - (1 - ref.columns[c].ks))).toBeLessThan(TOL);
    });
    it(`statistics and statistic similarity of ${c} match pandas`, () => {
      const rs = columnStatistics(real.columns[c]!, kinds[c]!) as NumericStats;
      const ss = columnStatistics(synthetic.columns[c]!, kinds[c]!) as NumericStats;
      for (const k of ["mean", "median", "std", "min", "max"] as const) expect(Math.abs(rs[k]! - ref.columns[c].stats[k]) / (Math.abs(ref.columns[c].stats[k]) || 1)).toBeLessThan(TOL);
      expect(rs.missing).toBe(ref.columns[c].stats.missing);
      for (const k of ["mean", "median", "std"] as const) {
        expect(Math.abs(statisticSimilarity(rs, ss, k).score! - ref.columns[c].similarity[k])).toBeLessThan(TOL);
      }
    });
  }
  for (const c of [...numericCols, "cat"]) {
    it(`histogramSimilarity(${c}) matches the numpy histogram overlap`, () => {
      const h = histogramSimilarity(real.columns[c]!, synthetic.columns[c]!, { kind: kinds[c]! });
      expect(Math.abs(h.score! - ref.columns[c].histogramSimilarity)).toBeLessThan(TOL);
    });
  }
  it("tvComplement(cat) = 1 − total variation, with missing as its own category", () => {
    const r = tvComplement(real.columns.cat!, synthetic.columns.cat!);
    expect(Math.abs(r.raw! - ref.columns.cat.tv)).toBeLessThan(TOL);
    expect(r.details.labels).toContain("d"); // the unseen synthetic category is in the union
  });
});

describe("pair metrics match scipy/scikit-learn", () => {
  const cols = ["x", "y", "k", "date", "cat"];
  const prepared = prepareColumns(real, synthetic, kinds, cols);
  for (let i = 0; i < cols.length; i++) for (let j = i + 1; j < cols.length; j++) {
    const a = prepared[i]!;
    const b = prepared[j]!;
    const expected = ref.pairs[`${a.name}|${b.name}`];
    it(`NMI(${a.name}, ${b.name}) = sklearn normalized_mutual_info_score(arithmetic)`, () => {
      expect(Math.abs(normalizedMutualInformation(a.bins.real, a.bins.size, b.bins.real, b.bins.size)! - expected.nmiReal)).toBeLessThan(TOL);
      expect(Math.abs(normalizedMutualInformation(a.bins.synthetic, a.bins.size, b.bins.synthetic, b.bins.size)! - expected.nmiSynthetic)).toBeLessThan(TOL);
    });
    it(`correlation pair ${a.name}/${b.name} matches scipy`, () => {
      const p = correlationPair(a, b);
      if (expected.pearsonReal !== undefined) {
        expect(p.method).toBe("pearson");
        expect(Math.abs(p.real! - expected.pearsonReal)).toBeLessThan(TOL);
        expect(Math.abs(p.synthetic! - expected.pearsonSynthetic)).toBeLessThan(TOL);
        expect(Math.abs(p.score! - (1 - Math.abs(expected.pearsonReal - expected.pearsonSynthetic) / 2))).toBeLessThan(TOL);
      } else {
        expect(p.method).toBe("contingency");
        expect(Math.abs(p.score! - expected.contingency)).toBeLessThan(TOL);
        expect(Math.abs(p.real! - expected.cramersVReal)).toBeLessThan(TOL);
        const t = contingency(a.bins.real, a.bins.size, b.bins.real, b.bins.size);
        expect(Math.abs(cramersV(t, a.bins.size, b.bins.size)! - expected.cramersVReal)).toBeLessThan(TOL);
      }
    });
  }
});

describe("bin edges match numpy (values exactly on an edge)", () => {
  const e = ref.edges;
  it("a value on an edge is in the bin above it, as np.digitize on np.histogram_bin_edges (1.3 + 3·0.32 is not one bin low)", () => {
    const bins = binPair(e.real, e.synthetic, "numeric");
    expect(Array.from(bins.real)).toEqual(e.codesReal);
    expect(Array.from(bins.synthetic)).toEqual(e.codesSynthetic);
  });
  it("contingency similarity on edge values equals the numpy/SDMetrics value", () => {
    const realT = frameFromColumns({ a: e.real, c: e.catReal });
    const synT = frameFromColumns({ a: e.synthetic, c: e.catSynthetic });
    const [a, c] = prepareColumns(realT, synT, { a: "numeric", c: "categorical" }, ["a", "c"]);
    expect(Math.abs(correlationPair(a!, c!).score! - e.contingency)).toBeLessThan(TOL);
  });
});

describe("vector statistics match scipy/scikit-learn", () => {
  it("kendallTau = scipy.stats.kendalltau (tau-b, with ties)", () => {
    expect(Math.abs(kendallTau(ref.kendall.x, ref.kendall.y)! - ref.kendall.tau)).toBeLessThan(TOL);
  });
  it("rocAuc = sklearn roc_auc_score (with ties)", () => {
    expect(Math.abs(rocAuc(ref.auc.positive, ref.auc.negative)! - ref.auc.auc)).toBeLessThan(TOL);
  });
  it("acf and Durbin–Levinson pacf match numpy ACF and per-lag Yule–Walker solves", () => {
    const a = acf(ref.acf.series, ref.acf.lags)!;
    const p = pacfFromAcf(a);
    for (let k = 0; k <= ref.acf.lags; k++) {
      expect(Math.abs(a[k]! - ref.acf.acf[k])).toBeLessThan(TOL);
      expect(Math.abs(p[k]! - ref.acf.pacf[k])).toBeLessThan(1e-8);
    }
  });
  it("quantile interpolates linearly like numpy.percentile", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 0.05)).toBeCloseTo(0.5, 12);
  });
});

describe("privacy metrics match a hand-written Gower in numpy", () => {
  it("DCR distributions, p, neighbours score and membership AUC", async () => {
    const d = await privacyDistances(real, synthetic, holdout, { kinds, threads: 1 });
    const g = ref.gower;
    expect(d.synthToTrain.length).toBe(g.dcrSynthetic.length);
    g.dcrSynthetic.forEach((v: number, i: number) => expect(Math.abs(d.synthToTrain[i]! - v)).toBeLessThan(GOWER_TOL));
    g.dcrHoldout.forEach((v: number, i: number) => expect(Math.abs(d.holdoutToTrain[i]! - v)).toBeLessThan(GOWER_TOL));
    const nb = neighborsFromDistances(d.synthToTrain, d.holdoutToTrain);
    expect(nb.p).toBeCloseTo(g.p, 12);
    expect(nb.pCopy).toBeCloseTo(g.pCopy, 12);
    expect(nb.score!).toBeCloseTo(g.neighborsScore, 12);
    expect(Math.abs(nb.dcrSynthetic.p5! - g.p5Synthetic)).toBeLessThan(GOWER_TOL);
    expect(Math.abs(nb.dcrSynthetic.median! - g.medianSynthetic)).toBeLessThan(GOWER_TOL);
    expect(Math.abs(nb.dcrHoldout.p5! - g.p5Holdout)).toBeLessThan(GOWER_TOL);
    const mia = membershipFromDistances(d.trainToSynth, d.holdoutToSynth)!;
    expect(Math.abs(mia.auc - g.auc)).toBeLessThan(GOWER_TOL);
    expect(Math.abs(mia.score - g.miaScore)).toBeLessThan(GOWER_TOL);
  });
  it("exact matches after rounding to 6 significant digits", () => {
    const r = exactMatch(real, synthetic, { kinds, holdout });
    expect(r.details.count).toBe(ref.exactMatch.count);
    expect(r.details.rate).toBeCloseTo(ref.exactMatch.rate, 12);
    expect(r.details.holdoutRate).toBeCloseTo(ref.exactMatch.holdoutRate, 12);
    expect(r.score).toBeCloseTo(1 - ref.exactMatch.rate, 12);
  });
});
