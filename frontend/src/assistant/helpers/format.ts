import { currentLanguage } from "core/helpers/i18n";

/**
 * Dates, numbers and money are written the way the page's current language writes them
 * (`Intl`, one formatter per language and style, made once).
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(style: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const language = currentLanguage();
  const key = `${language} number ${style}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.NumberFormat(language, options));
  return formatters.get(key) as Intl.NumberFormat;
}

function dateFormat(style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const language = currentLanguage();
  const key = `${language} date ${style}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(language, options));
  return formatters.get(key) as Intl.DateTimeFormat;
}

/** Money is a decimal string in USD (e.g. "0.012345"); shown with enough digits to be non-zero. */
export function formatCost(cost: string | number | null | undefined): string {
  const parsed = typeof cost === "number" ? cost : Number.parseFloat(cost ?? "0");
  const value = Number.isFinite(parsed) ? parsed : 0;
  const digits = value !== 0 && Math.abs(value) < 0.01 ? 4 : 2;
  return numberFormat(`usd${digits}`, {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/** Adds decimal strings without float drift (to 10 decimals). */
export function addCosts(...costs: (string | null | undefined)[]): string {
  const SCALE = BigInt(10) ** BigInt(10);
  let total = BigInt(0);
  for (const cost of costs) {
    if (!cost) continue;
    const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(cost.trim());
    if (!match) continue;
    const [, sign, whole, fraction = ""] = match;
    const units = BigInt(whole || "0") * SCALE + BigInt((fraction + "0000000000").slice(0, 10));
    total += sign ? -units : units;
  }
  const negative = total < BigInt(0);
  const absolute = negative ? -total : total;
  const fraction = (absolute % SCALE).toString().padStart(10, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${absolute / SCALE}${fraction ? "." + fraction : ""}`;
}

export function formatNumber(value: number): string {
  return numberFormat("integer", { maximumFractionDigits: 0 }).format(value);
}

export function formatTokens(tokens: number | null | undefined): string {
  return formatNumber(Math.round(tokens ?? 0));
}

const SIZE_UNITS = ["kilobyte", "megabyte", "gigabyte", "terabyte"];

/** "512 bytes", "2.0 kB" (French: "512 octets", "2,0 ko"). */
export function formatSize(bytes: number | null | undefined): string {
  if (typeof bytes !== "number" || !Number.isFinite(bytes)) return "";
  if (bytes < 1000) return numberFormat("byte", { style: "unit", unit: "byte", unitDisplay: "long" }).format(bytes);
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return numberFormat(SIZE_UNITS[unit], {
    style: "unit",
    unit: SIZE_UNITS[unit],
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(value);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : dateFormat("medium", { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** The UTC calendar day of an ISO date-time (e.g. "Dec 1, 2026"; French "1 déc. 2026"). */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  // Budget months are calendar months in UTC: their boundaries are shown as UTC days.
  return Number.isNaN(date.getTime()) ? "" : dateFormat("utc-day", { dateStyle: "medium", timeZone: "UTC" }).format(date);
}

export function formatDuration(ms: number | null | undefined): string {
  if (typeof ms !== "number") return "";
  if (ms < 1000) return `${formatNumber(ms)} ms`;
  const seconds = numberFormat("seconds", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(ms / 1000);
  return `${seconds} s`;
}
