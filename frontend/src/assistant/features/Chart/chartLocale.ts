/**
 * How charts write numbers and dates in each language of the page: d3's own locale
 * definitions (the ones vega formats with), handed to the chart's view. Axes, legends and
 * tooltips then read `27 665` and `janv. 2024` to a French reader.
 */
import enNumber from "d3-format/locale/en-US";
import frNumber from "d3-format/locale/fr-FR";
import enTime from "d3-time-format/locale/en-US";
import frTime from "d3-time-format/locale/fr-FR";
import type { Language } from "core/helpers/i18n";

export type ChartLocale = { number: Record<string, unknown>; time: Record<string, unknown> };

export const CHART_LOCALES: Record<Language, ChartLocale> = {
  en: { number: enNumber, time: enTime },
  fr: { number: frNumber, time: frTime },
};
