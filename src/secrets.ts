/**
 * Secret detection and redaction, in one stage-neutral place: `%env` (magics), notebook run
 * parameters (kernel runner) and the LLM client's errors (generate) all decide "is this a
 * secret?" and "what does a secret look like when shown?" here, so they cannot drift apart.
 */

/** What is shown in place of a secret value (`%env`, run parameters saved in a notebook). */
export const HIDDEN = "<hidden>";

const SECRET_PARTS = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL"];

/** Names containing KEY, TOKEN, SECRET, PASSWORD (any case; also PASSWD, CREDENTIAL) are secret. */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_PARTS.some((p) => upper.includes(p));
}

/** The value as it may be shown: HIDDEN when the name looks secret. */
export function shownValue<T>(name: string, value: T): T | typeof HIDDEN {
  return isSecretName(name) ? HIDDEN : value;
}

// Key shapes of common providers; anything the caller registers as a secret is removed too.
const KEY_PATTERNS = [/sk-[A-Za-z0-9_\-]{8,}/g, /Bearer\s+[A-Za-z0-9_\-.]{8,}/gi];

/**
 * Removes the given secrets (and, unless `shapes` is false, anything shaped like an API key) from
 * text. Model replies are scrubbed of the known key only: their data may hold key-like strings.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = [], opts: { shapes?: boolean } = {}): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  }
  if (opts.shapes !== false) for (const p of KEY_PATTERNS) out = out.replace(p, "[redacted]");
  return out;
}
