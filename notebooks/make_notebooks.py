"""Writes the walkthrough notebooks (unexecuted) from the cell lists below, so that their text is
reviewed as code. Run: /usr/bin/python3 notebooks/make_notebooks.py"""
import pathlib
import nbformat

HERE = pathlib.Path(__file__).parent

# The kernel's language_info (src/kernel/protocol/info.ts, LANGUAGE_INFO) without its version:
# the same object the kernel sends, so opening and saving a notebook keeps it (and its colours).
# codemirror_mode names a mode every front end loads (Notebook 6 has no "text/typescript" mode).
LANGUAGE_INFO = {
    "name": "typescript",
    "mimetype": "text/typescript",
    "file_extension": ".ts",
    "codemirror_mode": {"name": "javascript", "typescript": True},
    "pygments_lexer": "typescript",
}


def md(text):
    return nbformat.v4.new_markdown_cell(text.strip())


def code(text, tags=None, scrolled=None):
    c = nbformat.v4.new_code_cell(text.strip())
    if tags:
        c.metadata["tags"] = tags
    if scrolled is not None:
        # Notebook 6 puts outputs taller than 100 lines in a small scrolled box unless the cell says
        # "scrolled": false (JupyterLab and Notebook 7 read the same key).
        c.metadata["scrolled"] = scrolled
    return c


def write(name, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    # Stable ids, so that regenerating a notebook changes only what changed.
    for i, c in enumerate(nb.cells):
        c.id = f"{name.split('-')[0]}-{i:02d}"
    nb.metadata["kernelspec"] = {"name": "synthlab", "display_name": "TypeScript (synthlab)", "language": "typescript"}
    nb.metadata["language_info"] = LANGUAGE_INFO
    nbformat.validate(nb)
    nbformat.write(nb, HERE / name)


SALES = [
    md("""
# Sales prediction with synthetic data

This notebook walks through the whole job in two parts.

1. **The seed walkthrough.** A coffee shop's sales are *generated* from a schema (no real data, no
   LLM), a TF.js regressor learns to predict the sale amount, and it predicts new orders.
2. **Real data.** The sales of a real coffee vending machine in Vinnytsia, Ukraine are split into a
   training part and a holdout part that no generator ever sees. A generator imitates the training
   part; models trained on synthetic data are compared with models trained on real data, on the same
   real holdout; and a report scores fidelity, utility and privacy.

Every number quoted below is computed by a cell: re-run the notebook with other parameters and the
sentences change with the results.
"""),
    md("""
## Parameters

Change a value in the cell below and run the notebook again. The cell is tagged `parameters`, so
from a terminal `synthlab run notebooks/01-sales-prediction.ipynb -p rows=5000` overrides its values (papermill style). LLM generation runs only when an API is configured
(`OPENAI_API_KEY`, or `OPENAI_BASE_URL` for an OpenAI-compatible server such as Ollama or vLLM).
"""),
    code("""
let rows = 2000;      // rows of generated coffee-shop sales in part 1
let seed = 7;         // one seed for every random choice: same seed, same notebook
let epochs = 30;      // training epochs (early stopping may end sooner)
let llmRows = 200;    // rows asked from an LLM in part 2, when one is configured
let llmModel = "gpt-4o-mini";
""", tags=["parameters"]),
    md("""
## Part 1 — coffee-shop sales from a schema

The `offline` generator draws rows from a schema: a menu where every product keeps one id, name,
price and calorie count, a date in 2022, a time between 6:00 and 21:00, a quantity of 1 to 3, a
payment type, and `amount = price × quantity` as a derived column. It is seeded, so the same seed
gives the same rows. The cell binds a DataFrame to `sales`.
"""),
    code("%%generate sales --mode offline --schema coffee-shop --rows {rows} --seed {seed}"),
    md("""
Hold back a fifth of the rows to test on, then train an MLP regressor to predict `amount`. The
preprocessing (one-hot encoding with an *unknown* bucket, standard scaling, date parts) is fitted on
the training rows only and reused unchanged on the test rows. The loss chart updates while it trains.
"""),
    code("""
import { splitTrainHoldout, toFrame, predict, compareTraining, evaluate, generate } from "synthlab";

const shop = splitTrainHoldout(toFrame(sales), { holdout: 0.2, seed });
const shopTrain = shop.train;
const shopTest = shop.holdout;
console.log(`${shopTrain.rowCount} training rows, ${shopTest.rowCount} test rows`);
"""),
    code("%%train --data shopTrain --test shopTest --target amount --model mlp --epochs {epochs} --seed {seed} --as shopModel"),
    md("""
Now predict *new* orders. They come from the same schema with another seed, so we know the true
amounts and can compare. The model needs the same feature columns it was trained on: the next cell
also shows what happens when a column is missing (the classic "feature names should match those passed
during fit" problem), which here is one clear message instead of a stack trace.
"""),
    code("""
const fresh = await generate({ mode: "offline", schema: "coffee-shop", rows: 8, seed: seed + 1000 });
const predicted = await predict(shopModel, fresh.frame);
predicted
"""),
    code("""
try {
  await predict(shopModel, [{ product: "Latte", quantity: 2 }]);
} catch (e) {
  console.log(`predict refused the table: ${(e as Error).message}`);
}
"""),
    md("""
## Part 2 — the real coffee vending machine

`%dataset` loads the data by its manifest in `datasets/`: the file is downloaded once into a cache
(or copied from a mirror directory, `SYNTHLAB_DATA_MIRROR`) and checked against its sha256. The
licence asks for attribution, which the loader prints.
"""),
    code("%dataset coffee-sales --as coffee"),
    md("""
The holdout is the referee: neither the generators nor the models ever train on it. Utility is
measured on it, and privacy compares how close synthetic rows are to the training rows versus the
holdout rows.
"""),
    code("""
const parts = splitTrainHoldout(toFrame(coffee), { holdout: 0.2, seed });
const real = parts.train;
const holdout = parts.holdout;
console.log(`${real.rowCount} real training rows, ${holdout.rowCount} holdout rows, columns: ${real.columnNames.join(", ")}`);
"""),
    md("""
### Generate data like the training part

The **Gaussian copula** is the statistical baseline: it keeps each column's distribution (empirical
marginals) and the correlations between columns (of normal scores), and nothing else.
"""),
    code("%%generate synth --mode copula --like real --rows {real.rowCount} --seed {seed}"),
    md("""
When an LLM is configured, the next cell also asks a model for rows that look like the real ones
(few-shot, validated against the schema, de-duplicated against the real rows). Without one it says
so and the notebook goes on with the copula data.
"""),
    code("""
const llmConfigured = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
let llmSynth: unknown = null;
if (llmConfigured) {
  const run = await generate({
    mode: "llm-rows", like: real, rows: llmRows, seed, model: llmModel,
    description: "Sales of one coffee vending machine in Vinnytsia, Ukraine: one row per cup sold, amounts in UAH.",
  });
  llmSynth = run.frame;
  display(run);
} else {
  console.log("No LLM configured (set OPENAI_API_KEY, or OPENAI_BASE_URL for an OpenAI-compatible server): skipping llm-rows; the offline and copula modes work without one.");
}
"""),
    md("""
### Train on synthetic, test on real

The same model and preprocessing are trained three ways and tested on the same real holdout:
on real rows (**TRTR**), on synthetic rows (**TSTR**), and on both (**augmented**), each over three
seeds. If synthetic data were as useful as real data, TSTR would match TRTR.
"""),
    code("""
const comparison = await compareTraining({ real, synthetic: synth, holdout, target: "money", model: "mlp", epochs, seeds: [1, 2, 3] });
comparison
"""),
    md("""
### The quality report

Fidelity (do columns and their relations look alike?), utility (is it as useful for prediction?)
and privacy (does it copy real rows?), each next to its *noise floor*: the same scores for two real
samples, which is what a perfect generator could reach at this size. The scores and findings come
first; click a section (fidelity, utility, privacy, column distributions) to open its tables and charts.

The report's **utility** is not the *TSTR prediction score* printed above, and the two numbers
differ: that one is the MAE ratio of one MLP, while the report's utility is the mean of three
checks, a prediction score with a ridge regression, whether the same features matter (feature
importance), and whether aggregate queries give the same answers (QScore).
"""),
    code("%%report --real real --synth synth --holdout holdout --target money --time Date --seed {seed}", scrolled=False),
    code("""
const s = report.toJSON().scores;
const trtr = comparison.get("TRTR")!;
const tstr = comparison.get("TSTR")!;
const show = (x: number | null) => (x === null ? "not measured" : x.toFixed(2));
console.log(
  `The copula data scores ${show(s.fidelity)} for fidelity, ${show(s.utility)} for utility (the report's mean of three checks) and ${show(s.privacy)} for privacy. ` +
  `The MLP trained on it predicts the real holdout with an MAE of ${tstr.mean.mae.toFixed(2)} UAH, against ${trtr.mean.mae.toFixed(2)} UAH when trained on real rows ` +
  `(TSTR prediction score ${comparison.score?.toFixed(2)}).`,
);
"""),
    md("""
## What to try next

- Change `seed = 7` to `seed = 11` in the parameters cell, then run all cells again
  (Kernel → Restart & Run All), and see which numbers move.
- Configure an LLM and compare `llm-rows` with the copula (notebook 03 compares all generators).
- Read `docs/metrics.md` for the formula behind each score.
"""),
]

if __name__ == "__main__":
    write("01-sales-prediction.ipynb", SALES)
    print("wrote notebooks/01-sales-prediction.ipynb")
