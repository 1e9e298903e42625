// Text classification (TF-IDF + TF.js logistic regression / MLP), its metrics and charts.
export { tokenize as tokenizeWords, Vocabulary, VocabularyError, UNKNOWN_TOKEN, idfWeights, tfidfMatrix, tfidfRows, tfidfRowsFromTokens, densify, emailBody } from "./tokenizer.js";
export type { VocabularyOptions, VocabularyJSON, SparseRow } from "./tokenizer.js";
export { accuracy, confusionMatrix, perClassMetrics, macroF1, classificationMetrics, majorityBaseline } from "./metrics.js";
export type { ClassMetrics, ClassificationMetrics } from "./metrics.js";
export { confusionChartSpec } from "../../charts/confusion.js";
export { trainTextClassifier, readTextColumns, TextClassifier, TextEvaluation, TextClassifierError } from "./classifier.js";
export { TextNetwork } from "./network.js";
export type { TextClassifierOptions, ResolvedTextOptions, TextModelInfo, TextEpochLog, TextModelKind, TextTable } from "./classifier.js";
