/**
 * Text classifier benchmark. Writes docs/benchmarks/text.md.
 *
 *   npx tsx bench/text.bench.ts
 *
 * SpamAssassin bodies (headers dropped), a seeded stratified sample of 2,000 messages split 80/20.
 * 1. Quality and speed of trainTextClassifier (logistic, 10 epochs, 5,000 words) per TF.js backend
 *    (wasm, cpu), against the peer scikit-learn TfidfVectorizer + LogisticRegression
 *    (bench/text_peer.py, Debian's python3-sklearn) on the same split, same run.
 * 2. Featurization throughput: Vocabulary.fit + tfidfMatrix, texts per second.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { frameFromRecords } from "../src/data/frame.js";
import { splitTrainHoldout } from "../src/data/split.js";
import type { Frame } from "../src/data/types.js";
import { loadDataset } from "../src/datasets/index.js";
import { describeBackend, selectBackend, type BackendName } from "../src/train/backend.js";
import { trainTextClassifier } from "../src/train/text/classifier.js";
import { emailBody, tfidfMatrix, Vocabulary } from "../src/train/text/tokenizer.js";

const SAMPLE = 2000;
const SEED = 7;
const EPOCHS = 10;
const MAX_VOCAB = 5000;

const col = (f: Frame, c: string) => f.columns[c] as string[];

const mails = await loadDataset("spam-assassin");
const bodies = frameFromRecords(col(mails, "text").map((t, i) => ({ text: emailBody(t), label: col(mails, "label")[i] })).filter((r) => r.text.trim() !== ""));
const sample = splitTrainHoldout(bodies, { holdout: SAMPLE / bodies.rowCount, seed: SEED, stratify: "label" }).holdout;
const { train, holdout } = splitTrainHoldout(sample, { holdout: 0.2, seed: SEED, stratify: "label" });

// Featurization alone (pure JS).
const tf0 = performance.now();
const vocab = Vocabulary.fit(col(train, "text"), { maxSize: MAX_VOCAB });
tfidfMatrix(col(train, "text"), vocab);
const featureSeconds = (performance.now() - tf0) / 1000;

interface Row { name: string; accuracy: number; macroF1: number; fitSeconds: number; predictSeconds: number; note: string }
const rows: Row[] = [];
for (const name of ["wasm", "cpu"] as BackendName[]) {
  const info = await selectBackend(name);
  if (info.name !== name) continue;
  const t0 = performance.now();
  const model = await trainTextClassifier(train, { text: "text", label: "label", epochs: EPOCHS, maxVocab: MAX_VOCAB, seed: SEED, log: false });
  const fitSeconds = (performance.now() - t0) / 1000; // includes the metrics pass over the training texts
  const t1 = performance.now();
  const ev = model.evaluate(holdout);
  const predictSeconds = (performance.now() - t1) / 1000;
  rows.push({ name: `synthlab TF.js logistic (${name})`, accuracy: ev.accuracy, macroF1: ev.macroF1, fitSeconds, predictSeconds, note: describeBackend(info) });
}

const dir = await mkdtemp(join(tmpdir(), "synthlab-text-bench-"));
try {
  const path = join(dir, "data.json");
  await writeFile(path, JSON.stringify({
    maxVocab: MAX_VOCAB,
    train: { text: col(train, "text"), label: col(train, "label") },
    test: { text: col(holdout, "text"), label: col(holdout, "label") },
  }));
  const r = spawnSync("/usr/bin/python3", ["bench/text_peer.py", path], { encoding: "utf8", timeout: 300_000 });
  if (r.status === 0) {
    const p = JSON.parse(r.stdout.trim().split("\n").pop()!) as Omit<Row, "name" | "note">;
    rows.push({ name: "scikit-learn TfidfVectorizer + LogisticRegression", ...p, note: "peer, lbfgs, C = 10" });
  } else {
    rows.push({ name: "scikit-learn peer", accuracy: NaN, macroF1: NaN, fitSeconds: NaN, predictSeconds: NaN, note: `failed: ${(r.stderr || "").trim().split("\n").pop()}` });
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const peer = rows.find((r) => r.name.startsWith("scikit-learn TfidfVectorizer"));
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "–");
const ratio = (x: number, y: number | undefined) => (y && Number.isFinite(x) && Number.isFinite(y) ? `${(x / y).toFixed(1)}×` : "–");
const md = [
  "# Text classifier benchmark",
  "",
  `Command: \`npx tsx bench/text.bench.ts\` — ${new Date().toISOString()}, ${cpus().length} CPU cores (shared; load average ${loadavg()[0]!.toFixed(1)} at the end), Node ${process.version}.`,
  "",
  `Data: SpamAssassin message bodies, seeded stratified sample of ${sample.rowCount}, ${train.rowCount} train / ${holdout.rowCount} holdout (seed ${SEED}). ` +
    `synthlab: ${EPOCHS} epochs, ${MAX_VOCAB}-word vocabulary, batch 64. Fit time includes tokenizing, TF-IDF and (synthlab) the metrics pass on the training texts.`,
  "",
  "| model | holdout accuracy | holdout macro-F1 | fit s | fit time vs peer | predict s (holdout) | note |",
  "|---|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.name} | ${f3(r.accuracy)} | ${f3(r.macroF1)} | ${f3(r.fitSeconds)} | ${ratio(r.fitSeconds, peer?.fitSeconds)} | ${f3(r.predictSeconds)} | ${r.note} |`),
  "",
  `Featurization (Vocabulary.fit + tfidfMatrix, pure JS): ${train.rowCount} texts in ${featureSeconds.toFixed(2)} s = ${Math.round(train.rowCount / featureSeconds)} texts/s.`,
  "",
];
await mkdir("docs/benchmarks", { recursive: true });
await writeFile("docs/benchmarks/text.md", md.join("\n"));
console.log(md.join("\n"));
