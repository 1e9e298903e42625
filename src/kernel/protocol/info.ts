/** kernel_info_reply content. Versions are read once, from package.json files, without loading TypeScript. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { PROTOCOL_VERSION } from "./wire.js";

const require = createRequire(import.meta.url);

function packageVersion(spec: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(require.resolve(spec), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : null;
  } catch {
    return null;
  }
}

/**
 * The language_info every front end and saved notebook gets (kernel_info_reply adds the TypeScript
 * version). `codemirror_mode` is CodeMirror 5's javascript mode with its TypeScript flag: Notebook 6
 * loads a mode by name from codemirror/mode/<name>/, and has no "text/typescript" mode (a 404 and no
 * colours); JupyterLab and Notebook 7 find the same mode by its name. The shipped notebooks
 * (notebooks/make_notebooks.py) carry this same object, so a save leaves their metadata unchanged.
 */
export const LANGUAGE_INFO = {
  name: "typescript",
  mimetype: "text/typescript",
  file_extension: ".ts",
  codemirror_mode: { name: "javascript", typescript: true },
  pygments_lexer: "typescript",
} as const;

let cached: Record<string, unknown> | null = null;

export function kernelInfoContent(): Record<string, unknown> {
  if (cached) return cached;
  const own = packageVersion("../../../package.json") ?? "0.0.0";
  // tslab's engine compiles cells with its bundled TypeScript; fall back to the project's.
  const ts = packageVersion("@tslab/typescript-for-tslab/package.json") ?? packageVersion("typescript/package.json") ?? "5";
  cached = {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "synthlab",
    implementation_version: own,
    language_info: { ...LANGUAGE_INFO, version: ts },
    banner: `synthlab ${own}: TypeScript ${ts} on Node.js ${process.versions.node}. Magics: %lsmagic; help: name?`,
    help_links: [
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js API", url: "https://nodejs.org/api/" },
    ],
    debugger: false,
  };
  return cached;
}
