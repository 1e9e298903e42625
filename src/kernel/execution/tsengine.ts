/** The TypeScript compiler the kernel compiles cells with, loaded once per process. */
import { createRequire } from "node:module";
import type * as TS from "typescript";

export type Ts = typeof TS;
let tsModule: Ts | undefined;

/**
 * The TypeScript compiler, loaded once per process (≈0.3 s). We use the copy tslab ships
 * (@tslab/typescript-for-tslab, TypeScript 5.0): it is a runtime dependency, `typescript` is not.
 */
export function typescript(): Ts {
  if (!tsModule) {
    const require = createRequire(import.meta.url);
    const tslabRequire = createRequire(require.resolve("tslab/dist/converter.js"));
    tsModule = tslabRequire("@tslab/typescript-for-tslab") as Ts;
  }
  return tsModule;
}

