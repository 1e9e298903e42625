// Public API of the datasets stage; re-exported from src/index.ts.
export { DatasetError, defaultManifestDir, readManifests, getManifest } from "./manifest.js";
export type { DatasetManifest, DatasetLoaderOptions } from "./manifest.js";
export { fetchDataset, defaultCacheDir, sha256 } from "./fetch.js";
export type { FetchOptions } from "./fetch.js";
export { loadDataset, loadDataFrame, listDatasets, datasetInfo, datasetAttribution } from "./load.js";
export type { LoadOptions, DatasetSummary } from "./load.js";
export { SPAM_GROUPS } from "./spam.js";
export type { SpamGroup } from "./spam.js";
