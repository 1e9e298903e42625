"""Writes notebooks/03-compare-generators.ipynb (unexecuted) from the cell list below, so that its text
is reviewed as code. Run: /usr/bin/python3 notebooks/make_03.py"""
from make_notebooks import code, md, write

COMPARE = [
    md("""
# Comparing generators on the same real table

Which generator should you use? This notebook answers it with numbers rather than taste: every
generator imitates the **same** real training table with the **same** seed and number of rows,
and every result is judged by the **same** report against the **same** real holdout that no
generator ever sees. `compareGenerators` (docs/compare.md) runs them all and puts cost, speed,
validity and quality side by side.

| generator | what it knows about the real data |
|---|---|
| `offline` | only the *schema* inferred from the real table: column types, ranges, categories and their weights, one column at a time |
| `copula` | each column's distribution **and** the correlations between columns (a Gaussian copula) |
| `cart` | each column drawn from a decision tree grown on the columns before it (here: every other column, then `money`) |
| any other statistical mode | the comparison takes every mode of the generate library that needs no LLM |
| an LLM endpoint | a language model writes rows, shown a few real rows as examples (only when an LLM is configured) |

Every number quoted in the text is printed by a cell, so a re-run with other parameters changes the
sentences with the results.
"""),
    md("""
## Parameters

Change a value in the cell below and run the notebook again. The cell is tagged `parameters`, so
from a terminal `synthlab run notebooks/03-compare-generators.ipynb -p seed=11` overrides its values (papermill style). `rows = 0` means "as many synthetic rows as real training
rows", which keeps the comparison fair: every metric is then computed at the same sample size as its
noise floor. With an LLM among the candidates, every candidate makes `llmRows` rows instead (each
LLM row costs tokens, and every candidate gets the same number of rows).
"""),
    code("""
let seed = 7;          // one seed for every random choice: same seed, same notebook
let rows = 0;          // synthetic rows per generator; 0 = as many as the real training rows
let queries = 200;     // random aggregate queries behind the QScore
let llmRows = 120;     // rows per candidate when an LLM is configured (LLM calls cost money)
let llmModel = "gpt-4o-mini";
let budget = 0.5;      // US dollars at most per LLM candidate
let candidatesFile = "";  // optional JSON file of candidates (docs/compare.md); "" = the configured LLM, if any
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
import { splitTrainHoldout, toFrame, compareGenerators, statisticalModes, candidatesFromJson, type CandidateInput } from "synthlab";
import { readFileSync } from "node:fs";

const parts = splitTrainHoldout(toFrame(coffee), { holdout: 0.2, seed });
const real = parts.train;
const holdout = parts.holdout;
console.log(`${real.rowCount} real training rows, ${holdout.rowCount} holdout rows.`);
console.log(`columns: ${real.columnNames.join(", ")}`);
"""),
    md("""
## The candidates

The statistical modes always take part. LLMs join when one is configured: the endpoints of a
candidates file (`candidatesFile`, JSON, see docs/compare.md), or else `llmModel` through
`OPENAI_API_KEY` (OpenAI) or `OPENAI_BASE_URL` (any OpenAI-compatible server such as Ollama or
vLLM), twice: `llm-rows` asks the model for rows in batches, with a few real rows as examples,
validates every row and removes duplicates (also copies of real rows); `llm-program` asks it once for
a generator *program*, run in a QuickJS sandbox with a seeded random source. A candidate names the
*environment variable* that holds its key, never the key, so the notebook can be shared.
"""),
    code("""
// Every statistical mode; cart grows its trees with money last, so the target is drawn from all other columns.
const candidates: CandidateInput[] = statisticalModes().map((mode) => (mode === "cart" ? { name: "cart", mode, options: { order: ["*", "money"] } } : mode));
if (candidatesFile) {
  candidates.push(...candidatesFromJson(readFileSync(candidatesFile, "utf8"), candidatesFile).filter((c) => c.kind === "llm"));
} else if (process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL) {
  // The configured model twice: writing rows (llm-rows), and writing a generator program once (llm-program).
  for (const mode of ["llm-rows", "llm-program"] as const) {
    candidates.push({
      name: mode, mode, model: llmModel,
      baseURL: process.env.OPENAI_BASE_URL || "https://api.openai.com/v1",
      ...(process.env.OPENAI_API_KEY ? { keyEnv: "OPENAI_API_KEY" } : {}),
    });
  }
}
const withLlm = candidates.some((c) => typeof c === "object" && c.kind === "llm");
if (!withLlm) console.log("No LLM configured (set OPENAI_API_KEY, or OPENAI_BASE_URL for an OpenAI-compatible server): comparing the statistical modes only.");
const n = rows > 0 ? rows : withLlm ? llmRows : real.rowCount;
console.log(`candidates: ${candidates.map((c) => (typeof c === "string" ? c : c.name)).join(", ")}; ${n} rows each, seed ${seed}.`);
"""),
    md("""
## Run the comparison

One call generates with every candidate and judges every result with the same report:

- **fidelity**: do the columns, their correlations, their mutual information and the daily sales
  pattern (autocorrelation over `Date`) look like the real ones?
- **utility**: a model trained on synthetic rows predicts `money` on the real holdout — its mean
  absolute error (TSTR) against a model trained on real rows (TRTR). Plus feature importance and
  random aggregate queries (QScore).
- **privacy**: exact copies of real rows, distance to the closest real record, and a membership
  inference attack.
- **validity**: rules every real row obeys (an order between two columns, a sum, one category
  determining another) and the share of synthetic rows breaking them.

Each score is in [0, 1], higher is better. A generator that reaches the **noise floor** — what a
second sample of real rows of the same size scores — is as good as the score can tell. The table
also shows what each candidate cost, how long it took, its request latency and its share of valid
and duplicate rows; the charts show quality against cost (the Pareto front marked), utility per
candidate against its noise floor, and, with an LLM, the latency of its requests. The last line
recommends the cheapest candidate within the noise floor of the best. (`checkpoint: false`: the LLM
engine's response cache already makes a re-run free, and a fresh run keeps every report at hand.)
"""),
    code("""
const description = "Sales of one coffee vending machine in Vinnytsia, Ukraine: one row per cup sold, amounts in UAH.";
const cmp = await compareGenerators({
  candidates, real, holdout, target: "money", timeColumn: "Date", rows: n, seed, queries, budget, description, checkpoint: false,
});
cmp
""", scrolled=False),
    md("""
## What the numbers say

The next cell writes the comparison in words from the scores above: the best generator per
dimension, how far the best fidelity is from its noise floor (what a second real sample reaches), and
how much worse than real data each generator's data is for predicting `money`. (For all three scores
as grouped bars against their noise floors, `comparisonChart` takes `cmp.candidates`' scores.)
"""),
    code("""
const fmt = (x: number | null | undefined): string => (typeof x === "number" ? x.toFixed(2) : "n/a");
const ok = cmp.candidates.filter((c) => c.status === "ok");
for (const dim of ["fidelity", "utility", "privacy", "validity"] as const) {
  const ranked = ok.filter((c) => typeof c.scores[dim] === "number").sort((a, b) => b.scores[dim]! - a.scores[dim]!);
  if (ranked.length === 0) { console.log(`No generator has a ${dim} score.`); continue; }
  console.log(`Best ${dim}: ${ranked[0]!.name} (${fmt(ranked[0]!.scores[dim])}); ` + ranked.map((c) => `${c.name} ${fmt(c.scores[dim])}`).join(", ") + ".");
}
const bestFidelity = Math.max(...ok.map((c) => c.scores.fidelity ?? 0));
const fidelityFloor = ok[0]?.noiseFloor.fidelity;
if (typeof fidelityFloor === "number") {
  console.log(`The best fidelity is ${fmt(bestFidelity)}, against a noise floor of ${fmt(fidelityFloor)}: ` +
    (bestFidelity >= fidelityFloor - 0.01 ? "as close to the real data as a second real sample." : `${fmt(fidelityFloor - bestFidelity)} short of a second real sample.`));
}
for (const c of ok) {
  if (c.mae) console.log(`Trained on ${c.name} rows, the model misses the real holdout by ${fmt(c.mae.tstr)} UAH on average, against ${fmt(c.mae.trtr)} UAH when trained on real rows.`);
}
for (const f of cmp.failures) console.log(`${f.name} failed: ${f.error}`);
console.log(cmp.recommendation.line);
"""),
    md("""
Each report also explains *what* is weak in plain words. Here are the findings for every generator,
so that a low score comes with its reason:
"""),
    code("""
for (const c of ok) {
  const findings = cmp.report(c.name)?.findings() ?? [];
  console.log(`${c.name}:\\n` + (findings.length ? findings.map((f) => `  - ${f}`).join("\\n") : "  (no findings)"));
}
"""),
    md("""
## What to try next

- Display one report in full (`cmp.report("copula")`) to see per-column distributions, correlation
  heatmaps, the DCR histogram and the ROC curve of the attack.
- Change `seed` in the parameters cell (say to 11) and run all cells again (Kernel → Restart & Run
  All) to see how much the scores move by chance alone.
- Configure an LLM (`OPENAI_API_KEY`, or `OPENAI_BASE_URL` for a local server), or set
  `candidatesFile` in the parameters cell to a JSON list of endpoints with their prices, to add
  LLMs to the comparison.
- The same comparison runs from a terminal (`synthlab compare`) and in a cell (`%%compare`); see
  docs/compare.md.
- Read `docs/metrics.md` for the formula behind each score.
"""),
]

if __name__ == "__main__":
    write("03-compare-generators.ipynb", COMPARE)
    print("wrote notebooks/03-compare-generators.ipynb")
