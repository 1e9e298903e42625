import { execFileSync } from "node:child_process";

// Missing cell ids are only a warning in nbformat 5.x (read() even fills them in); make it an error.
const SCRIPT = `
import sys, warnings, nbformat
from nbformat.warnings import MissingIDFieldWarning
warnings.simplefilter("error", MissingIDFieldWarning)
nbformat.validate(nbformat.read(sys.argv[1], 4))
`;

/** nbformat's own validator (Debian python3-nbformat). Throws with its message when invalid. */
export function validateWithNbformat(path: string): void {
  execFileSync("/usr/bin/python3", ["-c", SCRIPT, path], { stdio: ["ignore", "pipe", "pipe"] });
}
