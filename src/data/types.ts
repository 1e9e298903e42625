/**
 * Core data types shared by every pipeline stage.
 *
 * Public functions accept a `TableInput` (a danfo DataFrame, an array of records, or a
 * Frame) and convert once with `toFrame`. Internally every stage works on `Frame`: plain
 * column arrays, which metrics and training read far faster than danfo's row accessors.
 */

/** One cell. Missing is always `null` (never undefined, NaN or ""). Datetimes are text as written (their schema's `format` reads them) or unix numbers. */
export type CellValue = number | string | boolean | null;

export type ColumnKind =
  | "numeric"
  | "integer"
  | "categorical"
  | "boolean"
  | "datetime"
  | "text"
  | "id";

/** A column-oriented table. Every column array has exactly `rowCount` entries. */
export interface Frame {
  readonly columnNames: readonly string[];
  readonly columns: Readonly<Record<string, readonly CellValue[]>>;
  readonly rowCount: number;
}

export interface ColumnSchema {
  name: string;
  kind: ColumnKind;
  /** Share of missing values, 0..1. */
  nullable?: number;
  /** numeric/integer/datetime range (datetime as written in the column's format). */
  min?: number | string;
  max?: number | string;
  /** categorical/boolean: allowed values and optional weights (same order). */
  values?: readonly (string | boolean)[];
  weights?: readonly number[];
  /**
   * datetime: how values are written, "date" | "datetime" | "time" (ISO) or a pattern such as
   * "dd-mm-yyyy HH:MM", "m/d/yyyy", "d-mon-yy", "unix-ms" (docs/data.md). Inferred from real data;
   * generators write values back in it.
   */
  format?: string;
  /** text/id: a regular expression the value must match. */
  pattern?: string;
  unique?: boolean;
  /** Derived column: an expression over other columns, e.g. "price * quantity". */
  expression?: string;
  description?: string;
}

export interface Schema {
  columns: ColumnSchema[];
  /** Row-level checks, expressions that must be truthy, e.g. "amount == price * quantity". */
  checks?: string[];
  /** What inference wants a user to know, one line each (an ambiguous day/month order, values that do not fit a date format). */
  notes?: string[];
}
