/**
 * loadDataset: manifest → verified file → Frame, with the manifest's cleaning applied.
 */
import type { DataFrame } from "danfojs-node";
import { readCsv } from "../data/csv.js";
import { toDataFrame } from "../data/dataframe.js";
import { formatDateTimeMs, parseDateTimeMs, type DateTimeShape } from "../data/datetime.js";
import type { CellValue, Frame } from "../data/types.js";
import { fetchDataset, type FetchOptions } from "./fetch.js";
import { DatasetError, getManifest, readManifests, type DatasetManifest } from "./manifest.js";
import { loadSpamAssassin, type SpamGroup } from "./spam.js";

export interface LoadOptions extends FetchOptions {
  /** Skip the manifest's cleaning (time formats); header/names are still applied. */
  raw?: boolean;
  /** Where the attribution line goes (default: stderr). Shown once per dataset per process. */
  log?: (line: string) => void;
  /** Do not print the attribution (the caller shows it itself, as %dataset does). */
  quiet?: boolean;
  /** spam-assassin only: load these groups. */
  groups?: readonly SpamGroup[];
}

const attributed = new Set<string>();

/** The text the license asks users to show, e.g. "Coffee Sales dataset by ... CC BY-SA 4.0 ...". */
export function datasetAttribution(name: string, opts: Pick<FetchOptions, "manifestDir"> = {}): string {
  const m = getManifest(name, opts.manifestDir);
  return `${m.attribution} License: ${m.license}${m.licenseUrl ? ` (${m.licenseUrl})` : ""}.`;
}

function noticeOnce(m: DatasetManifest, opts: LoadOptions): void {
  if (!m.attributionRequired || opts.quiet || attributed.has(m.name)) return;
  attributed.add(m.name);
  const line = `[synthlab] Dataset ${m.name}: ${m.attribution}`;
  (opts.log ?? ((s: string) => process.stderr.write(s + "\n")))(line);
}

/** Rewrites a date/time column to one canonical format; unparseable text is an error naming the row. */
function unifyTimes(frame: Frame, column: string, shape: DateTimeShape, dataset: string): CellValue[] {
  const src = frame.columns[column];
  if (!src) throw new DatasetError(`Dataset ${dataset}: the manifest's timeColumns names "${column}", which the file does not have.`);
  return src.map((v, i) => {
    if (v === null) return null;
    const ms = parseDateTimeMs(String(v));
    if (Number.isNaN(ms)) throw new DatasetError(`Dataset ${dataset}, row ${i}, column ${column}: ${JSON.stringify(v)} is not a ${shape}.`);
    return formatDateTimeMs(ms, shape);
  });
}

export interface DatasetSummary {
  name: string;
  title: string;
  license: string;
  rows?: number;
  columns?: number;
  source: string;
}

export function listDatasets(opts: Pick<FetchOptions, "manifestDir"> = {}): DatasetSummary[] {
  return readManifests(opts.manifestDir).map((m) => ({
    name: m.name,
    title: m.title,
    license: m.license,
    rows: m.rows,
    columns: m.columns,
    source: m.package ? `npm package ${m.package}` : (m.url ?? m.sourcePage),
  }));
}

export function datasetInfo(name: string, opts: Pick<FetchOptions, "manifestDir"> = {}): DatasetManifest {
  return getManifest(name, opts.manifestDir);
}

/** A dataset as a Frame (fetching and verifying the file on first use). */
export async function loadDataset(name: string, opts: LoadOptions = {}): Promise<Frame> {
  const m = getManifest(name, opts.manifestDir);
  let frame: Frame;
  if (m.loader.format === "npm-package") {
    if (!m.package) throw new DatasetError(`Dataset manifest ${name} has format npm-package but no "package" field.`);
    frame = await loadSpamAssassin(m.package, { groups: opts.groups });
  } else {
    const path = await fetchDataset(name, opts);
    frame = await readCsv(path, { ...m.loader.csv });
    if (!opts.raw && m.loader.timeColumns) {
      const columns: Record<string, readonly CellValue[]> = { ...frame.columns };
      for (const [col, shape] of Object.entries(m.loader.timeColumns)) columns[col] = unifyTimes(frame, col, shape, name);
      frame = { columnNames: frame.columnNames, columns, rowCount: frame.rowCount };
    }
  }
  noticeOnce(m, opts);
  return frame;
}

/** loadDataset as a danfo DataFrame. */
export async function loadDataFrame(name: string, opts: LoadOptions = {}): Promise<DataFrame> {
  return toDataFrame(await loadDataset(name, opts));
}
