// Public API of the evaluate stage; re-exported from src/index.ts.
export type { Column, EvalKind, MetricResult } from "./types.js";
export { EvaluateError } from "./types.js";
export { inferEvalKind } from "./internal/columns.js";
export { createBinner, binPair, binShares, NUMERIC_BINS, NULL_LABEL } from "./columns/binning.js";
export type { Binner, BinnedPair } from "./columns/binning.js";
export { columnStatistics, numericStats, categoricalStats, statisticSimilarity } from "./columns/statistics.js";
export type { ColumnStats, NumericStats, CategoricalStats, SimilarityStat } from "./columns/statistics.js";
export { ksStatistic, ksComplement } from "./columns/ksComplement.js";
export { totalVariation, tvComplement } from "./columns/tvComplement.js";
export { histogramOverlap, histogramSimilarity } from "./columns/histogramSimilarity.js";
export { pearson, cramersV, contingencySimilarity, correlation } from "./pairs/correlation.js";
export type { CorrelationPair } from "./pairs/correlation.js";
export { normalizedMutualInformation, mutualInformation } from "./pairs/mutualInformation.js";
export type { MutualInformationPair } from "./pairs/mutualInformation.js";
export { acf, pacfFromAcf, dailySeries, autocorrelation } from "./table/autocorrelation.js";
export { qscore, describeQuery, SHARE_EPSILON } from "./table/qscore.js";
export type { Query, QueryResult } from "./table/qscore.js";
export { exactMatch, rowKeys } from "./privacy/exactMatch.js";
export { createGowerEncoder, gowerDistance, nearestNeighbors } from "./privacy/gower.js";
export type { GowerEncoder, NearestResult } from "./privacy/gower.js";
export { dcr, quantile, neighborsFromDistances, privacyDistances, PRIVACY_ROW_CAP } from "./privacy/dcr.js";
export type { NeighborsResult, PrivacyDistances, DistanceSummary } from "./privacy/dcr.js";
export { membershipInference, membershipFromDistances, rocAuc, rocCurve } from "./privacy/membershipInference.js";
export { prediction, regressionScores, ridgeTrainer, tfjsTrainer } from "./utility/prediction.js";
export type { Trainer, TrainerOptions, Predictor, RegressionScores } from "./utility/prediction.js";
export { featureImportance, kendallTau } from "./utility/featureImportance.js";
export { evaluate, Report } from "./report/report.js";
export type { EvaluateOptions, ReportJson } from "./report/types.js";
export { fidelityParts, fidelityScore, noiseFloor } from "./table/fidelity.js";
// Row rules: one definition for the report's validity diagnostic and the generator's constraints.
export { validityDiagnostic, mineRowRules, checkRule, ruleStatus, ruleText, ruleColumns, lookupTable } from "./table/validity.js";
export type { RowRule, RuleCheck, Diagnostic } from "./table/validity.js";
export { parseConstraint, ConstraintError } from "./table/ruleSyntax.js";
// How the evaluator reads a column (the generator checks rules on the same reading).
export { evalKindOf, withCanonicalDates } from "./internal/schema.js";
export { toNumeric } from "./internal/columns.js";
export type { ColumnReport, FidelityParts, FidelityOptions } from "./table/fidelity.js";
export type { ReportCharts } from "./report/charts.js";
// The report's chart figure (PNG, SVG fallback), for other displays built of report parts (src/compare/).
export { chartHtml } from "./report/format.js";
