/** Money is a decimal string in USD (e.g. "0.012345"); shown with enough digits to be non-zero. */
export function formatCost(cost: string | number | null | undefined): string {
  const value = typeof cost === "number" ? cost : Number.parseFloat(cost ?? "0");
  if (!Number.isFinite(value) || value === 0) return "$0.00";
  if (Math.abs(value) < 0.01) return `$${value.toFixed(4)}`;
  return `$${value.toFixed(2)}`;
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

const numberFormat = new Intl.NumberFormat("en");

export function formatTokens(tokens: number | null | undefined): string {
  return numberFormat.format(Math.round(tokens ?? 0));
}

export function formatSize(bytes: number | null | undefined): string {
  if (typeof bytes !== "number" || !Number.isFinite(bytes)) return "";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : dateFormat.format(date);
}

// Budget months are calendar months in UTC: their boundaries are shown as UTC days.
const dayFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/** The UTC calendar day of an ISO date-time (e.g. "Dec 1, 2026"). */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : dayFormat.format(date);
}

export function formatDuration(ms: number | null | undefined): string {
  if (typeof ms !== "number") return "";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
