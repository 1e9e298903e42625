/**
 * What a notebook variable may be named: the one check behind `--as NAME` (magics), `%%capture
 * NAME`, `%%generate NAME`, run parameters (`-p NAME=value`), the kernel's declarations and the
 * sandbox's entry function. ASCII JavaScript identifiers only, so a name is the same in every
 * front end.
 */
export const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Words that are identifiers by shape but cannot be declared with `let`. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await").split(" "),
);

/** `name` has an identifier's shape (letters, digits, _ or $; not starting with a digit). */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** `name` can be declared as a variable: an identifier that is not a reserved word. */
export function isVariableName(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED_WORDS.has(name);
}
