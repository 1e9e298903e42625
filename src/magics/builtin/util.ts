/** Small helpers shared by the built-in magics. */
import type { ExecuteOutcome } from "../types.js";
import { displaySymbol, type MimeBundle } from "../../display/protocol.js";

/** A value that displays as an already formatted bundle (the result of a nested cell). */
export class FormattedResult {
  constructor(readonly bundle: MimeBundle) {}
  [displaySymbol](): MimeBundle {
    return this.bundle;
  }
  toString(): string {
    const text = this.bundle["text/plain"];
    return typeof text === "string" ? text : "[result]";
  }
}

/** An error re-raised from a nested cell's outcome, keeping its name and traceback. */
export class NestedCellError extends Error {
  readonly traceback: string[];
  constructor(outcome: { ename: string; evalue: string; traceback: string[] }) {
    super(outcome.evalue);
    this.name = outcome.ename;
    this.traceback = outcome.traceback;
    this.stack = outcome.traceback.length ? outcome.traceback.join("\n") : `${outcome.ename}: ${outcome.evalue}`;
  }
}

/** Turn a nested run's outcome into the magic's return value, or throw its error. */
export function outcomeValue(outcome: ExecuteOutcome): unknown {
  if (outcome.status === "error") throw new NestedCellError(outcome);
  if (outcome.status === "aborted") throw new NestedCellError({ ename: "Interrupted", evalue: "the cell was interrupted", traceback: [] });
  return outcome.result ? new FormattedResult(outcome.result) : undefined;
}

export { IDENTIFIER } from "../../identifier.js";
