// Public API of the train stage; re-exported from src/index.ts. TF.js itself loads lazily
// (on the first training or model load), so importing this module stays cheap.
export { selectBackend, describeBackend, loadTf } from "./backend.js";
export type { BackendInfo, BackendName, TF } from "./backend.js";
export { Preprocessor, PreprocessError, targetValues } from "./preprocess.js";
export type { FeatureKind, FeatureStep, PreprocessOptions, PreprocessorJSON, Matrix } from "./preprocess.js";
export { mae, rmse, r2, mape, regressionMetrics, meanBaseline, knownTruth } from "./metrics.js";
export type { RegressionMetrics } from "./metrics.js";
export { trainRegressor, predict, evaluateModel, saveModel, loadModel, TrainedModel, TrainError } from "./models.js";
export type { TrainTable, TrainOptions, ResolvedTrainOptions, ModelKind, EpochLog, ModelInfo, ModelMetrics } from "./models.js";
export { compareTraining, permutationImportance, ComparisonResult, ImportanceResult, runSettings, importanceByPermutation, tstrScore } from "./experiments.js";
export type { CompareOptions, TrainingSetting, SettingResult, ImportanceOptions, FeatureImportance, ExperimentRun } from "./experiments.js";
export { lossChartSpec, comparisonChartSpec, importanceChartSpec } from "../charts/training.js";
export type { LossPoint, ComparisonRow } from "../charts/training.js";
export * from "./text/index.js";
