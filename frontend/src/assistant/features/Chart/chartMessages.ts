import type { Language } from "core/helpers/i18n";

/** What the page and the chart worker (chart.worker.ts) say to each other. */
export type ChartRequest = {
  spec: Record<string, unknown>;
  columns: string[];
  rows: unknown[][];
  /** The column holding GeoJSON geometries, if the chart is a map of shapes. */
  geometry?: string;
  /** A map's boundaries (GeoJSON geometries), drawn as outlines under its marks. */
  outlines?: unknown[];
  /** The width the chart fills when its spec sets none, in CSS pixels. */
  width: number;
  /** The page's language: numbers and dates of axes, legends and tooltips are written in it. */
  language?: Language;
};

export type ChartResponse = { svg: string } | { error: string };
