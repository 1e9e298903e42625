/**
 * Papermill-style parameters: `-p name=value` values are JSON when they parse as JSON, else
 * strings. They are injected as a new cell tagged `injected-parameters` right after the cell
 * tagged `parameters` (or first, when there is none), replacing an injected cell left by an
 * earlier run. The injected cell redeclares each name with `let` (the kernel allows a later
 * cell to redeclare a name, whether the parameters cell used let or const), so later cells
 * see the new value and a type inferred from it.
 *
 * Secrets stay out of the notebook: a parameter whose name looks secret (contains KEY, TOKEN,
 * SECRET, PASSWORD, as for %env) is handed over through an environment variable of this
 * process, and the injected cell, the metadata and the page show only its name.
 */
import { HIDDEN, isSecretName } from "../../secrets.js";
import { newCellId, type CodeCell, type Notebook } from "./nbformat.js";
import { InputError } from "../../errors.js";
import { isVariableName } from "../../identifier.js";


export type ParameterValue = string | number | boolean | null | ParameterValue[] | { [key: string]: ParameterValue };

/** Parse `name=value` strings; throws one clear error for a malformed one. */
export function parseParameters(pairs: readonly string[]): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new InputError(`-p ${pair}: expected name=value, e.g. -p rows=500.`);
    const name = pair.slice(0, eq).trim();
    if (!isVariableName(name)) {
      throw new InputError(`-p ${pair}: "${name}" is not a valid variable name; use letters, digits, _ or $.`);
    }
    out[name] = parseValue(pair.slice(eq + 1));
  }
  return out;
}

/** JSON when it parses (numbers, booleans, null, arrays, objects, "quoted strings"), else the raw string. */
export function parseValue(text: string): ParameterValue {
  try {
    return JSON.parse(text) as ParameterValue;
  } catch {
    return text;
  }
}

/** The environment variable that carries a secret parameter into the run. */
export function secretVariable(name: string): string {
  return `SYNTHLAB_PARAM_${name.toUpperCase()}`;
}

/**
 * TypeScript source of the injected cell. JSON is valid TS expression syntax for every value;
 * secret parameters are read from the environment (see secretVariable) as strings.
 */
export function parameterSource(params: Record<string, ParameterValue>): string {
  const lines = ["// Parameters injected by synthlab run"];
  for (const [name, value] of Object.entries(params)) {
    if (isSecretName(name)) lines.push(`let ${name} = process.env[${JSON.stringify(secretVariable(name))}] ?? ""; // secret: value not written`);
    else lines.push(`let ${name} = ${JSON.stringify(value)};`);
  }
  return lines.join("\n");
}

/** Put secret parameters into this process's environment for the injected cell to read. */
export function exportSecretParameters(params: Record<string, ParameterValue>): void {
  for (const [name, value] of Object.entries(params)) {
    if (isSecretName(name)) process.env[secretVariable(name)] = typeof value === "string" ? value : JSON.stringify(value);
  }
}

/** The parameters as they may be shown or saved: secret values replaced by <hidden>. */
export function shownParameters(params: Record<string, ParameterValue>): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  for (const [name, value] of Object.entries(params)) out[name] = isSecretName(name) ? HIDDEN : value;
  return out;
}

export function hasTag(cell: { metadata: { tags?: unknown } }, tag: string): boolean {
  return Array.isArray(cell.metadata.tags) && cell.metadata.tags.includes(tag);
}

/** A new notebook with the injected-parameters cell in place (the input is not modified). */
export function injectParameters(nb: Notebook, params: Record<string, ParameterValue>): Notebook {
  const cells = nb.cells.filter((c) => !hasTag(c, "injected-parameters"));
  if (Object.keys(params).length === 0) return { ...nb, cells };
  const taken = new Set(cells.map((c) => c.id));
  const injected: CodeCell = {
    id: newCellId(taken),
    cell_type: "code",
    metadata: { tags: ["injected-parameters"] },
    source: parameterSource(params),
    outputs: [],
    execution_count: null,
  };
  const at = cells.findIndex((c) => c.cell_type === "code" && hasTag(c, "parameters"));
  cells.splice(at + 1, 0, injected);
  return { ...nb, cells };
}
