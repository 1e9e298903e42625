// Public API of the generator comparison; re-exported from src/index.ts (docs/compare.md).
export { compareGenerators, candidateFingerprint } from "./compare.js";
export { Comparison, recommend, noiseMargin, qualityOf } from "./result.js";
export type { ComparisonInfo, ComparisonCharts, Recommendation } from "./result.js";
export { parseCandidate, toCandidate, toCandidates, candidatesFromJson, statisticalModes, describeCandidate } from "./candidates.js";
export type { Candidate, CandidateInput, LlmCandidate, StatisticalCandidate } from "./candidates.js";
export { CompareCheckpoint } from "./checkpoint.js";
export { CompareError } from "./errors.js";
export { judgeTexts, judgeRequest, readVerdict, DEFAULT_RUBRIC, DEFAULT_JUDGE_SAMPLE } from "./judge.js";
export type { CompareGeneratorsOptions, CompareTask, CompareProgress, CandidateOutcome, JudgeOptions, JudgeVerdict, QualityMeasure } from "./types.js";
