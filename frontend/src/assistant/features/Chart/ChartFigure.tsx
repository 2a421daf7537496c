/**
 * A chart made by `create_chart`, in the answer: a figure with its title and a text summary
 * (the caption, in the reader's language: chartCaption.ts), a chart/table toggle (the same rows as a table, one click away), PNG and
 * SVG downloads of the picture and the CSV download of the full result.
 */
import clsx from "clsx";
import { useTranslation } from "core/helpers/i18n";
import { type ComponentType, useCallback, useEffect, useMemo, useState } from "react";
import type { Json } from "assistant/features/ToolExecutionCard/ToolViews";
import { DownloadCsvLink, QueryResultTable } from "assistant/features/ToolExecutionCard/ToolViews";
import { actsOn } from "assistant/helpers/names";
import { chartCaption, isCaptionData } from "./chartCaption";
import type { ChartHandle, ChartViewProps } from "./ChartView";

let loaded: Promise<ComponentType<ChartViewProps>> | null = null;

/** The vega part, fetched the first time a chart is shown. */
function loadChartView(): Promise<ComponentType<ChartViewProps>> {
  loaded ??= import("./ChartView").then((module) => module.default);
  return loaded;
}

function useChartView(): ComponentType<ChartViewProps> | null {
  const [view, setView] = useState<{ component: ComponentType<ChartViewProps> } | null>(null);
  useEffect(() => {
    let active = true;
    loadChartView().then((component) => active && setView({ component }));
    return () => {
      active = false;
    };
  }, []);
  return view?.component ?? null;
}

function fileName(title: string, extension: string): string {
  return `${title.replace(/[^\p{L}\p{N}_-]+/gu, "-").replace(/^-+|-+$/g, "") || "chart"}.${extension}`;
}

const ChartFigure = ({ output, executionId }: { output: Json; executionId?: string }) => {
  const { t } = useTranslation();
  const [mode, setMode] = useState<"chart" | "table">("chart");
  const [handle, setHandle] = useState<ChartHandle | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tooCostly, setTooCostly] = useState(false);
  const ChartView = useChartView();
  const page = output.page;
  // stable across renders: a new array would draw the chart again
  const columns: string[] = useMemo(() => (Array.isArray(page?.columns) ? page.columns.map(String) : []), [page]);
  const rows: Json[][] = useMemo(() => (Array.isArray(page?.rows) ? page.rows : []), [page]);
  const spec = useMemo(() => (page?.spec && typeof page.spec === "object" ? page.spec : {}), [page]);
  const outlines: Json[] | undefined = useMemo(() => (Array.isArray(page?.outlines) ? page.outlines : undefined), [page]);
  // the server names an untitled chart "Chart": in the reader's language here
  const title = output.title && output.title !== "Chart" ? String(output.title) : t("Chart");
  // the caption in the reader's language; a chart stored before it was data: its English text
  const caption = isCaptionData(page?.caption)
    ? chartCaption(t, page.caption)
    : { text: output.description ? String(output.description) : "", notes: output.note ? [String(output.note)] : [] };
  const onReady = useCallback((ready: ChartHandle) => setHandle(ready), []);
  const onError = useCallback((message: string) => setError(message), []);
  const onTooCostly = useCallback(() => setTooCostly(true), []);

  const download = async (type: "png" | "svg") => {
    if (!handle) return;
    const link = document.createElement("a");
    link.href = await handle.toImageURL(type);
    link.download = fileName(title, type);
    link.click();
  };

  const toggle = (value: "chart" | "table", label: string) => (
    <button
      type="button"
      aria-pressed={mode === value}
      onClick={() => setMode(value)}
      className={clsx(
        "px-2 py-0.5 text-xs focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500",
        mode === value ? "bg-gray-800 text-white" : "bg-white text-gray-700 hover:bg-gray-50",
      )}
    >
      {label}
    </button>
  );

  return (
    <figure className="space-y-2" data-testid="chart-figure" aria-label={title}>
      <figcaption>
        <span className="block text-sm font-semibold text-gray-900">{title}</span>
        {caption.text ? <span className="block text-xs text-gray-600">{caption.text}</span> : null}
        {caption.notes.length > 0 ? <span className="block text-xs text-amber-700">{caption.notes.join(" ")}</span> : null}
      </figcaption>
      <div className="flex flex-wrap items-center gap-1.5">
        <span role="group" aria-label={actsOn(t, t("Show as"), title)} className="inline-flex overflow-hidden rounded border border-gray-300">
          {toggle("chart", t("Chart"))}
          {toggle("table", t("Table"))}
        </span>
        <span className="ml-auto flex gap-1.5">
          {(["png", "svg"] as const).map((type) => (
            <button
              key={type}
              type="button"
              disabled={!handle || mode !== "chart"}
              onClick={() => download(type)}
              aria-label={actsOn(t, t("Download {{type}}", { type: type.toUpperCase() }), title)}
              className="rounded border border-gray-200 bg-white px-1.5 py-0.5 text-xs text-gray-600 hover:bg-gray-50 disabled:opacity-50"
            >
              {t("Download {{type}}", { type: type.toUpperCase() })}
            </button>
          ))}
          {executionId && mode === "chart" ? <DownloadCsvLink executionId={executionId} /> : null}
        </span>
      </div>
      {mode === "chart" ? (
        tooCostly ? (
          <p role="alert" className="text-xs text-amber-700">
            {t("This chart is too costly to draw in the page: its rows are in the table.")}
          </p>
        ) : error ? (
          <p role="alert" className="text-xs text-red-700">
            {t("The chart could not be drawn: {{message}}", { message: error })}
          </p>
        ) : ChartView ? (
          <ChartView
            spec={spec}
            columns={columns}
            rows={rows}
            geometry={typeof page?.geometry === "string" ? page.geometry : undefined}
            outlines={outlines}
            alt={title}
            onReady={onReady}
            onError={onError}
            onTooCostly={onTooCostly}
          />
        ) : (
          <p className="text-xs text-gray-500">{t("Loading the chart…")}</p>
        )
      ) : (
        <QueryResultTable
          output={{ columns: output.columns ?? columns, rows, row_count: rows.length, truncated: output.truncated }}
          executionId={executionId}
        />
      )}
    </figure>
  );
};

export default ChartFigure;
