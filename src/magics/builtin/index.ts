/** The built-in magics, registered by src/magics/index.ts at import. */
import type { MagicDefinition } from "../types.js";
import capture from "./capture.js";
import env from "./env.js";
import loadExt from "./load_ext.js";
import lsmagic from "./lsmagic.js";
import time from "./time.js";
import who from "./who.js";
import writefile from "./writefile.js";

export const builtinMagics: readonly MagicDefinition[] = [time, capture, writefile, env, who, loadExt, lsmagic];

export { CapturedOutput, type CapturedDisplay } from "./capture.js";
export { isSecretName, HIDDEN } from "../../secrets.js";
export { loadExtension } from "./load_ext.js";
export { formatMagicList } from "./lsmagic.js";
export { formatDuration } from "./time.js";
export { matchesType } from "./who.js";
export { FormattedResult, NestedCellError } from "./util.js";
