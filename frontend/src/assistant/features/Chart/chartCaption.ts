/**
 * A chart's caption in the reader's language, from what the server stores of it as data
 * (`page.caption`, executors/charts.py): the kind of chart, what it plots, its rows and the
 * ranges of its columns, numbers and dates written as the page's language writes them
 * (French: `27 665`, `1 janv. 2024`). A chart stored before the caption was data has only
 * its English sentence (`description`), shown as it is.
 */
import { currentLanguage, type TFunction } from "core/helpers/i18n";

type Span = { name: string; min: unknown; max: unknown; temporal?: boolean };

export type ChartCaptionData = {
  mark?: string | null;
  x?: string | null;
  y?: string | null;
  color?: string | null;
  rows: number;
  ranges?: Span[];
  /** Set when the rows were cut: at most this many points are charted. */
  charted_at_most?: number;
  /** GeoJSON values that could not be read, left out. */
  unreadable?: number;
  /** Set when the map's outlines query returned no geometry: it is drawn without outlines. */
  no_outlines?: boolean;
};

const KINDS: Record<string, (t: TFunction) => string> = {
  bar: (t) => t("Bar chart"),
  line: (t) => t("Line chart"),
  area: (t) => t("Area chart"),
  point: (t) => t("Point chart"),
  circle: (t) => t("Point chart"),
  square: (t) => t("Square chart"),
  rect: (t) => t("Heatmap"),
  geoshape: (t) => t("Map"),
  text: (t) => t("Text chart"),
  tick: (t) => t("Tick chart"),
  rule: (t) => t("Rule chart"),
  arc: (t) => t("Arc chart"),
  trail: (t) => t("Trail chart"),
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Is this the caption as data (and not something else stored under the name)? */
export function isCaptionData(value: unknown): value is ChartCaptionData {
  return typeof value === "object" && value !== null && typeof (value as ChartCaptionData).rows === "number";
}

function formatValue(value: unknown, temporal: boolean): string {
  const language = currentLanguage();
  if (typeof value === "number") return new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(value);
  if (temporal && typeof value === "string") {
    // dates and timestamps as the database wrote them (no time zone): shown as they are, in UTC
    const date = new Date(DAY.test(value) ? `${value}T00:00:00Z` : /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
    if (!Number.isNaN(date.getTime())) {
      const options: Intl.DateTimeFormatOptions = DAY.test(value)
        ? { dateStyle: "medium", timeZone: "UTC" }
        : { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" };
      return new Intl.DateTimeFormat(language, options).format(date);
    }
  }
  return String(value ?? "");
}

/** The caption's sentence and its notes (cut rows, unreadable shapes, no outlines), in the page's language. */
export function chartCaption(t: TFunction, caption: ChartCaptionData): { text: string; notes: string[] } {
  let chart = (caption.mark && KINDS[caption.mark]?.(t)) || t("Chart");
  if (caption.x && caption.y) chart = t("{{chart}} of {{y}} by {{x}}", { chart, y: caption.y, x: caption.x });
  if (caption.color) chart = t("{{chart}} coloured by {{color}}", { chart, color: caption.color });
  let text = `${chart}, ${t("{{count}} rows", { count: caption.rows })}.`;
  const spans = (caption.ranges ?? []).map((span) =>
    t("{{name}} from {{min}} to {{max}}", {
      name: span.name,
      min: formatValue(span.min, Boolean(span.temporal)),
      max: formatValue(span.max, Boolean(span.temporal)),
    }),
  );
  // the list separator is the catalogue's: French puts a space before the semicolon
  if (spans.length > 0) text += ` ${spans.reduce((list, item) => t("{{list}}; {{item}}", { list, item }))}.`;
  const notes: string[] = [];
  const number = new Intl.NumberFormat(currentLanguage());
  if (typeof caption.charted_at_most === "number") {
    notes.push(
      t("Only the first {{rows}} rows are charted (at most {{limit}} points, about 1 MB of data): aggregate in SQL (GROUP BY, date_trunc) for a complete chart.", {
        rows: number.format(caption.rows),
        limit: number.format(caption.charted_at_most),
      }),
    );
  }
  if (typeof caption.unreadable === "number" && caption.unreadable > 0) {
    notes.push(t("{{count}} GeoJSON values could not be read (not JSON, or cut for size) and are left out.", { count: caption.unreadable }));
  }
  if (caption.no_outlines) notes.push(t("The outlines query returned no GeoJSON geometry: the map is drawn without outlines."));
  return { text, notes };
}
