// Public API of the data stage; re-exported from src/index.ts.
export { parseCsv, readCsv, writeCsv, frameToCsv, parseJsonl, readJsonl, writeJsonl, frameToJsonl, CsvError } from "./csv.js";
export type { CsvOptions } from "./csv.js";
export { inferSchema, validateRow, validateFrame, coerceValue, coerceRow, coerceFrame, CoercionError } from "./schema.js";
export type { InferSchemaOptions, ValidationIssue, ValidateOptions, IssueCode } from "./schema.js";
export { numericColumn, categoricalCodes } from "./columns.js";
export type { CategoricalCodes } from "./columns.js";
export { splitTrainHoldout } from "./split.js";
export type { SplitOptions, SplitResult } from "./split.js";
export { createRng, seedToUint32 } from "./random.js";
export type { Rng, Seed } from "./random.js";
export { parseDateTimeMs, formatDateTimeMs, dateTimeShape, isDateTimeString } from "./datetime.js";
export type { DateTimeShape } from "./datetime.js";
export { toDataFrame, fromDataFrame, isDataFrame, loadDanfo } from "./dataframe.js";
export type { DataFrame } from "./dataframe.js";
export { frameBundle, frameHtml, frameText, escapeHtml, looksLikeDataFrame, tableFormatters, registerTableFormatters } from "./display.js";
export type { TableDisplayOptions, TableFormatter, DanfoLike } from "./display.js";
export * from "./types.js";
export * from "./frame.js";
