/**
 * The chart itself, drawn by a Web Worker (chart.worker.ts) and shown as a picture: vega's
 * work, however costly the spec, never blocks the page. A chart not drawn within
 * CHART_TIME_LIMIT_MS stops its worker and says it is too costly to draw (its rows stay one
 * click away, in the table). The SVG is shown as an <img> from a blob: URL, where no script
 * or link of it can run.
 */
import { useTranslation } from "core/helpers/i18n";
import { useEffect, useRef, useState } from "react";
import type { ChartResponse } from "./chartMessages";
import { startChartWorker } from "./chartWorker";

/** How long a chart may take to draw before its worker is stopped. */
export const CHART_TIME_LIMIT_MS = 8000;

export type ChartHandle = { toImageURL: (type: "png" | "svg") => Promise<string> };

export type ChartViewProps = {
  spec: Record<string, unknown>;
  columns: string[];
  rows: unknown[][];
  /** The column holding GeoJSON geometries, if the chart is a map of shapes. */
  geometry?: string;
  /** A map's boundaries (GeoJSON geometries from the workspace's data), drawn under its marks. */
  outlines?: unknown[];
  /** The picture's text alternative (the chart's title). */
  alt: string;
  onReady?: (handle: ChartHandle, renderMs: number) => void;
  onError?: (message: string) => void;
  onTooCostly?: () => void;
};

/** The picture drawn on a canvas twice its size, as a PNG blob URL (for the download). */
function pngURL(image: HTMLImageElement): Promise<string> {
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth * 2;
  canvas.height = image.naturalHeight * 2;
  const context = canvas.getContext("2d");
  if (!context) return Promise.reject(new Error("No canvas to draw the PNG on."));
  context.fillStyle = "white";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(URL.createObjectURL(blob)) : reject(new Error("The PNG could not be made."))), "image/png"),
  );
}

const ChartView = ({ spec, columns, rows, geometry, outlines, alt, onReady, onError, onTooCostly }: ChartViewProps) => {
  const { t, language } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [picture, setPicture] = useState<{ url: string; started: number } | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const started = performance.now();
    delete element.dataset.rendered;
    const worker = startChartWorker();
    let url: string | null = null;
    // once stopped, the worker's answer (if one was on its way) is not heard
    const stop = () => {
      clearTimeout(limit);
      worker.onmessage = null;
      worker.onerror = null;
      worker.terminate();
    };
    const limit = setTimeout(() => {
      stop();
      onTooCostly?.();
    }, CHART_TIME_LIMIT_MS);
    worker.onmessage = (event: MessageEvent<ChartResponse>) => {
      stop();
      if ("error" in event.data) return onError?.(event.data.error);
      url = URL.createObjectURL(new Blob([event.data.svg], { type: "image/svg+xml" }));
      setPicture({ url, started });
    };
    worker.onerror = (event: ErrorEvent) => {
      stop();
      onError?.(event.message || "The chart's worker failed.");
    };
    worker.postMessage({ spec, columns, rows, geometry, outlines, width: Math.max(element.clientWidth, 200), language });
    return () => {
      stop();
      if (url) URL.revokeObjectURL(url);
      setPicture(null);
    };
  }, [spec, columns, rows, geometry, outlines, language, onError, onTooCostly]);

  const onLoad = (event: React.SyntheticEvent<HTMLImageElement>) => {
    if (!picture) return;
    const image = event.currentTarget;
    const renderMs = performance.now() - picture.started;
    const element = container.current;
    if (element) {
      element.dataset.rendered = "true";
      element.dataset.renderMs = renderMs.toFixed(1);
    }
    onReady?.({ toImageURL: async (type) => (type === "svg" ? picture.url : pngURL(image)) }, renderMs);
  };

  return (
    <div ref={container} className="w-full" data-testid="chart-view" aria-busy={!picture}>
      {picture ? (
        // eslint-disable-next-line @next/next/no-img-element -- a blob: URL made here, not an optimisable asset
        <img src={picture.url} alt={alt} onLoad={onLoad} className="h-auto max-w-full" />
      ) : (
        <p className="text-xs text-gray-500">{t("Drawing the chart…")}</p>
      )}
    </div>
  );
};

export default ChartView;
