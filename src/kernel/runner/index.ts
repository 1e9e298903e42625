/** Headless notebook runner (`synthlab run`). */
export { runNotebook, runNotebookFile, defaultHostFactory, type HostFactory, type RunNotebookOptions, type RunFileOptions, type RunResult, type CellFailure } from "./run.js";
export { injectParameters, parseParameters, parseValue, parameterSource, secretVariable, shownParameters, type ParameterValue } from "./parameters.js";
export { notebookToHtml, withoutExternalResources, terminalText, type HtmlOptions } from "./html.js";
export { NotebookRecorder, CellRecorder } from "./recorder.js";
export * from "./nbformat.js";
