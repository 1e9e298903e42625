/** Shapes of a generator comparison: what `compareGenerators` takes and what it records per candidate. */
import type { TableInput } from "../data/frame.js";
import type { Env } from "../generate/llm/provider.js";
import type { TextTask } from "../generate/types.js";
import type { ReportJson } from "../evaluate/index.js";
import type { Candidate, CandidateInput, LlmCandidate } from "./candidates.js";

/** What is generated: table rows like `real`, or labelled text (the text mode). */
export type CompareTask = "rows" | "text";

/** The score that ranks candidates (chart y axis, recommendation). */
export type QualityMeasure = "utility" | "fidelity" | "privacy" | "validity" | "judge";

export interface JudgeOptions {
  /** The judge model's endpoint: a candidate object or inline spec (name=...,base=...,model=...,key_env=...). */
  endpoint: LlmCandidate | CandidateInput;
  /** What a good item is; the prompt asks for a score 1–5 and a one-sentence reason. */
  rubric?: string;
  /** Items judged per candidate (a seeded sample; default 20). */
  sample?: number;
}

export interface CompareGeneratorsOptions {
  /** "rows" (default): tables like `real`; "text": labelled text through the text mode. */
  task?: CompareTask;
  candidates: readonly CandidateInput[];
  /** Real training rows: imitated by every candidate and the report's reference. */
  real: TableInput;
  /** Real rows no candidate sees: utility (TSTR vs TRTR), privacy and the noise floors need them. */
  holdout?: TableInput | null;
  /** Numeric column predicted on the holdout (TSTR vs TRTR mean absolute error). */
  target?: string | null;
  /** Datetime column for the report's autocorrelation. */
  timeColumn?: string | null;
  /** Rows every candidate makes (the same for all). */
  rows: number;
  /** One seed for every candidate (default 0). */
  seed?: number;
  /** Budget cap per LLM candidate, US dollars (the same for all). */
  budget?: number;
  /** What the data is, for the LLM prompts. */
  description?: string;
  /** Text task: kind (default classification) and labels (default: the values of the real table's `label` column). */
  textTask?: TextTask;
  labels?: readonly string[];
  /** Optional LLM-as-judge for text tasks. */
  judge?: JudgeOptions;
  /** Ranks candidates (default: utility when measured, else fidelity; judge when a judge is set on a text task). */
  quality?: QualityMeasure;
  /** QScore queries of each report (default 200). */
  queries?: number;
  /** The comparison checkpoint file; false: none. Default: under $SYNTHLAB_CACHE_DIR/compare, named by the task. */
  checkpoint?: string | false;
  /** Response cache of the LLM engine: false, or its directory (default the engine's). */
  cache?: boolean | string;
  /** Directory of the engine's per-run checkpoints (default the engine's). */
  checkpointDir?: string;
  /** The engine's retry policy for every LLM candidate (its defaults when absent). */
  retry?: { maxRetries?: number; backoffBaseMs?: number; maxAttempts?: number };
  /** Environment to read key variables and SYNTHLAB_CACHE_DIR from (default process.env). */
  env?: Env;
  onProgress?: (event: CompareProgress) => void;
  signal?: AbortSignal;
}

export interface CompareProgress {
  candidate: string;
  phase: "generating" | "evaluating" | "judging" | "done" | "failed" | "resumed";
  rows?: number;
  target?: number;
  /** One line (the error of a failed candidate). */
  message?: string;
}

/** The LLM-as-judge's verdict on one candidate's texts. */
export interface JudgeVerdict {
  /** Mean score 1–5 over the judged items (null when none could be judged). */
  score: number | null;
  /** Standard error of the mean. */
  se: number | null;
  judged: number;
  /** Answers the judge gave that were not a score 1–5 with a reason. */
  unreadable: number;
  requests: number;
  costUsd: number;
  /** Each judged item: its text (cut to 200 characters), score and reason. */
  items: { text: string; score: number; reason: string }[];
}

/** Everything measured about one candidate; plain JSON (it is what the checkpoint stores). */
export interface CandidateOutcome {
  name: string;
  /** "llm" or "statistical", and the mode that generated. */
  kind: Candidate["kind"];
  mode: string;
  /** The candidate in one line (model at base URL, price; or the mode). */
  description: string;
  status: "ok" | "failed";
  /** Why it failed, one line. */
  error?: string;
  rows: number;
  /** HTTP requests sent (statistical: 0). */
  requests: number;
  cacheHits: number;
  tokens: { input: number; output: number };
  /** US dollars (statistical: 0); null when an LLM model has no known price. */
  costUsd: number | null;
  /** Wall time of the generation (ms). */
  wallMs: number;
  latency: { p50: number | null; p95: number | null; samples: number[] };
  /** Accepted rows / rows received (LLM: schema validation); null for statistical modes, which reject nothing. */
  validShare: number | null;
  /** Duplicate rows (of other generated rows) / rows received. */
  duplicateShare: number | null;
  /** Generated rows equal to a real training row (removed by the engine or left in the output). */
  copiesOfReal: number | null;
  scores: { fidelity: number | null; utility: number | null; privacy: number | null; validity: number | null };
  noiseFloor: { fidelity: number | null; utility: number | null; privacy: number | null };
  /** Mean absolute error on the holdout of a model trained on synthetic (TSTR) and on real (TRTR) rows. */
  mae: { tstr: number; trtr: number; target: string } | null;
  judge: JudgeVerdict | null;
  warnings: string[];
  /** The full report JSON (null when the candidate failed before it). */
  report: ReportJson | null;
}
