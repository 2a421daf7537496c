/**
 * Draws one chart off the page's thread: vega-lite compiles the spec, vega runs it headless
 * (`renderer: "none"`) and answers the picture as an SVG string. A costly spec then costs
 * this worker, which the page terminates at its time limit, and never the conversation.
 *
 * As on the page before, the spec is evaluated by vega's expression interpreter (`ast: true`),
 * so no code is generated from it (the CSP has no 'unsafe-eval'), and its loader refuses to
 * fetch anything: a chart's data comes with it.
 */
import { parse, View } from "vega";
import { expressionInterpreter } from "vega-interpreter";
import { compile, type TopLevelSpec } from "vega-lite";
import { CHART_LOCALES } from "./chartLocale";
import type { ChartRequest, ChartResponse } from "./chartMessages";
import { OUTLINES_DATA, outlineFeatures, withOutlines } from "./outlines";

const refuse = () => Promise.reject(new Error("Charts load nothing: their data comes with them."));
const NO_LOADER = { load: refuse, sanitize: refuse, http: refuse, file: refuse };

/** Under this width a legend beside the plot would leave it too little room: it goes below, in columns. */
const NARROW_CHART_PX = 560;

/** The spec's config, with the legend below the plot on a narrow chart (unless the spec placed it). */
function fitConfig(spec: Record<string, unknown>, width: number): Record<string, unknown> | undefined {
  const config = (spec.config ?? undefined) as Record<string, unknown> | undefined;
  if (width >= NARROW_CHART_PX) return config;
  const legend = { orient: "bottom", direction: "horizontal", columns: Math.max(1, Math.floor(width / 150)), labelLimit: 130 };
  return { ...config, legend: { ...legend, ...((config?.legend as object) ?? {}) } };
}

async function draw({ spec: asked, columns, rows, geometry, outlines, width, language = "en" }: ChartRequest): Promise<string> {
  const spec = outlines?.length ? withOutlines(asked) : asked;
  const geometryIndex = geometry ? columns.indexOf(geometry) : -1;
  const values = rows.map((row) => {
    const record: Record<string, unknown> = Object.fromEntries(columns.map((name, index) => [name, row[index]]));
    // a map of shapes: each row is a GeoJSON Feature (what a projection is fitted to)
    return geometryIndex < 0 ? record : { ...record, type: "Feature", geometry: row[geometryIndex] };
  });
  // No container here to measure: a spec without its own width fills the width the page measured.
  const fits = spec.width === undefined || spec.width === "container";
  const config = fitConfig(spec, width);
  const full = {
    ...spec,
    ...(config ? { config } : {}),
    ...(fits ? { width, autosize: spec.autosize ?? { type: "fit-x", contains: "padding" } } : {}),
    datasets: { table: values, ...(outlines?.length ? { [OUTLINES_DATA]: outlineFeatures(outlines) } : {}) },
    data: { name: "table" },
  } as unknown as TopLevelSpec;
  const runtime = parse(compile(full).spec, undefined, { ast: true });
  const view = new View(runtime, {
    renderer: "none",
    expr: expressionInterpreter,
    loader: NO_LOADER as never,
    locale: CHART_LOCALES[language] ?? CHART_LOCALES.en,
  } as never);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

self.onmessage = async (event: MessageEvent<ChartRequest>) => {
  let answer: ChartResponse;
  try {
    answer = { svg: await draw(event.data) };
  } catch (error) {
    answer = { error: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(answer);
};
