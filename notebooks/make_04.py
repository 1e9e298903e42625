"""Writes notebooks/04-interactive-review.ipynb (unexecuted) from the cell list below, so that its text
is reviewed as code. Run: /usr/bin/python3 notebooks/make_04.py"""
from make_notebooks import code, md, write

INTERACTIVE = [
    md("""
# Interactive: sliders over a generator, and a human review of LLM samples

Two things a notebook can do that a script cannot:

1. **Sliders that re-run a report.** Move the number of synthetic rows, the noise added to them and
   the size of the model that judges their utility, and watch fidelity, utility and privacy answer.
2. **A human review of generated samples.** Read generated rows one page at a time, accept, reject
   or edit each, and train on what passed. Rejected rows go back to the generator as
   counter-examples ("do not produce rows like these").

The controls are standard Jupyter widgets (ipywidgets 8's protocol): JupyterLab 4, Notebook 7,
VS Code and Colab draw them. Where no widget can be drawn (a headless run with `nbconvert` or
`synthlab run`, an HTML export, an old front end), every cell still shows its result as text and
HTML, and this notebook makes its review decisions in code, so it runs unattended from top to bottom.
"""),
    md("""
## Parameters

The starting values of the sliders and the size of the review. The cell is tagged `parameters`, so
`synthlab run notebooks/04-interactive-review.ipynb -p rows=500` overrides them from a terminal.
"""),
    code("""
let seed = 7;          // one seed for every random choice
let rows = 300;        // synthetic rows (slider: 100 … 1000)
let noise = 0.2;       // noise added to numeric columns, as a share of each column's spread (slider: 0 … 1)
let units = 8;         // hidden units of the model that measures utility (slider: 2 … 32)
let reviewRows = 8;    // generated text samples to review
""", tags=["parameters"]),
    md("""
## The real data

The coffee vending-machine sales again (`%dataset` checks their sha256 and prints their licence),
split once into training rows, which the generator sees, and holdout rows, which only the judge sees.
"""),
    code("%dataset coffee-sales --as coffee"),
    code("""
import { splitTrainHoldout, toFrame, generate, evaluate, trainRegressor, createRng, displaySymbol, type Frame, type Trainer, type CellValue } from "synthlab";

const parts = splitTrainHoldout(toFrame(coffee), { holdout: 0.2, seed });
const real = parts.train;
const holdout = parts.holdout;
console.log(`${real.rowCount} training rows, ${holdout.rowCount} holdout rows; columns: ${real.columnNames.join(", ")}`);
"""),
    md("""
## One report as a function of three knobs

`runReport` makes `rows` synthetic rows with the copula generator, blurs every numeric column with
Gaussian noise of `noise` × the column's standard deviation, and scores the result against the real
rows and the holdout. Utility is measured with a small neural network (one hidden layer of `units`
units) trained on the synthetic rows and tested on the real holdout.

What to expect: more noise lowers fidelity and usually raises privacy (rows drift away from the real
ones); a handful of rows gives noisy scores; a bigger model is not always better on 300 rows. The
results are remembered per setting, so moving a slider back is instant.
"""),
    code("""
/** Gaussian noise on numeric columns: sd = share × the column's standard deviation. */
function addNoise(frame: Frame, share: number, noiseSeed: number): Frame {
  if (share <= 0) return frame;
  const rng = createRng(noiseSeed);
  const columns: Record<string, CellValue[]> = {};
  for (const name of frame.columnNames) {
    const col = frame.columns[name]!;
    const nums = col.filter((v): v is number => typeof v === "number");
    if (nums.length < col.length * 0.9) { columns[name] = [...col]; continue; }
    const mean = nums.reduce((a, b) => a + b, 0) / nums.length;
    const sd = Math.sqrt(nums.reduce((a, b) => a + (b - mean) ** 2, 0) / nums.length);
    columns[name] = col.map((v) => (typeof v === "number" ? Math.round((v + share * sd * rng.normal()) * 100) / 100 : v));
  }
  return { columnNames: frame.columnNames, columns, rowCount: frame.rowCount };
}

/** The utility model: a TF.js regressor with one hidden layer of `hidden` units. */
const mlp = (hidden: number): Trainer => async (train, o) => {
  const model = await trainRegressor(train, { target: o.target, features: o.features, layers: [hidden], epochs: 10, seed: o.seed, log: false });
  return { predict: (f: Frame) => model.predictValues(f) };
};

/** One line of scores, shown as text and as a small table. */
class Scores {
  constructor(readonly knobs: { rows: number; noise: number; units: number }, readonly s: { fidelity: number | null; utility: number | null; privacy: number | null }) {}
  toString() {
    const f = (x: number | null) => (x === null ? "n/a" : x.toFixed(3));
    return `rows ${this.knobs.rows} · noise ${this.knobs.noise.toFixed(2)} · hidden units ${this.knobs.units} → ` +
      `fidelity ${f(this.s.fidelity)} · utility ${f(this.s.utility)} · privacy ${f(this.s.privacy)}`;
  }
  [displaySymbol]() {
    const f = (x: number | null) => (x === null ? "n/a" : x.toFixed(3));
    return {
      "text/plain": this.toString(),
      "text/html": `<table><tr><th>rows</th><th>noise</th><th>hidden units</th><th>fidelity</th><th>utility</th><th>privacy</th></tr>` +
        `<tr><td>${this.knobs.rows}</td><td>${this.knobs.noise.toFixed(2)}</td><td>${this.knobs.units}</td>` +
        `<td><b>${f(this.s.fidelity)}</b></td><td><b>${f(this.s.utility)}</b></td><td><b>${f(this.s.privacy)}</b></td></tr></table>`,
    };
  }
}

const memo = new Map<string, Scores>();
async function runReport(knobs: { rows: number; noise: number; units: number }): Promise<Scores> {
  const key = JSON.stringify(knobs);
  if (!memo.has(key)) {
    const run = await generate({ mode: "copula", like: real, rows: knobs.rows, seed });
    const synthetic = addNoise(run.frame, knobs.noise, seed + 1);
    const report = await evaluate({ real, synthetic, holdout, target: "money", seed, seeds: [seed], queries: 100, noiseResamples: 2, model: mlp(knobs.units) });
    memo.set(key, new Scores(knobs, report.scores));
  }
  return memo.get(key)!;
}

await runReport({ rows, noise, units })
"""),
    md("""
## The sliders

`interact(fn, controls)` works as in ipywidgets: `[min, max, step]` makes a slider, and every move
re-runs `fn` with the new values, its result shown under the sliders. In a front end without
widgets this cell shows only the widget's text; the cell above printed the same scores.
"""),
    code("""
import { interact, IntSlider, FloatSlider } from "synthlab/widgets";

const ui = interact(runReport, {
  rows: new IntSlider({ value: rows, min: 100, max: 1000, step: 100, description: "rows" }),
  noise: new FloatSlider({ value: noise, min: 0, max: 1, step: 0.1, description: "noise" }),
  units: new IntSlider({ value: units, min: 2, max: 32, step: 2, description: "hidden units" }),
});
await ui.update();   // its first run (remembered from the cell above) ends before the next cell starts
ui
"""),
    md("""
## Reviewing LLM samples by hand

Generated text should be read before anyone trains on it. Here an LLM writes short customer
messages to a coffee shop, labelled `complaint` or `praise`, and a person reviews them.

**No LLM is configured in a fresh checkout** (no `OPENAI_API_KEY` or `OPENAI_BASE_URL`). The cell
below then starts synthlab's **local test double**: an OpenAI-compatible server on 127.0.0.1 that
fills the requested JSON schema with seeded random words. **Its samples are not a model's output**
and read as nonsense on purpose; they are there so the review can be tried without an API key. With
a key or a base URL set, the same cells call the real model.
"""),
    code("""
import { startOpenAiServer, TEST_DOUBLE_MODEL } from "synthlab/testing";

const configured = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
const double = configured ? undefined : await startOpenAiServer();
const llm = double ? { baseURL: double.url, apiKey: "not-needed" } : {};
const model = double ? TEST_DOUBLE_MODEL : "gpt-4o-mini";   // so _meta names who wrote the rows
console.log(double
  ? `No LLM configured: using the local TEST DOUBLE at ${double.url} (model "${TEST_DOUBLE_MODEL}") — its samples are NOT model output.`
  : "Using the configured LLM.");

const samples = await generate({
  mode: "text", textTask: "classification", labels: ["complaint", "praise"], rows: reviewRows, seed, meta: true, model,
  description: "Short messages customers leave for a coffee shop.", options: llm,
});
samples
"""),
    md("""
`review` shows one page at a time — here as text cards, since the rows are prose — with the running
count. In Jupyter, click **Accept** or **Reject** for the selected row (▶), pick another row, or type
commands in the box and press Enter: `a` accept, `r` reject, `u` undo, `e 3 label=praise` edit,
`n`/`p` next/previous page, and row numbers or ranges (`r 2-4`). Everything works from the keyboard.

Each decision is saved at once to `.synthlab/review/coffee-messages.jsonl` in this notebook's folder,
keyed by the row's content: restart the kernel, run the cell again and the decisions are still
there. (`%%review NAME --from VAR` does the same as a cell magic.)
"""),
    code("""
import { review } from "synthlab";

const rv = review(samples, { name: "coffee-messages", pageSize: 4, layout: "cards" });
rv
"""),
    md("""
So that this notebook runs unattended, the next cell records decisions in code — the same commands
the box takes. When you review by hand, skip it. Re-running it writes nothing new: a decision that
is already recorded is not written twice.
"""),
    code("""
rv.command("a 1-2");
rv.command("r 3");
rv.command("e 4 label=praise");
rv.command("a 5");
rv.command("r 6");
console.log(rv.toString().split("\\n")[0]);
"""),
    md("""
`accepted()` returns the rows that passed — accepted and edited ones, edits applied — as a
DataFrame ready for `trainRegressor` or `%%train`. The decision is added to each row's `_meta`
provenance (`review: accepted` or `edited`) next to the model and prompt hash.
"""),
    code("""
const kept = rv.accepted();
console.log(`${kept.shape[0]} rows kept; their _meta:`);
for (const m of kept["_meta"].values as string[]) console.log("  " + m);
"""),
    md("""
## Rejected rows as counter-examples

The next generation gets the rejected rows in its prompt, under "do not produce rows like these"
(`generate({ avoid: rv })`, or `%%generate NAME --avoid coffee-messages`). With the test double we
can show exactly what the server received.
"""),
    code("""
const more = await generate({
  mode: "text", textTask: "classification", labels: ["complaint", "praise"], rows: reviewRows, seed: seed + 1, model,
  description: "Short messages customers leave for a coffee shop.", avoid: rv, options: llm,
});
if (double) {
  const last = JSON.parse(double.chatRequests().at(-1)!.body) as { messages: { role: string; content: string }[] };
  const prompt = last.messages.find((m) => m.role === "user")!.content;
  const from = prompt.indexOf("Rejected by a human reviewer");
  console.log(prompt.slice(from, prompt.indexOf("```", prompt.indexOf("```", from) + 3) + 3));
  await double.close();
}
console.log(`${more.rowCount} new rows generated with ${rv.counts().rejected} counter-examples in the prompt.`);
"""),
    md("""
## What to try next

- In the parameters cell, set `rows = 1000` and `noise = 0` and run the notebook again: how close
  does fidelity get to a perfect copy, and what happens to privacy?
- Review more samples (`reviewRows = 20`) by hand, with the keyboard only.
- Set `OPENAI_API_KEY` (or `OPENAI_BASE_URL` for a local server such as Ollama) and review real
  model output; then train on `rv.accepted()` only.
"""),
]

write("04-interactive-review.ipynb", INTERACTIVE)
