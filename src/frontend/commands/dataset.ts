/**
 * `%dataset` (load a dataset into the notebook) and `synthlab datasets` (list, fetch, describe):
 * their option lists (src/frontend/spec.ts).
 */
import type { CommandSpec } from "../spec.js";

export const datasetCommand: CommandSpec = {
  name: "dataset",
  summary: "Load a dataset into a notebook variable and show it.",
  description: "Load a dataset (see `synthlab datasets list`) into a notebook variable and show it.",
  options: [
    { name: "as", type: "string", help: "variable to store it in (default: the name with - replaced by _)" },
    { name: "frame", type: "boolean", help: "store a synthlab Frame instead of a danfo DataFrame", default: false },
  ],
  magic: {
    kind: "line",
    positionals: [{ name: "name", help: "dataset name, e.g. coffee-sales", required: true }],
    examples: ["%dataset coffee-sales --as sales", "%dataset spam-assassin --as mails --frame"],
  },
};

export const datasetsCommand: CommandSpec = {
  name: "datasets",
  summary: "List or fetch the datasets in datasets/ (by manifest, sha256-checked).",
  description:
    "The datasets this version knows, by manifest, each file verified by sha256.\n" +
    "  list          the datasets (name, rows × columns, license)\n" +
    "  fetch NAME    make a verified local copy (cache, else mirror, else download); prints its path\n" +
    "  info NAME     the manifest: source, license, attribution, sha256, cache status, quirks",
  options: [
    { name: "cache-dir", type: "string", metavar: "DIR", help: "cache folder (default: SYNTHLAB_CACHE_DIR, else ~/.cache/synthlab/datasets)" },
    { name: "mirror", type: "string", metavar: "DIR", help: "a folder holding the files (default: SYNTHLAB_DATA_MIRROR)" },
    { name: "offline", type: "boolean", help: "never download (also SYNTHLAB_OFFLINE=1)" },
  ],
  cli: {
    positionals: [
      { name: "command", help: "list, fetch NAME or info NAME", rest: true },
    ],
    examples: ["synthlab datasets list", "synthlab datasets fetch coffee-sales --mirror /data/synthlab"],
  },
};
