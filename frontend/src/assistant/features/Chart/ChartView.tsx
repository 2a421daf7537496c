/**
 * The chart itself: vega-embed, loaded only when a chart is shown (the chat's bundle does
 * not carry vega). The spec was checked by the server's allow-list; here it is rendered
 * with vega's expression interpreter (`ast: true`), so no code is ever generated from it
 * (no eval, no new Function), and with a loader that refuses to fetch anything.
 */
import { useEffect, useRef } from "react";
import embed, { type VisualizationSpec } from "vega-embed";
import { expressionInterpreter } from "vega-interpreter";

export type ChartHandle = { toImageURL: (type: "png" | "svg") => Promise<string> };

export type ChartViewProps = {
  spec: Record<string, unknown>;
  columns: string[];
  rows: unknown[][];
  /** The column holding GeoJSON geometries, if the chart is a map of shapes. */
  geometry?: string;
  onReady?: (handle: ChartHandle, renderMs: number) => void;
  onError?: (message: string) => void;
};

const refuse = () => Promise.reject(new Error("Charts load nothing: their data comes with them."));
const NO_LOADER = { load: refuse, sanitize: refuse, http: refuse, file: refuse };

const ChartView = ({ spec, columns, rows, geometry, onReady, onError }: ChartViewProps) => {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const started = performance.now();
    const geometryIndex = geometry ? columns.indexOf(geometry) : -1;
    const values = rows.map((row) => {
      const record: Record<string, unknown> = Object.fromEntries(columns.map((name, index) => [name, row[index]]));
      // a map of shapes: each row is a GeoJSON Feature (what a projection is fitted to)
      return geometryIndex < 0 ? record : { ...record, type: "Feature", geometry: row[geometryIndex] };
    });
    const full = {
      width: "container",
      ...spec,
      datasets: { table: values },
      data: { name: "table" },
    } as unknown as VisualizationSpec;
    let finalize: (() => void) | null = null;
    let cancelled = false;
    embed(element, full, {
      actions: false,
      renderer: "canvas",
      ast: true,
      expr: expressionInterpreter,
      loader: NO_LOADER as never,
    })
      .then(async (result) => {
        finalize = () => result.finalize();
        if (cancelled) return finalize();
        await result.view.runAsync();
        const renderMs = performance.now() - started;
        element.dataset.rendered = "true";
        element.dataset.renderMs = renderMs.toFixed(1);
        onReady?.({ toImageURL: (type) => result.view.toImageURL(type, type === "png" ? 2 : 1) }, renderMs);
      })
      .catch((error: unknown) => {
        if (!cancelled) onError?.(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
      finalize?.();
    };
  }, [spec, columns, rows, geometry, onReady, onError]);
  return <div ref={container} className="w-full" data-testid="chart-view" />;
};

export default ChartView;
