"""Writes notebooks/02-text-data.ipynb (unexecuted), so that its text is reviewed as code.
Run: /usr/bin/python3 notebooks/make_02.py"""
from make_notebooks import code, md, write

TEXT = [
    md("""
# Text data: spam or ham?

Notebook 01 worked with a table of numbers and categories. This one works with **text**: e-mails
labelled `spam` or `ham` (wanted mail). The questions are the same:

1. What does the real data look like? We load the SpamAssassin public corpus, keep a holdout that
   nothing ever trains on, and measure the text: label balance, duplicates, vocabulary variety, lengths.
2. How well can a simple model tell spam from ham? A TF-IDF bag of words with logistic regression,
   trained in TF.js, is the real-data baseline (**TRTR**: train on real, test on real).
3. Can synthetic text replace or add to real text? When an LLM is configured, it writes labelled
   messages; we compare their quality figures with the real ones and train on them (**TSTR**: train on
   synthetic, test on real), and on both together.

Without an LLM the notebook still runs parts 1 and 2 and says where part 3 would go. Every number in
the prose printed below comes from a cell, so re-running with other parameters changes the sentences.
"""),
    md("""
## Parameters

Change a value in the cell below and run the notebook again. The cell is tagged `parameters`, so
from a terminal `synthlab run notebooks/02-text-data.ipynb -p corpusRows=6000` overrides its values (papermill style). `corpusRows` subsamples the 6,046 messages (keeping the
spam/ham ratio) so that the notebook runs in well under a minute; use more for steadier numbers.
LLM generation runs only when `OPENAI_API_KEY` or `OPENAI_BASE_URL` (an OpenAI-compatible server such
as Ollama or vLLM) is set.
"""),
    code("""
let corpusRows = 2000;   // messages used from the corpus (stratified sample; 6046 = all)
let seed = 7;            // one seed for every random choice
let epochs = 10;         // passes over the training texts
let maxVocab = 5000;     // words in the vocabulary (the rest share one "unknown" feature)
let llmRows = 60;        // synthetic messages asked from an LLM, half spam, half ham
let llmModel = "gpt-4o-mini";
""", tags=["parameters"]),
    md("""
## 1. The real corpus

`%dataset spam-assassin` loads the SpamAssassin public corpus (2002–2003) from the npm package
that ships it: one row per message with the raw e-mail in `text`, its `label` and the corpus `group`
it came from (easy ham, hard ham, spam). `--frame` keeps it as a plain column table, which is faster
than a DataFrame for thousands of long strings.
"""),
    code("%dataset spam-assassin --as mails --frame"),
    md("""
A raw message starts with its mail headers: delivery routes through the servers of 2002, list
names, spam-filter stamps. A classifier would happily learn those instead of the words people read,
and synthetic messages have no headers at all, so we keep the **body** only (`emailBody` drops the
header block). A few messages have an empty body; they are dropped, because an empty text cannot be
classified. Then we draw a stratified sample of `corpusRows` messages.
"""),
    code("""
import { emailBody, frameFromRecords, splitTrainHoldout, textQuality, trainTextClassifier, generate, concatFrames, selectColumns } from "synthlab";
import type { Frame } from "synthlab";

const texts = (f: Frame) => f.columns.text as string[];
const labels = (f: Frame) => f.columns.label as string[];

const bodies = texts(mails).map((t, i) => ({ text: emailBody(t), label: labels(mails)[i] }));
const withBody = bodies.filter((r) => r.text.trim() !== "");
let corpus = frameFromRecords(withBody);
if (corpusRows < corpus.rowCount) {
  // The "holdout" of a stratified split is simply a stratified sample of the wanted size.
  corpus = splitTrainHoldout(corpus, { holdout: corpusRows / corpus.rowCount, seed, stratify: "label" }).holdout;
}
console.log(`${mails.rowCount} messages, ${mails.rowCount - withBody.length} with an empty body dropped; using ${corpus.rowCount}.`);
"""),
    code("""
const shortest = (label: string) => texts(corpus).filter((_, i) => labels(corpus)[i] === label && texts(corpus)[i]!.length > 200)[0]!;
console.log(`A ham body:\\n${shortest("ham").slice(0, 300)}\\n`);
console.log(`A spam body:\\n${shortest("spam").slice(0, 300)}`);
"""),
    md("""
Real mail is messy: ham quotes earlier messages and signatures, spam is often HTML in
quoted-printable encoding (the `=3D` is an encoded `=`). The tokenizer keeps only runs of letters
and digits, so markup becomes a handful of words such as `font`, `td` or `html` — which are
themselves strong spam signals in this corpus.
"""),
    md("""
### Train and holdout

A fifth of the messages is the **holdout**: every model below is tested on it and none trains on it.
The split is stratified by label, so both parts keep the corpus's share of spam.
"""),
    code("""
const parts = splitTrainHoldout(corpus, { holdout: 0.2, seed, stratify: "label" });
const real = parts.train;
const holdout = parts.holdout;
const spamShare = (f: Frame) => labels(f).filter((l) => l === "spam").length / f.rowCount;
console.log(`${real.rowCount} training messages (${(100 * spamShare(real)).toFixed(1)}% spam), ` +
  `${holdout.rowCount} holdout messages (${(100 * spamShare(holdout)).toFixed(1)}% spam).`);
"""),
    md("""
### Quality figures of the real text

These are the figures we will later compare synthetic text against:

- **label balance**: the share of each label, and the normalised entropy (1 = perfectly balanced);
- **duplicate rate**: the share of messages whose text (lowercased, whitespace collapsed) already
  appeared earlier — mailing lists and spam campaigns repeat themselves;
- **distinct-1 / distinct-2**: distinct words (word pairs) divided by all words (pairs) — how varied
  the vocabulary is; larger corpora naturally score lower, so compare at similar sizes;
- **lengths** in characters and in words.
"""),
    code("""
const figureRows = (name: string, f: Frame) => {
  const q = textQuality(texts(f), labels(f));
  return {
    data: name, messages: q.count, "spam share": Number((q.labels!.shares.spam ?? 0).toFixed(3)),
    "label entropy": Number(q.labels!.normalizedEntropy.toFixed(3)), "duplicate rate": Number(q.duplicateRate.toFixed(3)),
    "distinct-1": Number(q.distinct1.toFixed(3)), "distinct-2": Number(q.distinct2.toFixed(3)),
    "median words": q.tokens.median, "mean words": Math.round(q.tokens.mean), "median chars": q.chars.median,
  };
};
const realFigures = figureRows("real (train)", real);
frameFromRecords([realFigures, figureRows("real (holdout)", holdout)])
"""),
    code("""
console.log(`The training text is ${(100 * realFigures["spam share"]).toFixed(1)}% spam (label entropy ${realFigures["label entropy"]}), ` +
  `${(100 * realFigures["duplicate rate"]).toFixed(1)}% of messages repeat an earlier one, and a typical message has ` +
  `${realFigures["median words"]} words. Distinct-1 of ${realFigures["distinct-1"]} means about one word in ${Math.round(1 / realFigures["distinct-1"])} is new.`);
"""),
    md("""
## 2. The real-data baseline (TRTR)

`trainTextClassifier` builds a vocabulary from the **training** texts only (the `maxVocab` most
common words that appear in at least two messages; every other word maps to one *unknown* feature,
so the holdout never changes the features), turns each message into a TF-IDF vector (word counts,
damped by a logarithm, weighted up for rare words, scaled to unit length), and fits a softmax
(logistic) regression in TF.js. It prints the TF.js backend it runs on.

The display shows accuracy and macro-F1 (the mean of the per-label F1 scores, which does not let the
majority label hide a bad minority label) on train and holdout, next to a baseline that always
predicts the most frequent label, and the confusion matrix on the holdout.
"""),
    code("""
const trtr = await trainTextClassifier(real, { text: "text", label: "label", test: holdout, epochs, seed, maxVocab });
trtr
"""),
    code("""
const t = trtr.test!;
const spamRow = t.metrics.perClass.find((c) => c.label === "spam")!;
console.log(`Trained on real messages, the classifier labels ${(100 * t.accuracy).toFixed(1)}% of the holdout correctly ` +
  `(macro-F1 ${t.macroF1.toFixed(3)}), against ${(100 * t.baseline.accuracy).toFixed(1)}% for always answering "${t.baseline.label}". ` +
  `It catches ${(100 * spamRow.recall).toFixed(1)}% of the spam, and ${(100 * spamRow.precision).toFixed(1)}% of what it flags as spam is spam.`);
"""),
    md("""
A logistic model is easy to read: each word has one weight per label. The words that push a
message hardest towards each label:
"""),
    code("""
for (const label of trtr.labels) {
  console.log(`${label}: ${trtr.topWords(label, 12).map((w) => w.word).join(", ")}`);
}
"""),
    md("""
Read the lists with care. Some words are about the message (offers, `free`, `remove` for opting out
of a list); others are about where this corpus was collected — the mailing lists its ham came from,
or the encoding of its spam. A model trained on one mailbox learns that mailbox, which is one reason
to test on data from elsewhere, and one thing synthetic text cannot fix by itself.
"""),
    md("""
And it classifies new text, here two messages written for this notebook:
"""),
    code("""
const fresh = [
  "Dear friend, you have been selected to receive a FREE offer. Click here to claim your cash prize now!",
  "Thanks for the patch. I ran the test suite on my machine and it passes; can you update the docs too?",
];
trtr.predict(fresh).forEach((label, i) => console.log(`${label.padEnd(5)} ← ${fresh[i]!.slice(0, 60)}…`));
"""),
    md("""
## 3. Synthetic text

When an LLM is configured, the `text` generation mode asks it for labelled messages, **balanced**:
one request stream per label, each with its own quota, so half the messages are spam. The
generator removes duplicates and reports tokens, cost and the quality figures of what it wrote.
Without an LLM, the cell says so and the rest of part 3 is skipped.
"""),
    code("""
const llmConfigured = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
let synthetic: Frame | null = null;
if (llmConfigured) {
  const run = await generate({
    mode: "text", textTask: "classification", labels: ["spam", "ham"], balanced: true, rows: llmRows, seed, model: llmModel,
    description: "Bodies of e-mails (no headers) received by software developers around 2002: ham is mailing-list " +
      "discussion, newsletters and personal mail; spam is unsolicited advertising, scams and get-rich-quick offers.",
  });
  synthetic = selectColumns(run.frame, ["text", "label"]);
  display(run);
} else {
  console.log("No LLM configured (set OPENAI_API_KEY, or OPENAI_BASE_URL for an OpenAI-compatible server): skipping synthetic text; parts 1 and 2 above are the real-data baseline.");
}
"""),
    md("""
### Synthetic vs real quality figures

Synthetic text tends to be shorter, more uniform and more repetitive than real text; these figures
show by how much. Distinct-n depends on corpus size, so it is also computed on a random sample of
the real training text the size of the synthetic set.
"""),
    code("""
if (synthetic) {
  const sameSize = splitTrainHoldout(real, { holdout: Math.min(0.99, synthetic.rowCount / real.rowCount), seed, stratify: "label" }).holdout;
  const synthFigures = figureRows("synthetic", synthetic);
  display(frameFromRecords([realFigures, figureRows("real, same size", sameSize), synthFigures]));
  console.log(`The synthetic messages have a median of ${synthFigures["median words"]} words against ${realFigures["median words"]} in real ones, ` +
    `a duplicate rate of ${(100 * synthFigures["duplicate rate"]).toFixed(1)}% and distinct-2 of ${synthFigures["distinct-2"]} ` +
    `(real text of the same size: ${figureRows("", sameSize)["distinct-2"]}).`);
} else {
  console.log("No synthetic text: nothing to compare.");
}
"""),
    md("""
### Train on synthetic, test on real

The same classifier, trained three ways and tested on the same real holdout: on real messages
(**TRTR**), on synthetic messages only (**TSTR**), and on both (**augmented**). If the synthetic
messages carried what distinguishes real spam from real ham, TSTR would come close to TRTR.
"""),
    code("""
const results: { training: string; messages: number; accuracy: number; "macro-F1": number }[] = [
  { training: "real (TRTR)", messages: real.rowCount, accuracy: trtr.test!.accuracy, "macro-F1": trtr.test!.macroF1 },
];
if (synthetic) {
  const settings: [string, Frame][] = [
    ["synthetic (TSTR)", synthetic],
    ["real + synthetic", concatFrames([selectColumns(real, ["text", "label"]), synthetic])],
  ];
  for (const [name, data] of settings) {
    const m = await trainTextClassifier(data, { text: "text", label: "label", test: holdout, epochs, seed, maxVocab, log: false });
    results.push({ training: name, messages: data.rowCount, accuracy: m.test!.accuracy, "macro-F1": m.test!.macroF1 });
  }
}
const round3 = (x: number) => Number(x.toFixed(3));
frameFromRecords(results.map((r) => ({ ...r, accuracy: round3(r.accuracy), "macro-F1": round3(r["macro-F1"]) })))
"""),
    code("""
if (results.length > 1) {
  const [r, s, both] = results as [typeof results[0], typeof results[0], typeof results[0]];
  console.log(`Trained on ${s.messages} synthetic messages, the classifier reaches a macro-F1 of ${s["macro-F1"].toFixed(3)} on the real holdout, ` +
    `against ${r["macro-F1"].toFixed(3)} when trained on ${r.messages} real ones; real and synthetic together reach ${both["macro-F1"].toFixed(3)}.`);
} else {
  console.log(`Only the real-data baseline ran: macro-F1 ${results[0]!["macro-F1"].toFixed(3)} on the holdout. Configure an LLM to compare synthetic text with it.`);
}
"""),
    md("""
## What to try next

- Use the whole corpus (set `corpusRows = 6046` in the parameters cell and run all cells again)
  and see how much the baseline gains from more data.
- Ask the LLM for more messages (`llmRows = 400` in the parameters cell) and watch TSTR as the
  synthetic set grows.
- Train the small MLP instead (`trainTextClassifier(real, { ..., model: "mlp" })`) and compare.
- `docs/text.md` describes the tokenizer, the features and the metrics.
"""),
]

if __name__ == "__main__":
    write("02-text-data.ipynb", TEXT)
    print("wrote notebooks/02-text-data.ipynb")
