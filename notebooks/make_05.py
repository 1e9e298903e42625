"""Writes notebooks/05-bias-mitigation.ipynb (unexecuted) from the cell list below, so that its text
is reviewed as code. Run: /usr/bin/python3 notebooks/make_05.py"""
from make_notebooks import code, md, write

BIAS = [
    md("""
# Bias mitigation: an underrepresented class, before and after rebalancing

A model trained on data where one group is rare usually serves that group worst. A common remedy is
to **rebalance** the training set with synthetic rows of the rare group. This notebook measures
whether that works here, honestly: a model's error **per class**, on real rows it never saw, before
and after rebalancing, next to two references: duplicating the few real rows of the rare class, and
having all of its real rows.

Every number quoted below is printed by a cell, and the conclusions are computed from them: a re-run
with other parameters (or another generator) changes the sentences with the results.
"""),
    md("""
## Parameters

The cell is tagged `parameters`: change a value and run all cells again. `rareClass` is the coffee
made rare on purpose, `keepShare` the share of its training rows that stay.
"""),
    code("""
let seed = 7;
let rareClass = "Espresso";   // the class made rare in the training rows
let keepShare = 0.1;          // share of its training rows that are kept
let generator = "copula";     // the synthetic rows' mode: copula, cart, offline (or llm-rows with an LLM configured)
let epochs = 60;              // the MLP's most epochs (early stopping may end sooner)
""", tags=["parameters"]),
    md("""
## A skewed training set

`%dataset` loads the coffee vending-machine sales; the task is to predict the price paid (`money`,
in UAH) from the coffee, the time and the payment. We keep a real **holdout** apart (30%), and from
the training rows we keep only `keepShare` of the rare class: the classic situation of an
underrepresented group.
"""),
    code("%dataset coffee-sales --as coffee"),
    code("""
import { splitTrainHoldout, toFrame, takeRows, concatFrames, generate, trainRegressor, predict, type Frame, type GenerateMode, type TrainedModel } from "synthlab";

const parts = splitTrainHoldout(toFrame(coffee), { holdout: 0.3, seed });
const holdout = parts.holdout;
const keepEvery = Math.max(1, Math.round(1 / keepShare));
let seen = 0;
const kept: number[] = [];
parts.train.columns["coffee_name"]!.forEach((c, i) => { if (c !== rareClass || seen++ % keepEvery === 0) kept.push(i); });
const skewed = takeRows(parts.train, kept);

const tally = (f: Frame): Map<string, number> => {
  const m = new Map<string, number>();
  for (const v of f.columns["coffee_name"]!) m.set(String(v), (m.get(String(v)) ?? 0) + 1);
  return m;
};
const counts = tally(skewed);
const fairShare = Math.round(skewed.rowCount / counts.size);
const missing = Math.max(0, fairShare - (counts.get(rareClass) ?? 0));
console.log(`training rows: ${skewed.rowCount}; ${rareClass}: ${counts.get(rareClass)} rows (${((counts.get(rareClass)! / skewed.rowCount) * 100).toFixed(1)}%), ` +
  `against ${tally(parts.train).get(rareClass)} before skewing; an equal share would be ${fairShare}.`);
console.log(`holdout rows: ${holdout.rowCount}, of which ${tally(holdout).get(rareClass)} ${rareClass}.`);
"""),
    md("""
## Rebalancing with synthetic rows

`generate` with a **condition** makes rows of the rare class only: `conditions: "coffee_name=Espresso"`
(on the command line, `--condition "coffee_name=Espresso"`). In the copula the condition is exact: the
coffee's latent normal is drawn inside that coffee's interval and every other column from the
conditional normal given it, so the synthetic espressos get the times and prices the copula
associates with espresso, not the average. We make exactly as many as the rare class lacks to reach
an equal share. (`rebalance: "coffee_name"` would instead make a whole table with every coffee
equally often.)
"""),
    code("""
const synthetic = await generate({ mode: generator as GenerateMode, like: skewed, rows: missing, seed, conditions: `coffee_name=${rareClass}` });
synthetic
"""),
    md("""
## Four training sets, one model, one holdout

The same MLP (the train stage's `trainRegressor`) is trained on:

1. **skewed**: the real training rows with the rare class cut down;
2. **duplicated**: the same, with the rare class's few real rows repeated up to an equal share (plain oversampling);
3. **synthetic**: the same, with the synthetic rows of the rare class added;
4. **all real** (reference): every real training row, as if the rare class had never been cut.

Each model is scored on the real holdout: the mean absolute error per coffee.
"""),
    code("""
const features = ["coffee_name", "hour_of_day", "cash_type", "Weekday", "Month_name", "Date"];
const rareRows = kept.filter((i) => parts.train.columns["coffee_name"]![i] === rareClass);
const duplicated = concatFrames([skewed, takeRows(parts.train, Array.from({ length: missing }, (_, i) => rareRows[i % rareRows.length]!))]);
const sets = new Map<string, Frame>([
  ["skewed", skewed],
  ["duplicated", duplicated],
  ["synthetic", concatFrames([skewed, synthetic.frame])],
  ["all real", parts.train],
]);

/** Mean absolute error per coffee on the holdout. */
function perClassMae(model: TrainedModel): Map<string, number> {
  const p = predict(model, holdout);
  const sum = new Map<string, number>(), n = new Map<string, number>();
  p.columns["coffee_name"]!.forEach((c, i) => {
    const e = Math.abs((p.columns["prediction"]![i] as number) - (p.columns["money"]![i] as number));
    sum.set(String(c), (sum.get(String(c)) ?? 0) + e);
    n.set(String(c), (n.get(String(c)) ?? 0) + 1);
  });
  return new Map([...sum].map(([c, s]) => [c, s / n.get(c)!]));
}

const errors = new Map<string, Map<string, number>>();
for (const [name, rows] of sets) {
  const model = await trainRegressor(rows, { target: "money", features, model: "mlp", epochs, seed, log: false });
  errors.set(name, perClassMae(model));
}
const classes = [...counts.keys()].sort((a, b) => (a === rareClass ? -1 : b === rareClass ? 1 : a.localeCompare(b)));
console.table(Object.fromEntries(classes.map((c) => [c, Object.fromEntries([...errors].map(([s, m]) => [s, Number(m.get(c)!.toFixed(3))]))])));
"""),
    md("""
## What the numbers say

The verdict below is computed from the table, not written in advance: it compares the rare class's
error after rebalancing with its error before, and with the two references.
"""),
    code("""
const mae = (set: string, c: string): number => errors.get(set)!.get(c)!;
const others = classes.filter((c) => c !== rareClass);
const othersMean = (set: string): number => others.reduce((s, c) => s + mae(set, c), 0) / others.length;
const [before, dup, syn, full] = ["skewed", "duplicated", "synthetic", "all real"].map((s) => mae(s, rareClass));
const f = (x: number): string => x.toFixed(3);
console.log(`${rareClass}: MAE ${f(before!)} UAH trained on the skewed rows, ${f(syn!)} with ${generator} rows added, ` +
  `${f(dup!)} with real rows duplicated, ${f(full!)} with all real rows.`);
console.log(`Other coffees (mean MAE): ${f(othersMean("skewed"))} skewed, ${f(othersMean("synthetic"))} with ${generator} rows.`);
const gap = before! - full!;
if (syn! < before! - 0.1 * Math.max(gap, 0.01)) {
  console.log(`Rebalancing with ${generator} rows HELPED the rare class: it closed ${((1 - (syn! - full!) / Math.max(gap, 1e-9)) * 100).toFixed(0)}% of the gap to having all real rows` +
    (syn! < dup! ? ", more than duplicating the real rows did." : ", but no more than duplicating the real rows did."));
} else if (syn! > before! * 1.1) {
  console.log(`Rebalancing with ${generator} rows HURT the rare class: its synthetic rows teach the model prices it does not have. ` +
    "Adding rows of the right class is not enough; they must carry that class's relation to the target.");
} else {
  console.log(`Rebalancing with ${generator} rows did NOT change the rare class's error noticeably.`);
}
"""),
    md("""
Why can rebalancing fail? A synthetic row of the rare class helps only if its *other* columns follow
that class's real relation to the target. In this table the price of a coffee changed over time, so
a row is right only if its price fits both its coffee and its date: a relation between three columns.
A Gaussian copula keeps each column's distribution and the *pairwise* correlations of their normal
scores, not such interactions, so its synthetic rows of the rare class can pair real prices with the
wrong dates, and a model trained on them learns that. Duplicating a handful of real rows does not
add information either: the model sees the same few prices more often. The per-class table above is
the honest test of any generator for this purpose: compare its column with `duplicated` (the free
baseline) and with `all real` (the goal).

## What to try next

- Change `generator` in the parameters cell (to `offline`, or an LLM mode with `OPENAI_API_KEY` or
  `OPENAI_BASE_URL` set) and run all cells again to test another generator for rebalancing.
- Change `keepShare` in the parameters cell: with more real rows of the rare class, does the gap
  shrink, and does rebalancing matter less?
- Change `rareClass` in the parameters cell to `Cocoa` or `Cortado`.
- Read `docs/generation.md` for conditions (`--condition`, `--rebalance`) and constraints.
"""),
]

if __name__ == "__main__":
    write("05-bias-mitigation.ipynb", BIAS)
    print("wrote notebooks/05-bias-mitigation.ipynb")
