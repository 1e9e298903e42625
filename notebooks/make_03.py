"""Writes notebooks/03-compare-generators.ipynb (unexecuted) from the cell list below, so that its text
is reviewed as code. Run: /usr/bin/python3 notebooks/make_03.py"""
from make_notebooks import code, md, write

COMPARE = [
    md("""
# Comparing generators on the same real table

Which generator should you use? This notebook answers it with numbers rather than taste: every
generator imitates the **same** real training table, and every result is judged by the **same**
report against the **same** real holdout that no generator ever sees.

| generator | what it knows about the real data |
|---|---|
| `offline` | only the *schema* inferred from the real table: column types, ranges, categories and their weights, one column at a time |
| `copula` | each column's distribution **and** the correlations between columns (a Gaussian copula) |
| `llm-rows` | a language model writes rows, shown a few real rows as examples (only when an LLM is configured) |
| `llm-program` | a language model writes a *generator program*, which runs in a sandbox (only when an LLM is configured) |

Every number quoted in the text is printed by a cell, so a re-run with other parameters changes the
sentences with the results.
"""),
    md("""
## Parameters

Change a value in the cell below and run the notebook again. The cell is tagged `parameters`, so
from a terminal `synthlab run notebooks/03-compare-generators.ipynb -p seed=11` overrides its values (papermill style). `rows = 0` means "as many synthetic rows as real training
rows", which keeps the comparison fair: every metric is then computed at the same sample size as its
noise floor.
"""),
    code("""
let seed = 7;          // one seed for every random choice: same seed, same notebook
let rows = 0;          // synthetic rows per generator; 0 = as many as the real training rows
let queries = 200;     // random aggregate queries behind the QScore
let llmRows = 120;     // rows asked from an LLM, when one is configured (LLM calls cost money)
let llmModel = "gpt-4o-mini";
""", tags=["parameters"]),
    md("""
## The real data, split once

`%dataset` loads the coffee vending-machine sales (checked against their sha256; the licence asks for
the attribution it prints). We split them **once** into a training part, which the generators may
look at, and a holdout part, which only the judge sees. Utility is measured by predicting the holdout;
privacy asks whether synthetic rows sit closer to the training rows than the holdout rows do.
"""),
    code("%dataset coffee-sales --as coffee"),
    code("""
import { splitTrainHoldout, toFrame, frameFromRecords, toDataFrame, generate, evaluate, comparisonChart, type GenerationRun, type Report } from "synthlab";

const parts = splitTrainHoldout(toFrame(coffee), { holdout: 0.2, seed });
const real = parts.train;
const holdout = parts.holdout;
const n = rows > 0 ? rows : real.rowCount;
console.log(`${real.rowCount} real training rows, ${holdout.rowCount} holdout rows; each generator makes ${n} rows.`);
console.log(`columns: ${real.columnNames.join(", ")}`);
"""),
    md("""
## Run the generators side by side

All generators get the same call: `generate({ mode, like: real, rows, seed })`. With `like` and no
schema, the schema is **inferred** from the real table, so even the `offline` generator (which
otherwise draws rows from a hand-written schema) can imitate it. The runs are collected in one `Map`
so that the evaluation below treats them all alike.
"""),
    code("""
const runs = new Map<string, GenerationRun>();

runs.set("offline", await generate({ mode: "offline", like: real, rows: n, seed }));
runs.get("offline")
"""),
    md("""
The offline generator samples every column **independently**. Anything that ties two columns
together (the price depends on the coffee, the time of day on the hour) is lost. The copula keeps
those pairwise relations, which should show up in the correlation and utility scores below.
"""),
    code("""
runs.set("copula", await generate({ mode: "copula", like: real, rows: n, seed }));
runs.get("copula")
"""),
    md("""
### The LLM generators (only with a configured model)

`llm-rows` asks the model for rows in batches, with a few real rows as examples, validates every row
against the schema and removes duplicates (also copies of real rows). `llm-program` asks the model to
write a generator *program* once; it runs in a QuickJS sandbox with a seeded random source, so it can
make many rows for the price of one request. Both need `OPENAI_API_KEY`, or `OPENAI_BASE_URL` for an
OpenAI-compatible server such as Ollama or vLLM; without either, this cell says so and the comparison
goes on with the offline generators. They make only `llmRows` rows (each row costs tokens), so their
scores rest on a smaller sample and move more from run to run than the others'.
"""),
    code("""
const llmConfigured = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
const description = "Sales of one coffee vending machine in Vinnytsia, Ukraine: one row per cup sold, amounts in UAH.";
if (llmConfigured) {
  for (const mode of ["llm-rows", "llm-program"] as const) {
    // A failing provider should not hide the other generators' results: report it and go on.
    try {
      const run = await generate({ mode, like: real, rows: llmRows, seed, model: llmModel, description });
      runs.set(mode, run);
      display(run);
    } catch (e) {
      console.log(`${mode} failed: ${(e as Error).message}`);
    }
  }
} else {
  console.log("No LLM configured (set OPENAI_API_KEY, or OPENAI_BASE_URL for an OpenAI-compatible server): skipping llm-rows and llm-program.");
}
"""),
    md("""
## Judge every generator the same way

`evaluate` scores one synthetic table against the real training rows and the real holdout:

- **fidelity**: do the columns, their correlations, their mutual information and the daily sales
  pattern (autocorrelation over `Date`) look like the real ones?
- **utility**: a model trained on synthetic rows predicts `money` on the real holdout — how close is
  its error to a model trained on real rows (TSTR vs TRTR)? Plus feature importance and random
  aggregate queries (QScore).
- **privacy**: exact copies of real rows, distance to the closest real record, and a membership
  inference attack.

Each score is in [0, 1], higher is better. Fidelity weighs the columns' shapes and their pairwise
relations equally, so a table whose columns were shuffled independently cannot look faithful. The
fidelity **noise floor** is the fidelity two real tables of the same sizes reach (resampled from the
real rows, with its spread): two honest samples of the same process do not match perfectly either,
so a generator that reaches the noise floor is as good as fidelity can tell. The utility and privacy
noise floors score half of the holdout against the other half: what real rows the generator never
saw reach. The report also checks validity: rules every real row obeys (an order between two
columns, a sum, one category determining another) and the share of synthetic rows breaking them.
"""),
    code("""
const reports = new Map<string, Report>();
for (const [name, run] of runs) {
  const t = Date.now();
  reports.set(name, await evaluate({ real, synthetic: run.frame, holdout, target: "money", timeColumn: "Date", seed, queries }));
  console.log(`${name}: evaluated in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
// The noise floors depend on the real data and the synthetic table's size: the first report's is the one for its rows.
const floor = [...reports.values()][0]!.toJSON().fidelity.noiseFloor;
"""),
    md("""
### One table

One row per generator, plus the noise floor for reference. Besides the three scores it shows the
parts that explain them: column shapes and correlations (fidelity), the holdout error of a model
trained on each table (utility; the first row's `TRTR` is the model trained on real rows), and the
share of exact copies and the membership-inference AUC (privacy; 0.5 means the attacker guesses).
"""),
    code("""
const r3 = (x: number | null | undefined): number | null => (typeof x === "number" ? Math.round(x * 1000) / 1000 : null);
const records: Record<string, unknown>[] = [];
const firstJson = [...reports.values()][0]!.toJSON();
const firstPrediction = firstJson.utility.prediction;
records.push({
  generator: "noise floor (real vs real)", rows: floor?.sizes.synthetic ?? null,
  fidelity: r3(floor?.fidelity), utility: r3(firstJson.utility.noiseFloor), privacy: r3(firstJson.privacy.noiseFloor),
  columnShapes: r3(floor?.columnShapes), correlation: r3(floor?.correlation),
  maeOnHoldout: r3(firstPrediction?.trtr.mae), exactCopyRate: null, attackAuc: null,
});
for (const [name, report] of reports) {
  const j = report.toJSON();
  records.push({
    generator: name, rows: j.rows.synthetic,
    fidelity: r3(j.scores.fidelity), utility: r3(j.scores.utility), privacy: r3(j.scores.privacy),
    columnShapes: r3(j.fidelity.columnShapes), correlation: r3(j.fidelity.correlation.score),
    maeOnHoldout: r3(j.utility.prediction?.tstr.mae), exactCopyRate: r3(j.privacy.exactMatch.rate),
    attackAuc: r3(j.privacy.membershipInference?.auc),
  });
}
const comparisonTable = toDataFrame(frameFromRecords(records));
comparisonTable
"""),
    md("""
### One chart

Grouped bars: one group per dimension, one bar per generator. The black tick over each group is its
noise floor: what a second real sample reaches (fidelity), and what half of the holdout scores
against the other half (utility and privacy).
"""),
    code("""
const scores = [...reports].map(([generator, report]) => ({ generator, ...report.toJSON().scores }));
const firstReport = [...reports.values()][0]!.toJSON();
comparisonChart(scores, { noiseFloor: { fidelity: floor?.fidelity ?? null, utility: firstReport.utility.noiseFloor, privacy: firstReport.privacy.noiseFloor } })
"""),
    md("""
## What the numbers say

The next cell writes the comparison in words from the scores above: the best generator per
dimension, how far the best fidelity is from the noise floor, and how much worse than real data each
generator's data is for predicting `money`.
"""),
    code("""
const fmt = (x: number | null | undefined): string => (typeof x === "number" ? x.toFixed(2) : "n/a");
for (const dim of ["fidelity", "utility", "privacy"] as const) {
  const ranked = scores.filter((s) => typeof s[dim] === "number").sort((a, b) => (b[dim] as number) - (a[dim] as number));
  if (ranked.length === 0) { console.log(`No generator has a ${dim} score.`); continue; }
  console.log(`Best ${dim}: ${ranked[0]!.generator} (${fmt(ranked[0]![dim])}); ` + ranked.map((s) => `${s.generator} ${fmt(s[dim])}`).join(", ") + ".");
}
const bestFidelity = Math.max(...scores.map((s) => s.fidelity ?? 0));
if (typeof floor?.fidelity === "number") {
  console.log(`The best fidelity is ${fmt(bestFidelity)}, against a noise floor of ${fmt(floor.fidelity)}: ` +
    (bestFidelity >= floor.fidelity - 0.01 ? "as close to the real data as a second real sample." : `${fmt(floor.fidelity - bestFidelity)} short of a second real sample.`));
}
for (const [name, report] of reports) {
  const p = report.toJSON().utility.prediction;
  if (p) console.log(`Trained on ${name} rows, the model misses the real holdout by ${fmt(p.tstr.mae)} UAH on average, against ${fmt(p.trtr.mae)} UAH when trained on real rows.`);
}
"""),
    md("""
Each report also explains *what* is weak in plain words. Here are the findings for every generator,
so that a low score comes with its reason:
"""),
    code("""
for (const [name, report] of reports) {
  const findings = report.findings();
  console.log(`${name}:\\n` + (findings.length ? findings.map((f) => `  - ${f}`).join("\\n") : "  (no findings)"));
}
"""),
    md("""
## What to try next

- Display one report in full (`reports.get("copula")`) to see per-column distributions, correlation
  heatmaps, the DCR histogram and the ROC curve of the attack.
- Change `seed` in the parameters cell (say to 11) and run all cells again (Kernel → Restart & Run
  All) to see how much the scores move by chance alone.
- Configure an LLM (`OPENAI_API_KEY`, or `OPENAI_BASE_URL` for a local server) to add `llm-rows` and
  `llm-program` to the comparison.
- Read `docs/metrics.md` for the formula behind each score.
"""),
]

if __name__ == "__main__":
    write("03-compare-generators.ipynb", COMPARE)
    print("wrote notebooks/03-compare-generators.ipynb")
