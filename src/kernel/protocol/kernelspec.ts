/**
 * Writes the kernelspec (kernel.json + logos) into a Jupyter data dir, like
 * `jupyter kernelspec install`, without needing the jupyter CLI.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { jupyterDataDir } from "./history.js";

export type InstallTarget = { kind: "user" } | { kind: "prefix"; prefix: string };

/** kernels/synthlab in the package (this file is dist/kernel/protocol/kernelspec.js). */
export const SPEC_SOURCE_DIR = fileURLToPath(new URL("../../../kernels/synthlab/", import.meta.url));
const BIN = fileURLToPath(new URL("../../../bin/synthlab.js", import.meta.url));
const LOGOS = ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"];

export function kernelspecDir(target: InstallTarget, name = "synthlab"): string {
  const base = target.kind === "user" ? jupyterDataDir() : join(target.prefix, "share", "jupyter");
  return join(base, "kernels", name);
}

/** The installed kernel.json: the packaged one with argv pointing at this node and this bin/synthlab.js. */
export function kernelSpec(): Record<string, unknown> {
  const spec = JSON.parse(readFileSync(join(SPEC_SOURCE_DIR, "kernel.json"), "utf8")) as Record<string, unknown>;
  return { ...spec, argv: [process.execPath, BIN, "kernel", "--connection-file", "{connection_file}"] };
}

export function installKernelspec(target: InstallTarget, name = "synthlab"): string {
  const dir = kernelspecDir(target, name);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelSpec(), null, 2) + "\n");
    for (const logo of LOGOS) {
      const from = join(SPEC_SOURCE_DIR, logo);
      if (existsSync(from)) copyFileSync(from, join(dir, logo));
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new Error(`Cannot write the kernelspec to ${dir} (${code}); use --user, or --prefix with a writable folder.`);
  }
  return dir;
}
