/**
 * A small CART (classification and regression trees) for sequential synthesis: binned predictors,
 * Gini impurity for class targets, squared error for numeric targets, a minimum leaf size, and
 * leaves that keep the training rows that reached them (the donors the sampler draws from).
 *
 * Why our own and not an npm library: synthesis needs the rows in each leaf, not a prediction. ml-cart
 * (the maintained CART on npm) keeps only a leaf's mean or class, has no categorical subset splits,
 * and re-sorts every candidate split: one regression tree on 10,000 × 10 integers took 172 s on
 * this 2-core machine (2026-11-30), against the goal of ≤ 2 s for a whole table's ~10 trees.
 * Predictors here are binned once (≤ 256 bins, LightGBM-style), so a node's split search is one
 * pass over its rows per predictor plus a scan of at most 256 bins.
 */

/** Bins per predictor: bin 0 is "missing", the rest are value ranges (numeric) or levels (categorical). */
export const MAX_BINS = 256;

export interface Predictor {
  /** Bin of each training row (0 = missing). */
  bins: Uint8Array;
  /** Number of bins in use (≤ MAX_BINS). */
  nBins: number;
  /** Ordered bins split by a threshold (numeric, dates); unordered ones by a subset of levels (categorical). */
  ordered: boolean;
}

/** What a tree predicts: class codes (Gini) or numbers (squared error), for the rows it grows on. */
export type Target =
  | { type: "class"; codes: Uint16Array; nClasses: number }
  | { type: "numeric"; values: Float64Array };

export interface TreeOptions {
  /** Smallest number of rows in a leaf (synthpop's minbucket). */
  minLeaf: number;
  maxDepth?: number;
}

/**
 * A grown tree in flat arrays. Internal node k: rows with `bin ≤ threshold[k]` (ordered) or with
 * `subsets[k][bin] === 1` (unordered) go to `left[k]`, the others to `right[k]`. Leaf k (feature -1)
 * owns `donors[start[k] .. end[k])`, training row indices.
 */
export interface Tree {
  feature: Int32Array;
  threshold: Int32Array;
  subsets: (Uint8Array | null)[];
  left: Int32Array;
  right: Int32Array;
  start: Int32Array;
  end: Int32Array;
  donors: Int32Array;
  nodes: number;
}

interface Split { feature: number; threshold: number; subset: Uint8Array | null; gain: number }

/** Scratch arrays reused across nodes and predictors. */
class Scratch {
  count = new Float64Array(MAX_BINS);
  sum = new Float64Array(MAX_BINS);
  hist: Float64Array;
  left: Float64Array;
  right: Float64Array;
  order = new Int32Array(MAX_BINS);
  key = new Float64Array(MAX_BINS);
  constructor(readonly nClasses: number) {
    this.hist = new Float64Array(MAX_BINS * Math.max(1, nClasses));
    this.left = new Float64Array(Math.max(1, nClasses));
    this.right = new Float64Array(Math.max(1, nClasses));
  }
}

/** Sorts the used bins `order[0..n)` by `key` (insertion sort: n ≤ 256 and often tiny). */
function sortByKey(order: Int32Array, n: number, key: Float64Array): void {
  for (let i = 1; i < n; i++) {
    const b = order[i]!, k = key[b]!;
    let j = i - 1;
    while (j >= 0 && key[order[j]!]! > k) { order[j + 1] = order[j]!; j--; }
    order[j + 1] = b;
  }
}

/**
 * Best split of a numeric target on one predictor: maximises ΣL²/nL + ΣR²/nR (the drop in squared
 * error). Unordered predictors sort their levels by mean target first, which makes the best subset
 * split one of the prefixes (Breiman et al., 1984).
 */
function bestNumericSplit(p: Predictor, pi: number, idx: Int32Array, s: number, e: number, y: Float64Array, minLeaf: number, parent: number, sc: Scratch, best: Split): void {
  const { count, sum, order, key } = sc;
  const nb = p.nBins, bins = p.bins;
  count.fill(0, 0, nb); sum.fill(0, 0, nb);
  for (let i = s; i < e; i++) { const r = idx[i]!; const b = bins[r]!; count[b]!++; sum[b]! += y[r]!; }
  let used = 0;
  for (let b = 0; b < nb; b++) if (count[b]! > 0) order[used++] = b;
  if (used < 2) return;
  if (!p.ordered) { for (let k = 0; k < used; k++) { const b = order[k]!; key[b] = sum[b]! / count[b]!; } sortByKey(order, used, key); }
  const n = e - s;
  let total = 0;
  for (let k = 0; k < used; k++) total += sum[order[k]!]!;
  let nL = 0, sL = 0;
  for (let k = 0; k < used - 1; k++) {
    const b = order[k]!;
    nL += count[b]!; sL += sum[b]!;
    const nR = n - nL;
    if (nL < minLeaf) continue;
    if (nR < minLeaf) break;
    const sR = total - sL;
    const gain = (sL * sL) / nL + (sR * sR) / nR - parent;
    if (gain > best.gain) setBest(best, p, pi, order, k, gain);
  }
}

/**
 * Best split of a class target on one predictor by Gini: maximises Σc lc²/nL + Σc rc²/nR. Ordered
 * predictors scan their bins; unordered ones scan their levels sorted by the share of each of the
 * node's three most frequent classes (exact for two classes, a cheap heuristic beyond).
 */
function bestClassSplit(p: Predictor, pi: number, idx: Int32Array, s: number, e: number, codes: Uint16Array, C: number, nodeCounts: Float64Array, topClasses: number[], minLeaf: number, parent: number, sc: Scratch, best: Split): void {
  const { count, hist, left, right, order, key } = sc;
  const nb = p.nBins, bins = p.bins;
  count.fill(0, 0, nb); hist.fill(0, 0, nb * C);
  for (let i = s; i < e; i++) { const r = idx[i]!; const b = bins[r]!; count[b]!++; hist[b * C + codes[r]!]!++; }
  let used = 0;
  for (let b = 0; b < nb; b++) if (count[b]! > 0) order[used++] = b;
  if (used < 2) return;
  const n = e - s;
  const passes = p.ordered ? [-1] : topClasses;
  for (const cls of passes) {
    if (cls >= 0) { for (let k = 0; k < used; k++) { const b = order[k]!; key[b] = hist[b * C + cls]! / count[b]!; } sortByKey(order, used, key); }
    left.fill(0, 0, C);
    let sqL = 0, sqR = 0;
    for (let c = 0; c < C; c++) { right[c] = nodeCounts[c]!; sqR += nodeCounts[c]! * nodeCounts[c]!; }
    let nL = 0;
    for (let k = 0; k < used - 1; k++) {
      const b = order[k]!, base = b * C;
      for (let c = 0; c < C; c++) {
        const h = hist[base + c]!;
        if (h === 0) continue;
        sqL += 2 * left[c]! * h + h * h;
        sqR += -2 * right[c]! * h + h * h;
        left[c]! += h; right[c]! -= h;
      }
      nL += count[b]!;
      const nR = n - nL;
      if (nL < minLeaf) continue;
      if (nR < minLeaf) break;
      const gain = sqL / nL + sqR / nR - parent;
      if (gain > best.gain) setBest(best, p, pi, order, k, gain);
    }
  }
}

/** Records a split that sends the bins `order[0..k]` left. */
function setBest(best: Split, p: Predictor, pi: number, order: Int32Array, k: number, gain: number): void {
  best.gain = gain;
  best.feature = pi;
  if (p.ordered) { best.threshold = order[k]!; best.subset = null; return; }
  const subset = new Uint8Array(MAX_BINS);
  for (let j = 0; j <= k; j++) subset[order[j]!] = 1;
  best.threshold = -1;
  best.subset = subset;
}

/**
 * Grows a tree on the training rows `rows` (indices into the predictors' and target's arrays).
 * A node becomes a leaf when it is pure, has fewer than 2 × minLeaf rows, reaches maxDepth, or no
 * split improves it by more than a relative 1e-9 (rpart's cp, which synthpop sets to 1e-8).
 */
export function growTree(predictors: readonly Predictor[], target: Target, rows: Int32Array, options: TreeOptions): Tree {
  const minLeaf = Math.max(1, Math.floor(options.minLeaf));
  const maxDepth = options.maxDepth ?? 60;
  const idx = Int32Array.from(rows);
  const C = target.type === "class" ? target.nClasses : 0;
  const sc = new Scratch(C);
  const feature: number[] = [], threshold: number[] = [], left: number[] = [], right: number[] = [], start: number[] = [], end: number[] = [];
  const subsets: (Uint8Array | null)[] = [];
  const newNode = (s: number, e: number): number => {
    feature.push(-1); threshold.push(-1); left.push(-1); right.push(-1); start.push(s); end.push(e); subsets.push(null);
    return feature.length - 1;
  };
  const nodeCounts = new Float64Array(Math.max(1, C));
  let minGain = 0;
  const stack: [number, number][] = [[newNode(0, idx.length), 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    const s = start[node]!, e = end[node]!, n = e - s;
    if (n < 2 * minLeaf || depth >= maxDepth) continue;
    // The node's impurity term (Σ²/n, or Σc count²/n), which every split's gain is measured against.
    let parent: number, impurity: number;
    let topClasses: number[] = [];
    if (target.type === "numeric") {
      let sum = 0, sq = 0;
      for (let i = s; i < e; i++) { const v = target.values[idx[i]!]!; sum += v; sq += v * v; }
      parent = (sum * sum) / n;
      impurity = sq - parent;
    } else {
      nodeCounts.fill(0, 0, C);
      for (let i = s; i < e; i++) nodeCounts[target.codes[idx[i]!]!]!++;
      let sq = 0, present = 0;
      for (let c = 0; c < C; c++) { sq += nodeCounts[c]! * nodeCounts[c]!; if (nodeCounts[c]! > 0) present++; }
      parent = sq / n;
      impurity = n - parent;
      if (present > 1) {
        topClasses = Array.from({ length: C }, (_, c) => c).filter((c) => nodeCounts[c]! > 0)
          .sort((a, b) => nodeCounts[b]! - nodeCounts[a]! || a - b).slice(0, present === 2 ? 1 : 3);
      }
    }
    if (node === 0) minGain = Math.max(1e-12, impurity * 1e-9);
    if (!(impurity > minGain)) continue;
    const best: Split = { feature: -1, threshold: -1, subset: null, gain: minGain };
    for (let pi = 0; pi < predictors.length; pi++) {
      const p = predictors[pi]!;
      if (target.type === "numeric") bestNumericSplit(p, pi, idx, s, e, target.values, minLeaf, parent, sc, best);
      else bestClassSplit(p, pi, idx, s, e, target.codes, C, nodeCounts, topClasses, minLeaf, parent, sc, best);
    }
    if (best.feature < 0) continue;
    // Partition the node's rows in place: left rows first.
    const bins = predictors[best.feature]!.bins;
    const goesLeft = best.subset
      ? (r: number): boolean => best.subset![bins[r]!] === 1
      : (r: number): boolean => bins[r]! <= best.threshold;
    let i = s, j = e - 1;
    while (i <= j) {
      if (goesLeft(idx[i]!)) i++;
      else { const t = idx[i]!; idx[i] = idx[j]!; idx[j] = t; j--; }
    }
    feature[node] = best.feature;
    threshold[node] = best.threshold;
    subsets[node] = best.subset;
    const l = newNode(s, i), r = newNode(i, e);
    left[node] = l; right[node] = r;
    stack.push([r, depth + 1], [l, depth + 1]);
  }
  return {
    feature: Int32Array.from(feature), threshold: Int32Array.from(threshold), subsets,
    left: Int32Array.from(left), right: Int32Array.from(right), start: Int32Array.from(start), end: Int32Array.from(end),
    donors: idx, nodes: feature.length,
  };
}

/** The leaf that row `r` reaches, reading predictor p's bin from `bins[p][r]` (the sampled rows' bins). */
export function leafOfRow(tree: Tree, bins: readonly Uint8Array[], r: number): number {
  const { feature, subsets, threshold, left, right } = tree;
  let k = 0;
  for (let f = feature[0]!; f >= 0; f = feature[k]!) {
    const b = bins[f]![r]!;
    const sub = subsets[k];
    k = (sub ? sub[b] === 1 : b <= threshold[k]!) ? left[k]! : right[k]!;
  }
  return k;
}

/** Leaf numbers in node order (leaves only). */
export function leaves(tree: Tree): number[] {
  const out: number[] = [];
  for (let k = 0; k < tree.nodes; k++) if (tree.feature[k]! < 0) out.push(k);
  return out;
}
