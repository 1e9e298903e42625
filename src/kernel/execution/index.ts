// The kernel's execution layer: TypeScript cells on tslab's compiler, magics, rich display.
export { createExecutionHost, TypeScriptExecutionHost } from "./host.js";
export type { ExecutionHostOptions } from "./host.js";
export type { DisplayHandle } from "./output.js";
