/**
 * Numbers in result tables: right-aligned, with thousands separators. Exact numerics arrive
 * as strings (a bigint or numeric the browser could not hold exactly): their digits are
 * grouped as text, never through a float.
 */
const NUMERIC_TYPES = new Set(["smallint", "integer", "bigint", "numeric", "real", "double precision"]);
const numberFormat = new Intl.NumberFormat("en", { maximumFractionDigits: 20 });
const EXACT = /^(-?)(\d+)(\.\d+)?$/;

export function isNumericType(type: unknown): boolean {
  return typeof type === "string" && NUMERIC_TYPES.has(type.replace(/\(.*\)$/, ""));
}

/** A cell's text: numbers grouped by thousands, anything else as it is. */
export function formatCell(value: unknown, numeric = false): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? numberFormat.format(value) : String(value);
  if (typeof value === "string") {
    const exact = numeric ? EXACT.exec(value) : null;
    if (!exact) return value;
    const [, sign, whole, fraction = ""] = exact;
    return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction}`;
  }
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Rows as tab-separated text (for the clipboard): raw values, a header line first. */
export function toTsv(columns: string[], rows: unknown[][]): string {
  const cell = (value: unknown) =>
    (value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value)).replace(
      /[\t\n\r]+/g,
      " ",
    );
  return [columns.map(cell).join("\t"), ...rows.map((row) => row.map(cell).join("\t"))].join("\n");
}

/** Where the full result of a query tool call is downloaded as CSV (re-run by the server). */
export function downloadCsvUrl(executionId: string): string {
  return `/assistant/tool-executions/${encodeURIComponent(executionId)}/download.csv`;
}
