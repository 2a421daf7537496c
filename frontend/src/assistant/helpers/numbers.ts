import { currentLanguage } from "core/helpers/i18n";

/**
 * Numbers in result tables: right-aligned, written the way the page's language writes them
 * (French: `27 665,5`). Exact numerics arrive as strings (a bigint or numeric the browser
 * could not hold exactly): Intl formats their decimal string as it is, never through a float.
 */
const NUMERIC_TYPES = new Set(["smallint", "integer", "bigint", "numeric", "real", "double precision"]);
const EXACT = /^-?\d+(\.\d+)?$/;
const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(): Intl.NumberFormat {
  const language = currentLanguage();
  if (!formats.has(language)) formats.set(language, new Intl.NumberFormat(language, { maximumFractionDigits: 20 }));
  return formats.get(language) as Intl.NumberFormat;
}

export function isNumericType(type: unknown): boolean {
  return typeof type === "string" && NUMERIC_TYPES.has(type.replace(/\(.*\)$/, ""));
}

/** A cell's text: numbers grouped by thousands, anything else as it is. */
export function formatCell(value: unknown, numeric = false): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? numberFormat().format(value) : String(value);
  if (typeof value === "string") {
    // a decimal string is formatted exactly (Intl.NumberFormat v3), whatever its digits
    return numeric && EXACT.test(value) ? numberFormat().format(value as `${number}`) : value;
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
